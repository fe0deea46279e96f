// `steadyfeed run`'s recording: the configuration turned into the runtime's
// engine (feeds on worker threads, the configured sinks), and a recording
// resumed from the files it already holds.
//
// start() builds every feed and sink and begins connecting; stop() closes the
// connections, lets the queues drain into the sinks, flushes and closes the
// files: a SIGINT or SIGTERM loses nothing already received.
//
// Thread safety: start/stop from the controlling thread; feeds() and sinks()
// from any.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config.hpp"
#include "steadyfeed/runtime/engine.hpp"

namespace sf::daemon {

struct sink_status {
  std::uint64_t records = 0, bytes_written = 0;
  // Records that could not reach the sinks' queue, or that a sink could not
  // write; each is covered by a gap record in the recording.
  std::uint64_t dropped = 0;
  std::uint64_t errors = 0;  // sink calls that failed
  std::size_t queue_depth = 0;
  std::string last_error;
};

class recorder {
 public:
  // `on_event` (optional) receives every connection event, on the feed's
  // worker thread, with the connection's name.
  using event_sink = std::function<void(std::string_view connection, const event&)>;
  explicit recorder(daemon_config config, const clock& clock = system_clock_source::instance(),
                    event_sink on_event = {});
  ~recorder();
  recorder(const recorder&) = delete;
  recorder& operator=(const recorder&) = delete;

  // Throws std::invalid_argument when a feed cannot be built, and
  // std::runtime_error when the data directory cannot be created, written or
  // locked (another process records into it): before anything connects.
  void start();
  void stop();

  std::vector<feed_stats> feeds() const;
  sink_status sinks() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace sf::daemon
