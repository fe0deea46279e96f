// A WebSocket connection over Stream (plain TCP or TLS): the socket side of
// `connection`, which decides everything else (connection.hpp).
//
// Thread safety: none; on the server's I/O thread.
// Lifetime: shared; the server holds it while it is open, and each pending
// operation holds it.
#pragma once

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "sim/connection.hpp"
#include "sim/reset_socket.hpp"
#include "sim/server_impl.hpp"
#include "sim/session_streams.hpp"

namespace sf::sim {

template <class Stream>
class ws_connection final : public connection {
 public:
  ws_connection(Stream&& stream, std::uint64_t id, const server::impl::served_venue& venue, std::string target,
                std::shared_ptr<server::impl> srv)
      : connection(id, venue.d, std::move(target), venue.settings, srv->ctx, srv->clock.now()),
        ws_(std::move(stream)), srv_(std::move(srv)) {}

  void start(request req) {
    beast::get_lowest_layer(ws_).expires_never();
    // Beast's own timers stay off: pings and deadlines are the venue rules'.
    websocket::stream_base::timeout t{};
    t.handshake_timeout = websocket::stream_base::none();
    t.idle_timeout = websocket::stream_base::none();
    t.keep_alive_pings = false;
    ws_.set_option(t);
    ws_.read_message_max(4u << 20);
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(http::field::server, "steadyfeed-sim"); }));
    ws_.control_callback([this](websocket::frame_type kind, beast::string_view) {
      if (kind == websocket::frame_type::ping) on_ping_frame(srv_->clock.now());
      if (kind == websocket::frame_type::pong) on_pong_frame(srv_->clock.now());
    });
    ws_.async_accept(req, done_handler([self = shared()](beast::error_code ec) {
      if (ec) {
        self->on_io_closed();
        return;
      }
      self->on_open(self->srv_->clock.now());
      self->do_read();
    }));
  }

 private:
  std::shared_ptr<ws_connection> shared() { return std::static_pointer_cast<ws_connection>(shared_from_this()); }

  void do_read() {
    ws_.async_read(buffer_, io_handler([self = shared()](beast::error_code ec, std::size_t) {
      if (self->silent()) return;  // half-open: the read was cancelled on purpose
      if (ec) {
        self->on_io_closed();
        return;
      }
      const auto data = self->buffer_.cdata();
      self->on_text(std::string_view(static_cast<const char*>(data.data()), data.size()), self->srv_->clock.now());
      self->buffer_.consume(self->buffer_.size());
      self->do_read();
    }));
  }

  void io_write(const outbound_frame& f) override {
    ws_.binary(f.binary);
    ws_.async_write(asio::buffer(*f.data),
                    io_handler([self = shared(), keep = f.data](beast::error_code ec, std::size_t) {
                      self->on_write_done(!ec, self->srv_->clock.now());
                    }));
  }

  void io_ping() override {
    if (pinging_) return;
    pinging_ = true;
    ws_.async_ping({}, done_handler([self = shared()](beast::error_code) { self->pinging_ = false; }));
  }

  void io_close(int code, const std::string& reason) override {
    ws_.async_close(websocket::close_reason(static_cast<websocket::close_code>(code), reason),
                    done_handler([self = shared()](beast::error_code) {}));
  }

  void io_reset() override { reset_socket(ws_.next_layer()); }

  void io_go_silent() override {
    beast::error_code ec;
    beast::get_lowest_layer(ws_).socket().cancel(ec);
  }

 public:
  void shutdown() override { reset_socket(ws_.next_layer()); }

 private:
  websocket::stream<Stream> ws_;
  beast::flat_buffer buffer_;
  std::shared_ptr<server::impl> srv_;
  bool pinging_ = false;
};

}  // namespace sf::sim
