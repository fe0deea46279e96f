#include "log_line.hpp"

#include <gtest/gtest.h>

namespace sf::daemon {
namespace {

TEST(LogLine, TimesAreUtcToTheMillisecond) {
  EXPECT_EQ(utc_text(1'700'000'000'123'456), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(utc_text(0), "1970-01-01T00:00:00.000Z");
  const std::string p = log_prefix();
  EXPECT_EQ(p.size(), std::string("2023-11-14T22:13:20.123Z steadyfeed: ").size()) << p;
  EXPECT_EQ(p.substr(p.size() - 12), "steadyfeed: ");
  EXPECT_EQ(p[23], 'Z');
}

}  // namespace
}  // namespace sf::daemon
