// `steadyfeed replay`: reads a recording back and sends it on, in the order
// it was received: to standard output (NDJSON), or to the sinks a
// configuration names (for example, filling a JetStream stream from files).
//
// Order: the files of one hour are read for every stream together and
// merged by receive time (stable: a stream's own order is kept), hour after
// hour, so memory holds one hour of the recording at a time. `from`/`to`
// select by receive time; `speed` 1 keeps the recorded pace (2 is twice as
// fast), 0 goes as fast as the sinks take it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace sf::daemon {

struct replay_options {
  std::filesystem::path data{};
  std::optional<std::int64_t> from{}, to{};  // receive time, µs since the epoch, inclusive
  std::vector<std::string> streams{};        // "venue/channel/symbol"; empty: all
  double speed = 0;
  std::filesystem::path config{};  // its sinks; empty: standard output
};

// "1733184000000000" (µs since the epoch) or "2026-12-03T00:00:00Z" (with an
// optional fraction); nullopt when it is neither.
std::optional<std::int64_t> parse_time(std::string_view text);

// Returns 0 when everything was sent, 1 when some record could not be read
// or written, 2 on unusable input (a missing directory, a bad config).
int replay_command(const replay_options& options, std::ostream& out, std::ostream& err);

}  // namespace sf::daemon
