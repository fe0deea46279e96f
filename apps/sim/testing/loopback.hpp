// Loopback test helpers for the simulator: the server on its own thread
// (127.0.0.1, ephemeral port), a WebSocket client over plain TCP or TLS whose
// every wait has a deadline (no test sleeps blindly and none can hang), HTTP
// requests with deadlines, and readers for the fault log.
//
// The client reads continuously into a queue while a test waits, so WebSocket
// control frames (pongs) are seen while it waits for something else, and a
// wait that times out leaves the read pending instead of cancelling it (a
// cancelled Beast read fails the whole stream).
//
// Thread safety: a client is used from the test's thread only; the server
// runs on its own thread and is reached through sockets and `post`.
#pragma once

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/json.hpp>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "sim/server.hpp"
#include "steadyfeed/core/clock.hpp"

namespace sf::sim::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace json = boost::json;
using tcp = asio::ip::tcp;

// The simulator on its own thread, stopped (truth sealed) on destruction.
class running_server {
 public:
  explicit running_server(server_config config);
  ~running_server();
  running_server(const running_server&) = delete;
  running_server& operator=(const running_server&) = delete;

  // Stops the server (truth files sealed) and its thread. Idempotent.
  void stop();
  unsigned short port() const { return port_; }

 private:
  asio::io_context ioc_;
  server srv_;
  unsigned short port_ = 0;
  std::thread thread_;
  bool stopped_ = false;
};

// A small, fast configuration: 200 events/s per stream, logs not on stderr.
server_config fast_config();

// SNI for a TLS client (the OpenSSL macro casts in C style).
inline void set_sni(SSL* ssl, const std::string& host) {
  SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, const_cast<char*>(host.c_str()));
}

// Runs `ioc` until `done()` or `timeout`; true when done.
template <class Done>
bool run_until(asio::io_context& ioc, Done done, duration timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    ioc.restart();
    if (ioc.run_one_until(deadline) == 0 && std::chrono::steady_clock::now() < deadline) return done();  // no work
  }
  return true;
}

struct ws_frame {
  std::string text;
  bool binary = false;
  std::chrono::steady_clock::time_point at;  // arrival
  json::value parse() const { return json::parse(text); }
};

// Compiled once for each of the two streams, in loopback.cpp: Beast's
// operations over TLS are among the heaviest code to compile, and every test
// file would otherwise compile them again.
template <class NextLayer>
class basic_ws_client {
 public:
  static constexpr bool is_tls = !std::is_same_v<NextLayer, beast::tcp_stream>;

  // Plain TCP.
  basic_ws_client() requires(!is_tls);
  // TLS: `ctx` says what to trust; the client verifies the peer.
  explicit basic_ws_client(asio::ssl::context& ctx) requires(is_tls);

  // TCP connect, TLS handshake (with SNI and host/IP verification against
  // `host`), WebSocket handshake; then reading starts. Returns the error.
  beast::error_code connect(unsigned short port, const std::string& target, const std::string& host = "127.0.0.1",
                            duration timeout = seconds{2});

  // The next frame, or nullopt when none arrived in time or the stream ended
  // (then `error()` says how).
  std::optional<ws_frame> next(duration timeout = seconds{2});
  // The next frame whose JSON satisfies `pred` (non-JSON frames are skipped).
  template <class Pred>
  std::optional<json::value> next_json(Pred pred, duration timeout = seconds{2}) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      const auto left = deadline - std::chrono::steady_clock::now();
      if (left <= duration{0}) return std::nullopt;
      auto f = next(std::chrono::duration_cast<duration>(left));
      if (!f) return std::nullopt;
      boost::system::error_code ec;
      auto v = json::parse(f->text, ec);
      if (!ec && pred(v)) return v;
    }
  }
  // Waits until the stream ends; the error, or nullopt if still open at the deadline.
  // Frames received meanwhile stay queued.
  std::optional<beast::error_code> wait_closed(duration timeout);
  // Runs I/O for `d` while the test watches (frames and pongs are queued).
  void pump_for(duration d);

  // The write may still be pending at the deadline (a peer that stopped reading).
  void send(std::string text, duration timeout = seconds{2});
  void ping(duration timeout = seconds{2});
  // Waits for a pong; false when none came in time.
  bool wait_pong(duration timeout);

  std::deque<ws_frame>& frames() { return frames_; }
  const std::optional<beast::error_code>& error() const { return error_; }
  websocket::close_reason close_reason() const;
  websocket::stream<NextLayer>& ws() { return ws_; }
  void read_message_max(std::size_t n);

 private:
  void ws_handshake(const std::string& host, const std::string& target, beast::error_code& result, bool& done);
  void start_read();

  asio::io_context ioc_;
  websocket::stream<NextLayer> ws_;
  beast::flat_buffer buffer_;
  std::deque<ws_frame> frames_;
  std::optional<beast::error_code> error_;
  std::size_t pongs_ = 0;
  beast::error_code connect_result_;
  bool connect_done_ = false;
};

extern template class basic_ws_client<beast::tcp_stream>;
extern template class basic_ws_client<beast::ssl_stream<beast::tcp_stream>>;

using ws_client = basic_ws_client<beast::tcp_stream>;
using wss_client = basic_ws_client<beast::ssl_stream<beast::tcp_stream>>;

struct http_result {
  int status = 0;  // 0: no answer (see `error`)
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  beast::error_code error;
  std::string header(std::string_view name) const;
};

// One request over a fresh connection (plain, or TLS verified with `tls`).
http_result http_request(unsigned short port, http::verb verb, const std::string& target, const std::string& body = {},
                         duration timeout = seconds{2});
http_result https_request(unsigned short port, asio::ssl::context& tls, const std::string& host,
                          const std::string& target, duration timeout = seconds{2});

// The server's fault log (GET /_sim/faults), one object per line logged.
std::vector<json::object> fault_log(unsigned short port);
// The lines of `log` whose "fault" (or, for notes, "event") is `name`.
std::vector<json::object> log_entries(const std::vector<json::object>& log, std::string_view name);
// The connection ids the server lists (GET /_sim/connections), oldest first.
std::vector<std::uint64_t> connection_ids(unsigned short port);

// Wall time now, µs since the epoch, for checking logged times.
wall_us wall_now();

}  // namespace sf::sim::testing
