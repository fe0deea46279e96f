#include "steadyfeed/core/record_json.hpp"

#include <cstring>

#include "core/digits.hpp"

namespace sf {
namespace {

// Collects a line in a stack buffer and appends it to the string a few
// hundred bytes at a time. A trade line is some fifteen pieces; appending each
// to the std::string is an out-of-line call with its own capacity check, which
// cost more than formatting the numbers. finish() appends what is left (not
// the destructor: appending may throw).
class line_writer {
 public:
  explicit line_writer(std::string& out) noexcept : out_(out) {}
  line_writer(const line_writer&) = delete;
  line_writer& operator=(const line_writer&) = delete;

  void finish() { flush(); }

  void text(std::string_view s) {
    if (s.size() > room()) {
      flush();
      if (s.size() > sizeof buf_) {
        out_.append(s);
        return;
      }
    }
    std::memcpy(buf_ + used_, s.data(), s.size());
    used_ += s.size();
  }
  // A string literal: its length is known here, so the copy is a few moves.
  template <std::size_t N>
  void literal(const char (&s)[N]) {
    reserve(N - 1);
    std::memcpy(buf_ + used_, s, N - 1);
    used_ += N - 1;
  }
  void ch(char c) {
    if (room() == 0) flush();
    buf_[used_++] = c;
  }
  void integer(std::uint64_t v) {
    reserve(20);
    used_ = static_cast<std::size_t>(digits::write_unsigned(buf_ + used_, v) - buf_);
  }
  void integer(std::int64_t v) {
    reserve(20);
    used_ = static_cast<std::size_t>(digits::write_signed(buf_ + used_, v) - buf_);
  }
  void number(const decimal& d) {
    reserve(24);  // decimal::write's bound
    used_ += d.write(buf_ + used_);
  }
  // `s` as a JSON string literal, quotes included.
  void string(std::string_view s) {
    ch('"');
    escaped(s);
    ch('"');
  }

 private:
  std::size_t room() const noexcept { return sizeof buf_ - used_; }
  void reserve(std::size_t n) {
    if (room() < n) flush();
  }
  void flush() {
    out_.append(buf_, used_);
    used_ = 0;
  }

  static bool needs_escape(char ch) noexcept {
    const auto c = static_cast<unsigned char>(ch);
    return c < 0x20 || c == '"' || c == '\\';
  }

  // Whether any of eight bytes is a control character, '"' or '\\' (bit
  // tricks for "has a byte less than n" and "has a zero byte"; a byte with the
  // high bit set, UTF-8, counts as none of them).
  static bool any_needs_escape(std::uint64_t w) noexcept {
    constexpr std::uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    const std::uint64_t quote = w ^ (ones * '"'), backslash = w ^ (ones * '\\');
    const std::uint64_t control = (w - ones * 0x20) & ~w;
    const std::uint64_t zero = ((quote - ones) & ~quote) | ((backslash - ones) & ~backslash);
    return ((control | zero) & highs) != 0;
  }

  // Length of the prefix of `s` that needs no escaping, eight bytes at a time.
  static std::size_t clean_prefix(std::string_view s) noexcept {
    std::size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
      std::uint64_t w;
      std::memcpy(&w, s.data() + i, sizeof w);
      if (any_needs_escape(w)) break;
    }
    while (i < s.size() && !needs_escape(s[i])) ++i;
    return i;
  }

  // Venues, symbols and ids need no escaping: they go through in one piece.
  void escaped(std::string_view s) {
    static constexpr char hex[] = "0123456789abcdef";
    while (!s.empty()) {
      const std::size_t clean = clean_prefix(s);
      text(s.substr(0, clean));
      if (clean == s.size()) return;
      const auto c = static_cast<unsigned char>(s[clean]);
      switch (c) {
        case '"':
          literal("\\\"");
          break;
        case '\\':
          literal("\\\\");
          break;
        case '\n':
          literal("\\n");
          break;
        case '\r':
          literal("\\r");
          break;
        case '\t':
          literal("\\t");
          break;
        default: {
          const char u[] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xf]};
          text(std::string_view(u, sizeof u));
        }
      }
      s.remove_prefix(clean + 1);
    }
  }

  std::string& out_;
  std::size_t used_ = 0;
  char buf_[256];
};

void write_levels(line_writer& w, std::span<const price_level> levels) {
  w.ch('[');
  bool first = true;
  for (const auto& l : levels) {
    if (!first) w.ch(',');
    w.ch('[');
    first = false;
    w.number(l.price);
    w.ch(',');
    w.number(l.qty);
    w.ch(']');
  }
  w.ch(']');
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  line_writer w(out);
  w.string(s);
  w.finish();
}

void append_json(std::string& out, std::string_view venue, const trade_record& t) {
  line_writer w(out);
  w.literal(R"({"type":"trade","venue":)");
  w.string(venue);
  w.literal(R"(,"symbol":)");
  w.string(t.symbol);
  w.literal(R"(,"id":")");
  w.integer(t.id);
  w.ch('"');
  if (t.first_id != 0 && t.first_id != t.id) {
    w.literal(R"(,"first_id":")");
    w.integer(t.first_id);
    w.ch('"');
  }
  w.literal(R"(,"price":)");
  w.number(t.price);
  w.literal(R"(,"qty":)");
  w.number(t.qty);
  w.literal(R"(,"side":")");
  w.text(to_string(t.taker));
  w.literal(R"(","ts_exchange":)");
  w.integer(t.ts_exchange);
  w.literal(R"(,"ts_recv":)");
  w.integer(t.ts_recv);
  w.literal("}\n");
  w.finish();
}

void append_json(std::string& out, std::string_view venue, const book_record& b) {
  line_writer w(out);
  w.literal(R"({"type":"book","venue":)");
  w.string(venue);
  w.literal(R"(,"symbol":)");
  w.string(b.symbol);
  w.literal(R"(,"seq":)");
  w.integer(b.seq);
  if (b.first_seq != 0 && b.first_seq != b.seq) {
    w.literal(R"(,"first_seq":)");
    w.integer(b.first_seq);
  }
  if (b.has_prev_seq) {
    w.literal(R"(,"prev_seq":)");
    w.integer(b.prev_seq);
  }
  w.literal(R"(,"snapshot":)");
  w.text(b.snapshot ? "true" : "false");
  if (b.has_checksum && b.checksum != 0) {
    w.literal(R"(,"checksum":)");
    w.integer(b.checksum);
  }
  w.literal(R"(,"bids":)");
  write_levels(w, b.bids);
  w.literal(R"(,"asks":)");
  write_levels(w, b.asks);
  w.literal(R"(,"ts_exchange":)");
  w.integer(b.ts_exchange);
  w.literal(R"(,"ts_recv":)");
  w.integer(b.ts_recv);
  w.literal("}\n");
  w.finish();
}

void append_json(std::string& out, const gap_record& g) {
  line_writer w(out);
  w.literal(R"({"type":"gap","venue":)");
  w.string(g.venue);
  w.literal(R"(,"channel":)");
  w.string(g.channel);
  w.literal(R"(,"symbol":)");
  w.string(g.symbol);
  w.literal(R"(,"from":)");
  w.string(g.from);
  w.literal(R"(,"to":)");
  w.string(g.to);
  w.literal(R"(,"reason":)");
  w.string(g.reason);
  w.literal(R"(,"ts_recv":)");
  w.integer(g.ts_recv);
  w.literal("}\n");
  w.finish();
}

}  // namespace sf
