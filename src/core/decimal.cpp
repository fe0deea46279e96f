#include "steadyfeed/core/decimal.hpp"

#include <array>
#include <cstring>

#include "core/digits.hpp"

namespace sf {
namespace {

constexpr std::array<std::int64_t, 19> pow10 = {
    1LL, 10LL, 100LL, 1000LL, 10000LL, 100000LL, 1000000LL, 10000000LL, 100000000LL,
    1000000000LL, 10000000000LL, 100000000000LL, 1000000000000LL, 10000000000000LL,
    100000000000000LL, 1000000000000000LL, 10000000000000000LL, 100000000000000000LL,
    1000000000000000000LL};

constexpr int max_digits = 18;

// Digits from the first non-zero one on, over the digits before and after the point.
std::size_t significant_digits(std::string_view whole, std::string_view fraction) noexcept {
  std::size_t zeros = 0;
  while (zeros < whole.size() && whole[zeros] == '0') ++zeros;
  if (zeros < whole.size()) return whole.size() - zeros + fraction.size();
  zeros = 0;
  while (zeros < fraction.size() && fraction[zeros] == '0') ++zeros;
  return fraction.size() - zeros;
}

}  // namespace

std::optional<decimal> decimal::parse(std::string_view s) noexcept {
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  // Split at the point (a loop: these texts are too short for memchr to pay).
  std::size_t dot = 0;
  while (dot < s.size() && s[dot] != '.') ++dot;
  const std::string_view whole = s.substr(0, dot);
  const std::string_view fraction = dot < s.size() ? s.substr(dot + 1) : std::string_view{};
  if (whole.empty() && fraction.empty()) return std::nullopt;
  if (fraction.size() > static_cast<std::size_t>(max_digits)) return std::nullopt;
  // Each part parses as a run of digits (a second point fails here), eight
  // digits at a time; 18 significant digits then bound the mantissa.
  std::uint64_t w = 0, f = 0;
  if (!whole.empty() && !digits::parse_unsigned(whole, w)) return std::nullopt;
  if (!fraction.empty() && !digits::parse_unsigned(fraction, f)) return std::nullopt;
  if (significant_digits(whole, fraction) > static_cast<std::size_t>(max_digits))
    return std::nullopt;
  const auto mantissa =
      static_cast<std::int64_t>(w * static_cast<std::uint64_t>(pow10[fraction.size()]) + f);
  return decimal(negative ? -mantissa : mantissa, static_cast<std::uint8_t>(fraction.size()));
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
  // Every digit is stored once, in place: the whole part, the point, then the
  // fraction at exactly `scale_` digits. (Assembling the text elsewhere and
  // copying it over reads digits back right after they were stored in
  // smaller pieces, which stalls.)
  char* out = buf;
  if (mantissa_ < 0) *out++ = '-';
  const std::uint64_t m = mantissa_ < 0 ? 0 - static_cast<std::uint64_t>(mantissa_)
                                        : static_cast<std::uint64_t>(mantissa_);
  if (scale_ == 0) return static_cast<std::size_t>(digits::write_unsigned(out, m) - buf);
  const auto unit = static_cast<std::uint64_t>(pow10[scale_]);
  out = digits::write_unsigned(out, m / unit);
  *out++ = '.';
  digits::write_exactly(out, m % unit, scale_);
  return static_cast<std::size_t>(out + scale_ - buf);
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
