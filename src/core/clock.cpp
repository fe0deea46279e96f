#include "steadyfeed/core/clock.hpp"

#include <random>

namespace sf {

mono_clock::time_point mono_clock::now() noexcept {
  return time_point{std::chrono::duration_cast<duration>(
      std::chrono::steady_clock::now().time_since_epoch())};
}

time_point system_clock_source::now() const noexcept { return mono_clock::now(); }

wall_us system_clock_source::wall_now() const noexcept {
  return std::chrono::duration_cast<microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

const system_clock_source& system_clock_source::instance() noexcept {
  static const system_clock_source source;
  return source;
}

std::uint64_t entropy_seed() noexcept {
  std::random_device device;
  return (std::uint64_t{device()} << 32) ^ device();
}

}  // namespace sf
