// Reading the scalars venues send — decimals as strings, ids as strings or
// numbers — straight from simdjson's raw tokens.
//
// Prices and sizes never pass through binary floating point: the token text
// ("0.00100000") goes to sf::decimal, which keeps the venue's spelling (OKX's
// checksum depends on it). Ids arrive as JSON numbers at Binance and as
// strings at OKX; both spellings are accepted everywhere so that a venue
// switching one field's type does not turn every frame invalid.
//
// All functions return false (and leave `out` alone) when the token is not
// what was asked for; callers turn that into an error naming the field.
//
// Tokens come from documents parsed out of a json_scratch, whose buffer has
// simdjson's padding after the text: numbers are read with 16-byte loads from
// a token's first digit (digits.hpp, "reading from padded input").
//
// Thread safety: pure functions over the caller's document.
#pragma once

#include <simdjson.h>

#include <charconv>
#include <cstring>
#include <cstdint>
#include <string_view>
#include <type_traits>
#include <vector>

#include "core/digits.hpp"
#include "steadyfeed/core/decimal.hpp"
#include "steadyfeed/core/record.hpp"

namespace sf::venue_json {

using simdjson::ondemand::value;

// Whether an object key is exactly `name` as written (escapes are not undone,
// as in simdjson's own key comparison): its raw text is `name` and the
// closing quote. A fixed-size comparison, where simdjson's loops over the
// characters; reading past a short key stays within the padded input.
template <std::size_t N>
[[gnu::always_inline]] inline bool key_is(const simdjson::ondemand::raw_json_string& key,
                                          const char (&name)[N]) noexcept {
  const char* k = key.raw();
  return std::memcmp(k, name, N - 1) == 0 && k[N - 1] == '"';
}

// A raw token without the whitespace simdjson leaves after it.
inline std::string_view trimmed_token(value& v) noexcept {
  std::string_view t = v.raw_json_token();
  // One comparison settles the usual case: a token's last byte is above ' '.
  while (!t.empty() && static_cast<unsigned char>(t.back()) <= ' ' &&
         (t.back() == ' ' || t.back() == '\n' || t.back() == '\r' || t.back() == '\t'))
    t.remove_suffix(1);
  return t;
}

// The text between a string token's quotes.
inline bool quoted_text(std::string_view token, std::string_view& out) noexcept {
  if (token.size() < 2 || token.front() != '"' || token.back() != '"') return false;
  out = token.substr(1, token.size() - 2);
  return true;
}

// The text of a string token between its quotes, escapes left as they are
// (symbols, ids and decimals never contain any; if one does, the decimal and
// id parsers reject the backslash).
inline bool string_text(value& v, std::string_view& out) noexcept {
  return quoted_text(trimmed_token(v), out);
}

// The text of a string token, or of a number token as written.
inline bool scalar_text(value& v, std::string_view& out) noexcept {
  const std::string_view t = trimmed_token(v);
  if (t.empty()) return false;
  if (t.front() == '"') return quoted_text(t, out);
  if (t.front() != '-' && (t.front() < '0' || t.front() > '9')) return false;
  out = t;
  return true;
}

static_assert(simdjson::SIMDJSON_PADDING >= 16, "the digit readers load 16 bytes past a token's start");

inline bool decimal_value(value& v, decimal& out) noexcept {
  std::string_view text;
  if (!scalar_text(v, text)) return false;
  std::int64_t mantissa;
  unsigned scale;
  if (digits::parse_decimal_padded(text, mantissa, scale)) {
    out = decimal(mantissa, static_cast<std::uint8_t>(scale));
    return true;
  }
  const auto d = decimal::parse(text);  // long texts, and errors
  if (!d) return false;
  out = *d;
  return true;
}

template <typename Int>
inline bool parse_integer(std::string_view text, Int& out) noexcept {
  if constexpr (std::is_same_v<Int, std::uint64_t>) {
    // Ids and timestamps, a dozen digits each, several per frame: sixteen at a time.
    return digits::parse_unsigned_padded(text, out);
  } else {
    if (text.empty()) return false;
    Int n{};
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc{} || end != text.data() + text.size()) return false;
    out = n;
    return true;
  }
}

// An unsigned integer written as a number (Binance ids) or a string (OKX ids, ms timestamps).
inline bool uint_value(value& v, std::uint64_t& out) noexcept {
  std::string_view text;
  return scalar_text(v, text) && parse_integer(text, out);
}

// A signed integer, number or string (OKX prevSeqId -1, checksums).
inline bool int_value(value& v, std::int64_t& out) noexcept {
  std::string_view text;
  return scalar_text(v, text) && parse_integer(text, out);
}

inline bool bool_value(value& v, bool& out) noexcept {
  const std::string_view t = trimmed_token(v);
  if (t == "true") {
    out = true;
  } else if (t == "false") {
    out = false;
  } else {
    return false;
  }
  return true;
}

inline bool is_null(value& v) noexcept {
  return trimmed_token(v) == "null";
}

// Whether the parse has consumed the whole input, i.e. nothing trails the
// top-level value (On-Demand only notices trailing bytes when asked).
inline bool fully_consumed(simdjson::ondemand::document& doc) noexcept {
  return doc.current_location().error() == simdjson::OUT_OF_BOUNDS;
}

// Milliseconds since the epoch to steadyfeed's microseconds; false on overflow.
inline bool ms_to_wall_us(std::uint64_t ms, wall_us& out) noexcept {
  if (ms > static_cast<std::uint64_t>(INT64_MAX / 1000)) return false;
  out = static_cast<wall_us>(ms) * 1000;
  return true;
}

// Appends the levels of a JSON array of [price, size, ...] arrays (extra
// elements such as OKX's order count are skipped). Returns nullptr, or what was
// wrong with the array. Throws only std::bad_alloc, when `out` must grow.
inline const char* append_levels(value& v, std::vector<price_level>& out, std::uint32_t& count) {
  simdjson::ondemand::array levels;
  if (v.get_array().get(levels)) return "is not an array";
  count = 0;
  for (auto item : levels) {
    // Values are used where they lie: moved out, each would be copied in
    // 16-byte pieces right after being written in smaller ones (a
    // store-forwarding stall per value).
    if (item.error()) return "is truncated or malformed";
    value& level_value = item.value_unsafe();
    simdjson::ondemand::array pair;
    if (level_value.get_array().get(pair)) return "holds a level that is not an array";
    price_level level;
    int n = 0;
    for (auto element : pair) {
      if (element.error()) return "holds a malformed level";
      value& x = element.value_unsafe();
      if (n == 0 && !decimal_value(x, level.price)) return "holds a price that is not a decimal";
      if (n == 1 && !decimal_value(x, level.qty)) return "holds a size that is not a decimal";
      ++n;
    }
    if (n < 2) return "holds a level without price and size";
    if (level.price.is_negative() || level.price.is_zero()) return "holds a price that is not positive";
    if (level.qty.is_negative()) return "holds a negative size";
    out.push_back(level);
    ++count;
  }
  return nullptr;
}

}  // namespace sf::venue_json
