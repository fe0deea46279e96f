// Blast mode: pre-serialized frames written straight to the stream, from the
// session's own copy of the block, renumbered between repetitions so that ids
// and times run on (blast.hpp). An OKX session first reads the client's
// subscribe, answers it as the venue does and then blasts that instId's
// trades; after that it reads nothing (a client's pings go unanswered).
//
// Thread safety: none; on the server's I/O thread.
// Lifetime: shared; each pending operation holds it.
#pragma once

#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sim/blast.hpp"
#include "sim/okx_dialect.hpp"
#include "sim/server_impl.hpp"
#include "sim/session_streams.hpp"

namespace sf::sim {

template <class Stream>
class blast_session : public std::enable_shared_from_this<blast_session<Stream>> {
 public:
  // A Binance-shaped blast of `frames` frames of `block`.
  blast_session(Stream&& stream, std::shared_ptr<const blast_block> block, std::uint64_t frames)
      : ws_(std::move(stream)), block_(std::move(block)), bytes_(block_->bytes), remaining_(frames) {}
  // An OKX blast: the block comes with the subscription.
  blast_session(Stream&& stream, std::shared_ptr<server::impl> srv) : ws_(std::move(stream)), srv_(std::move(srv)) {}

  void start(request req) {
    beast::get_lowest_layer(ws_).expires_never();
    // Best effort: without the limit the blast runs as before, only with
    // more of its cost on the client's core (blast.hpp).
    limit_unsent_bytes(beast::get_lowest_layer(ws_).socket().native_handle());
    ws_.async_accept(req, done_handler([self = this->shared_from_this()](beast::error_code ec) {
      if (ec) return;
      if (self->block_) return self->write_more();
      self->ws_.text(true);
      self->read_subscription();
    }));
  }

 private:
  void read_subscription() {
    ws_.async_read(buffer_, io_handler([self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return;
      self->on_subscription(beast::buffers_to_string(self->buffer_.data()));
    }));
  }

  void on_subscription(const std::string& text) {
    buffer_.consume(buffer_.size());
    // Each attempt on its own: a refused one leaves nothing subscribed.
    okx_ws::control_protocol protocol("blast", [](std::string_view) { return true; }, 1);
    auto result = protocol.handle(text);
    std::shared_ptr<const blast_block> block;
    if (result.subscribed.size() == 1 && result.subscribed.front().channel == "trades" && !result.close)
      block = srv_->blast_block_for(blast_shape::okx_trades, result.subscribed.front().inst_id);
    if (!block) {
      // The venue's answer to a malformed op; a refusal for anything but
      // one known instId's trades. Then wait for another subscribe.
      if (result.subscribed.empty() && !result.close)
        replies_ = std::move(result.replies);
      else
        replies_ = {okx_ws::control_protocol::error_frame("", "60012", "blast mode serves one trades channel",
                                                          protocol.conn_id())};
      return write_replies([self = this->shared_from_this()] { self->read_subscription(); });
    }
    block_ = std::move(block);
    bytes_ = block_->bytes;
    remaining_ = block_->max_frames();
    replies_ = std::move(result.replies);
    write_replies([self = this->shared_from_this()] { self->write_more(); });
  }

  template <class Then>
  void write_replies(Then then) {
    if (replies_.empty()) return then();
    ws_.async_write(asio::buffer(replies_.front()),
                    io_handler([self = this->shared_from_this(), then](beast::error_code ec, std::size_t) {
                      if (ec) return;
                      self->replies_.erase(self->replies_.begin());
                      self->write_replies(then);
                    }));
  }

  void write_more() {
    if (remaining_ == 0) {
      ws_.async_close(websocket::close_code::normal,
                      done_handler([self = this->shared_from_this()](beast::error_code) {}));
      return;
    }
    // Whole blocks while possible, then the exact tail.
    const std::uint64_t frames = std::min<std::uint64_t>(remaining_, block_->frames);
    const asio::const_buffer buf(bytes_.data(), block_->prefix_bytes(frames));
    asio::async_write(ws_.next_layer(), buf,
                      io_handler([self = this->shared_from_this(), frames](beast::error_code ec, std::size_t) {
                        if (ec) return;
                        self->remaining_ -= frames;
                        // The write is complete, so the copy is free to change.
                        if (self->remaining_ > 0) advance_repetition(*self->block_, self->bytes_);
                        self->write_more();
                      }));
  }

  websocket::stream<Stream> ws_;
  std::shared_ptr<server::impl> srv_;
  beast::flat_buffer buffer_;
  std::vector<std::string> replies_;
  std::shared_ptr<const blast_block> block_;
  std::string bytes_;
  std::uint64_t remaining_ = 0;
};

}  // namespace sf::sim
