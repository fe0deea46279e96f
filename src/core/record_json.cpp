#include "steadyfeed/core/record_json.hpp"

#include <charconv>

namespace sf {
namespace {

void append_int(std::string& out, std::int64_t v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void append_uint(std::string& out, std::uint64_t v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void append_levels(std::string& out, std::span<const price_level> levels) {
  out += '[';
  bool first = true;
  for (const auto& l : levels) {
    if (!first) out += ',';
    first = false;
    out += '[';
    l.price.append_to(out);
    out += ',';
    l.qty.append_to(out);
    out += ']';
  }
  out += ']';
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  out += '"';
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += hex[c >> 4];
          out += hex[c & 0xf];
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

void append_json(std::string& out, std::string_view venue, const trade_record& t) {
  out += R"({"type":"trade","venue":)";
  append_json_string(out, venue);
  out += R"(,"symbol":)";
  append_json_string(out, t.symbol);
  out += R"(,"id":")";
  append_uint(out, t.id);
  out += '"';
  if (t.first_id != 0 && t.first_id != t.id) {
    out += R"(,"first_id":")";
    append_uint(out, t.first_id);
    out += '"';
  }
  out += R"(,"price":)";
  t.price.append_to(out);
  out += R"(,"qty":)";
  t.qty.append_to(out);
  out += R"(,"side":")";
  out += to_string(t.taker);
  out += R"(","ts_exchange":)";
  append_int(out, t.ts_exchange);
  out += R"(,"ts_recv":)";
  append_int(out, t.ts_recv);
  out += "}\n";
}

void append_json(std::string& out, std::string_view venue, const book_record& b) {
  out += R"({"type":"book","venue":)";
  append_json_string(out, venue);
  out += R"(,"symbol":)";
  append_json_string(out, b.symbol);
  out += R"(,"seq":)";
  append_uint(out, b.seq);
  if (b.first_seq != 0 && b.first_seq != b.seq) {
    out += R"(,"first_seq":)";
    append_uint(out, b.first_seq);
  }
  if (b.has_prev_seq) {
    out += R"(,"prev_seq":)";
    append_uint(out, b.prev_seq);
  }
  out += R"(,"snapshot":)";
  out += b.snapshot ? "true" : "false";
  if (b.has_checksum && b.checksum != 0) {
    out += R"(,"checksum":)";
    append_int(out, b.checksum);
  }
  out += R"(,"bids":)";
  append_levels(out, b.bids);
  out += R"(,"asks":)";
  append_levels(out, b.asks);
  out += R"(,"ts_exchange":)";
  append_int(out, b.ts_exchange);
  out += R"(,"ts_recv":)";
  append_int(out, b.ts_recv);
  out += "}\n";
}

void append_json(std::string& out, const gap_record& g) {
  out += R"({"type":"gap","venue":)";
  append_json_string(out, g.venue);
  out += R"(,"channel":)";
  append_json_string(out, g.channel);
  out += R"(,"symbol":)";
  append_json_string(out, g.symbol);
  out += R"(,"from":)";
  append_json_string(out, g.from);
  out += R"(,"to":)";
  append_json_string(out, g.to);
  out += R"(,"reason":)";
  append_json_string(out, g.reason);
  out += R"(,"ts_recv":)";
  append_int(out, g.ts_recv);
  out += "}\n";
}

}  // namespace sf
