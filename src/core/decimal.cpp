#include "steadyfeed/core/decimal.hpp"

#include <array>
#include <cstring>

namespace sf {
namespace {

constexpr std::array<std::int64_t, 19> pow10 = {
    1LL, 10LL, 100LL, 1000LL, 10000LL, 100000LL, 1000000LL, 10000000LL, 100000000LL,
    1000000000LL, 10000000000LL, 100000000000LL, 1000000000000LL, 10000000000000LL,
    100000000000000LL, 1000000000000000LL, 10000000000000000LL, 100000000000000000LL,
    1000000000000000000LL};

constexpr int max_digits = 18;

}  // namespace

std::optional<decimal> decimal::parse(std::string_view s) noexcept {
  if (s.empty()) return std::nullopt;
  bool negative = false;
  std::size_t i = 0;
  if (s[0] == '-' || s[0] == '+') {
    negative = s[0] == '-';
    i = 1;
  }
  std::int64_t mantissa = 0;
  int digits = 0;      // significant digits accumulated (leading zeros skipped)
  int scale = 0;
  bool seen_point = false;
  bool seen_digit = false;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '.') {
      if (seen_point) return std::nullopt;
      seen_point = true;
      continue;
    }
    if (c < '0' || c > '9') return std::nullopt;
    seen_digit = true;
    if (seen_point) ++scale;
    if (mantissa == 0 && c == '0') {
      if (scale > max_digits) return std::nullopt;
      continue;
    }
    if (++digits > max_digits || scale > max_digits) return std::nullopt;
    mantissa = mantissa * 10 + (c - '0');
  }
  if (!seen_digit) return std::nullopt;
  return decimal(negative ? -mantissa : mantissa, static_cast<std::uint8_t>(scale));
}

decimal decimal::normalized() const noexcept {
  std::int64_t m = mantissa_;
  std::uint8_t s = scale_;
  if (m == 0) return decimal(0, 0);
  while (s > 0 && m % 10 == 0) {
    m /= 10;
    --s;
  }
  return decimal(m, s);
}

std::optional<decimal> decimal::rescaled(std::uint8_t scale) const noexcept {
  if (scale > max_digits) return std::nullopt;
  if (scale == scale_) return *this;
  if (scale > scale_) {
    const std::int64_t f = pow10[scale - scale_];
    std::int64_t out;
    if (__builtin_mul_overflow(mantissa_, f, &out)) return std::nullopt;
    return decimal(out, scale);
  }
  const std::int64_t f = pow10[scale_ - scale];
  if (mantissa_ % f != 0) return std::nullopt;
  return decimal(mantissa_ / f, scale);
}

std::size_t decimal::write(char* buf) const noexcept {
  char digits[24];
  std::uint64_t m = mantissa_ < 0 ? 0 - static_cast<std::uint64_t>(mantissa_) : static_cast<std::uint64_t>(mantissa_);
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + m % 10);
    m /= 10;
  } while (m != 0);
  while (n <= scale_) digits[n++] = '0';  // at least one digit before the point
  std::size_t len = 0;
  if (mantissa_ < 0) buf[len++] = '-';
  for (int i = n - 1; i >= 0; --i) {
    buf[len++] = digits[i];
    if (i == scale_ && scale_ > 0) buf[len++] = '.';
  }
  return len;
}

void decimal::append_to(std::string& out) const {
  char buf[48];
  out.append(buf, write(buf));
}

std::string decimal::to_string() const {
  std::string out;
  append_to(out);
  return out;
}

double decimal::to_double() const noexcept {
  return static_cast<double>(mantissa_) / static_cast<double>(pow10[scale_]);
}

namespace {
// Compares a and b exactly, in 128-bit arithmetic to avoid overflow.
std::strong_ordering compare(const decimal& a, const decimal& b) noexcept {
  __extension__ using i128 = __int128;
  const int s = a.scale() > b.scale() ? a.scale() : b.scale();
  const i128 x = static_cast<i128>(a.mantissa()) * pow10[static_cast<std::size_t>(s - a.scale())];
  const i128 y = static_cast<i128>(b.mantissa()) * pow10[static_cast<std::size_t>(s - b.scale())];
  return x < y ? std::strong_ordering::less : x > y ? std::strong_ordering::greater : std::strong_ordering::equal;
}
}  // namespace

bool operator==(const decimal& a, const decimal& b) noexcept {
  if (a.scale_ == b.scale_) return a.mantissa_ == b.mantissa_;
  return compare(a, b) == std::strong_ordering::equal;
}

std::strong_ordering operator<=>(const decimal& a, const decimal& b) noexcept {
  if (a.scale_ == b.scale_) return a.mantissa_ <=> b.mantissa_;
  return compare(a, b);
}

}  // namespace sf
