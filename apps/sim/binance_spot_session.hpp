// A Binance Spot WebSocket connection as the venue sees it (venues.md §1):
// the streams named in the URL (/ws/<stream>..., /stream?streams=...), the
// SUBSCRIBE / UNSUBSCRIBE / LIST_SUBSCRIPTIONS / SET_PROPERTY / GET_PROPERTY
// methods (binance_spot_dialect.hpp), and the frames each stream is pushed:
// trades and book tickers in real time, diff and partial depth once per
// 100 ms or 1000 ms window, raw or in the combined wrapper, in milliseconds or
// (timeUnit=MICROSECOND) microseconds.
//
// Every text message, ping and pong counts toward the inbound rate; one over
// it closes the connection (1008). A client that reads too slowly is reset.
//
// Thread safety: none; one per connection.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

#include "sim/binance_spot_dialect.hpp"
#include "sim/dialect_session.hpp"

namespace sf::sim {

class binance_spot_session final : public dialect_session {
 public:
  // The session for a request target after the venue prefix ("/ws/btcusdt@trade",
  // "/stream?streams=..."); nullptr when the target is no stream endpoint or
  // names more than `max_streams` streams (0: no limit).
  static std::unique_ptr<binance_spot_session> open(std::string_view target,
                                                    std::size_t max_streams);

  binance_spot_session(const binance::url_request& url, std::size_t max_streams);

  void on_text(std::string_view text, session_link& link) override;
  void on_control_frame(session_link& link) override;
  void on_trade(const market_stream& s, const trade_event& t, frame_cache& cache,
                session_link& link) override;
  void on_book_update(const market_stream& s, const book_update& u, frame_cache& cache,
                      session_link& link) override;
  void on_book_window(const market_stream& s, const depth_window::closed& w, duration length,
                      frame_cache& cache, session_link& link) override;

  std::string maintenance_notice(wall_us now) const override;
  std::string malformed_frame() const override;
  std::optional<close_request> slow_client_close() const override { return std::nullopt; }
  close_request idle_close() const override;
  std::vector<std::string> topics() const override { return control_.streams(); }

 private:
  void refresh_streams();
  // The stream's frame as pushed on this connection: raw, or wrapped as combined.
  std::string framed(const binance::stream_name& stream, std::string payload) const;

  binance::control_protocol control_;
  std::vector<binance::stream_name> streams_;  // the parsed subset of control_.streams()
  bool micro_ = false;
};

}  // namespace sf::sim
