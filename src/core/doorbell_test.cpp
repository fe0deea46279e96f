#include "steadyfeed/core/doorbell.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace sf {
namespace {

using namespace std::chrono_literals;

TEST(Doorbell, AWaitWithWorkAlreadyThereReturnsAtOnce) {
  doorbell bell;
  EXPECT_TRUE(bell.wait(0ns, [] { return true; }));
  EXPECT_FALSE(bell.wait(0ns, [] { return false; }));
  EXPECT_FALSE(bell.sleeping());
}

// Two threads hand a token back and forth through two doorbells, many times.
// A lost ring leaves one side asleep until its timeout, which is long: every
// wait must end with the token, and the whole exchange well before one
// timeout could pass.
TEST(Doorbell, NoRingIsLostBetweenTwoThreadsPassingATokenBackAndForth) {
  constexpr int rounds = 20'000;
  constexpr auto timeout = 30s;
  doorbell to_b, to_a;
  std::atomic<int> token{0};  // even: a's turn; odd: b's
  std::atomic<int> timed_out{0};
  const auto start = std::chrono::steady_clock::now();  // clock-ok: bounds a real-thread exchange
  std::thread b([&] {
    for (int i = 0; i < rounds; ++i) {
      if (!to_b.wait(timeout, [&] { return token.load() == 2 * i + 1; })) ++timed_out;
      token.store(2 * i + 2);
      to_a.ring();
    }
  });
  for (int i = 0; i < rounds; ++i) {
    token.store(2 * i + 1);
    to_b.ring();
    if (!to_a.wait(timeout, [&] { return token.load() == 2 * i + 2; })) ++timed_out;
  }
  b.join();
  EXPECT_EQ(timed_out.load(), 0);
  EXPECT_EQ(token.load(), 2 * rounds);
  EXPECT_LT(std::chrono::steady_clock::now() - start, timeout);  // clock-ok: as above
}

}  // namespace
}  // namespace sf
