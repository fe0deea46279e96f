// A small HTTP/1.1 server for the control plane: one thread of its own, many
// keep-alive connections, and limits that keep one bad client from hurting
// anyone else.
//
// Requests are read asynchronously, so a client that sends slowly, stops
// half-way or never reads its answer holds only its own connection, and only
// until its timeout. Every request is handed to one handler, on the server's
// thread, which returns the whole answer: the handler must be quick (it reads
// published snapshots; it never waits on a feed).
//
// Limits, each answered in JSON before the connection is closed:
//   more than max_connections at once     → 503, the newcomer only
//   a header block over max_header_bytes  → 431
//   a body over max_body_bytes            → 413
//   a request that is not HTTP/1.x        → 400
//   no whole request within request_timeout, or an answer not taken within
//   it → the connection is closed; an idle keep-alive connection is closed
//   after idle_timeout.
//
// Thread safety: start() and stop() from one controlling thread; port() from
// any. Lifetime: stop() (also run by the destructor) closes every connection
// and joins the thread; the handler is not called afterwards.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace sf::daemon {

struct http_request {
  std::string method;  // "GET", "POST", …
  std::string target;  // as sent: path and query
  std::string authorization;
  std::string content_type;
  std::string body;
};

struct http_response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra ones (Allow, WWW-Authenticate, …)
};

struct http_server_config {
  std::string listen = "127.0.0.1:8080";  // host:port, [v6]:port; port 0 takes a free one
  std::size_t max_connections = 64;
  std::size_t max_header_bytes = 8 * 1024;
  std::size_t max_body_bytes = 64 * 1024;
  std::chrono::milliseconds request_timeout{10'000};
  std::chrono::milliseconds idle_timeout{30'000};
};

class http_server {
 public:
  using handler = std::function<http_response(const http_request&)>;

  http_server(http_server_config config, handler h);
  ~http_server();
  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  // Binds and listens: from here a port that is taken is known, and
  // clients wait in the backlog. Throws std::runtime_error naming the
  // address and the reason ("api.listen 127.0.0.1:8080: Address already in
  // use") when it cannot.
  void listen();
  // Serves on the server's thread (listening first if not yet). Throws as
  // listen() does.
  void start();
  void stop();

  // The bound port (the one chosen when the config asked for 0).
  unsigned short port() const noexcept;
  // Where it listens: "127.0.0.1:8080", "[::1]:8080"; empty before start().
  std::string address() const;
  // Connections open now.
  std::size_t connections() const noexcept;

 private:
  struct impl;
  std::shared_ptr<impl> impl_;  // shared with its pending handlers
};

// A JSON error answer: {"error": {"status": 404, "message": "..."}}.
http_response json_error(int status, std::string_view message);

}  // namespace sf::daemon
