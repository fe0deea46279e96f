#include "venue/binance_spot.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <new>
#include <utility>
#include <vector>

#include "core/same_text.hpp"
#include "venue/adapter_results.hpp"
#include "venue/json_scalars.hpp"
#include "venue/json_text.hpp"

namespace sf {
namespace {

namespace ondemand = simdjson::ondemand;
using venue_json::append_levels;
using venue_json::bool_value;
using venue_json::decimal_value;
using venue_json::failed;
using venue_json::int_value;
using venue_json::invalid;
using venue_json::is_null;
using venue_json::json_scratch;
using venue_json::key_is;
using venue_json::malformed;
using venue_json::string_text;
using venue_json::uint_value;

char ascii_lower(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
}
char ascii_upper(char c) noexcept {
  return c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c;
}

constexpr std::string_view trade_suffix = "@trade";
constexpr std::string_view depth_suffix = "@depth@100ms";

// ---- payload fields --------------------------------------------------------------

enum class event_type : std::uint8_t { none, trade, depth, shutdown, other };

event_type classify(std::string_view e) noexcept {
  if (same_text(e, "trade")) return event_type::trade;
  if (same_text(e, "depthUpdate")) return event_type::depth;
  if (same_text(e, "serverShutdown")) return event_type::shutdown;
  return event_type::other;
}

const char* describe(event_type e) noexcept {
  switch (e) {
    case event_type::trade:
      return "trade";
    case event_type::depth:
      return "depth";
    default:
      return "event";
  }
}

// The single-letter payload keys we read, one bit each, in the order of
// `field_names` so a missing field can be named.
constexpr std::string_view field_names = "stpqTmUubaEe";
constexpr std::uint32_t bit(char key) noexcept {
  const auto i = field_names.find(key);
  return i == std::string_view::npos ? 0 : std::uint32_t{1} << i;
}
// bit() for every key byte, so that marking a field seen on the hot path is a
// load rather than a search of field_names.
constexpr auto key_bits = [] {
  std::array<std::uint32_t, 256> bits{};
  for (const char key : field_names) bits[static_cast<unsigned char>(key)] = bit(key);
  return bits;
}();
constexpr std::uint32_t trade_required =
    bit('s') | bit('t') | bit('p') | bit('q') | bit('T') | bit('m');
constexpr std::uint32_t depth_required = bit('s') | bit('U') | bit('u') | bit('b') | bit('a');

char first_missing(std::uint32_t required, std::uint32_t seen) noexcept {
  const std::uint32_t missing = required & ~seen;
  for (std::size_t i = 0; i < field_names.size(); ++i)
    if (missing & (std::uint32_t{1} << i)) return field_names[i];
  return '?';
}

const char* expectation(char key) noexcept {
  switch (key) {
    case 'e':
    case 's':
      return "a string";
    case 'p':
    case 'q':
      return "a decimal";
    case 'm':
      return "a boolean";
    default:
      return "an unsigned integer";
  }
}

// Keys of one character are nearly all Binance sends: compare them without
// unescaping. raw() points just past the opening quote, and the input is
// padded, so reading two bytes is always safe.
char short_key(const ondemand::raw_json_string& key) noexcept {
  const char* k = key.raw();
  return (k[0] != '"' && k[0] != '\\' && k[1] == '"') ? k[0] : '\0';
}

struct payload {
  event_type event = event_type::none;
  std::uint32_t seen = 0;
  std::string_view symbol;
  std::uint64_t event_time = 0;
  std::uint64_t trade_id = 0;
  std::uint64_t trade_time = 0;
  std::uint64_t first_update = 0;
  std::uint64_t final_update = 0;
  decimal price;
  decimal qty;
  bool buyer_is_maker = false;
  std::uint32_t bid_offset = 0, bid_count = 0, ask_offset = 0, ask_count = 0;
};

// Reads the value of field `key` into `p`. Inlined where `key` is a constant,
// the switch folds away.
enum class field_read : std::uint8_t { ok, skipped, failed };

[[gnu::always_inline]] inline field_read read_field(char key, ondemand::value& v, payload& p,
                                                    std::vector<price_level>& levels, json_scratch& js,
                                                    std::string_view& why) {
  bool ok = true;
  switch (key) {
    case 'e': {
      std::string_view e;
      ok = string_text(v, e);
      if (ok) p.event = classify(e);
      break;
    }
    case 'E':
      ok = uint_value(v, p.event_time);
      break;
    case 's':
      ok = string_text(v, p.symbol);
      break;
    case 't':
      ok = uint_value(v, p.trade_id);
      break;
    case 'p':
      ok = decimal_value(v, p.price);
      break;
    case 'q':
      ok = decimal_value(v, p.qty);
      break;
    case 'T':
      ok = uint_value(v, p.trade_time);
      break;
    case 'm':
      ok = bool_value(v, p.buyer_is_maker);
      break;
    case 'U':
      ok = uint_value(v, p.first_update);
      break;
    case 'u':
      ok = uint_value(v, p.final_update);
      break;
    case 'b':
    case 'a': {
      // Only depth events carry level arrays here; bookTicker's "b" is a
      // price string and aggTrade's "a" an id, which we do not read.
      ondemand::json_type type;
      if (v.type().get(type)) {
        why = js.reason("%s: field %c is malformed", describe(p.event), key);
        return field_read::failed;
      }
      if (type != ondemand::json_type::array) return field_read::skipped;
      std::uint32_t& offset = key == 'b' ? p.bid_offset : p.ask_offset;
      std::uint32_t& count = key == 'b' ? p.bid_count : p.ask_count;
      offset = static_cast<std::uint32_t>(levels.size());
      if (const char* what = append_levels(v, levels, count)) {
        why = js.reason("%s: field %c %s", describe(p.event), key, what);
        return field_read::failed;
      }
      break;
    }
    default:
      return field_read::skipped;
  }
  if (!ok) {
    why = js.reason("%s: field %c is not %s", describe(p.event), key, expectation(key));
    return field_read::failed;
  }
  p.seen |= key_bits[static_cast<unsigned char>(key)];
  return field_read::ok;
}

// The same for a key known only at run time: one copy of the switch.
[[gnu::noinline]] field_read read_any_field(char key, ondemand::value& v, payload& p,
                                            std::vector<price_level>& levels, json_scratch& js,
                                            std::string_view& why) {
  return read_field(key, v, p, levels, js, why);
}

// The field at `it`, read and stepped over. It is expected to be `Expected`,
// and then is read by code made for that key; any other key takes the general
// path. False at the end of the object or on an error (`why` set).
template <char Expected>
[[gnu::always_inline]] inline bool read_next(ondemand::object_iterator& it, const ondemand::object_iterator& end,
                                             payload& p, std::vector<price_level>& levels, json_scratch& js,
                                             std::string_view& why) {
  if (!(it != end)) return false;
  auto item = *it;
  if (item.error()) {
    why = js.reason("%s: truncated or malformed JSON", describe(p.event));
    return false;
  }
  // Used where it lies: moving the field out copies it in 16-byte pieces
  // right after it was written in smaller ones, a store-forwarding stall per
  // field that cost more than reading the field.
  ondemand::field& field = item.value_unsafe();
  const char key = short_key(field.key());
  ondemand::value& v = field.value();
  const field_read r = key == Expected ? read_field(Expected, v, p, levels, js, why)
                                       : read_any_field(key, v, p, levels, js, why);
  if (r == field_read::failed) return false;
  ++it;
  return true;
}

// Reads the fields of a stream payload in one pass, whatever their order.
// They are expected in the order Binance sends a trade's (e E s t p q T m M):
// then every field is read by code made for it, instead of through a jump on
// its key that the branch predictor gets wrong about half the time. Fields in
// another order, or of another event, are read all the same, a little slower.
template <char... Order>
std::string_view read_payload_in_order(ondemand::value& data, payload& p, std::vector<price_level>& levels,
                                       json_scratch& js) {
  ondemand::object obj;
  if (data.get_object().get(obj)) return js.reason("field data is not an object");
  ondemand::object_iterator it, end;
  if (obj.begin().get(it) || obj.end().get(end)) return js.reason("field data is not an object");
  std::string_view why;
  (read_next<Order>(it, end, p, levels, js, why) && ...);
  if (!why.empty()) return why;
  // The rest, or all of it after an early end or a surprise.
  while (read_next<'\0'>(it, end, p, levels, js, why)) {
  }
  return why;
}

std::string_view read_payload(ondemand::value& data, payload& p, std::vector<price_level>& levels,
                              json_scratch& js) {
  return read_payload_in_order<'e', 'E', 's', 't', 'p', 'q', 'T', 'm', 'M'>(data, p, levels, js);
}

// Appends an aggregate built in place from `args`, where the compiler has
// parenthesized aggregate initialization (GCC 10, clang 16); clang 15, which
// the fuzz build uses, builds it on the stack and moves it.
template <class T, class... Args>
void emplace_aggregate(std::vector<T>& v, Args&&... args) {
#if defined(__cpp_aggregate_paren_init)
  v.emplace_back(std::forward<Args>(args)...);
#else
  v.push_back(T{std::forward<Args>(args)...});
#endif
}

// Fills the batch from a payload already read; returns why not, if invalid.
std::string_view build_records(const payload& p, record_batch& batch, json_scratch& js) {
  if (p.event == event_type::trade) {
    if ((p.seen & trade_required) != trade_required)
      return js.reason("trade: missing field %c", first_missing(trade_required, p.seen));
    if (p.price.is_negative() || p.price.is_zero()) return "trade: field p (price) is not positive";
    if (p.qty.is_negative() || p.qty.is_zero()) return "trade: field q (quantity) is not positive";
    wall_us ts_exchange = 0;
    if (!venue_json::ms_to_wall_us(p.trade_time, ts_exchange))
      return js.reason("trade: field T is out of range");
    // Built in place, every field given: a record assembled on the stack and
    // then copied is read back in 16-byte pieces right after being written in
    // smaller ones, which stalls the store buffer; a default-constructed one
    // is first cleared with `rep stos`, which is slow to start.
    // m = "buyer is the maker": the seller took liquidity.
    emplace_aggregate(batch.trades, p.symbol, p.trade_id, std::uint64_t{0}, p.price, p.qty,
                      p.buyer_is_maker ? side::sell : side::buy, ts_exchange, wall_us{0});
    return {};
  }
  // depth
  if ((p.seen & depth_required) != depth_required)
    return js.reason("depth: missing field %c", first_missing(depth_required, p.seen));
  if (p.first_update > p.final_update) return js.reason("depth: U is greater than u");
  book_record b;
  b.symbol = p.symbol;
  b.seq = p.final_update;
  b.first_seq = p.first_update;
  b.bid_offset = p.bid_offset;
  b.bid_count = p.bid_count;
  b.ask_offset = p.ask_offset;
  b.ask_count = p.ask_count;
  if (!venue_json::ms_to_wall_us(p.event_time, b.ts_exchange))
    return js.reason("depth: field E is out of range");
  batch.books.push_back(b);
  batch.seal();
  return {};
}

inbound shutdown_notice() noexcept {
  inbound in;
  in.kind = inbound_kind::notice;
  in.error = errc::service_restart;
  in.reason = "serverShutdown: the server is about to close this connection";
  return in;
}

// ---- REST --------------------------------------------------------------------

// A REST error body {"code":-1121,"msg":"Invalid symbol."} as a status.
rest_status venue_error(std::int64_t code, std::string_view msg) {
  errc e = errc::protocol_violation;
  if (code == -1121)
    e = errc::unknown_symbol;  // Invalid symbol
  else if (code == -1003)
    e = errc::rate_limited;  // Too many requests
  else if (code == -1000 || code == -1001 || code == -1007 || code == -1008)
    e = errc::server_error;  // unknown, disconnected, timeout, overloaded
  std::string detail = "venue error " + std::to_string(code);
  if (!msg.empty()) detail.append(": ").append(msg);
  return failed(e, std::move(detail));
}

// Reads an error body's code and msg from an object; false if it is not one.
bool read_error_body(ondemand::object& obj, std::int64_t& code, std::string_view& msg) {
  bool has_code = false;
  for (auto item : obj) {
    ondemand::field field;
    if (std::move(item).get(field)) return false;
    const auto key = field.key();
    if (key_is(key, "code")) {
      has_code = int_value(field.value(), code);
    } else if (key_is(key, "msg")) {
      if (field.value().get_string().get(msg)) return false;
    }
  }
  return has_code;
}

std::string simdjson_reason(const char* what, simdjson::error_code e) {
  return std::string(what) + ": not JSON (" + simdjson::error_message(e) + ")";
}

rest_status read_book_snapshot(json_scratch& js, std::string_view body, std::string_view symbol,
                               record_batch& out) {
  ondemand::document doc;
  if (const auto err = js.parse(body, doc)) return malformed(simdjson_reason("depth", err));
  ondemand::object obj;
  if (doc.get_object().get(obj)) return malformed("depth: body is not a JSON object");
  book_record b;
  b.symbol = symbol;
  b.snapshot = true;
  bool has_id = false, has_bids = false, has_asks = false, has_code = false;
  std::int64_t code = 0;
  std::string_view msg;
  for (auto item : obj) {
    ondemand::field field;
    if (std::move(item).get(field)) return malformed("depth: truncated or malformed JSON");
    const auto key = field.key();
    ondemand::value& v = field.value();
    if (key_is(key, "lastUpdateId")) {
      if (!uint_value(v, b.seq))
        return malformed("depth: field lastUpdateId is not an unsigned integer");
      has_id = true;
    } else if (key_is(key, "bids") || key_is(key, "asks")) {
      const bool bids = key_is(key, "bids");
      std::uint32_t& offset = bids ? b.bid_offset : b.ask_offset;
      std::uint32_t& count = bids ? b.bid_count : b.ask_count;
      offset = static_cast<std::uint32_t>(out.levels().size());
      if (const char* why = append_levels(v, out.levels(), count))
        return malformed(std::string("depth: field ") + (bids ? "bids " : "asks ") + why);
      (bids ? has_bids : has_asks) = true;
    } else if (key_is(key, "code")) {
      has_code = int_value(v, code);
    } else if (key_is(key, "msg")) {
      if (v.get_string().get(msg)) msg = {};
    }
  }
  if (has_code) return venue_error(code, msg);
  if (!venue_json::fully_consumed(doc))
    return malformed("depth: trailing bytes after the JSON object");
  if (!has_id) return malformed("depth: missing field lastUpdateId");
  if (!has_bids) return malformed("depth: missing field bids");
  if (!has_asks) return malformed("depth: missing field asks");
  b.first_seq = b.seq;
  out.books.push_back(b);
  out.seal();
  return {};
}

rest_status read_trades(json_scratch& js, std::string_view body, std::string_view symbol,
                        record_batch& out) {
  ondemand::document doc;
  if (const auto err = js.parse(body, doc)) return malformed(simdjson_reason("trades", err));
  ondemand::json_type type;
  if (doc.type().get(type)) return malformed("trades: not JSON");
  if (type == ondemand::json_type::object) {
    ondemand::object obj;
    std::int64_t code = 0;
    std::string_view msg;
    if (!doc.get_object().get(obj) && read_error_body(obj, code, msg))
      return venue_error(code, msg);
    return malformed("trades: body is neither a list of trades nor an error");
  }
  ondemand::array list;
  if (doc.get_array().get(list)) return malformed("trades: body is not a JSON array");
  for (auto element : list) {
    ondemand::value item_value;
    if (element.get(item_value)) return malformed("trades: truncated or malformed JSON");
    ondemand::object obj;
    if (item_value.get_object().get(obj)) return malformed("trades: an element is not an object");
    trade_record t;
    t.symbol = symbol;
    std::uint64_t time = 0;
    bool maker = false;
    unsigned seen = 0;  // id, price, qty, time, isBuyerMaker
    for (auto item : obj) {
      ondemand::field field;
      if (std::move(item).get(field)) return malformed("trades: truncated or malformed JSON");
      const auto key = field.key();
      ondemand::value& v = field.value();
      if (key_is(key, "id")) {
        if (!uint_value(v, t.id)) return malformed("trades: field id is not an unsigned integer");
        seen |= 1;
      } else if (key_is(key, "price")) {
        if (!decimal_value(v, t.price)) return malformed("trades: field price is not a decimal");
        seen |= 2;
      } else if (key_is(key, "qty")) {
        if (!decimal_value(v, t.qty)) return malformed("trades: field qty is not a decimal");
        seen |= 4;
      } else if (key_is(key, "time")) {
        if (!uint_value(v, time)) return malformed("trades: field time is not an unsigned integer");
        seen |= 8;
      } else if (key_is(key, "isBuyerMaker")) {
        if (!bool_value(v, maker)) return malformed("trades: field isBuyerMaker is not a boolean");
        seen |= 16;
      }
    }
    static constexpr const char* names[] = {"id", "price", "qty", "time", "isBuyerMaker"};
    for (unsigned i = 0; i < 5; ++i)
      if (!(seen & (1u << i))) return malformed(std::string("trades: missing field ") + names[i]);
    if (!venue_json::ms_to_wall_us(time, t.ts_exchange))
      return malformed("trades: field time is out of range");
    if (t.price.is_negative() || t.price.is_zero()) return malformed("trades: field price is not positive");
    if (t.qty.is_negative() || t.qty.is_zero()) return malformed("trades: field qty is not positive");
    t.taker = maker ? side::sell : side::buy;
    out.trades.push_back(t);
  }
  if (!venue_json::fully_consumed(doc))
    return malformed("trades: trailing bytes after the JSON array");
  auto by_id = [](const trade_record& a, const trade_record& b) { return a.id < b.id; };
  if (!std::is_sorted(out.trades.begin(), out.trades.end(), by_id))
    std::sort(out.trades.begin(), out.trades.end(), by_id);
  return {};
}

}  // namespace

binance_spot::binance_spot(const venue_endpoints& endpoints)
    : json_venue_adapter(without_trailing_slash(endpoints.ws_url.empty() ? default_ws_url : endpoints.ws_url),
                         endpoints.rest_url.empty() ? default_rest_url : endpoints.rest_url) {
  // venues.md §1.3/§1.4.
  limits_.lifetime = hours{24};
  limits_.topics_per_connection = 1024;
  // Not documented; a short frame keeps a refusal's blast radius small.
  limits_.topics_per_message = 50;
  // Not documented either. Users measured that the server takes URLs up to
  // 8 004 characters and nothing happens above (UNVERIFIED, 2019); half of
  // that carries about 230 streams, and the rest of a connection's 1 024 go
  // by SUBSCRIBE once it is open.
  limits_.url_bytes = 4096;
  // 5 inbound messages/s, pings and pongs included: the supervisor spends
  // from the same bucket for its pings, and its safety factor leaves room
  // for the transport's pong replies to the server's pings (one per 20 s).
  limits_.control_messages_per_second = 5;
  limits_.control_burst = 1;
  limits_.pings_count_as_control = true;
  limits_.connects_per_window = 300;
  limits_.connect_window = minutes{5};
  // §1.4: 6 000 request weight per minute per IP; 429 beyond, and a ban
  // (418) for going on after it.
  limits_.rest_limits = {{std::string(request_weight), 6000, minutes{1}}};
  // The server pings every 20 s and drops us after a minute without a pong;
  // the transport answers those pings. The venue needs no pings of ours;
  // one configured (the daemon's profiles send one every 15 or 30 s) counts
  // against the message limit and is paced with the control frames.
  heartbeat_.ws_ping_interval = duration{0};
  heartbeat_.app_ping_interval = duration{0};
  // §1.7/§1.8: REST snapshot with lastUpdateId, diffs chained by U/u. 1000
  // levels costs weight 50 against 250 for 5000.
  book_rules_.snapshot = snapshot_source::rest;
  book_rules_.continuity = book_continuity::update_id_range;
  book_rules_.snapshot_depth = 1000;
  book_rules_.checksum = book_checksum::none;
  book_rules_.checksum_depth = 0;
}

std::string binance_spot::url(std::span<const std::string> topics) const {
  std::string out = ws_url_;
  out += "/stream";
  // A combined endpoint without streams: topics arrive later by SUBSCRIBE and
  // payloads keep the {"stream","data"} wrapper.
  if (topics.empty()) return out;
  out += "?streams=";
  for (std::size_t i = 0; i < topics.size(); ++i) {
    if (i > 0) out += '/';
    out += topics[i];
  }
  return out;
}

std::string binance_spot::control_message(bool subscribe, std::span<const std::string> topics,
                                          std::uint64_t request_id) const {
  const std::string_view method = subscribe ? "SUBSCRIBE" : "UNSUBSCRIBE";
  std::string out = R"({"method":")";
  out += method;
  out += R"(","params":[)";
  for (std::size_t i = 0; i < topics.size(); ++i) {
    if (i > 0) out += ',';
    venue_json::append_json_string(out, topics[i]);
  }
  out += R"(],"id":)";
  out += std::to_string(request_id);
  out += '}';
  return out;
}

inbound binance_spot::decode_frame(std::string_view frame, frame_room room) {
  batch_.clear();
  ondemand::document doc;
  if (const auto err = parse_frame(frame, room, doc))
    return invalid(frame_json_.reason("not JSON: %s", simdjson::error_message(err)));
  ondemand::object top;
  if (const auto err = doc.get_object().get(top))
    return invalid(frame_json_.reason("not a JSON object: %s", simdjson::error_message(err)));

  std::string_view stream;
  bool has_stream = false, has_data = false, has_result = false, result_null = false;
  bool has_id = false, has_code = false;
  std::uint64_t id = 0;
  std::int64_t code = 0;
  std::string_view msg;
  event_type raw_event = event_type::none;
  payload p;
  for (auto item : top) {
    if (item.error()) return invalid(frame_json_.reason("truncated or malformed JSON"));
    ondemand::field& field = item.value_unsafe();  // not moved out: see read_payload
    const auto key = field.key();
    ondemand::value& v = field.value();
    if (key_is(key, "stream")) {
      if (!string_text(v, stream)) return invalid("field stream is not a string");
      has_stream = true;
    } else if (key_is(key, "data")) {
      const std::string_view why = read_payload(v, p, batch_.levels(), frame_json_);
      if (!why.empty()) return invalid(why);
      has_data = true;
    } else if (key_is(key, "result")) {
      has_result = true;
      result_null = is_null(v);
    } else if (key_is(key, "id")) {
      // Our ids are integers; a reply to someone else's string id has none.
      has_id = uint_value(v, id);
    } else if (key_is(key, "code")) {
      if (!int_value(v, code)) return invalid("field code is not an integer");
      has_code = true;
    } else if (key_is(key, "msg")) {
      if (v.get_string().get(msg)) return invalid("field msg is not a string");
    } else if (const char k = short_key(key)) {
      // A raw stream's event (/ws/<stream>): its fields are the payload's.
      std::string_view why;
      if (read_any_field(k, v, p, batch_.levels(), frame_json_, why) == field_read::failed) return invalid(why);
      if (k == 'e') raw_event = p.event;
    }
  }
  if (!venue_json::fully_consumed(doc)) return invalid("trailing bytes after the JSON object");

  if (has_data) {
    if (p.event == event_type::shutdown) return shutdown_notice();
    if (!has_stream) return invalid("combined payload without field stream");
    inbound in;
    in.kind = inbound_kind::data;
    in.stream = stream;
    if (p.event == event_type::trade || p.event == event_type::depth) {
      const std::string_view why = build_records(p, batch_, frame_json_);
      if (!why.empty()) {
        batch_.clear();
        return invalid(why);
      }
      in.has_seq = true;
      in.seq = p.event == event_type::trade ? p.trade_id : p.final_update;
      in.records = &batch_;
    } else {
      // A stream we pass through without records (aggTrade, bookTicker ...).
      batch_.clear();
    }
    return in;
  }
  if (raw_event == event_type::shutdown) return shutdown_notice();
  if (has_code) {
    inbound in;
    in.kind = inbound_kind::nack;
    // Binance's codes 0..3 all say the request itself was malformed.
    in.error = errc::protocol_violation;
    in.reason = frame_json_.reason("code %lld: %.*s", static_cast<long long>(code),
                                   static_cast<int>(msg.size()), msg.data());
    in.request_id = id;
    in.has_request_id = has_id;
    return in;
  }
  if (has_result) {
    inbound in;
    // {"result":null,"id":N} acknowledges SUBSCRIBE/UNSUBSCRIBE; a non-null
    // result answers LIST_SUBSCRIPTIONS or GET_PROPERTY.
    in.kind = result_null ? inbound_kind::ack : inbound_kind::ignore;
    in.request_id = id;
    in.has_request_id = has_id;
    return in;
  }
  if (raw_event == event_type::trade || raw_event == event_type::depth) {
    // A raw stream's event names no stream: it is the one this adapter would
    // subscribe for the symbol and event.
    const std::string_view why = build_records(p, batch_, frame_json_);
    if (!why.empty()) {
      batch_.clear();
      return invalid(why);
    }
    raw_stream_ = topic(raw_event == event_type::trade ? channel::trades : channel::book, p.symbol);
    inbound in;
    in.kind = inbound_kind::data;
    in.stream = raw_stream_;
    in.has_seq = true;
    in.seq = raw_event == event_type::trade ? p.trade_id : p.final_update;
    in.records = &batch_;
    return in;
  }
  if (raw_event != event_type::none) {
    batch_.clear();
    inbound in;
    in.kind = inbound_kind::ignore;
    in.reason = "an event of a stream that is not recorded";
    return in;
  }
  return invalid("unrecognised frame: no stream data, result or error");
}

symbol_spelling binance_spot::spell_symbol(std::string_view text) const {
  // Binance spells a spot market as base and quote in upper case, run
  // together: BTCUSDT. Case and separators are respelt; nothing is guessed.
  auto canonical = canonical_symbol_text(text, "");
  if (!canonical)
    return symbol_spelling::refused(fmt::format(
        "'{}' is not a Binance symbol: letters and digits only, base and quote together, e.g. BTCUSDT", text));
  return {std::move(*canonical), {}};
}

std::string binance_spot::topic(channel c, std::string_view symbol) const {
  std::string out;
  out.reserve(symbol.size() + depth_suffix.size());
  for (const char ch : symbol) out += ascii_lower(ch);
  out += c == channel::trades ? trade_suffix : depth_suffix;
  return out;
}

std::optional<std::pair<channel, std::string>> binance_spot::parse_topic(std::string_view t) const {
  const auto at = t.find('@');
  if (at == 0 || at == std::string_view::npos) return std::nullopt;
  const std::string_view rest = t.substr(at);
  channel c;
  if (rest == trade_suffix) {
    c = channel::trades;
  } else if (rest == depth_suffix) {
    c = channel::book;
  } else {
    return std::nullopt;
  }
  std::string symbol;
  symbol.reserve(at);
  for (const char ch : t.substr(0, at)) symbol += ascii_upper(ch);
  return std::pair{c, std::move(symbol)};
}

rest_request binance_spot::book_snapshot_request(std::string_view symbol) const {
  std::string target = "/api/v3/depth?symbol=";
  target += symbol;
  target += "&limit=";
  target += std::to_string(book_rules_.snapshot_depth);
  // §1.7: the weight grows with the levels asked for.
  const std::size_t depth = book_rules_.snapshot_depth;
  const int weight = depth <= 100 ? 5 : depth <= 500 ? 25 : depth <= 1000 ? 50 : 250;
  return {"GET", std::move(target), 0, std::string(request_weight), weight};
}

rest_request binance_spot::trade_backfill_request(std::string_view symbol,
                                                  std::uint64_t first_missing,
                                                  std::uint64_t /*last_missing*/) const {
  // Pages forward: trades with id >= fromId, oldest first, up to 1000.
  std::string target = "/api/v3/historicalTrades?symbol=";
  target += symbol;
  target += "&fromId=";
  target += std::to_string(first_missing);
  target += "&limit=1000";
  return {"GET", std::move(target), first_missing, std::string(request_weight), 25};
}

std::optional<rest_request> binance_spot::next_trade_backfill_request(
    const rest_request& previous, std::string_view symbol, std::uint64_t first_missing,
    std::uint64_t last_missing, const record_batch& page) const {
  if (page.trades.empty()) return std::nullopt;
  std::uint64_t newest = 0;
  for (const auto& t : page.trades) newest = std::max(newest, t.id);
  if (newest >= last_missing) return std::nullopt;
  const std::uint64_t next = newest + 1;
  if (next <= previous.cursor) return std::nullopt;  // the page did not move forward
  auto request = trade_backfill_request(symbol, next, last_missing);
  (void)first_missing;
  return request;
}

rest_status binance_spot::parse_book_snapshot(std::string_view body, std::string_view symbol,
                                              record_batch& out) {
  return parse_rest_reply("depth", out,
                          [&](record_batch& batch) { return read_book_snapshot(rest_json_, body, symbol, batch); });
}

rest_status binance_spot::parse_trades(std::string_view body, std::string_view symbol,
                                       record_batch& out) {
  return parse_rest_reply("trades", out,
                          [&](record_batch& batch) { return read_trades(rest_json_, body, symbol, batch); });
}

}  // namespace sf
