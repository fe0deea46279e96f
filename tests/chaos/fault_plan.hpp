// What one cell of the chaos matrix does to a feed: the simulator faults it
// schedules (as the simulator's own chaos file), or the network or process
// fault the runner applies itself, and what the fault must visibly cause.
//
// Faults that need a hole to act on (REST errors and 429s, refused
// connections) come with a TCP reset of every connection at the same moment:
// the hole is what makes the REST outage, or the refused reconnects, matter.
//
// Thread safety: plain data and pure functions.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sf::chaos {

// Faults the runner applies outside the simulator.
enum class outside_fault {
  none,
  link_down,  // the simulator's end of the veth pair goes down: no FIN, no RST
  squeeze,    // a tbf qdisc on the simulator's end cuts the bandwidth below the stream's
  sigstop,    // the simulator stops (SIGSTOP), then continues (SIGCONT)
};

struct fault_plan {
  std::string fault;       // the matrix's name for it
  std::string chaos_yaml;  // the simulator's schedule; empty for outside faults
  outside_fault outside = outside_fault::none;
  std::chrono::milliseconds length{0};  // how long an outside fault lasts
  bool needs_namespaces = false;        // daemon and simulator in two network namespaces
  // Fault names the simulator's fault log must show hitting a connection.
  std::vector<std::string> logged;
  bool breaks_rest = false;  // the REST history is unavailable for a while
};

// Every fault of the matrix, in table order.
const std::vector<std::string>& fault_names();

// The plan for `fault` on `venue`, its fault at `at` from the simulator's
// start; nullopt with `why` set when the fault does not apply to the venue
// (Binance spot books carry no checksum and never reset their sequence).
std::optional<fault_plan> plan_for(std::string_view fault, std::string_view venue,
                                   std::chrono::milliseconds at, std::string& why);

}  // namespace sf::chaos
