#include "steadyfeed/core/record_parse.hpp"

#include <simdjson.h>

#include <charconv>

namespace sf {

owned_record& owned_record::operator=(const owned_record& other) {
  if (this == &other) return *this;
  type = other.type;
  venue = other.venue;
  symbol = other.symbol;
  channel = other.channel;
  trade = other.trade;
  book = other.book;
  gap = other.gap;
  bids = other.bids;
  asks = other.asks;
  fix_views();
  return *this;
}

void owned_record::fix_views() noexcept {
  trade.symbol = symbol;
  book.symbol = symbol;
  book.bids = bids;
  book.asks = asks;
}

struct record_parser::impl {
  simdjson::ondemand::parser parser;
  simdjson::padded_string buffer;
};

record_parser::record_parser() : impl_(std::make_unique<impl>()) {}
record_parser::~record_parser() = default;

namespace {

using simdjson::ondemand::object;
using simdjson::ondemand::value;

bool parse_uint(std::string_view s, std::uint64_t& out) {
  const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc{} && r.ptr == s.data() + s.size();
}

// A number or a string holding one, as raw text.
bool raw_number(value v, std::string_view& out) {
  simdjson::ondemand::json_type t;
  if (v.type().get(t)) return false;
  if (t == simdjson::ondemand::json_type::string) return !v.get_string().get(out);
  if (t != simdjson::ondemand::json_type::number) return false;
  out = v.raw_json_token();
  while (!out.empty() && (out.back() == ' ' || out.back() == '\n' || out.back() == '\r' || out.back() == '\t'))
    out.remove_suffix(1);
  return true;
}

bool read_levels(value v, std::vector<price_level>& out) {
  simdjson::ondemand::array levels;
  if (v.get_array().get(levels)) return false;
  for (auto level : levels) {
    simdjson::ondemand::array pair;
    if (level.get_array().get(pair)) return false;
    std::string_view px, qty;
    int i = 0;
    for (auto x : pair) {
      value xv;
      if (x.get(xv)) return false;
      if (i == 0 && !raw_number(xv, px)) return false;
      if (i == 1 && !raw_number(xv, qty)) return false;
      ++i;
    }
    auto p = decimal::parse(px);
    auto q = decimal::parse(qty);
    if (i < 2 || !p || !q) return false;
    out.push_back({*p, *q});
  }
  return true;
}

}  // namespace

bool record_parser::parse(std::string_view line, owned_record& out, std::string& error) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  out = owned_record{};
  impl_->buffer = simdjson::padded_string(line);
  simdjson::ondemand::document doc;
  if (auto e = impl_->parser.iterate(impl_->buffer).get(doc); e) {
    error = std::string("not JSON: ") + simdjson::error_message(e);
    return false;
  }
  object obj;
  if (auto e = doc.get_object().get(obj)) {
    error = e == simdjson::INCORRECT_TYPE ? std::string("not a JSON object")
                                          : std::string("not JSON: ") + simdjson::error_message(e);
    return false;
  }
  std::string_view type_name;
  bool has_type = false;
  std::string_view missing;
  bool ok = true;
  auto fail = [&](std::string what) {
    if (ok) error = std::move(what);
    ok = false;
  };
  bool have_id = false, have_price = false, have_qty = false, have_seq = false;
  for (auto field_result : obj) {
    simdjson::ondemand::field field;
    if (auto e = std::move(field_result).get(field)) {
      error = std::string("not JSON: ") + simdjson::error_message(e);
      return false;
    }
    std::string_view key;
    if (field.unescaped_key().get(key)) return fail("not JSON: bad key"), false;
    value v = field.value();
    std::string_view sv;
    if (key == "type") {
      if (v.get_string().get(type_name)) fail("type: expected a string");
      has_type = true;
    } else if (key == "venue") {
      if (v.get_string().get(sv)) fail("venue: expected a string");
      out.venue = sv;
    } else if (key == "symbol") {
      if (v.get_string().get(sv)) fail("symbol: expected a string");
      out.symbol = sv;
    } else if (key == "channel") {
      if (v.get_string().get(sv)) fail("channel: expected a string");
      out.channel = sv;
    } else if (key == "id") {
      std::string_view raw;
      if (!raw_number(v, raw) || !parse_uint(raw, out.trade.id)) fail("id: expected an id");
      have_id = true;
    } else if (key == "first_id") {
      std::string_view raw;
      if (!raw_number(v, raw) || !parse_uint(raw, out.trade.first_id)) fail("first_id: expected an id");
    } else if (key == "price" || key == "qty") {
      std::string_view raw;
      std::optional<decimal> d;
      if (raw_number(v, raw)) d = decimal::parse(raw);
      if (!d) {
        fail(std::string(key) + ": expected a decimal");
      } else if (key == "price") {
        out.trade.price = *d;
        have_price = true;
      } else {
        out.trade.qty = *d;
        have_qty = true;
      }
    } else if (key == "side") {
      if (v.get_string().get(sv)) fail("side: expected a string");
      out.trade.taker = sv == "buy" ? side::buy : sv == "sell" ? side::sell : side::unknown;
    } else if (key == "ts_exchange" || key == "ts_recv") {
      std::int64_t t = 0;
      if (v.get_int64().get(t)) fail(std::string(key) + ": expected an integer");
      (key == "ts_exchange" ? out.trade.ts_exchange : out.trade.ts_recv) = t;
      (key == "ts_exchange" ? out.book.ts_exchange : out.book.ts_recv) = t;
      if (key == "ts_recv") out.gap.ts_recv = t;
    } else if (key == "seq" || key == "first_seq") {
      std::uint64_t s = 0;
      if (v.get_uint64().get(s)) fail(std::string(key) + ": expected an unsigned integer");
      (key == "seq" ? out.book.seq : out.book.first_seq) = s;
      if (key == "seq") have_seq = true;
    } else if (key == "prev_seq") {
      std::int64_t p = 0;
      if (v.get_int64().get(p)) {
        std::uint64_t u = 0;
        if (v.get_uint64().get(u)) fail("prev_seq: expected an integer");
        out.book.prev_seq = u;
        out.book.has_prev_seq = true;
      } else if (p >= 0) {
        out.book.prev_seq = static_cast<std::uint64_t>(p);
        out.book.has_prev_seq = true;
      }
    } else if (key == "snapshot") {
      if (v.get_bool().get(out.book.snapshot)) fail("snapshot: expected true or false");
    } else if (key == "checksum") {
      if (v.get_int64().get(out.book.checksum)) fail("checksum: expected an integer");
      out.book.has_checksum = true;
    } else if (key == "bids" || key == "asks") {
      if (!read_levels(v, key == "bids" ? out.bids : out.asks)) fail(std::string(key) + ": expected [[price, qty], ...]");
    } else if (key == "from" || key == "to" || key == "reason") {
      if (v.get_string().get(sv)) fail(std::string(key) + ": expected a string");
      (key == "from" ? out.gap.from : key == "to" ? out.gap.to : out.gap.reason) = sv;
    }
    if (!ok) return false;
  }
  if (!has_type) return fail("missing field type"), false;
  if (out.venue.empty()) missing = "venue";
  else if (out.symbol.empty()) missing = "symbol";
  if (type_name == "trade") {
    out.type = owned_record::kind::trade;
    out.channel = "trades";
    if (!have_id) missing = "id";
    else if (!have_price) missing = "price";
    else if (!have_qty) missing = "qty";
  } else if (type_name == "book") {
    out.type = owned_record::kind::book;
    out.channel = "book";
    if (!have_seq) missing = "seq";
  } else if (type_name == "gap") {
    out.type = owned_record::kind::gap;
    out.gap.venue = out.venue;
    out.gap.channel = out.channel;
    out.gap.symbol = out.symbol;
    if (out.channel.empty()) missing = "channel";
  } else {
    error = "unknown record type '" + std::string(type_name) + "'";
    return false;
  }
  if (!missing.empty()) {
    error = "missing field " + std::string(missing);
    return false;
  }
  out.fix_views();
  return true;
}

}  // namespace sf
