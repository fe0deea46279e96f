#include "venue/okx.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <new>
#include <utility>

#include "venue/adapter_results.hpp"
#include "venue/json_scalars.hpp"
#include "venue/json_text.hpp"

namespace sf {
namespace {

namespace ondemand = simdjson::ondemand;
using venue_json::append_levels;
using venue_json::decimal_value;
using venue_json::failed;
using venue_json::int_value;
using venue_json::invalid;
using venue_json::json_scratch;
using venue_json::key_is;
using venue_json::malformed;
using venue_json::parse_integer;
using venue_json::scalar_text;
using venue_json::string_text;
using venue_json::uint_value;

constexpr std::string_view trades_channel = "trades";
constexpr std::string_view books_channel = "books";

enum class channel_kind : std::uint8_t { trades, book, other };

channel_kind classify(std::string_view channel_name) noexcept {
  if (channel_name == "trades" || channel_name == "trades-all") return channel_kind::trades;
  // books, books5, books50-l2-tbt, books-l2-tbt and bbo-tbt share one layout.
  if (channel_name.starts_with("books") || channel_name == "bbo-tbt") return channel_kind::book;
  return channel_kind::other;
}

struct subscription_arg {
  std::string_view channel;
  std::string_view inst_id;
};

// Reads {"channel":..,"instId":..}; other keys (instType, instFamily) are skipped.
bool read_arg(ondemand::value& v, subscription_arg& arg) {
  ondemand::object obj;
  if (v.get_object().get(obj)) return false;
  for (auto item : obj) {
    if (item.error()) return false;
    ondemand::field& field = item.value_unsafe();  // not moved out: see decode_frame
    const auto key = field.key();
    if (key_is(key, "channel")) {
      if (!string_text(field.value(), arg.channel)) return false;
    } else if (key_is(key, "instId")) {
      if (!string_text(field.value(), arg.inst_id)) return false;
    }
  }
  return !arg.channel.empty();
}

void assign_topic(std::string& out, std::string_view channel_name, std::string_view inst_id) {
  out.assign(channel_name);
  if (!inst_id.empty()) {
    out += ':';
    out += inst_id;
  }
}

// ---- data --------------------------------------------------------------------

// Trades: one record per element. Returns an empty view or why the data is invalid.
std::string_view read_trades_data(ondemand::value& data, record_batch& batch, std::uint64_t& seq,
                                  json_scratch& js) {
  ondemand::array list;
  if (data.get_array().get(list)) return "trades: field data is not an array";
  enum : unsigned { inst = 1, id = 2, px = 4, sz = 8, side_bit = 16, ts = 32 };
  constexpr unsigned required = inst | id | px | sz | side_bit | ts;
  for (auto element : list) {
    if (element.error()) return "trades: truncated or malformed JSON";
    ondemand::value& item_value = element.value_unsafe();
    ondemand::object obj;
    if (item_value.get_object().get(obj)) return "trades: a data element is not an object";
    trade_record t;
    std::uint64_t ts_ms = 0, count = 0;
    std::string_view side_text;
    unsigned seen = 0;
    for (auto item : obj) {
      if (item.error()) return "trades: truncated or malformed JSON";
      ondemand::field& field = item.value_unsafe();
      const auto key = field.key();
      ondemand::value& v = field.value();
      if (key_is(key, "instId")) {
        if (!string_text(v, t.symbol)) return "trades: field instId is not a string";
        seen |= inst;
      } else if (key_is(key, "tradeId")) {
        if (!uint_value(v, t.id)) return "trades: field tradeId is not an unsigned integer";
        seen |= id;
      } else if (key_is(key, "px")) {
        if (!decimal_value(v, t.price)) return "trades: field px is not a decimal";
        seen |= px;
      } else if (key_is(key, "sz")) {
        if (!decimal_value(v, t.qty)) return "trades: field sz is not a decimal";
        seen |= sz;
      } else if (key_is(key, "side")) {
        if (!string_text(v, side_text)) return "trades: field side is not a string";
        seen |= side_bit;
      } else if (key_is(key, "ts")) {
        if (!uint_value(v, ts_ms)) return "trades: field ts is not an unsigned integer";
        seen |= ts;
      } else if (key_is(key, "count")) {
        if (!uint_value(v, count)) return "trades: field count is not an unsigned integer";
      }
    }
    if (seen != required) {
      static constexpr const char* names[] = {"instId", "tradeId", "px", "sz", "side", "ts"};
      for (unsigned i = 0; i < 6; ++i)
        if (!(seen & (1u << i))) return js.reason("trades: missing field %s", names[i]);
    }
    if (count > 1) {
      if (count > t.id) return "trades: field count exceeds tradeId";
      t.first_id = t.id - count + 1;
    }
    // The taker's side. Anything else ("hold" has been seen in captures) is
    // not a trade anyone can use: the frame is invalid, counted, and not recorded.
    if (side_text == "buy") {
      t.taker = side::buy;
    } else if (side_text == "sell") {
      t.taker = side::sell;
    } else {
      return js.reason("trades: field side is '%.*s', not buy or sell", static_cast<int>(std::min<std::size_t>(side_text.size(), 32)),
                       side_text.data());
    }
    if (t.price.is_negative() || t.price.is_zero()) return "trades: field px is not positive";
    if (t.qty.is_negative() || t.qty.is_zero()) return "trades: field sz is not positive";
    if (!venue_json::ms_to_wall_us(ts_ms, t.ts_exchange)) return "trades: field ts is out of range";
    seq = std::max(seq, t.id);
    batch.trades.push_back(t);
  }
  if (batch.trades.empty()) return "trades: field data is empty";
  return {};
}

// Books: one record per element (one in practice). The snapshot flag is set by
// the caller, which may read `action` after `data`.
std::string_view read_books_data(ondemand::value& data, std::string_view symbol,
                                 record_batch& batch, json_scratch& js) {
  ondemand::array list;
  if (data.get_array().get(list)) return "books: field data is not an array";
  for (auto element : list) {
    if (element.error()) return "books: truncated or malformed JSON";
    ondemand::value& item_value = element.value_unsafe();
    ondemand::object obj;
    if (item_value.get_object().get(obj)) return "books: a data element is not an object";
    book_record b;
    b.symbol = symbol;
    std::uint64_t ts_ms = 0;
    std::int64_t seq_id = 0, prev_seq_id = -1, checksum = 0;
    bool has_asks = false, has_bids = false, has_ts = false, has_seq = false;
    for (auto item : obj) {
      if (item.error()) return "books: truncated or malformed JSON";
      ondemand::field& field = item.value_unsafe();
      const auto key = field.key();
      ondemand::value& v = field.value();
      if (key_is(key, "asks") || key_is(key, "bids")) {
        const bool asks = key_is(key, "asks");
        std::uint32_t& offset = asks ? b.ask_offset : b.bid_offset;
        std::uint32_t& count = asks ? b.ask_count : b.bid_count;
        offset = static_cast<std::uint32_t>(batch.levels().size());
        if (const char* why = append_levels(v, batch.levels(), count))
          return js.reason("books: field %s %s", asks ? "asks" : "bids", why);
        (asks ? has_asks : has_bids) = true;
      } else if (key_is(key, "ts")) {
        if (!uint_value(v, ts_ms)) return "books: field ts is not an unsigned integer";
        has_ts = true;
      } else if (key_is(key, "seqId")) {
        if (!int_value(v, seq_id)) return "books: field seqId is not an integer";
        has_seq = true;
      } else if (key_is(key, "prevSeqId")) {
        if (!int_value(v, prev_seq_id)) return "books: field prevSeqId is not an integer";
      } else if (key_is(key, "checksum")) {
        if (!int_value(v, checksum)) return "books: field checksum is not an integer";
      }
    }
    if (!has_asks) return "books: missing field asks";
    if (!has_bids) return "books: missing field bids";
    if (!has_ts) return "books: missing field ts";
    if (!has_seq) return "books: missing field seqId";
    if (seq_id < 0) return "books: field seqId is negative";
    b.seq = static_cast<std::uint64_t>(seq_id);
    b.first_seq = b.seq;
    // -1 (snapshot) means "no predecessor".
    if (prev_seq_id >= 0) {
      b.prev_seq = static_cast<std::uint64_t>(prev_seq_id);
      b.has_prev_seq = true;
    }
    // 0 means "not provided" (deprecated field, venues.md §3.7).
    b.checksum = checksum;
    b.has_checksum = checksum != 0;
    if (!venue_json::ms_to_wall_us(ts_ms, b.ts_exchange)) return "books: field ts is out of range";
    batch.books.push_back(b);
  }
  if (batch.books.empty()) return "books: field data is empty";
  return {};
}

// ---- control -----------------------------------------------------------------

// The token after `name` in an error message, in either of the shapes OKX
// uses: `channel:books,instId:X doesn't exist` or an echoed request
// `"channel" : "books"`.
std::string_view token_after(std::string_view text, std::string_view name) noexcept {
  const auto pos = text.find(name);
  if (pos == std::string_view::npos) return {};
  std::size_t i = pos + name.size();
  while (i < text.size() && std::strchr(" \"':\\", text[i]) != nullptr) ++i;
  std::size_t j = i;
  while (j < text.size() && std::strchr(" \"',}]\\", text[j]) == nullptr) ++j;
  return text.substr(i, j - i);
}

// venues.md §3.4 error codes, as steadyfeed's codes.
errc classify_ws_error(std::int64_t code) noexcept {
  switch (code) {
    case 60018:
      return errc::unknown_symbol;  // "Wrong URL or channel:..,instId:.. doesn't exist"
    case 60014:
      return errc::rate_limited;  // requests too frequent
    case 60029:
    case 60030:
    case 64003:
      return errc::auth_rejected;  // VIP or fee tier required
    case 64001:
    case 64002:
      return errc::bad_url;  // channel served on another path
    case 64007:
      return errc::server_error;
    default:
      return errc::protocol_violation;  // 60012, 60013, 60019, 64004 ...
  }
}

// ---- REST --------------------------------------------------------------------

rest_status venue_error(std::string_view code_text, std::string_view msg) {
  std::int64_t code = 0;
  (void)parse_integer(code_text, code);
  errc e = errc::protocol_violation;
  if (code == 51001)
    e = errc::unknown_symbol;  // Instrument ID does not exist
  else if (code == 50011)
    e = errc::rate_limited;
  else if (code == 50001 || code == 50004 || code == 50013 || code == 50026)
    e = errc::server_error;  // service unavailable, timeout, busy, system error
  std::string detail = "venue error ";
  detail.append(code_text);
  if (!msg.empty()) detail.append(": ").append(msg);
  return failed(e, std::move(detail));
}

// Walks OKX's REST envelope {"code":"0","msg":"","data":[...]}, handing `data`
// to `read_data`; a non-zero code is the venue's error.
template <typename ReadData>
rest_status read_envelope(json_scratch& js, std::string_view body, const char* what,
                          ReadData&& read_data) {
  ondemand::document doc;
  if (const auto err = js.parse(body, doc))
    return malformed(std::string(what) + ": not JSON (" + simdjson::error_message(err) + ")");
  ondemand::object obj;
  if (doc.get_object().get(obj))
    return malformed(std::string(what) + ": body is not a JSON object");
  std::string_view code, msg;
  bool has_code = false, has_data = false;
  rest_status data_status;
  for (auto item : obj) {
    ondemand::field field;
    if (std::move(item).get(field))
      return malformed(std::string(what) + ": truncated or malformed JSON");
    const auto key = field.key();
    ondemand::value& v = field.value();
    if (key_is(key, "code")) {
      has_code = scalar_text(v, code);
    } else if (key_is(key, "msg")) {
      if (v.get_string().get(msg)) msg = {};
    } else if (key_is(key, "data")) {
      has_data = true;
      data_status = read_data(v);
      if (!data_status.ok() && has_code && code != "0") break;  // the error body explains it
      if (!data_status.ok()) return data_status;
    }
  }
  if (has_code && code != "0") return venue_error(code, msg);
  if (!data_status.ok()) return data_status;
  if (!venue_json::fully_consumed(doc))
    return malformed(std::string(what) + ": trailing bytes after the JSON object");
  if (!has_code) return malformed(std::string(what) + ": missing field code");
  if (!has_data) return malformed(std::string(what) + ": missing field data");
  return {};
}

rest_status read_rest_books(ondemand::value& data, std::string_view symbol, record_batch& out) {
  ondemand::array list;
  if (data.get_array().get(list)) return malformed("books: field data is not an array");
  bool found = false;
  for (auto element : list) {
    ondemand::value item_value;
    if (element.get(item_value)) return malformed("books: truncated or malformed JSON");
    ondemand::object obj;
    if (item_value.get_object().get(obj))
      return malformed("books: a data element is not an object");
    if (found) continue;  // one instrument per request: only the first element counts
    found = true;
    book_record b;
    b.symbol = symbol;
    b.snapshot = true;
    std::uint64_t ts_ms = 0;
    bool has_asks = false, has_bids = false;
    for (auto item : obj) {
      ondemand::field field;
      if (std::move(item).get(field)) return malformed("books: truncated or malformed JSON");
      const auto key = field.key();
      ondemand::value& v = field.value();
      if (key_is(key, "asks") || key_is(key, "bids")) {
        const bool asks = key_is(key, "asks");
        std::uint32_t& offset = asks ? b.ask_offset : b.bid_offset;
        std::uint32_t& count = asks ? b.ask_count : b.bid_count;
        offset = static_cast<std::uint32_t>(out.levels().size());
        if (const char* why = append_levels(v, out.levels(), count))
          return malformed(std::string("books: field ") + (asks ? "asks " : "bids ") + why);
        (asks ? has_asks : has_bids) = true;
      } else if (key_is(key, "ts")) {
        if (!uint_value(v, ts_ms) || !venue_json::ms_to_wall_us(ts_ms, b.ts_exchange))
          return malformed("books: field ts is not a millisecond timestamp");
      } else if (key_is(key, "seqId")) {
        // Not in the documented reply; used when present.
        std::int64_t seq = 0;
        if (!int_value(v, seq) || seq < 0)
          return malformed("books: field seqId is not a sequence id");
        b.seq = static_cast<std::uint64_t>(seq);
      }
    }
    if (!has_asks) return malformed("books: missing field asks");
    if (!has_bids) return malformed("books: missing field bids");
    b.first_seq = b.seq;
    out.books.push_back(b);
  }
  if (!found) return malformed("books: field data is empty");
  out.seal();
  return {};
}

rest_status read_rest_trades(ondemand::value& data, std::string_view symbol, record_batch& out) {
  ondemand::array list;
  if (data.get_array().get(list)) return malformed("history-trades: field data is not an array");
  for (auto element : list) {
    ondemand::value item_value;
    if (element.get(item_value)) return malformed("history-trades: truncated or malformed JSON");
    ondemand::object obj;
    if (item_value.get_object().get(obj))
      return malformed("history-trades: a data element is not an object");
    trade_record t;
    t.symbol = symbol;
    std::uint64_t ts_ms = 0;
    std::string_view side_text;
    unsigned seen = 0;  // tradeId, px, sz, side, ts
    for (auto item : obj) {
      ondemand::field field;
      if (std::move(item).get(field))
        return malformed("history-trades: truncated or malformed JSON");
      const auto key = field.key();
      ondemand::value& v = field.value();
      if (key_is(key, "instId")) {
        std::string_view inst;
        if (!string_text(v, inst)) return malformed("history-trades: field instId is not a string");
        if (inst != symbol)
          return failed(errc::protocol_violation, "history-trades: instId " + std::string(inst) +
                                                      " does not match the requested " +
                                                      std::string(symbol));
      } else if (key_is(key, "tradeId")) {
        if (!uint_value(v, t.id))
          return malformed("history-trades: field tradeId is not an unsigned integer");
        seen |= 1;
      } else if (key_is(key, "px")) {
        if (!decimal_value(v, t.price))
          return malformed("history-trades: field px is not a decimal");
        seen |= 2;
      } else if (key_is(key, "sz")) {
        if (!decimal_value(v, t.qty)) return malformed("history-trades: field sz is not a decimal");
        seen |= 4;
      } else if (key_is(key, "side")) {
        if (!string_text(v, side_text))
          return malformed("history-trades: field side is not a string");
        seen |= 8;
      } else if (key_is(key, "ts")) {
        if (!uint_value(v, ts_ms))
          return malformed("history-trades: field ts is not an unsigned integer");
        seen |= 16;
      }
    }
    static constexpr const char* names[] = {"tradeId", "px", "sz", "side", "ts"};
    for (unsigned i = 0; i < 5; ++i)
      if (!(seen & (1u << i)))
        return malformed(std::string("history-trades: missing field ") + names[i]);
    if (side_text != "buy" && side_text != "sell")
      return malformed("history-trades: field side is '" + std::string(side_text.substr(0, 32)) + "', not buy or sell");
    t.taker = side_text == "buy" ? side::buy : side::sell;
    if (t.price.is_negative() || t.price.is_zero()) return malformed("history-trades: field px is not positive");
    if (t.qty.is_negative() || t.qty.is_zero()) return malformed("history-trades: field sz is not positive");
    if (!venue_json::ms_to_wall_us(ts_ms, t.ts_exchange))
      return malformed("history-trades: field ts is out of range");
    out.trades.push_back(t);
  }
  // The venue pages newest first; records go out oldest first.
  std::sort(out.trades.begin(), out.trades.end(),
            [](const trade_record& a, const trade_record& b) { return a.id < b.id; });
  return {};
}

}  // namespace

okx::okx(const venue_endpoints& endpoints)
    : json_venue_adapter(endpoints.ws_url.empty() ? default_ws_url : endpoints.ws_url,
                         endpoints.rest_url.empty() ? default_rest_url : endpoints.rest_url) {
  // venues.md §3.3/§3.4.
  limits_.lifetime = duration{0};  // none documented
  // "Use several connections, each with < 30 channels" for 400-level books;
  // applied to every topic, since 4008/4009 (too many channels) has no
  // published number either.
  limits_.topics_per_connection = 29;
  limits_.topics_per_message = 50;  // args may total 64 KB; ~40 B each
  // 480 subscribe/unsubscribe/login ops per connection per hour. A new
  // connection restores up to 29 topics in one op, so a burst of 60 never
  // delays a restore, and 60 + 480 * the supervisor's safety factor stays
  // within the hourly budget.
  limits_.control_messages_per_second = 480.0 / 3600.0;
  limits_.control_burst = 60;
  limits_.pings_count_as_control = false;
  limits_.connects_per_window = 3;
  limits_.connect_window = seconds{1};
  // §3.9: each market-data endpoint has its own limit per IP.
  limits_.rest_limits = {{"books", 40, seconds{2}}, {"history-trades", 20, seconds{2}}};
  // No data for 30 s and the server closes (4004): send the text "ping" after
  // 25 s of silence and expect "pong".
  heartbeat_.app_ping_interval = seconds{25};
  heartbeat_.app_ping_payload = "ping";
  heartbeat_.app_ping_when_idle = true;
  heartbeat_.pong_timeout = seconds{10};
  // §3.6/§3.7: snapshot on subscribe, prevSeqId chain, legacy CRC32 of the top 25.
  book_rules_.snapshot = snapshot_source::stream;
  book_rules_.continuity = book_continuity::prev_seq_chain;
  book_rules_.snapshot_depth = 400;
  book_rules_.checksum = book_checksum::okx_crc32;
  book_rules_.checksum_depth = 25;
  stream_.reserve(64);
}

std::string okx::url(std::span<const std::string> /*topics*/) const {
  return ws_url_;
}

std::string okx::control_message(bool subscribe, std::span<const std::string> topics,
                                 std::uint64_t request_id) const {
  const std::string_view op = subscribe ? "subscribe" : "unsubscribe";
  std::string out = R"({"id":")";
  out += std::to_string(request_id);
  out += R"(","op":")";
  out += op;
  out += R"(","args":[)";
  for (std::size_t i = 0; i < topics.size(); ++i) {
    if (i > 0) out += ',';
    const std::string_view t = topics[i];
    const auto colon = t.find(':');
    out += R"({"channel":)";
    venue_json::append_json_string(out, t.substr(0, colon));
    if (colon != std::string_view::npos) {
      out += R"(,"instId":)";
      venue_json::append_json_string(out, t.substr(colon + 1));
    }
    out += '}';
  }
  out += "]}";
  return out;
}

inbound okx::decode_frame(std::string_view frame, frame_room room) {
  batch_.clear();
  // The heartbeat reply is bare text, not JSON.
  if (frame == "pong") {
    inbound in;
    in.kind = inbound_kind::pong;
    return in;
  }
  ondemand::document doc;
  if (const auto err = parse_frame(frame, room, doc))
    return invalid(frame_json_.reason("not JSON: %s", simdjson::error_message(err)));
  ondemand::object top;
  if (const auto err = doc.get_object().get(top))
    return invalid(frame_json_.reason("not a JSON object: %s", simdjson::error_message(err)));

  std::string_view event, action, code_text, msg;
  subscription_arg arg;
  bool has_arg = false, has_data = false, has_id = false;
  std::uint64_t id = 0;
  std::uint64_t trade_seq = 0;
  channel_kind kind = channel_kind::other;
  bool data_before_arg = false;
  auto read_data = [&](ondemand::value& v) -> std::string_view {
    has_data = true;
    if (kind == channel_kind::trades) return read_trades_data(v, batch_, trade_seq, frame_json_);
    if (kind == channel_kind::book) {
      if (arg.inst_id.empty()) return "books: arg without instId";
      return read_books_data(v, arg.inst_id, batch_, frame_json_);
    }
    return {};
  };
  for (auto item : top) {
    if (item.error()) return invalid(frame_json_.reason("truncated or malformed JSON"));
    // Used where it lies: moving the field out copies it in 16-byte pieces
    // right after it was written in smaller ones, a store-forwarding stall per
    // field that cost more than reading the field.
    ondemand::field& field = item.value_unsafe();
    const auto key = field.key();
    ondemand::value& v = field.value();
    if (key_is(key, "arg")) {
      if (!read_arg(v, arg)) return invalid("field arg is not a {channel, instId} object");
      has_arg = true;
      kind = classify(arg.channel);
    } else if (key_is(key, "data")) {
      // Every documented push names its arg first, and then the parse is one
      // pass. Key order means nothing in JSON, though: data before arg is
      // read in a second pass, once the arg says what it holds.
      if (!has_arg) {
        data_before_arg = true;
        continue;
      }
      if (const std::string_view why = read_data(v); !why.empty()) {
        batch_.clear();
        return invalid(why);
      }
    } else if (key_is(key, "event")) {
      if (!string_text(v, event)) return invalid("field event is not a string");
    } else if (key_is(key, "action")) {
      if (!string_text(v, action)) return invalid("field action is not a string");
    } else if (key_is(key, "id")) {
      std::string_view id_text;
      has_id = string_text(v, id_text) && parse_integer(id_text, id);
    } else if (key_is(key, "code")) {
      if (!scalar_text(v, code_text)) return invalid("field code is not a string");
    } else if (key_is(key, "msg")) {
      if (v.get_string().get(msg)) return invalid("field msg is not a string");
    }
  }
  if (!venue_json::fully_consumed(doc)) return invalid("trailing bytes after the JSON object");
  if (data_before_arg && has_arg) {
    if (top.reset().error()) return invalid("truncated or malformed JSON");
    for (auto item : top) {
      if (item.error()) return invalid(frame_json_.reason("truncated or malformed JSON"));
      ondemand::field& field = item.value_unsafe();
      if (!key_is(field.key(), "data")) continue;
      if (const std::string_view why = read_data(field.value()); !why.empty()) {
        batch_.clear();
        return invalid(why);
      }
      break;
    }
  }

  if (!event.empty()) {
    batch_.clear();
    inbound in;
    in.request_id = id;
    in.has_request_id = has_id;
    if (event == "subscribe") {
      in.kind = inbound_kind::ack;
      if (has_arg) {
        assign_topic(stream_, arg.channel, arg.inst_id);
        in.topic = stream_;
      }
    } else if (event == "error") {
      in.kind = inbound_kind::nack;
      std::int64_t code = 0;
      (void)parse_integer(code_text, code);
      in.error = classify_ws_error(code);
      in.reason = frame_json_.reason("code %.*s: %.*s", static_cast<int>(code_text.size()),
                                     code_text.data(), static_cast<int>(msg.size()), msg.data());
      // Name the refused topic when the venue does: an arg, or the channel and
      // instId quoted in the message; else the supervisor refuses the request.
      subscription_arg named = arg;
      if (!has_arg) {
        named.channel = token_after(msg, "channel");
        named.inst_id = token_after(msg, "instId");
      }
      if (!named.channel.empty() && !named.inst_id.empty()) {
        assign_topic(stream_, named.channel, named.inst_id);
        in.topic = stream_;
      }
    } else if (event == "notice") {
      in.kind = inbound_kind::notice;
      in.error = errc::service_restart;
      in.reason = frame_json_.reason("code %.*s: %.*s", static_cast<int>(code_text.size()),
                                     code_text.data(), static_cast<int>(msg.size()), msg.data());
    } else {
      // unsubscribe acks (nothing waits for them), login, channel-conn-count ...
      in.kind = inbound_kind::ignore;
      in.reason = frame_json_.reason("event %.*s", static_cast<int>(std::min<std::size_t>(event.size(), 64)), event.data());
    }
    return in;
  }
  if (!has_arg) return invalid("unrecognised frame: neither event nor arg");
  if (!has_data) return invalid("push without field data");

  inbound in;
  in.kind = inbound_kind::data;
  assign_topic(stream_, arg.channel, arg.inst_id);
  in.stream = stream_;
  if (kind == channel_kind::trades) {
    in.seq = trade_seq;
    in.has_seq = true;
    in.records = &batch_;
  } else if (kind == channel_kind::book) {
    // Channels without `action` (books5, bbo-tbt) send a full book each time.
    const bool update = action == "update";
    if (!update && !action.empty() && action != "snapshot")
      return invalid(frame_json_.reason("books: unknown action %.*s",
                                        static_cast<int>(action.size()), action.data()));
    for (auto& b : batch_.books) {
      b.snapshot = !update;
      if (update && !b.has_prev_seq) {
        batch_.clear();
        return invalid("books: update without prevSeqId");
      }
      if (!update || b.seq < b.prev_seq) in.resets_sequence = true;
    }
    batch_.seal();
    in.seq = batch_.books.back().seq;
    in.has_seq = true;
    in.records = &batch_;
  }
  return in;
}

symbol_spelling okx::spell_symbol(std::string_view text) const {
  // OKX spells a spot instrument BASE-QUOTE in upper case: BTC-USDT.
  auto canonical = canonical_symbol_text(text, "-");
  if (!canonical)
    return symbol_spelling::refused(fmt::format(
        "'{}' is not an OKX instrument: letters and digits, base and quote apart, e.g. BTC-USDT", text));
  const auto dashes = std::count(canonical->begin(), canonical->end(), '-');
  if (dashes == 1) return {std::move(*canonical), {}};
  if (dashes > 1)
    return symbol_spelling::refused(
        fmt::format("'{}' is not a spot instrument (BASE-QUOTE, e.g. BTC-USDT); the okx venue records spot", text));
  const auto split = split_base_quote(*canonical);
  if (!split)
    return symbol_spelling::refused(fmt::format(
        "cannot tell base from quote in '{}'; spell it as OKX does, BASE-QUOTE, e.g. BTC-USDT", text));
  return {split->first + "-" + split->second, {}};
}

std::string okx::topic(channel c, std::string_view symbol) const {
  std::string out(c == channel::trades ? trades_channel : books_channel);
  out += ':';
  out += symbol;
  return out;
}

std::optional<std::pair<channel, std::string>> okx::parse_topic(std::string_view t) const {
  const auto colon = t.find(':');
  if (colon == std::string_view::npos || colon + 1 == t.size()) return std::nullopt;
  const std::string_view channel_name = t.substr(0, colon);
  channel c;
  if (channel_name == trades_channel) {
    c = channel::trades;
  } else if (channel_name == books_channel) {
    c = channel::book;
  } else {
    return std::nullopt;
  }
  return std::pair{c, std::string(t.substr(colon + 1))};
}

rest_request okx::book_snapshot_request(std::string_view symbol) const {
  std::string target = "/api/v5/market/books?instId=";
  target += symbol;
  target += "&sz=";
  target += std::to_string(book_rules_.snapshot_depth);
  return {"GET", std::move(target), 0, "books", 1};
}

rest_request okx::history_trades_request(std::string_view symbol, std::uint64_t after) const {
  // type=1 pages by tradeId; `after` returns trades older than it, newest
  // first, 100 at most.
  std::string target = "/api/v5/market/history-trades?instId=";
  target += symbol;
  target += "&type=1&after=";
  target += std::to_string(after);
  target += "&limit=100";
  return {"GET", std::move(target), after, "history-trades", 1};
}

rest_request okx::trade_backfill_request(std::string_view symbol, std::uint64_t /*first_missing*/,
                                         std::uint64_t last_missing) const {
  // Paging runs backwards from just above the gap's newest id.
  return history_trades_request(symbol, last_missing + 1);
}

std::optional<rest_request> okx::next_trade_backfill_request(const rest_request& previous,
                                                             std::string_view symbol,
                                                             std::uint64_t first_missing,
                                                             std::uint64_t /*last_missing*/,
                                                             const record_batch& page) const {
  if (page.trades.empty()) return std::nullopt;
  std::uint64_t oldest = page.trades.front().first();
  for (const auto& t : page.trades) oldest = std::min(oldest, t.first());
  if (oldest <= first_missing) return std::nullopt;
  if (oldest >= previous.cursor) return std::nullopt;  // the page did not move back
  return history_trades_request(symbol, oldest);
}

rest_status okx::parse_book_snapshot(std::string_view body, std::string_view symbol,
                                     record_batch& out) {
  return parse_rest_reply("books", out, [&](record_batch& batch) {
    return read_envelope(rest_json_, body, "books",
                         [&](ondemand::value& data) { return read_rest_books(data, symbol, batch); });
  });
}

rest_status okx::parse_trades(std::string_view body, std::string_view symbol, record_batch& out) {
  return parse_rest_reply("history-trades", out, [&](record_batch& batch) {
    return read_envelope(rest_json_, body, "history-trades",
                         [&](ondemand::value& data) { return read_rest_trades(data, symbol, batch); });
  });
}

}  // namespace sf
