// What the simulator is told about one venue it serves: the rules its
// connections live under, and the options only that venue's dialect reads.
//
// Rules are typed, because the server enforces them the same way for every
// venue (session_rules, the connection-rate bucket). Options are text by
// name, because nothing but the venue's own dialect reads them (OKX's book
// checksum mode, for one): a venue adds options without a field in any
// shared type. Flags and tests set them as text; the dialect checks them once,
// when the server starts (dialect::check).
//
// Thread safety: plain values.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "sim/rest_rate_limit.hpp"
#include "sim/session_rules.hpp"

namespace sf::sim {

struct venue_rules {
  session_limits limits;
  double connects_per_window = 0;  // new connections allowed per window (0: unlimited)
  duration connect_window{seconds{1}};
  std::vector<rest_limit_rule> rest_limits;  // none: REST is not rate-limited
  duration rest_ban{0};                      // a client going on after a 429 is refused this long

  friend bool operator==(const venue_rules&, const venue_rules&) = default;
};

struct venue_settings {
  venue_rules rules;
  std::map<std::string, std::string, std::less<>> options;  // option name → value, as text

  friend bool operator==(const venue_settings&, const venue_settings&) = default;
};

}  // namespace sf::sim
