// One physical WebSocket client connection (`ws://` or `wss://`), optionally
// through an HTTP CONNECT proxy.
//
// A link only moves bytes: resolve → TCP connect (→ CONNECT tunnel) → TLS →
// WebSocket upgrade → read loop, and it reports what happened. It has no
// timeouts of its own: the supervisor owns every deadline (connect, pong,
// idle) and calls close() when one passes, so one policy decides and tests can
// drive it with virtual time. The single exception is a bound on the closing
// handshake after close(), which only frees resources and is never reported.
//
// The read loop reads the socket in large chunks and decodes every complete
// frame in a chunk in place before reading again, so a burst of small
// messages costs one read, not one asynchronous operation per message. The
// receive buffer starts at a few KiB and grows only while the connection is
// busy or a large message needs it.
//
// Failures are values (sf::failure): the code says what to do (retry, wait
// Retry-After, give up), the HTTP status, Retry-After, close code and detail say
// what the server said. Nothing throws on the I/O path.
//
// Frames are delivered as views into one receive buffer that is reused for
// later messages; the view is valid only during on_frame. At least
// `ws_frame_padding` (64) readable bytes follow every view, so a parser such as
// simdjson (which needs SIMDJSON_PADDING bytes past the input) can parse in
// place without a copy. The padding bytes are unspecified, not zero.
//
// Thread safety: none. Every member, and every callback, runs on the thread
// running the executor's io_context (one thread per io_context by design).
// Lifetime: the ws_link object may be destroyed at any time, even with a
// resolve, connect or handshake in flight: destruction (like close()) stops all
// callbacks at once, and the operations still pending finish in the background
// holding their own reference to the connection state. The callbacks must stay
// callable until close() or destruction.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "steadyfeed/core/clock.hpp"
#include "steadyfeed/core/error.hpp"

namespace boost::asio::ssl {
class context;
}

namespace sf {

// Readable bytes guaranteed past the end of every frame handed to on_frame.
inline constexpr std::size_t ws_frame_padding = 64;

struct ws_link_options {
  // Trusted roots in PEM; empty means the system store. Ignored when
  // `tls_context` is set.
  std::string ca_file;
  // Verify the certificate chain and that it names the host. Off only for
  // tests: without it anyone on the path can read and forge the feed.
  bool verify_peer = true;
  // "http://[user:password@]host:port" to tunnel through with CONNECT; empty
  // connects directly.
  std::string proxy;
  // Largest message accepted; a bigger one fails the link with
  // errc::frame_too_large (and close code 1009). 16 MiB holds the largest
  // documented snapshot (full-depth books) with room to spare, yet stops a
  // broken server from making the process allocate without bound.
  std::size_t max_frame_bytes = std::size_t{16} << 20;
  std::string user_agent = "steadyfeed";
  // Extra upgrade request headers (API keys, venue-specific options).
  std::vector<std::pair<std::string, std::string>> headers;
  // After close(), how long the closing handshake may take before the socket
  // is simply closed. Only bounds resource use: a half-open peer never answers.
  duration close_timeout = seconds{2};
  // A shared TLS context (see make_tls_client_context); when null each link
  // builds its own from ca_file/verify_peer. Share one across many links: a
  // context with the system store loaded costs hundreds of KiB.
  std::shared_ptr<boost::asio::ssl::context> tls_context;
};

// What a link reports. Each callback is optional. After on_open_failed or
// on_closed, or once close() was called, nothing more is reported.
struct ws_link_callbacks {
  // The upgrade succeeded; frames may be sent.
  std::function<void()> on_open;
  // The link never opened (bad URL, resolve, connect, proxy, TLS, upgrade).
  std::function<void(const failure&)> on_open_failed;
  // Bytes arrived: once per completed socket read (and once for bytes that
  // came with the upgrade response), before the frames they complete. Frames
  // of one read arrived together, so a caller may read its clocks here once
  // and stamp each of them with that time.
  std::function<void()> on_read;
  // A complete text (or binary) message; the view is valid during the call.
  std::function<void(std::string_view)> on_frame;
  // A ping frame from the server; the pong is sent automatically.
  std::function<void(std::string_view)> on_ping;
  // A pong frame, normally the answer to ping().
  std::function<void(std::string_view)> on_pong;
  // An open link ended: errc::closed_by_peer (close frame; close_code and the
  // reason in detail), reset_by_peer, eof (TCP closed without a close frame),
  // frame_too_large, protocol_violation.
  std::function<void(const failure&)> on_closed;
};

class ws_link_state;

class ws_link {
 public:
  // The io_context's own executor type, not any_io_executor: the type-erased
  // executor costs a copy and a destroy per completed operation, which at a
  // million frames a second is a tenth of the core.
  ws_link(boost::asio::io_context::executor_type executor, ws_link_options options,
          ws_link_callbacks callbacks);
  // Closes (code 1000) without reporting.
  ~ws_link();
  ws_link(const ws_link&) = delete;
  ws_link& operator=(const ws_link&) = delete;

  // Starts connecting to `url`; call once. A URL that cannot be used is
  // reported through on_open_failed (errc::bad_url), never synchronously.
  void open(std::string_view url);

  // Queues a text message. Writes go out one at a time in call order; calls
  // before the link is open wait for it, calls after close() are dropped.
  void send(std::string text);
  // Queues a ping frame (payload up to 125 bytes; longer is truncated).
  void ping(std::string payload);

  // Sends a close frame with `code` and `reason`, or abandons a connection
  // still being set up. Reports nothing afterwards. Idempotent.
  void close(int code = 1000, std::string_view reason = {});

  // Open and not closed.
  bool is_open() const noexcept;
  // Messages and bytes received so far (for tests and benchmarks).
  std::uint64_t frames_received() const noexcept;

 private:
  std::shared_ptr<ws_link_state> state_;
};

}  // namespace sf
