// The daemon's runtime: feeds on an io_context thread, sinks on their own
// thread, joined by the bounded record queue.
//
// start() builds every feed from the configuration and begins connecting;
// stop() closes the connections, lets the queue drain into the sinks, flushes
// and closes the files: a SIGINT or SIGTERM loses nothing already received.
//
// Thread safety: start/stop/status from the controlling thread; status() is
// also safe from others.
#pragma once

#include <memory>
#include <vector>

#include "config.hpp"
#include "feed_runner.hpp"

namespace sf::daemon {

struct sink_status {
  std::uint64_t records = 0, bytes_written = 0, dropped = 0;
  std::size_t queue_depth = 0;
  std::string last_error;
};

class recorder {
 public:
  explicit recorder(daemon_config config, const clock& clock = system_clock_source::instance(),
                    feed_runner::event_sink on_event = {});
  ~recorder();
  recorder(const recorder&) = delete;
  recorder& operator=(const recorder&) = delete;

  // Throws std::invalid_argument when a feed cannot be built.
  void start();
  void stop();

  std::vector<feed_status> feeds() const;
  sink_status sinks() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace sf::daemon
