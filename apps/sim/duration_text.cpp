#include "sim/duration_text.hpp"

#include <charconv>
#include <cmath>

namespace sf::sim {

std::optional<duration> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::size_t i = 0;
  while (i < text.size() && ((text[i] >= '0' && text[i] <= '9') || text[i] == '.')) ++i;
  if (i == 0) return std::nullopt;
  double value = 0;
  const auto r = std::from_chars(text.data(), text.data() + i, value);
  if (r.ec != std::errc{} || r.ptr != text.data() + i || !std::isfinite(value)) return std::nullopt;
  const std::string_view unit = text.substr(i);
  double ns_per = 0;
  if (unit.empty() || unit == "s") {
    ns_per = 1e9;
  } else if (unit == "ms") {
    ns_per = 1e6;
  } else if (unit == "us") {
    ns_per = 1e3;
  } else if (unit == "ns") {
    ns_per = 1;
  } else if (unit == "m" || unit == "min") {
    ns_per = 60e9;
  } else if (unit == "h") {
    ns_per = 3600e9;
  } else if (unit == "d") {
    ns_per = 86400e9;
  } else {
    return std::nullopt;
  }
  const double ns = value * ns_per;
  if (ns > 9e18) return std::nullopt;
  return duration{static_cast<duration::rep>(std::llround(ns))};
}

std::string format_duration(duration d) {
  const auto ms = std::chrono::duration_cast<milliseconds>(d).count();
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

}  // namespace sf::sim
