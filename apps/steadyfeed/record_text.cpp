#include "record_text.hpp"

#include <charconv>

namespace sf::daemon {
namespace {

class cursor {
 public:
  explicit cursor(std::string_view s) : s_(s) {}

  void skip_space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\r' || s_[i_] == '\n')) ++i_;
  }
  bool eat(char c) {
    skip_space();
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  bool peek(char c) {
    skip_space();
    return i_ < s_.size() && s_[i_] == c;
  }
  bool at_end() {
    skip_space();
    return i_ == s_.size();
  }
  // A string's content, escapes left in place.
  bool string(std::string_view& out) {
    if (!eat('"')) return false;
    const std::size_t start = i_;
    while (i_ < s_.size() && s_[i_] != '"') i_ += s_[i_] == '\\' ? 2 : 1;
    if (i_ >= s_.size()) return false;
    out = s_.substr(start, i_ - start);
    ++i_;
    return true;
  }
  // A number, true, false or null, as written.
  bool bare(std::string_view& out) {
    skip_space();
    const std::size_t start = i_;
    while (i_ < s_.size() && s_[i_] != ',' && s_[i_] != '}' && s_[i_] != ']' && s_[i_] != ' ') ++i_;
    out = s_.substr(start, i_ - start);
    return !out.empty();
  }
  // A scalar: a string's content or a bare token.
  bool scalar(std::string_view& out) { return peek('"') ? string(out) : bare(out); }
  // Any value, skipped.
  bool skip_value(int depth = 0) {
    if (depth > 16) return false;
    if (peek('"')) {
      std::string_view ignored;
      return string(ignored);
    }
    if (eat('[') || eat('{')) {
      const char close = s_[i_ - 1] == '[' ? ']' : '}';
      if (eat(close)) return true;
      do {
        if (close == '}') {
          std::string_view key;
          if (!string(key) || !eat(':')) return false;
        }
        if (!skip_value(depth + 1)) return false;
      } while (eat(','));
      return eat(close);
    }
    std::string_view ignored;
    return bare(ignored);
  }
  // [[price, size, ...], ...]
  bool levels(std::vector<record_text::level>& out) {
    out.clear();
    if (!eat('[')) return false;
    if (eat(']')) return true;
    do {
      if (!eat('[')) return false;
      std::string_view price, size;
      if (!scalar(price) || !eat(',') || !scalar(size)) return false;
      while (eat(','))
        if (!skip_value()) return false;
      if (!eat(']')) return false;
      out.emplace_back(price, size);
    } while (eat(','));
    return eat(']');
  }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
};

}  // namespace

bool read_record_text(std::string_view line, record_text& out, std::string& error) {
  auto bids = std::move(out.bids), asks = std::move(out.asks);
  out = record_text{};
  out.bids = std::move(bids);
  out.asks = std::move(asks);
  out.bids.clear();
  out.asks.clear();
  cursor c(line);
  if (!c.eat('{')) {
    error = "not a JSON object";
    return false;
  }
  if (c.eat('}')) {
    error = "an empty object";
    return false;
  }
  do {
    std::string_view key;
    if (!c.string(key) || !c.eat(':')) {
      error = "a malformed key";
      return false;
    }
    std::string_view* field = nullptr;
    if (key == "type") field = &out.type;
    else if (key == "venue") field = &out.venue;
    else if (key == "channel") field = &out.channel;
    else if (key == "symbol") field = &out.symbol;
    else if (key == "id") field = &out.id;
    else if (key == "first_id") field = &out.first_id;
    else if (key == "price") field = &out.price;
    else if (key == "qty") field = &out.qty;
    else if (key == "side") field = &out.side;
    else if (key == "seq") field = &out.seq;
    else if (key == "prev_seq") field = &out.prev_seq;
    else if (key == "first_seq") field = &out.first_seq;
    else if (key == "snapshot") field = &out.snapshot;
    else if (key == "from") field = &out.from;
    else if (key == "to") field = &out.to;
    else if (key == "reason") field = &out.reason;
    else if (key == "ts_exchange") field = &out.ts_exchange;
    else if (key == "ts_recv") field = &out.ts_recv;
    bool ok;
    if (field) {
      ok = c.scalar(*field);
    } else if (key == "bids" || key == "asks") {
      ok = c.levels(key == "bids" ? out.bids : out.asks);
    } else {
      ok = c.skip_value();
    }
    if (!ok) {
      error = "field " + std::string(key) + " is malformed";
      return false;
    }
  } while (c.eat(','));
  if (!c.eat('}') || !c.at_end()) {
    error = "the object is not closed, or text follows it";
    return false;
  }
  if (out.type.empty()) {
    error = "no field type";
    return false;
  }
  return true;
}

bool is_zero_text(std::string_view number) noexcept {
  bool digit = false;
  for (const char ch : number) {
    if (ch == '0') {
      digit = true;
    } else if (ch != '.' && ch != '-' && ch != '+') {
      return false;
    }
  }
  return digit;
}

bool unsigned_text(std::string_view text, unsigned long long& out) noexcept {
  if (text.empty()) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size();
}

}  // namespace sf::daemon
