// `steadyfeed run`'s recording: the configuration turned into the runtime's
// engine (feeds on worker threads, the configured sinks), and a recording
// resumed from the files it already holds.
//
// start() builds every feed and sink and begins connecting; stop() closes the
// connections, lets the queues drain into the sinks, flushes and closes the
// files: a SIGINT or SIGTERM loses nothing already received.
//
// Thread safety: start/stop from the controlling thread; the control_target
// calls from any (between start and stop), changes one at a time.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config.hpp"
#include "control_target.hpp"
#include "steadyfeed/runtime/engine.hpp"

namespace sf::daemon {


class recorder : public control_target {
 public:
  // `on_event` (optional) receives every connection event, on the feed's
  // worker thread, with the connection's name.
  using event_sink = std::function<void(std::string_view connection, const event&)>;
  explicit recorder(daemon_config config, const clock& clock = system_clock_source::instance(),
                    event_sink on_event = {});
  ~recorder();
  recorder(const recorder&) = delete;
  recorder& operator=(const recorder&) = delete;

  // Before start(): for each feed, a callback that sees every record of it
  // (on the feed's thread, before the sinks), or none.
  using record_observer = std::function<void(const record_view&)>;
  void observe_records(std::function<record_observer(const feed_config&)> make);
  // Before start(): one more receiver of every connection event, after the
  // constructor's.
  void observe_events(event_sink also);

  // Throws std::invalid_argument when a feed cannot be built, and
  // std::runtime_error when the data directory cannot be created, written or
  // locked (another process records into it): before anything connects.
  void start();
  void stop();

  std::vector<feed_stats> feeds() const override;
  sink_status sinks() const override;
  bool reconnect(std::string_view feed_id, std::size_t index, std::string reason) override;
  bool subscribe(std::string_view feed_id, std::vector<std::string> symbols,
                 std::vector<std::string> channels) override;
  bool unsubscribe(std::string_view feed_id, std::vector<std::string> symbols,
                   std::vector<std::string> channels) override;

  // Where reload() reads the configuration from; none: reload() refuses.
  void reload_from(std::filesystem::path file);
  // load_config(file), then apply(). On the controlling thread (SIGHUP) or
  // the API's; one change at a time.
  reload_result reload() override;
  // Makes the running feeds those of `next` (config_change.hpp). Every feed
  // to build is tried first: a feed that cannot be built refuses the whole
  // change, with every problem listed, and nothing changes.
  reload_result apply(const daemon_config& next);
  // The configuration as running: the file's, with the feeds of the last
  // change applied.
  daemon_config running() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// Stops a recorder when it goes out of scope: declared after what the
// recorder's observers call into, it stops the feeds before that goes.
struct stop_on_exit {
  recorder& rec;
  ~stop_on_exit() { rec.stop(); }
};

}  // namespace sf::daemon
