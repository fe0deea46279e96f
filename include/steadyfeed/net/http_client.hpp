// A small HTTP/1.1 client for venue REST calls (book snapshots, trade
// history) and webhooks: GET or POST over plain TCP or TLS, one request per
// connection.
//
// REST calls are rare next to the WebSocket traffic (a snapshot per resync, a
// few history pages per hole), so each request opens its own connection: no
// pool to go stale across a venue's idle timeouts, and a failure cannot leak
// into the next request. TLS uses the same context rules as the WebSocket
// links (TLS 1.2+, SNI, peer and host-name verification by default).
//
// Every request has a deadline (`timeout`, on an asio timer over
// sf::mono_clock); the handler runs exactly once, on the executor, with either
// a response (any status: the caller judges it; Retry-After is parsed) or a
// classified failure.
//
// Thread safety: use one client from its executor's thread. Lifetime: pending
// requests keep what they need alive; destroying the client does not cancel
// them.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ssl/context.hpp>

#include "steadyfeed/core/clock.hpp"
#include "steadyfeed/core/error.hpp"

namespace sf {

struct http_client_options {
  std::string ca_file;       // empty: the system store
  bool verify_peer = true;   // off only for tests
  duration timeout = seconds{10};
  std::size_t max_body_bytes = std::size_t{64} << 20;
  std::string user_agent = "steadyfeed";
  std::shared_ptr<boost::asio::ssl::context> tls_context;  // shared; built on first use when null
};

struct http_response {
  int status = 0;
  std::string body;
  duration retry_after{0};
};

class http_client {
 public:
  using handler = std::function<void(const failure* error, http_response response)>;

  // `base_url`: "http://host:port/prefix" or "https://..."; request targets are
  // appended to it ("/api/v3/depth?symbol=BTCUSDT").
  http_client(boost::asio::any_io_executor executor, std::string base_url, http_client_options options = {});

  void get(std::string target, handler done);
  // A POST of `body` (a webhook's JSON); the answer is handled as get()'s.
  void post(std::string target, std::string body, std::string content_type, handler done);

  const std::string& base_url() const noexcept { return base_url_; }

 private:
  void send(std::string target, std::optional<std::pair<std::string, std::string>> body, handler done);

  boost::asio::any_io_executor executor_;
  std::string base_url_;
  http_client_options options_;
};

}  // namespace sf
