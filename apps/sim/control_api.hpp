// The simulator's control API, on the same port as the venues:
//   GET  /_sim/connections  live connections: id, venue, target, state, topics, counters
//   POST /_sim/faults       inject a fault now; body: a JSON object with the
//                           chaos-file fields (fault, target|venue|connection,
//                           symbol, duration, count, ...); 400 lists every problem
//   GET  /_sim/faults       the fault log so far (one JSON object per fault)
// Blast mode is a WebSocket upgrade to /_sim/blast?frames=N or
// /_sim/blast/N/stream?streams=<symbol>@trade (see blast.hpp).
//
// Thread safety: called on the server's I/O thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/fault.hpp"
#include "sim/http_reply.hpp"

namespace sf::sim {

class control_target {
 public:
  virtual ~control_target() = default;
  virtual std::string connections_json() = 0;
  virtual std::vector<std::uint64_t> inject(const fault_spec& f) = 0;
  virtual std::string fault_log_json() = 0;
};

// nullopt: not a control path.
std::optional<http_reply> handle_control(control_target& target, std::string_view method, std::string_view path,
                                         std::string_view body);

}  // namespace sf::sim
