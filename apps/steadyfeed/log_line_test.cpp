#include "log_line.hpp"

#include <gtest/gtest.h>

namespace sf::daemon {
namespace {

TEST(LogLine, TimesAreUtcToTheMillisecond) {
  EXPECT_EQ(utc_text(1'700'000'000'123'456), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(utc_text(0), "1970-01-01T00:00:00.000Z");
}

}  // namespace
}  // namespace sf::daemon
