// Equality of two short texts (a symbol, a stream name) without calling
// memcmp, whose call costs more than comparing the dozen bytes such names
// have; the hot path compares one per frame. Every load stays inside both
// texts, so any two views can be compared.
//
// Thread safety: a pure function.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace sf {

// Whether the first and the last sizeof(Word) of `n` bytes (sizeof(Word) <= n
// <= 2 * sizeof(Word)) agree: two loads each, overlapping when n is less
// than twice the word.
template <typename Word>
inline bool same_ends(const char* x, const char* y, std::size_t n) noexcept {
  Word x0, y0, x1, y1;
  std::memcpy(&x0, x, sizeof(Word));
  std::memcpy(&y0, y, sizeof(Word));
  std::memcpy(&x1, x + n - sizeof(Word), sizeof(Word));
  std::memcpy(&y1, y + n - sizeof(Word), sizeof(Word));
  return ((x0 ^ y0) | (x1 ^ y1)) == 0;
}

inline bool same_text(std::string_view a, std::string_view b) noexcept {
  const std::size_t n = a.size();
  if (n != b.size()) return false;
  const char* x = a.data();
  const char* y = b.data();
  if (n >= 8 && n <= 16) return same_ends<std::uint64_t>(x, y, n);
  if (n >= 4 && n < 8) return same_ends<std::uint32_t>(x, y, n);
  if (n < 4) {
    for (std::size_t i = 0; i < n; ++i)
      if (x[i] != y[i]) return false;
    return true;
  }
  return std::memcmp(x, y, n) == 0;
}

}  // namespace sf
