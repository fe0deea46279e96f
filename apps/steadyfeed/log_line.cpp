#include "log_line.hpp"

#include <fmt/format.h>

#include <ctime>

namespace sf::daemon {

std::string utc_text(wall_us time) {
  const std::time_t secs = static_cast<std::time_t>(time / 1'000'000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, (time % 1'000'000) / 1000);
}

}  // namespace sf::daemon
