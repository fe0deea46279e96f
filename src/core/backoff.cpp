#include "steadyfeed/core/backoff.hpp"

#include <algorithm>
#include <cmath>

namespace sf {

const char* backoff_policy::validate() const noexcept {
  if (initial.count() < 0) return "backoff.initial must not be negative";
  if (max < initial) return "backoff.max must be at least backoff.initial";
  if (!(multiplier >= 1.0)) return "backoff.multiplier must be at least 1";
  if (!(jitter_fraction >= 0.0 && jitter_fraction <= 1.0))
    return "backoff.jitter must be between 0 and 1";
  if (max_attempts < -1) return "backoff.max_attempts must be -1 (forever) or at least 0";
  if (reset_after.count() < 0) return "backoff.reset_after must not be negative";
  return nullptr;
}

duration backoff::base_delay(int n) const noexcept {
  // Computed in floating point so that huge exponents saturate at max instead
  // of overflowing.
  const double scaled = static_cast<double>(policy_.initial.count()) *
                        std::pow(policy_.multiplier, static_cast<double>(std::max(n, 0)));
  const double ceiling = static_cast<double>(policy_.max.count());
  return duration{static_cast<duration::rep>(std::min(scaled, ceiling))};
}

duration backoff::next_delay(rng& random) noexcept {
  const double base = static_cast<double>(base_delay(attempts_).count());
  ++attempts_;
  double jittered = base;
  switch (policy_.jitter) {
    case jitter_mode::none:
      break;
    case jitter_mode::proportional:
      jittered = base * (1.0 + random.uniform(-policy_.jitter_fraction, policy_.jitter_fraction));
      break;
    case jitter_mode::full:
      jittered = random.uniform(0.0, base);
      break;
  }
  const double ceiling = static_cast<double>(policy_.max.count());
  return duration{static_cast<duration::rep>(std::clamp(jittered, 0.0, ceiling))};
}

}  // namespace sf
