// Every venue the simulator speaks, by name: the one place that lists them.
// The server, the command line, faults and the market generator find a venue's
// dialect here, so adding a venue is its dialect files plus one line in
// dialect_registry.cpp.
//
// Thread safety: the registry is built on first use and immutable after;
// safe from any thread.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "sim/dialect.hpp"

namespace sf::sim {

// The dialects, in the order they are listed (help text, default --venues).
const std::vector<const dialect*>& all_dialects();
// The dialect named `name`; nullptr when there is none.
const dialect* find_dialect(std::string_view name);
// The dialect named `name`; throws std::invalid_argument naming an unknown venue.
const dialect& dialect_of(std::string_view name);
// Their names: "binance-spot", "okx".
std::vector<std::string> dialect_names();
// Every dialect's default settings, by name.
std::map<std::string, venue_settings, std::less<>> default_venue_settings();

}  // namespace sf::sim
