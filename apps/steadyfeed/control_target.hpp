// What the control plane reads and steers: the running recording, seen
// through published snapshots and asynchronous requests only.
//
// The daemon's recorder implements it; tests use a fake. Every call may come
// from the control plane's own thread: the reads return copies, and the
// requests post to the feeds' threads and return at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "steadyfeed/runtime/feed.hpp"

#include "steadyfeed/sink/sink.hpp"

namespace sf::daemon {

struct sink_status {
  std::uint64_t records = 0, bytes_written = 0;
  // Records that could not reach the sinks' queue, or that a sink could not
  // write; each is covered by a gap record in the recording.
  std::uint64_t dropped = 0;
  std::uint64_t errors = 0;  // sink calls that failed
  std::size_t queue_depth = 0;
  std::string last_error;
  struct per_sink {
    std::string name;
    std::uint64_t records = 0, errors = 0;
    sink_stats stats;  // the sink's own figures (queued, in flight, acks, spool)
  };
  std::vector<per_sink> each;
};

// What a configuration reload did.
struct reload_result {
  // False: the file was refused whole, nothing changed, and `lines` names
  // every problem.
  bool applied = false;
  // When applied: the changes made.
  std::vector<std::string> lines;
  // When applied: what the file asks that is not in effect: settings that
  // take a restart, and steps that failed.
  std::vector<std::string> not_applied;
  bool failed_steps = false;  // some of not_applied failed, rather than waiting for a restart
};

class control_target {
 public:
  virtual ~control_target() = default;

  virtual std::vector<feed_stats> feeds() const = 0;
  virtual sink_status sinks() const = 0;

  // Drops connection `index` of feed `feed_id` and reconnects it at once (a
  // failed connection starts over). False when there is no such connection.
  virtual bool reconnect(std::string_view feed_id, std::size_t index, std::string reason) = 0;
  // Adds or removes streams of a running feed, sending only the difference.
  // False when there is no such feed; throws std::invalid_argument naming the
  // problem (an unknown channel, a symbol the venue cannot spell, too many
  // topics), and then changes nothing.
  virtual bool subscribe(std::string_view feed_id, std::vector<std::string> symbols,
                         std::vector<std::string> channels) = 0;
  virtual bool unsubscribe(std::string_view feed_id, std::vector<std::string> symbols,
                           std::vector<std::string> channels) = 0;
  // Reads the configuration file again and applies what changed
  // (config_change.hpp). Blocks until the change is under way.
  virtual reload_result reload() = 0;
};

}  // namespace sf::daemon
