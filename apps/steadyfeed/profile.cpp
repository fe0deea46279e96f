#include "profile.hpp"

namespace sf::daemon {

std::optional<profile> profile::named(std::string_view name) {
  auto supervisor = supervisor_config::profile(name);
  if (!supervisor) return std::nullopt;
  // The reconnect manager's documented alert_threshold of each profile.
  const std::int64_t threshold = name == "development" ? 2 : name == "high-load" ? 5 : 3;
  return profile{std::move(*supervisor), threshold};
}

}  // namespace sf::daemon
