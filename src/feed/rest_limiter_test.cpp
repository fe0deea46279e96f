#include "steadyfeed/feed/rest_limiter.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

namespace sf {
namespace {

const time_point t0 = time_point{} + hours{1};

// Of the grants, the most cost inside any window of `window`.
int busiest_window(const std::vector<std::pair<time_point, int>>& grants, duration window) {
  int most = 0;
  for (std::size_t i = 0; i < grants.size(); ++i) {
    int sum = 0;
    for (const auto& [t, c] : grants)
      if (t >= grants[i].first && t < grants[i].first + window) sum += c;
    most = std::max(most, sum);
  }
  return most;
}

TEST(RestLimiter, ABurstOfBinanceSnapshotsIsSpreadUnderTheWeightLimit) {
  rest_limiter limits({{"REQUEST_WEIGHT", 6000, minutes{1}}});
  EXPECT_EQ(limits.capacity("REQUEST_WEIGHT"), 4800);  // 80 % of the limit
  // 300 books resync at once: 300 × 50 weight is 2.5 times a minute's budget.
  std::vector<std::pair<time_point, int>> grants;
  for (int i = 0; i < 300; ++i) grants.emplace_back(limits.reserve("REQUEST_WEIGHT", 50, t0), 50);
  EXPECT_EQ(busiest_window(grants, minutes{1}), 4800);
  for (std::size_t i = 0; i < 96; ++i) EXPECT_EQ(grants[i].first, t0) << i;  // what fits goes at once
  // A minute, padded by 6 s for requests held up on their way.
  EXPECT_EQ(grants[96].first, t0 + seconds{66});
  EXPECT_EQ(grants[192].first, t0 + seconds{132});
  EXPECT_EQ(grants[299].first, t0 + seconds{198});
  for (std::size_t i = 1; i < grants.size(); ++i) EXPECT_GE(grants[i].first, grants[i - 1].first);
}

TEST(RestLimiter, WindowsArePaddedForRequestsHeldUpOnTheirWay) {
  EXPECT_EQ(rest_limiter::padded(minutes{1}), seconds{66});
  EXPECT_EQ(rest_limiter::padded(seconds{2}), milliseconds{2250});
  EXPECT_EQ(rest_limiter::padded(seconds{10}), seconds{11});
}

TEST(RestLimiter, MixedCostsNeverOvertakeAndEveryWindowStaysUnderTheLimit) {
  rest_limiter limits({{"w", 100, seconds{10}}}, 1.0);
  std::vector<std::pair<time_point, int>> grants;
  time_point now = t0;
  for (int i = 0; i < 500; ++i) {
    const int cost = 1 + (i * 37) % 40;
    const time_point at = limits.reserve("w", cost, now);
    ASSERT_GE(at, now);
    if (!grants.empty()) {
      ASSERT_GE(at, grants.back().first) << "request " << i << " overtook";
    }
    grants.emplace_back(at, cost);
    now += milliseconds{(i * 13) % 700};
  }
  EXPECT_LE(busiest_window(grants, seconds{10}), 100);
}

TEST(RestLimiter, CapacityFreesAsGrantsLeaveTheWindow) {
  rest_limiter limits({{"history-trades", 20, seconds{2}}}, 1.0);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(limits.reserve("history-trades", 1, t0), t0);
  // 2 s, padded by 250 ms.
  EXPECT_EQ(limits.reserve("history-trades", 1, t0 + milliseconds{500}), t0 + milliseconds{2250});
  // Much later, all of it is free again.
  for (int i = 0; i < 19; ++i) EXPECT_EQ(limits.reserve("history-trades", 1, t0 + seconds{10}), t0 + seconds{10});
}

TEST(RestLimiter, BudgetsAreSeparateAndAnUnknownOneIsUnlimited) {
  rest_limiter limits({{"books", 2, seconds{2}}, {"history-trades", 2, seconds{2}}}, 1.0);
  EXPECT_EQ(limits.reserve("books", 1, t0), t0);
  EXPECT_EQ(limits.reserve("books", 1, t0), t0);
  EXPECT_EQ(limits.reserve("history-trades", 1, t0), t0);
  EXPECT_EQ(limits.reserve("books", 1, t0), t0 + milliseconds{2250});
  for (int i = 0; i < 100; ++i) EXPECT_EQ(limits.reserve("", 1, t0), t0);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(limits.reserve("candles", 5, t0), t0);
  EXPECT_EQ(limits.capacity("candles"), 0);
}

TEST(RestLimiter, ARequestCostingMoreThanTheBudgetGoesAloneInItsWindow) {
  rest_limiter limits({{"w", 100, seconds{1}}}, 1.0);
  EXPECT_EQ(limits.reserve("w", 1, t0), t0);
  EXPECT_EQ(limits.reserve("w", 250, t0), t0 + milliseconds{1250});  // counted as the whole budget
  EXPECT_EQ(limits.reserve("w", 1, t0), t0 + milliseconds{2500});
}

TEST(RestLimiter, ARefusalForRateHoldsEveryBudgetUntilRetryAfter) {
  rest_limiter limits({{"w", 100, seconds{1}}}, 1.0);
  EXPECT_EQ(limits.reserve("w", 1, t0), t0);
  limits.hold_until(t0 + seconds{30});
  EXPECT_EQ(limits.reserve("w", 1, t0 + seconds{1}), t0 + seconds{30});
  EXPECT_EQ(limits.reserve("", 1, t0 + seconds{1}), t0 + seconds{30});
  limits.hold_until(t0 + seconds{5});  // an earlier hold does not shorten it
  EXPECT_EQ(limits.reserve("", 1, t0 + seconds{2}), t0 + seconds{30});
  EXPECT_EQ(limits.reserve("", 1, t0 + seconds{31}), t0 + seconds{31});
}

TEST(RestLimiter, FeedsOnSeveralThreadsShareOneBudget) {
  rest_limiter limits({{"w", 1000, minutes{1}}}, 1.0);
  std::vector<std::vector<std::pair<time_point, int>>> per_thread(4);
  std::vector<std::thread> threads;
  for (auto& out : per_thread)
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i) out.emplace_back(limits.reserve("w", 3, t0), 3);
    });
  for (auto& t : threads) t.join();
  std::vector<std::pair<time_point, int>> all;
  for (const auto& v : per_thread) all.insert(all.end(), v.begin(), v.end());
  std::sort(all.begin(), all.end());
  EXPECT_LE(busiest_window(all, minutes{1}), 1000);
  // 2 000 requests, 333 a (padded) minute: the last two in the seventh.
  EXPECT_EQ(all[1997].first, t0 + 5 * seconds{66});
  EXPECT_EQ(all.back().first, t0 + 6 * seconds{66});
}

TEST(RestLimiter, ALimitThatIsNoLimitIsRefused) {
  EXPECT_THROW(rest_limiter({{"w", 0, seconds{1}}}), std::invalid_argument);
  EXPECT_THROW(rest_limiter({{"w", 10, duration{0}}}), std::invalid_argument);
  try {
    rest_limiter({{"REQUEST_WEIGHT", -5, minutes{1}}});
    ADD_FAILURE() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "REST limit 'REQUEST_WEIGHT': -5 per 60000 ms is not a limit");
  }
}

TEST(RestLimiter, LimitersSharingAHoldAllWaitForIt) {
  auto hold = std::make_shared<rest_hold>();
  rest_limiter venue({{"w", 100, seconds{1}}}, 0.8, hold);
  rest_limiter own({{"w", 1000, seconds{1}}}, 0.8, hold);  // a feed told other limits, same IP
  own.hold_until(t0 + seconds{30});
  EXPECT_EQ(venue.held_until(), t0 + seconds{30});
  EXPECT_EQ(venue.reserve("w", 1, t0), t0 + seconds{30});
  EXPECT_EQ(rest_limiter({}).held_until(), time_point{});  // a limiter of its own is not held
}

}  // namespace
}  // namespace sf
