// The chaos file (`--chaos FILE`): a YAML list of faults with their start
// offsets, validated at start-up. Every problem is reported at once, each with
// the entry index, the key and the YAML line.
//
//   faults:                      # or the list at top level
//     - at: 10s
//       target: okx              # all | <venue> | <connection id>
//       fault: maintenance
//       duration: 5s
//     - {at: 30s, venue: binance-spot, symbol: BTCUSDT, fault: sequence_gap, count: 3}
//     - {at: 16s, target: okx, fault: sequence_reset}   # ids restart after the upgrade
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "sim/fault.hpp"

namespace sf::sim {

struct chaos_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Sorted by `at`. Throws chaos_error listing every problem, one per line.
std::vector<fault_spec> parse_chaos(std::string_view yaml_text, std::string_view name = "chaos");
std::vector<fault_spec> load_chaos_file(const std::string& path);

}  // namespace sf::sim
