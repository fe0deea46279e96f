#include "net/retry_after.hpp"

#include <gtest/gtest.h>

namespace sf {
namespace {

TEST(parse_retry_after, delta_seconds) {
  EXPECT_EQ(parse_retry_after("120"), seconds{120});
  EXPECT_EQ(parse_retry_after(" 7 "), seconds{7});
  EXPECT_EQ(parse_retry_after("0"), seconds{0});
}

TEST(parse_retry_after, absent_or_garbage_is_zero) {
  EXPECT_EQ(parse_retry_after(""), duration{0});
  EXPECT_EQ(parse_retry_after("soon"), duration{0});
  EXPECT_EQ(parse_retry_after("12s"), duration{0});
  EXPECT_EQ(parse_retry_after("-5"), duration{0});
}

TEST(parse_retry_after, huge_values_are_capped_at_a_day) {
  EXPECT_EQ(parse_retry_after("99999999999999999999999"), seconds{86'400});
}

TEST(parse_retry_after, http_date_is_relative_to_the_date_header) {
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", "Wed, 21 Oct 2015 07:26:30 GMT"),
            seconds{90});
  // Across a month boundary.
  EXPECT_EQ(parse_retry_after("Sun, 01 Mar 2020 00:00:10 GMT", "Sat, 29 Feb 2020 23:59:50 GMT"),
            seconds{20});
}

TEST(parse_retry_after, http_date_without_usable_date_header_is_zero) {
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), duration{0});
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", "yesterday"), duration{0});
  // A date in the past means "now".
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", "Wed, 21 Oct 2015 08:00:00 GMT"),
            duration{0});
}

TEST(parse_http_date, imf_fixdate) {
  EXPECT_EQ(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), 0);
  EXPECT_EQ(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
  EXPECT_EQ(parse_http_date("Tue, 14 Nov 2023 22:13:20 GMT"), 1700000000);
}

TEST(parse_http_date, rejects_other_forms_and_impossible_dates) {
  EXPECT_FALSE(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"));  // RFC 850
  EXPECT_FALSE(parse_http_date("Sun Nov  6 08:49:37 1994"));        // asctime
  EXPECT_FALSE(parse_http_date("Sun, 31 Feb 1994 08:49:37 GMT"));
  EXPECT_FALSE(parse_http_date("Sun, 06 Foo 1994 08:49:37 GMT"));
  EXPECT_FALSE(parse_http_date("Sun, 06 Nov 1994 24:49:37 GMT"));
  EXPECT_FALSE(parse_http_date("Sun, 06 Nov 1994 08:49:37 UTC"));
}

}  // namespace
}  // namespace sf
