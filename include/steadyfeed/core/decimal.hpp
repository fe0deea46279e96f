// Fixed-point decimals for prices and sizes: never binary floating point.
//
// A decimal is an integer mantissa and a count of digits after the point. It
// keeps the venue's own spelling: "0.00100000" is mantissa 100000 at scale 8 and
// prints back as "0.00100000", so records carry exactly what the venue sent.
// Comparison and equality are numeric ("8477" == "8477.00"); `normalized()`
// drops trailing fractional zeros for use as a map key.
//
// Range: up to 18 significant digits, scale up to 18 — every price and size any
// venue in scope sends. Longer inputs are rejected, not rounded.
//
// Thread safety: a value type.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sf {

class decimal {
 public:
  constexpr decimal() noexcept = default;
  constexpr decimal(std::int64_t mantissa, std::uint8_t scale) noexcept
      : mantissa_(mantissa), scale_(scale) {}

  // Parses "-12.3400", "5", "0.1", "1e-3" is rejected (venues send plain decimals).
  static std::optional<decimal> parse(std::string_view text) noexcept;

  constexpr std::int64_t mantissa() const noexcept { return mantissa_; }
  constexpr std::uint8_t scale() const noexcept { return scale_; }
  constexpr bool is_zero() const noexcept { return mantissa_ == 0; }
  constexpr bool is_negative() const noexcept { return mantissa_ < 0; }

  // The same value with trailing fractional zeros removed.
  decimal normalized() const noexcept;
  // The value at `scale` digits, if representable without loss.
  std::optional<decimal> rescaled(std::uint8_t scale) const noexcept;

  std::string to_string() const;
  // Appends the text to `out` (no allocation when `out` has room).
  void append_to(std::string& out) const;
  // Writes into buf (at least 24 bytes), returns the length.
  std::size_t write(char* buf) const noexcept;

  // Nearest double, for display only (dashboards); never for arithmetic.
  double to_double() const noexcept;

  friend bool operator==(const decimal& a, const decimal& b) noexcept;
  friend std::strong_ordering operator<=>(const decimal& a, const decimal& b) noexcept;

 private:
  std::int64_t mantissa_ = 0;
  std::uint8_t scale_ = 0;
};

}  // namespace sf
