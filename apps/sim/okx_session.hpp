// An OKX v5 public WebSocket connection as the venue sees it (venues.md §3):
// the connection id it is given, the subscribe / unsubscribe ops and their
// acks and errors (okx_dialect.hpp), the bare-text ping, and the frames of
// the `trades`, `books`, `books5` and `bbo-tbt` channels. A `books`
// subscription starts with a snapshot; updates carry the checksum of the book
// after them (or 0: `checksum_mode`).
//
// Only subscribe and unsubscribe ops count toward the inbound rate; one over
// it is refused (60014), the connection stays. The bare "ping" is free. A
// client that reads too slowly is closed with 4005.
//
// Thread safety: none; one per connection.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "sim/dialect_session.hpp"
#include "sim/market_registry.hpp"
#include "sim/okx_dialect.hpp"

namespace sf::sim {

class okx_session final : public dialect_session {
 public:
  // `venue` names the markets of this venue in `markets`; `conn_id` is the
  // connection id echoed in every ack; `max_topics` 0 = unlimited.
  okx_session(std::string venue, std::string conn_id, const market_registry& markets,
              okx_ws::checksum_mode checksum, std::size_t max_topics);
  okx_session(const okx_session&) =
      delete;  // the control protocol's instrument check refers to this session
  okx_session& operator=(const okx_session&) = delete;

  void on_text(std::string_view text, session_link& link) override;
  void on_trade(const market_stream& s, const trade_event& t, frame_cache& cache,
                session_link& link) override;
  void on_book_update(const market_stream& s, const book_update& u, frame_cache& cache,
                      session_link& link) override;

  std::string maintenance_notice(wall_us now) const override;
  std::string malformed_frame() const override;
  std::optional<close_request> slow_client_close() const override;
  close_request idle_close() const override;
  std::vector<std::string> topics() const override;
  std::string describe_fields() const override;

  const std::string& conn_id() const noexcept { return control_.conn_id(); }

 private:
  std::string venue_;
  const market_registry& markets_;
  okx_ws::checksum_mode checksum_;
  okx_ws::control_protocol control_;
};

}  // namespace sf::sim
