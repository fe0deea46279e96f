#include "sim/binance_spot_dialect.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>

#include "sim/decimal.hpp"

namespace sf::sim::binance {

namespace json = boost::json;

namespace {

constexpr auto style = number_style::fixed8;

void append_int(std::string& out, std::int64_t v) { out += std::to_string(v); }

void append_str_decimal(std::string& out, std::int64_t units) {
  out.push_back('"');
  append_decimal(out, units, style);
  out.push_back('"');
}

wall_us time_in(wall_us us, bool micro) { return micro ? us : us / 1000; }

void append_levels(std::string& out, const std::vector<level>& levels) {
  out.push_back('[');
  for (std::size_t i = 0; i < levels.size(); ++i) {
    if (i) out.push_back(',');
    out.push_back('[');
    append_str_decimal(out, levels[i].price);
    out.push_back(',');
    append_str_decimal(out, levels[i].qty);
    out.push_back(']');
  }
  out.push_back(']');
}

std::string percent_decode(std::string_view in) {
  std::string out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%' && i + 2 < in.size()) {
      int v = 0;
      const auto r = std::from_chars(in.data() + i + 1, in.data() + i + 3, v, 16);
      if (r.ec == std::errc{} && r.ptr == in.data() + i + 3) {
        out.push_back(static_cast<char>(v));
        i += 2;
        continue;
      }
    }
    out.push_back(in[i]);
  }
  return out;
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  while (!s.empty()) {
    const auto pos = s.find(sep);
    if (pos != 0) out.emplace_back(s.substr(0, pos));
    if (pos == std::string_view::npos) break;
    s.remove_prefix(pos + 1);
  }
  return out;
}

// 1-based line and column of byte offset `pos`, as serde_json reports them.
std::string position(std::string_view text, std::size_t pos) {
  std::size_t line = 1, column = 0;
  for (std::size_t i = 0; i < pos && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 0;
    } else {
      ++column;
    }
  }
  return "at line " + std::to_string(line) + " column " + std::to_string(column);
}

// The offset just past the value of top-level key `key` when that value is a
// string (where the venue's parser stops and reports), else the text's end.
std::size_t end_of_string_value(std::string_view text, std::string_view key) {
  const std::string quoted = "\"" + std::string(key) + "\"";
  auto pos = text.find(quoted);
  if (pos == std::string_view::npos) return text.size();
  pos = text.find(':', pos + quoted.size());
  if (pos == std::string_view::npos) return text.size();
  pos = text.find('"', pos);
  if (pos == std::string_view::npos) return text.size();
  for (++pos; pos < text.size(); ++pos) {
    if (text[pos] == '\\') {
      ++pos;
    } else if (text[pos] == '"') {
      return pos + 1;
    }
  }
  return text.size();
}

std::size_t trimmed_size(std::string_view text) {
  auto n = text.size();
  while (n > 0 && (text[n - 1] == ' ' || text[n - 1] == '\n' || text[n - 1] == '\r' || text[n - 1] == '\t')) --n;
  return n;
}

std::string error_reply(int code, std::string_view msg, const json::value* id = nullptr) {
  json::object o;
  o["code"] = code;
  o["msg"] = msg;
  if (id) o["id"] = *id;
  return json::serialize(o);
}

std::string result_reply(const json::value& result, const json::value& id) {
  return R"({"result":)" + json::serialize(result) + R"(,"id":)" + json::serialize(id) + "}";
}

bool valid_id(const json::value& id) {
  if (id.is_null() || id.is_int64()) return true;
  if (id.is_uint64()) return id.get_uint64() <= static_cast<std::uint64_t>(INT64_MAX);
  if (!id.is_string()) return false;
  const auto& s = id.get_string();
  return s.size() <= 36 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
         });
}

std::string describe(const json::value& v) {
  switch (v.kind()) {
    case json::kind::string: return "string " + json::serialize(v);
    case json::kind::int64:
    case json::kind::uint64: return "integer `" + json::serialize(v) + "`";
    case json::kind::double_: return "floating point `" + json::serialize(v) + "`";
    case json::kind::bool_: return "boolean `" + json::serialize(v) + "`";
    case json::kind::null: return "null";
    case json::kind::object: return "map";
    case json::kind::array: return "sequence";
  }
  return "value";
}

}  // namespace

std::optional<stream_name> parse_stream(std::string_view text) {
  const auto at = text.find('@');
  if (at == std::string_view::npos || at == 0) return std::nullopt;
  stream_name out;
  out.text = std::string(text);
  out.symbol = std::string(text.substr(0, at));
  std::string_view rest = text.substr(at + 1);
  if (rest.ends_with("@100ms")) {
    out.fast = true;
    rest.remove_suffix(6);
  } else if (rest.ends_with("@1000ms")) {
    rest.remove_suffix(7);
  }
  if (rest == "trade" && !out.fast) {
    out.kind = stream_kind::trade;
  } else if (rest == "aggTrade" && !out.fast) {
    out.kind = stream_kind::agg_trade;
  } else if (rest == "bookTicker" && !out.fast) {
    out.kind = stream_kind::book_ticker;
  } else if (rest == "depth") {
    out.kind = stream_kind::depth;
  } else if (rest == "depth5" || rest == "depth10" || rest == "depth20") {
    out.kind = stream_kind::partial_depth;
    out.levels = std::stoi(std::string(rest.substr(5)));
  } else {
    return std::nullopt;
  }
  return out;
}

std::optional<url_request> parse_url(std::string_view target) {
  const auto q = target.find('?');
  const std::string_view path = target.substr(0, q);
  const std::string_view query = q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
  url_request out;
  if (path == "/ws" || path.starts_with("/ws/")) {
    out.combined = false;
    if (path.size() > 4) out.streams = split(percent_decode(path.substr(4)), '/');
  } else if (path == "/stream" || path == "/stream/") {
    out.combined = true;
  } else {
    return std::nullopt;
  }
  for (const auto& param : split(query, '&')) {
    const auto eq = param.find('=');
    const std::string key = param.substr(0, eq);
    const std::string value = eq == std::string::npos ? std::string{} : percent_decode(param.substr(eq + 1));
    if (key == "streams" && out.combined) {
      for (auto& s : split(value, '/')) out.streams.push_back(std::move(s));
    } else if (key == "timeUnit") {
      std::string lower = value;
      std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
      out.micro = lower == "microsecond";
    }
  }
  return out;
}

std::string trade_payload(const market_stream& s, const trade_event& t, wall_us event_time, bool micro) {
  std::string out;
  out.reserve(160);
  out += R"({"e":"trade","E":)";
  append_int(out, time_in(event_time, micro));
  out += R"(,"s":")";
  out += s.venue_symbol();
  out += R"(","t":)";
  append_int(out, static_cast<std::int64_t>(t.id));
  out += R"(,"p":)";
  append_str_decimal(out, t.price);
  out += R"(,"q":)";
  append_str_decimal(out, t.qty);
  out += R"(,"T":)";
  append_int(out, time_in(t.ts, micro));
  out += t.buyer_is_maker ? R"(,"m":true,"M":true})" : R"(,"m":false,"M":true})";
  return out;
}

std::string agg_trade_payload(const market_stream& s, const trade_event& t, wall_us event_time, bool micro) {
  // One fill per taker order here, so the aggregate id is the trade id and f == l.
  std::string out;
  out.reserve(180);
  out += R"({"e":"aggTrade","E":)";
  append_int(out, time_in(event_time, micro));
  out += R"(,"s":")";
  out += s.venue_symbol();
  out += R"(","a":)";
  append_int(out, static_cast<std::int64_t>(t.id));
  out += R"(,"p":)";
  append_str_decimal(out, t.price);
  out += R"(,"q":)";
  append_str_decimal(out, t.qty);
  out += R"(,"f":)";
  append_int(out, static_cast<std::int64_t>(t.id));
  out += R"(,"l":)";
  append_int(out, static_cast<std::int64_t>(t.id));
  out += R"(,"T":)";
  append_int(out, time_in(t.ts, micro));
  out += t.buyer_is_maker ? R"(,"m":true,"M":true})" : R"(,"m":false,"M":true})";
  return out;
}

std::string depth_update_payload(const market_stream& s, const book_update& u, bool micro) {
  std::string out;
  out.reserve(256);
  out += R"({"e":"depthUpdate","E":)";
  append_int(out, time_in(u.ts, micro));
  out += R"(,"s":")";
  out += s.venue_symbol();
  out += R"(","U":)";
  append_int(out, static_cast<std::int64_t>(u.first_seq));
  out += R"(,"u":)";
  append_int(out, static_cast<std::int64_t>(u.last_seq));
  out += R"(,"b":)";
  append_levels(out, u.bids);
  out += R"(,"a":)";
  append_levels(out, u.asks);
  out += '}';
  return out;
}

std::string partial_depth_payload(const market_stream& s, int levels) {
  const auto n = static_cast<std::size_t>(levels);
  std::string out;
  out += R"({"lastUpdateId":)";
  append_int(out, static_cast<std::int64_t>(s.last_seq()));
  out += R"(,"bids":)";
  append_levels(out, s.book().top(book_side::bid, n));
  out += R"(,"asks":)";
  append_levels(out, s.book().top(book_side::ask, n));
  out += '}';
  return out;
}

std::string book_ticker_payload(const market_stream& s) {
  const auto bid = s.book().best(book_side::bid).value_or(level{});
  const auto ask = s.book().best(book_side::ask).value_or(level{});
  std::string out;
  out += R"({"u":)";
  append_int(out, static_cast<std::int64_t>(s.last_seq()));
  out += R"(,"s":")";
  out += s.venue_symbol();
  out += R"(","b":)";
  append_str_decimal(out, bid.price);
  out += R"(,"B":)";
  append_str_decimal(out, bid.qty);
  out += R"(,"a":)";
  append_str_decimal(out, ask.price);
  out += R"(,"A":)";
  append_str_decimal(out, ask.qty);
  out += '}';
  return out;
}

std::string server_shutdown_payload(wall_us now, bool micro) {
  return R"({"e":"serverShutdown","E":)" + std::to_string(time_in(now, micro)) + "}";
}

std::string wrap_combined(std::string_view stream, std::string_view payload) {
  std::string out;
  out.reserve(payload.size() + stream.size() + 22);
  out += R"({"stream":")";
  out += stream;
  out += R"(","data":)";
  out += payload;
  out += '}';
  return out;
}

std::string depth_snapshot(const market_stream& s, std::size_t limit) {
  std::string out;
  out += R"({"lastUpdateId":)";
  append_int(out, static_cast<std::int64_t>(s.last_seq()));
  out += R"(,"bids":)";
  append_levels(out, s.book().top(book_side::bid, limit));
  out += R"(,"asks":)";
  append_levels(out, s.book().top(book_side::ask, limit));
  out += '}';
  return out;
}

std::string agg_trade_item(const trade_event& t) {
  std::string out;
  out += R"({"a":)";
  append_int(out, static_cast<std::int64_t>(t.id));
  out += R"(,"p":)";
  append_str_decimal(out, t.price);
  out += R"(,"q":)";
  append_str_decimal(out, t.qty);
  out += R"(,"f":)";
  append_int(out, static_cast<std::int64_t>(t.id));
  out += R"(,"l":)";
  append_int(out, static_cast<std::int64_t>(t.id));
  out += R"(,"T":)";
  append_int(out, t.ts / 1000);
  out += t.buyer_is_maker ? R"(,"m":true,"M":true})" : R"(,"m":false,"M":true})";
  return out;
}

std::string historical_trade_item(const trade_event& t) {
  // quoteQty = price * qty, exact, cut to eight decimals as the venue prints it.
  __extension__ using i128 = __int128;
  const i128 quote = static_cast<i128>(t.price) * t.qty / units_per_one;
  std::string out;
  out += R"({"id":)";
  append_int(out, static_cast<std::int64_t>(t.id));
  out += R"(,"price":)";
  append_str_decimal(out, t.price);
  out += R"(,"qty":)";
  append_str_decimal(out, t.qty);
  out += R"(,"quoteQty":)";
  append_str_decimal(out, static_cast<std::int64_t>(quote));
  out += R"(,"time":)";
  append_int(out, t.ts / 1000);
  out += t.buyer_is_maker ? R"(,"isBuyerMaker":true,"isBestMatch":true})" : R"(,"isBuyerMaker":false,"isBestMatch":true})";
  return out;
}

control_protocol::control_protocol(bool combined, std::size_t max_streams, std::vector<std::string> initial)
    : streams_(std::move(initial)), combined_(combined), max_streams_(max_streams) {}

control_protocol::result control_protocol::handle(std::string_view text) {
  json::stream_parser parser;
  json::error_code ec;
  const std::size_t consumed = parser.write(text.data(), text.size(), ec);
  if (!ec) parser.finish(ec);
  if (ec) {
    const bool at_end = consumed >= trimmed_size(text);
    return {error_reply(3, std::string("Invalid JSON: ") + (at_end ? "EOF while parsing a value " : "expected value ") +
                               position(text, at_end ? text.size() : consumed + 1)),
            false};
  }
  const json::value doc = parser.release();
  const std::size_t end = trimmed_size(text);
  if (!doc.is_object()) {
    return {error_reply(2, "Invalid request: invalid type: " + describe(doc) +
                               ", expected struct Request " + position(text, end)),
            false};
  }
  const auto& obj = doc.get_object();
  const json::value null_id;
  const json::value* id_ptr = obj.if_contains("id");
  const json::value& id = id_ptr ? *id_ptr : null_id;
  if (!valid_id(id)) return {error_reply(2, "Invalid request: request ID must be an unsigned integer"), false};

  const json::value* method = obj.if_contains("method");
  if (!method) return {error_reply(2, "Invalid request: missing field `method` " + position(text, end)), false};
  const std::string_view name = method->is_string() ? std::string_view(method->get_string()) : std::string_view{};
  static constexpr std::string_view variants =
      ", expected one of `SUBSCRIBE`, `UNSUBSCRIBE`, `LIST_SUBSCRIPTIONS`, `SET_PROPERTY`, `GET_PROPERTY` ";
  if (name != "SUBSCRIBE" && name != "UNSUBSCRIBE" && name != "LIST_SUBSCRIPTIONS" && name != "SET_PROPERTY" &&
      name != "GET_PROPERTY") {
    const std::string shown = method->is_string() ? std::string(name) : json::serialize(*method);
    return {error_reply(2, "Invalid request: unknown variant `" + shown + "`" + std::string(variants) +
                               position(text, end_of_string_value(text, "method"))),
            false};
  }

  const json::value* params = obj.if_contains("params");
  const json::array empty;
  if (params && !params->is_array() && !params->is_null()) {
    return {error_reply(2, "Invalid request: invalid type: " + describe(*params) + ", expected a sequence " +
                               position(text, end)),
            false};
  }
  const json::array& args = params && params->is_array() ? params->get_array() : empty;

  if (name == "LIST_SUBSCRIPTIONS") {
    json::array list;
    for (const auto& s : streams_) list.emplace_back(s);
    return {result_reply(list, id), false};
  }
  if (name == "SET_PROPERTY" || name == "GET_PROPERTY") {
    const std::size_t expected = name == "SET_PROPERTY" ? 2 : 1;
    if (args.size() > expected) return {error_reply(2, "Invalid request: too many parameters"), false};
    if (args.empty() || !args[0].is_string())
      return {error_reply(2, "Invalid request: property name must be a string"), false};
    if (args[0].get_string() != "combined") return {error_reply(0, "Unknown property", &id), false};
    if (name == "GET_PROPERTY") return {result_reply(json::value(combined_), id), false};
    if (args.size() < 2 || !args[1].is_bool()) return {error_reply(1, "Invalid value type: expected Boolean"), false};
    combined_ = args[1].get_bool();
    return {result_reply(nullptr, id), true};
  }

  std::vector<std::string> names;
  for (const auto& p : args) {
    if (!p.is_string()) {
      return {error_reply(2, "Invalid request: invalid type: " + describe(p) + ", expected a string " +
                                 position(text, end)),
              false};
    }
    names.emplace_back(p.get_string());
  }
  bool changed = false;
  if (name == "SUBSCRIBE") {
    std::size_t added = 0;
    for (const auto& n : names)
      if (std::find(streams_.begin(), streams_.end(), n) == streams_.end()) ++added;
    if (max_streams_ != 0 && streams_.size() + added > max_streams_)
      return {error_reply(2, "Invalid request: too many streams", &id), false};
    for (auto& n : names) {
      if (std::find(streams_.begin(), streams_.end(), n) == streams_.end()) {
        streams_.push_back(std::move(n));
        changed = true;
      }
    }
  } else {
    for (const auto& n : names) {
      const auto it = std::find(streams_.begin(), streams_.end(), n);
      if (it != streams_.end()) {
        streams_.erase(it);
        changed = true;
      }
    }
  }
  return {result_reply(nullptr, id), changed};
}

}  // namespace sf::sim::binance
