#include "sim/rest_rate_limit.hpp"

#include <gtest/gtest.h>

namespace sf::sim {
namespace {

const time_point t0 = time_point{} + hours{1};

TEST(RestRateLimit, AtTheLimitA429SaysWhenItFitsAgain) {
  rest_rate_limit limit({{"REQUEST_WEIGHT", 100, minutes{1}}}, duration{0});
  EXPECT_EQ(limit.admit("REQUEST_WEIGHT", 50, t0).status, 0);
  EXPECT_EQ(limit.admit("REQUEST_WEIGHT", 50, t0 + seconds{10}).status, 0);
  const auto refused = limit.admit("REQUEST_WEIGHT", 5, t0 + seconds{20});
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(refused.retry_after, seconds{40});  // when the first 50 leave the window
  EXPECT_EQ(limit.admit("REQUEST_WEIGHT", 5, t0 + seconds{60}).status, 0);
  EXPECT_EQ(limit.admit("", 1000, t0 + seconds{60}).status, 0);  // no budget: free
  EXPECT_EQ(limit.admit("other", 1000, t0 + seconds{60}).status, 0);
}

TEST(RestRateLimit, GoingOnBeforeRetryAfterIsBanned) {
  rest_rate_limit limit({{"w", 10, seconds{10}}}, minutes{2});
  EXPECT_EQ(limit.admit("w", 10, t0).status, 0);
  EXPECT_EQ(limit.admit("w", 1, t0 + seconds{1}).status, 429);  // Retry-After 9 s
  // Two more were on their way: let off with a 429 telling what is left.
  const auto again = limit.admit("w", 1, t0 + seconds{1});
  EXPECT_EQ(again.status, 429);
  EXPECT_EQ(again.retry_after, seconds{9});
  EXPECT_EQ(limit.admit("", 1, t0 + seconds{2}).status, 429);
  const auto banned = limit.admit("w", 1, t0 + seconds{2});
  EXPECT_EQ(banned.status, 418);
  EXPECT_EQ(banned.retry_after, minutes{2});
  EXPECT_EQ(limit.admit("", 1, t0 + seconds{60}).status, 418);  // everything, for the ban's length
  EXPECT_EQ(limit.admit("w", 1, t0 + seconds{2} + minutes{2}).status, 0);
}

TEST(RestRateLimit, WaitingAsToldIsNotBanned) {
  rest_rate_limit limit({{"w", 10, seconds{10}}}, minutes{2});
  EXPECT_EQ(limit.admit("w", 10, t0).status, 0);
  const auto refused = limit.admit("w", 1, t0 + seconds{1});
  ASSERT_EQ(refused.status, 429);
  EXPECT_EQ(limit.admit("w", 1, t0 + seconds{1} + refused.retry_after).status, 0);
}

TEST(RestRateLimit, AnInjected429StartsTheSameWait) {
  rest_rate_limit limit({{"w", 10, seconds{10}}}, minutes{2});
  limit.refused_until(t0 + seconds{3});
  EXPECT_EQ(limit.admit("w", 1, t0 + seconds{1}).status, 429);
  EXPECT_EQ(limit.admit("w", 1, t0 + seconds{1}).status, 429);
  EXPECT_EQ(limit.admit("w", 1, t0 + seconds{2}).status, 418);
  rest_rate_limit patient({{"w", 10, seconds{10}}}, minutes{2});
  patient.refused_until(t0 + seconds{3});
  EXPECT_EQ(patient.admit("w", 1, t0 + seconds{3}).status, 0);
}

TEST(RestRateLimit, WithoutABanA429IsAllThereIs) {
  rest_rate_limit limit({{"history-trades", 2, seconds{2}}}, duration{0});
  EXPECT_EQ(limit.admit("history-trades", 1, t0).status, 0);
  EXPECT_EQ(limit.admit("history-trades", 1, t0).status, 0);
  EXPECT_EQ(limit.admit("history-trades", 1, t0).status, 429);
  EXPECT_EQ(limit.admit("history-trades", 1, t0 + milliseconds{10}).status, 429);
  EXPECT_EQ(limit.admit("history-trades", 1, t0 + seconds{2}).status, 0);
}

}  // namespace
}  // namespace sf::sim
