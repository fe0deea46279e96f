// OKX v5's public WebSocket dialect (venues.md §3), written from the venue's
// documentation, independent of the library's adapter: `subscribe` /
// `unsubscribe` ops with one ack per arg, `event:error` replies with the
// venue's codes, the bare-text `ping` → `pong`, the `notice` 64008 upgrade
// warning, and the pushed `trades`, `books`, `books5` and `bbo-tbt` frames.
//
// Decimals are strings in their shortest form ("42219.9", "415"), times are
// millisecond strings, `seqId`/`prevSeqId` chain book messages (a snapshot has
// prevSeqId -1), and the book checksum is either the CRC32 of the printed top
// 25 levels or 0, as production has sent since 2026-06-23 (`checksum_mode`).
//
// Thread safety: functions are pure; `control_protocol` is per connection.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/market_stream.hpp"

namespace sf::sim::okx_ws {

enum class checksum_mode { crc32, zero };

struct topic {
  std::string channel;  // trades, books, books5, bbo-tbt
  std::string inst_id;  // BTC-USDT
  std::string arg_json;  // the arg as the client sent it, echoed in acks
  friend bool operator==(const topic& a, const topic& b) {
    return a.channel == b.channel && a.inst_id == b.inst_id;
  }
};

bool is_served_channel(std::string_view channel) noexcept;

// Pushed frames.
std::string trades_frame(const market_stream& s, const trade_event& t);
// `books` snapshot (the whole book, up to 400 levels) or update; `checksum`
// is printed as given (computed by the caller from the book after the update).
std::string books_snapshot_frame(const market_stream& s, std::int32_t checksum);
std::string books_update_frame(const market_stream& s, const book_update& u, std::int32_t checksum);
std::string books5_frame(const market_stream& s);
std::string bbo_frame(const market_stream& s);
std::string notice_frame(std::string_view conn_id);

// The checksum to print for the current book of `s`.
std::int32_t book_checksum(const market_stream& s, checksum_mode mode);

// REST bodies.
std::string rest_books(const market_stream& s, std::size_t depth, wall_us now);
std::string rest_trade_item(const market_stream& s, const trade_event& t);

class control_protocol {
 public:
  // `known_inst` says whether an instId is served; `max_topics` 0 = unlimited.
  control_protocol(std::string conn_id, std::function<bool(std::string_view)> known_inst, std::size_t max_topics);

  struct result {
    std::vector<std::string> replies;
    std::vector<topic> subscribed;  // newly subscribed (books needs a snapshot)
    std::optional<std::pair<int, std::string>> close;  // close code and reason
  };
  // `allowed` false: the op rate was exceeded; the op is refused with 60014.
  result handle(std::string_view text, bool allowed = true);

  const std::vector<topic>& topics() const noexcept { return topics_; }
  const std::string& conn_id() const noexcept { return conn_id_; }

  static std::string error_frame(std::string_view id, std::string_view code, std::string_view msg,
                                 std::string_view conn_id);

 private:
  std::string conn_id_;
  std::function<bool(std::string_view)> known_inst_;
  std::size_t max_topics_;
  std::vector<topic> topics_;
};

}  // namespace sf::sim::okx_ws
