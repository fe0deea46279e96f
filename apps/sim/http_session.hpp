// One accepted connection over Stream (plain TCP or TLS): HTTP requests (the
// control API and the venues' REST endpoints, answered by server::impl) until
// a WebSocket upgrade, which it routes to a venue's connection
// (ws_connection.hpp) or to blast mode (blast_session.hpp).
//
// Thread safety: none; on the server's I/O thread.
// Lifetime: shared; each pending operation holds it.
#pragma once

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "sim/blast.hpp"
#include "sim/blast_session.hpp"
#include "sim/reset_socket.hpp"
#include "sim/server_impl.hpp"
#include "sim/session_streams.hpp"
#include "sim/ws_connection.hpp"

namespace sf::sim {

template <class Stream>
class http_session : public std::enable_shared_from_this<http_session<Stream>> {
 public:
  http_session(Stream&& stream, std::shared_ptr<server::impl> srv) : stream_(std::move(stream)), srv_(std::move(srv)) {}

  void run() {
    if constexpr (std::is_same_v<Stream, tls_stream>) {
      stream_.async_handshake(ssl::stream_base::server,
                              done_handler([self = this->shared_from_this()](beast::error_code ec) {
                                if (!ec) self->read();
                              }));
    } else {
      read();
    }
  }

 private:
  void read() {
    req_ = {};
    http::async_read(stream_, buffer_, req_,
                     io_handler([self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                       if (ec == http::error::header_limit) return self->refuse_long_head();
                       if (ec) return;
                       self->on_read();
                     }));
  }

  // A request line and headers over Beast's 8 KiB (a URL naming too many
  // streams, most likely) are refused out loud, not by a silent close.
  void refuse_long_head() {
    req_ = {};
    req_.version(11);
    reply(http::status::request_header_fields_too_large,
          R"({"error":"request line and headers exceed 8192 bytes"})");
  }

  void on_read() {
    auto& srv = *srv_;
    if (srv.stopped) return;
    if (websocket::is_upgrade(req_)) {
      upgrade();
      return;
    }
    const http_reply r = srv.handle_http(req_.method_string(), req_.target(), req_.body());
    auto res = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(r.status), req_.version());
    res->set(http::field::server, "steadyfeed-sim");
    res->set(http::field::content_type, "application/json");
    for (const auto& [k, v] : r.headers) res->set(k, v);
    res->keep_alive(req_.keep_alive());
    res->body() = r.body;
    res->prepare_payload();
    http::async_write(stream_, *res,
                      io_handler([self = this->shared_from_this(), res](beast::error_code ec, std::size_t) {
                        if (ec || !res->keep_alive()) {
                          beast::error_code ignored;
                          beast::get_lowest_layer(self->stream_).socket().shutdown(tcp::socket::shutdown_send,
                                                                                   ignored);
                          return;
                        }
                        self->read();
                      }));
  }

  void reply(http::status status, std::string body, std::vector<std::pair<std::string, std::string>> headers = {}) {
    auto res = std::make_shared<http::response<http::string_body>>(status, req_.version());
    res->set(http::field::server, "steadyfeed-sim");
    res->set(http::field::content_type, "application/json");
    for (const auto& [k, v] : headers) res->set(k, v);
    res->keep_alive(false);
    res->body() = std::move(body);
    res->prepare_payload();
    http::async_write(stream_, *res, io_handler([self = this->shared_from_this(), res](beast::error_code, std::size_t) {
      beast::error_code ignored;
      beast::get_lowest_layer(self->stream_).socket().shutdown(tcp::socket::shutdown_send, ignored);
    }));
  }

  void upgrade() {
    auto& srv = *srv_;
    const std::string target(req_.target());
    if (target.starts_with("/_sim/blast")) {
      blast(target);
      return;
    }
    if (srv.config.blast) {
      venue_blast(target);
      return;
    }
    for (auto& venue : srv.venues) {
      const std::string v(venue->d.name());
      const std::string prefix = "/" + v;
      if (!target.starts_with(prefix + "/")) continue;
      const auto now = srv.clock.now();
      if (srv.faults.refusing(v, now)) {
        srv.faults.note(now, srv.clock.wall_now(), R"("event":"refused","venue":")" + v + "\"");
        reset_socket(stream_);
        return;
      }
      if (!venue->connects.try_take(now)) {
        srv.faults.note(now, srv.clock.wall_now(), R"("event":"connect_rate_limited","venue":")" + v + "\"");
        auto refusal = venue->d.too_many_connections();
        reply(static_cast<http::status>(refusal.status), std::move(refusal.body), std::move(refusal.headers));
        return;
      }
      auto conn = std::make_shared<ws_connection<Stream>>(std::move(stream_), srv.next_id, *venue,
                                                          target.substr(prefix.size()), srv_);
      if (!conn->valid()) {
        reply(http::status::not_found, R"({"error":"no such stream endpoint"})");
        return;
      }
      ++srv.next_id;
      srv.conns.emplace(conn->id(), conn);
      conn->start(std::move(req_));
      return;
    }
    reply(http::status::not_found, R"({"error":"unknown venue path"})");
  }

  void blast(const std::string& target) {
    const auto what = parse_blast_target(target);
    if (!what) {
      reply(http::status::not_found, R"({"error":"no such blast endpoint"})");
      return;
    }
    const auto block = what->stream.empty()
                           ? srv_->blast_block_for(blast_shape::binance_raw, "btcusdt@trade")
                           : srv_->blast_block_for(blast_shape::binance_combined, what->stream);
    if (!block) {
      reply(http::status::not_found, R"({"error":"no such blast stream"})");
      return;
    }
    if (what->frames > block->max_frames()) {
      reply(http::status::bad_request,
            R"({"error":"too many frames: ids would outgrow their digits; at most )" +
                std::to_string(block->max_frames()) + "\"}");
      return;
    }
    std::make_shared<blast_session<Stream>>(std::move(stream_), block, what->frames)
        ->start(std::move(req_));
  }

  // --blast: a venue's own trade URL, blasted (blast.hpp).
  void venue_blast(const std::string& target) {
    const auto what = parse_venue_blast_target(target);
    if (!what) {
      reply(http::status::not_found, R"({"error":"blast mode serves one trade stream per connection"})");
      return;
    }
    if (what->shape == blast_shape::okx_trades) {
      std::make_shared<blast_session<Stream>>(std::move(stream_), srv_)->start(std::move(req_));
      return;
    }
    const auto block = srv_->blast_block_for(what->shape, what->stream);
    if (!block) {
      reply(http::status::not_found, R"({"error":"no such blast stream"})");
      return;
    }
    std::make_shared<blast_session<Stream>>(std::move(stream_), block, block->max_frames())->start(std::move(req_));
  }

  Stream stream_;
  beast::flat_buffer buffer_;
  request req_;
  std::shared_ptr<server::impl> srv_;
};

}  // namespace sf::sim
