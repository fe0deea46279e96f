// An in-process WebSocket server on 127.0.0.1 for integration tests and
// benchmarks: plain or TLS, on an ephemeral port, with its own thread.
//
// Tests drive it from their own thread: send frames to one or all connections,
// blast pre-serialized frames at full speed, script replies to received frames
// (subscribe → ack), and inject the faults a venue or the network produces:
// a graceful close with a code, a TCP reset, a half-open peer that stops
// reading (so it never answers a ping), a silent one that stops sending data,
// an upgrade refused with an HTTP status and Retry-After, refused TCP
// connections, an oversized frame. Everything the server sees (connections,
// upgrade requests, text frames, close codes) is recorded for assertions, and
// wait_until() waits for a condition with a deadline instead of sleeping.
//
// Connection ids start at 1 in accept order and are never reused.
//
// Thread safety: every public member may be called from any thread. Actions
// are posted to the server thread and carried out in call order per server.
// The frame hook runs on the server thread.
// Lifetime: the destructor closes every connection and joins the thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "steadyfeed/core/clock.hpp"

namespace sf::test {

using connection_id = std::uint64_t;

class ws_test_server_core;

struct ws_test_server_options {
  bool tls = false;
  // PEM certificate chain and key for TLS; empty uses test_certificates().server_*.
  std::string cert_pem;
  std::string key_pem;
};

// How the server answers upgrade requests while refusing them.
struct upgrade_refusal {
  int status = 503;
  std::vector<std::pair<std::string, std::string>> headers;  // e.g. {"Retry-After", "7"}
  std::string body;
};

// What the server recorded about one connection.
struct connection_record {
  connection_id id = 0;
  std::string target;                                        // request target
  std::vector<std::pair<std::string, std::string>> headers;  // upgrade request headers
  std::vector<std::string> frames;                           // text frames received
  std::vector<std::string> pongs;                            // pong payloads received
  bool open = true;
  int close_code = 0;  // the client's close code, 0 if it sent none
};

class ws_test_server {
 public:
  // Called for every text frame received; the returned frames are sent back on
  // that connection, in order, before anything queued later.
  using frame_hook = std::function<std::vector<std::string>(connection_id, std::string_view)>;

  explicit ws_test_server(ws_test_server_options options = {});
  ~ws_test_server();
  ws_test_server(const ws_test_server&) = delete;
  ws_test_server& operator=(const ws_test_server&) = delete;

  std::uint16_t port() const noexcept;
  // "ws://127.0.0.1:PORT/target" (wss:// for a TLS server).
  std::string url(std::string_view target = "/") const;

  // Replaces the hook. A hook already running finishes with the old one; call
  // sync() to be sure it has.
  void set_frame_hook(frame_hook hook);
  // Returns once everything posted to the server thread before it has run.
  void sync();

  // ---- faults that affect new connections ------------------------------------
  // Answer every upgrade with `refusal` (then close), or accept again.
  void refuse_upgrades(upgrade_refusal refusal);
  void accept_upgrades();
  // Close the listening socket so connects get ECONNREFUSED; false reopens it
  // on the same port.
  void refuse_connections(bool refuse);

  // ---- actions on connections (posted; dropped for closed connections) -------
  void send(connection_id id, std::string text);
  void send_all(std::string text);
  // Writes `wire` (complete, pre-serialized WebSocket frames, see
  // serialize_frame) `repeat` times straight to the socket, bypassing
  // per-message work, for benchmarks. Must not overlap pings from the client:
  // Beast's automatic pongs would interleave with the raw bytes.
  void blast(connection_id id, std::shared_ptr<const std::string> wire, std::size_t repeat);
  // A graceful close: a close frame with `code`, then the close handshake.
  void close(connection_id id, int code = 1000, std::string reason = {});
  // A TCP reset: SO_LINGER 0, then close.
  void reset(connection_id id);
  // Half-open: stop reading (so pings are never answered and nothing sent is
  // processed) and stop sending; the TCP connection stays up.
  void stop_reading(connection_id id);
  // Silent: drop everything sent with send/send_all/blast from now on; frames
  // are still read, pings still answered and the hook's replies still sent,
  // like a venue whose data froze while its gateway lives.
  void go_silent(connection_id id);
  // One text message of `bytes` bytes.
  void send_oversized(connection_id id, std::size_t bytes);
  // A WebSocket ping frame; the client's pong is recorded in `pongs`.
  void ping(connection_id id, std::string payload);

  // ---- observations ----------------------------------------------------------
  std::size_t connections_accepted() const;  // upgrades completed
  std::size_t upgrades_refused() const;
  std::vector<connection_id> open_connections() const;
  std::optional<connection_record> record(connection_id id) const;
  std::vector<std::string> frames(connection_id id) const;
  // Every frame received on any connection, in arrival order.
  std::vector<std::pair<connection_id, std::string>> all_frames() const;

  // Polls `condition` whenever the server records something (and at least
  // every 10 ms) until it holds or `timeout` passes; returns its last value.
  bool wait_until(const std::function<bool()>& condition, duration timeout) const;
  bool wait_for_connections(std::size_t accepted, duration timeout) const;

  // A complete unmasked (server-to-client) text frame carrying `payload`.
  static std::string serialize_frame(std::string_view payload);

 private:
  std::shared_ptr<ws_test_server_core> impl_;
};

}  // namespace sf::test
