// The daemon's control plane over a running recording: the HTTP API and
// /metrics on a thread of their own, and alerts (the log, a webhook).
//
// It reads published snapshots only (control_target), so a scrape or a slow
// API client never holds a feed; what it must see as it happens (reconnect
// latencies, each record's exchange latency) it is handed through
// the observers observe() installs, which cost the feeds a few atomic
// increments.
//
// Thread safety: observe(), start() and stop() from the controlling thread;
// the observers run on the feeds' threads. Lifetime: the target and
// the clock must outlive the control plane; stop() (also run by the
// destructor) before the target stops.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "config.hpp"
#include "control_target.hpp"
#include "recorder.hpp"
#include "steadyfeed/core/clock.hpp"
#include "steadyfeed/core/event.hpp"
#include "steadyfeed/core/record.hpp"

namespace sf::daemon {

class control_plane {
 public:
  // Reads the api and alerts sections.
  control_plane(control_target& target, const daemon_config& config, const clock& clock);
  ~control_plane();
  control_plane(const control_plane&) = delete;
  control_plane& operator=(const control_plane&) = delete;

  // Before rec.start(): the recording's events and records reach the
  // metrics (reconnect latencies, exchange latencies).
  void observe(recorder& rec, const daemon_config& config);

  // Binds api.listen (before the recording starts: a port that is taken
  // stops the start before anything connects). Throws std::runtime_error
  // naming the address when it cannot.
  void listen();
  // Starts the webhook, and serves the API when listen() was called: after
  // the recording started, so that no request sees it half-built.
  void start();
  void stop();
  unsigned short port() const noexcept;
  // Where it listens: "127.0.0.1:8080", "[::1]:8080".
  std::string address() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace sf::daemon
