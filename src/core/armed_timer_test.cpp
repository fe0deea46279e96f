#include "steadyfeed/core/armed_timer.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <optional>

namespace sf {
namespace {

TEST(ArmedTimer, CountsEachTokenOnceWhereverItIsMoved) {
  const auto before = armed_timer::count();
  {
    armed_timer a;
    EXPECT_EQ(armed_timer::count(), before + 1);
    armed_timer b(std::move(a));
    EXPECT_EQ(armed_timer::count(), before + 1);
    auto handler = [token = std::move(b)] {};
    auto moved = std::move(handler);
    EXPECT_EQ(armed_timer::count(), before + 1);
  }
  EXPECT_EQ(armed_timer::count(), before);
}

// A wait counts until its handler is gone: run, cancelled, or dropped with
// its io_context.
TEST(ArmedTimer, AWaitCountsUntilItsHandlerRunsIsCancelledOrIsDropped) {
  const auto before = armed_timer::count();
  {
    boost::asio::io_context ioc;
    boost::asio::steady_timer ran(ioc), cancelled(ioc);
    std::optional<boost::asio::steady_timer> dropped(std::in_place, ioc);
    ran.expires_after(std::chrono::seconds{0});
    cancelled.expires_after(std::chrono::hours{1});
    dropped->expires_after(std::chrono::hours{1});
    int calls = 0;
    ran.async_wait([token = armed_timer{}, &calls](auto) { ++calls; });
    cancelled.async_wait([token = armed_timer{}, &calls](auto) { ++calls; });
    dropped->async_wait([token = armed_timer{}](auto) {});
    EXPECT_EQ(armed_timer::count(), before + 3);
    ioc.poll();
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(armed_timer::count(), before + 2);
    cancelled.cancel();
    ioc.poll();
    EXPECT_EQ(calls, 2);
    EXPECT_EQ(armed_timer::count(), before + 1);
  }
  EXPECT_EQ(armed_timer::count(), before);  // the io_context destroyed the last handler
}

}  // namespace
}  // namespace sf
