// The daemon's event lines, read back from its log (run with log.level info),
// and what a chaos cell measures from them:
//
//   detection  the first sign after the fault that the daemon noticed
//              something: a connection leaving live, a heartbeat or stale
//              stream timeout, an error, a resync or a gap, a rotation;
//   recovery   the last event after the fault that put things right again:
//              a connection back to live, a rotation completed, a stream
//              resumed. Absent when nothing had to recover.
//
//   2026-12-02T09:30:00.123Z steadyfeed: okx/0 state_changed: live -> reconnecting: ...
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sf::chaos {

struct log_event {
  std::int64_t wall_us = 0;
  std::string connection;  // "okx/0", or "sink files"
  std::string kind;        // event_kind's name
  std::string reason;
};

// Every event line of `log`; other lines are skipped.
std::vector<log_event> read_events(std::string_view log);

bool is_detection(const log_event& e);
bool is_recovery(const log_event& e);

struct reaction {
  std::optional<std::int64_t> detected_us, recovered_us;  // after the fault
  std::string detected_by;                                // "okx/1 heartbeat_timeout"
};

// What the daemon did about a fault applied at `fault_us` (wall time), up to
// `stop_us`, when it was told to stop (its own shutdown is no reaction).
reaction react(const std::vector<log_event>& events, std::int64_t fault_us, std::int64_t stop_us);

}  // namespace sf::chaos
