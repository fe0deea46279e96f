#include "net/retry_after.hpp"

#include <array>
#include <chrono>

namespace sf {
namespace {

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Reads exactly `width` digits.
bool digits(std::string_view s, std::size_t at, std::size_t width, int& out) noexcept {
  if (at + width > s.size()) return false;
  out = 0;
  for (std::size_t i = at; i < at + width; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

}  // namespace

std::optional<std::int64_t> parse_http_date(std::string_view text) noexcept {
  // "Sun, 06 Nov 1994 08:49:37 GMT": fixed width, 29 characters.
  const std::string_view s = trim(text);
  if (s.size() != 29 || s[3] != ',' || s[4] != ' ' || s[7] != ' ' || s[11] != ' ' || s[16] != ' ' ||
      s[19] != ':' || s[22] != ':' || s.substr(25) != " GMT")
    return std::nullopt;
  static constexpr std::array<std::string_view, 12> months = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  unsigned month = 0;
  for (unsigned i = 0; i < months.size(); ++i)
    if (s.substr(8, 3) == months[i]) month = i + 1;
  int day = 0, year = 0, hour = 0, minute = 0, second = 0;
  if (month == 0 || !digits(s, 5, 2, day) || !digits(s, 12, 4, year) || !digits(s, 17, 2, hour) ||
      !digits(s, 20, 2, minute) || !digits(s, 23, 2, second))
    return std::nullopt;
  // 60 admits a leap second.
  if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
  const std::chrono::year_month_day date{std::chrono::year{year}, std::chrono::month{month},
                                         std::chrono::day{static_cast<unsigned>(day)}};
  if (!date.ok()) return std::nullopt;
  const auto days = std::chrono::sys_days{date}.time_since_epoch().count();
  return std::int64_t{days} * 86'400 + hour * 3'600 + minute * 60 + second;
}

duration parse_retry_after(std::string_view retry_after, std::string_view date) noexcept {
  const std::string_view value = trim(retry_after);
  if (value.empty()) return duration{0};
  if (value.front() >= '0' && value.front() <= '9') {
    std::int64_t secs = 0;
    for (char c : value) {
      if (c < '0' || c > '9') return duration{0};
      secs = secs * 10 + (c - '0');
      // Anything beyond a day is either a mistake or a ban the venue also
      // signals otherwise; capping keeps the arithmetic far from overflow.
      if (secs > 86'400) secs = 86'400;
    }
    return seconds{secs};
  }
  const auto at = parse_http_date(value);
  const auto sent = parse_http_date(date);
  if (!at || !sent || *at <= *sent) return duration{0};
  return seconds{std::min<std::int64_t>(*at - *sent, 86'400)};
}

}  // namespace sf
