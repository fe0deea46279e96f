// A named profile: the values every supervisor key and alerts.threshold
// start from before the file's own keys override them.
//
// The supervisor's part is the library's (supervisor_config::profile); the
// daemon adds what only it has, the alert threshold.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "steadyfeed/feed/supervisor_config.hpp"

namespace sf::daemon {

struct profile {
  supervisor_config supervisor;
  // Reconnect failures in a row before reconnect_failure is a warning.
  std::int64_t alert_threshold = 3;

  // development, production or high-load; nullopt for any other name.
  static std::optional<profile> named(std::string_view name);
};

}  // namespace sf::daemon
