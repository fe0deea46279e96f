#include "sim/decimal.hpp"

#include <charconv>
#include <limits>

namespace sf::sim {

void append_decimal(std::string& out, std::int64_t units, number_style style) {
  std::uint64_t magnitude = 0;
  if (units < 0) {
    out.push_back('-');
    magnitude = static_cast<std::uint64_t>(-(units + 1)) + 1;
  } else {
    magnitude = static_cast<std::uint64_t>(units);
  }
  const std::uint64_t whole = magnitude / units_per_one;
  std::uint64_t frac = magnitude % units_per_one;

  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, whole);
  (void)ec;
  out.append(buf, end);

  int digits = unit_decimals;
  if (style == number_style::trimmed) {
    if (frac == 0) return;
    while (frac % 10 == 0) {
      frac /= 10;
      --digits;
    }
  }
  char fraction[unit_decimals];
  for (int i = digits - 1; i >= 0; --i) {
    fraction[i] = static_cast<char>('0' + frac % 10);
    frac /= 10;
  }
  out.push_back('.');
  out.append(fraction, static_cast<std::size_t>(digits));
}

std::string format_decimal(std::int64_t units, number_style style) {
  std::string out;
  append_decimal(out, units, style);
  return out;
}

std::optional<std::int64_t> parse_decimal(std::string_view text) noexcept {
  if (text.empty()) return std::nullopt;
  const auto dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view frac = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
  if (whole.empty() || (dot != std::string_view::npos && frac.empty())) return std::nullopt;
  if (frac.size() > static_cast<std::size_t>(unit_decimals)) return std::nullopt;
  std::int64_t value = 0;
  for (const char c : whole) {
    if (c < '0' || c > '9') return std::nullopt;
    if (value > (std::numeric_limits<std::int64_t>::max() - (c - '0')) / 10 / units_per_one)
      return std::nullopt;
    value = value * 10 + (c - '0');
  }
  value *= units_per_one;
  std::int64_t scale = units_per_one;
  for (const char c : frac) {
    if (c < '0' || c > '9') return std::nullopt;
    scale /= 10;
    value += (c - '0') * scale;
  }
  return value;
}

}  // namespace sf::sim
