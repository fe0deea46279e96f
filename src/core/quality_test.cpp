#include "steadyfeed/core/quality.hpp"

#include <gtest/gtest.h>

namespace sf {
namespace {

constexpr time_point at(double s) {
  return time_point{std::chrono::duration_cast<duration>(std::chrono::duration<double>(s))};
}

TEST(Quality, MessageRateCountsEveryMessageOfTheLastMinute) {
  quality_tracker q(at(0));
  // 50 messages in each of the first ten seconds, several per second apart
  // and some at a second's very start and end.
  for (int s = 0; s < 10; ++s)
    for (int i = 0; i < 50; ++i) q.record_message(at(s + i / 50.0));
  EXPECT_DOUBLE_EQ(q.report(at(9.999)).messages_per_second, 50.0);
  // A minute later the first seconds have left the window.
  q.record_message(at(65));
  EXPECT_DOUBLE_EQ(q.report(at(65.5)).messages_per_second, (4 * 50 + 1) / 60.0);
  // Much later, the slot a second shares with one a minute before is reset.
  for (int i = 0; i < 3; ++i) q.record_message(at(600.2));
  EXPECT_DOUBLE_EQ(q.report(at(600.9)).messages_per_second, 3 / 60.0);
}

TEST(Quality, AMessageStampedEarlierThanTheLastStillCounts) {
  // Stamps come from reads; one stamped in the previous second, after one
  // in the next, goes into its own second.
  quality_tracker q(at(0));
  q.record_message(at(5.1));
  q.record_message(at(4.9));
  q.record_message(at(5.2));
  EXPECT_DOUBLE_EQ(q.report(at(5.5)).messages_per_second, 3 / 6.0);
  q.record_error(at(5.3));
  EXPECT_DOUBLE_EQ(q.report(at(5.5)).errors_per_minute, 1 * 60.0 / 6.0);
}

}  // namespace
}  // namespace sf
