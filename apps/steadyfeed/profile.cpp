#include "profile.hpp"

#include <stdexcept>
#include <string>

namespace sf::daemon {

std::optional<profile> profile::named(std::string_view name) {
  auto supervisor = supervisor_config::profile(name);
  if (!supervisor) return std::nullopt;
  // Failures in a row before a warning: fewer where failures should be
  // seen early, more where many connections make some failures normal.
  std::int64_t threshold = 0;
  if (name == "development") threshold = 2;
  if (name == "production") threshold = 3;
  if (name == "high-load") threshold = 5;
  if (threshold == 0) throw std::logic_error("profile " + std::string(name) + " has no alert threshold");
  return profile{std::move(*supervisor), threshold};
}

}  // namespace sf::daemon
