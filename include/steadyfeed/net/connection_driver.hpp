// Runs one sf::supervisor on an Asio io_context: the thin edge between the
// sans-I/O state machine and real sockets and timers.
//
// The driver carries supervisor actions out (open_link creates a ws_link,
// send_frame writes, close_link closes, arm_timer sets its one timer) and
// carries link events in (opened, failed, frame, ping, pong, closed, timer),
// stamping each with the time from the injected clock, then drains the
// supervisor's actions again. It decides nothing itself: every deadline,
// retry and subscription rule lives in the supervisor, where virtual-time unit
// tests cover it; what is left here is only plumbing, which integration tests
// cover on loopback.
//
// A link the supervisor told the driver to close is destroyed at once, so
// nothing it might still have to say (a frame already buffered, its close)
// reaches the supervisor.
//
// Thread safety: everything runs on the thread running the io_context, one
// thread, without locks. start(), stop(), subscribe(), unsubscribe(),
// request_reconnect() and request_rotation() may be called from any thread:
// they post to that thread. snapshot() and is_healthy() may be called from any
// thread (they read the supervisor's published copy). Callbacks run on the
// io_context thread.
// Lifetime: the clock must outlive the driver. Destroy the driver on the
// io_context's thread or while the io_context is not running; work it posted
// that has not yet run is then skipped.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "steadyfeed/core/clock.hpp"
#include "steadyfeed/feed/connect_limiter.hpp"
#include "steadyfeed/feed/supervisor.hpp"
#include "steadyfeed/feed/supervisor_config.hpp"
#include "steadyfeed/venue/venue_protocol.hpp"
#include "steadyfeed/net/ws_link.hpp"

namespace sf {

class connection_driver_state;

class connection_driver {
 public:
  // `link_options` apply to every link; when they name no TLS context, one is
  // built on the first wss:// link and shared by the ones after it.
  connection_driver(boost::asio::io_context::executor_type executor, supervisor_config config,
                    std::shared_ptr<venue_protocol> protocol, std::vector<std::string> topics,
                    const clock& clock, ws_link_options link_options = {},
                    std::shared_ptr<connect_limiter> limiter = nullptr);
  ~connection_driver();
  connection_driver(const connection_driver&) = delete;
  connection_driver& operator=(const connection_driver&) = delete;

  // Before start(): the supervisor's callbacks (messages, state changes,
  // events), invoked on the io_context thread.
  void set_callbacks(supervisor::callbacks callbacks);

  void start();
  // Stops the supervisor and closes every link; start() may follow.
  void stop(std::string reason = "stopped");
  // `refused` receives the topics over the venue's per-connection limit.
  void subscribe(std::vector<std::string> topics,
                 std::function<void(std::vector<std::string> refused)> refused = {});
  void unsubscribe(std::vector<std::string> topics);
  void request_reconnect(std::string reason);
  void request_rotation(std::string reason);

  // Runs `f` with the supervisor on the io_context thread (inspection in tests
  // and the control plane's live queries).
  void post(std::function<void(supervisor&)> f);

  supervisor_stats snapshot() const;
  bool is_healthy() const noexcept;

 private:
  std::shared_ptr<connection_driver_state> state_;
};

}  // namespace sf
