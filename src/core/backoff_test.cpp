#include "steadyfeed/core/backoff.hpp"

#include <gtest/gtest.h>

namespace sf {
namespace {

backoff_policy no_jitter() {
  backoff_policy p;
  p.initial = milliseconds{100};
  p.max = seconds{10};
  p.multiplier = 2.0;
  p.jitter = jitter_mode::none;
  return p;
}

TEST(Backoff, FollowsTheExponentialScheduleUpToTheCeiling) {
  backoff b(no_jitter());
  rng random(1);
  const std::vector<milliseconds> expected{milliseconds{100}, milliseconds{200}, milliseconds{400},
                                           milliseconds{800}, milliseconds{1600}, milliseconds{3200},
                                           milliseconds{6400}, seconds{10}, seconds{10}};
  for (auto e : expected) EXPECT_EQ(b.next_delay(random), e);
  EXPECT_EQ(b.attempts(), 9);
}

TEST(Backoff, HugeExponentsSaturateInsteadOfOverflowing) {
  backoff b(no_jitter());
  EXPECT_EQ(b.base_delay(10'000), seconds{10});
}

TEST(Backoff, ProportionalJitterStaysWithinItsBoundsAndSpreads) {
  auto p = no_jitter();
  p.jitter = jitter_mode::proportional;
  p.jitter_fraction = 0.25;
  p.max = hours{1};
  rng random(42);
  duration lo = hours{1}, hi{0};
  for (int i = 0; i < 10'000; ++i) {
    backoff b(p);
    b.next_delay(random);
    b.next_delay(random);
    const duration d = b.next_delay(random);  // base 400 ms
    ASSERT_GE(d, milliseconds{300});
    ASSERT_LE(d, milliseconds{500});
    lo = std::min(lo, d);
    hi = std::max(hi, d);
  }
  // Ten thousand draws cover nearly the whole ±25 % band.
  EXPECT_LT(lo, milliseconds{305});
  EXPECT_GT(hi, milliseconds{495});
}

TEST(Backoff, FullJitterDrawsFromZeroToTheDelay) {
  auto p = no_jitter();
  p.jitter = jitter_mode::full;
  rng random(7);
  double sum = 0;
  for (int i = 0; i < 10'000; ++i) {
    backoff b(p);
    const duration d = b.next_delay(random);
    ASSERT_GE(d.count(), 0);
    ASSERT_LE(d, milliseconds{100});
    sum += static_cast<double>(d.count());
  }
  EXPECT_NEAR(sum / 10'000 / 1e6, 50.0, 2.0);  // mean of U(0, 100 ms)
}

TEST(Backoff, JitterNeverExceedsTheCeiling) {
  auto p = no_jitter();
  p.jitter = jitter_mode::proportional;
  p.jitter_fraction = 1.0;
  rng random(3);
  backoff b(p);
  for (int i = 0; i < 1000; ++i) ASSERT_LE(b.next_delay(random), seconds{10});
}

TEST(Backoff, SameSeedGivesTheSameSchedule) {
  auto p = no_jitter();
  p.jitter = jitter_mode::proportional;
  rng a(99), c(99);
  backoff x(p), y(p);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(x.next_delay(a), y.next_delay(c));
}

TEST(Backoff, MaxAttemptsExhaustsAndResetRestarts) {
  auto p = no_jitter();
  p.max_attempts = 3;
  backoff b(p);
  rng random(1);
  for (int i = 0; i < 3; ++i) {
    EXPECT_FALSE(b.exhausted());
    b.next_delay(random);
  }
  EXPECT_TRUE(b.exhausted());
  b.reset();
  EXPECT_FALSE(b.exhausted());
  EXPECT_EQ(b.next_delay(random), milliseconds{100});
}

TEST(Backoff, ForeverNeverExhausts) {
  backoff b(no_jitter());
  rng random(1);
  for (int i = 0; i < 1000; ++i) b.next_delay(random);
  EXPECT_FALSE(b.exhausted());
}

TEST(Backoff, ValidationNamesTheField) {
  auto p = no_jitter();
  p.multiplier = 0.5;
  ASSERT_NE(p.validate(), nullptr);
  EXPECT_NE(std::string(p.validate()).find("backoff.multiplier"), std::string::npos);
  p = no_jitter();
  p.max = milliseconds{1};
  EXPECT_NE(std::string(p.validate()).find("backoff.max"), std::string::npos);
  p = no_jitter();
  p.jitter_fraction = 1.5;
  EXPECT_NE(std::string(p.validate()).find("backoff.jitter"), std::string::npos);
  EXPECT_EQ(no_jitter().validate(), nullptr);
}

}  // namespace
}  // namespace sf
