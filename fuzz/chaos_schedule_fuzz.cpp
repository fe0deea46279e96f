// The simulator's chaos schedule (`steadyfeed-sim --chaos FILE`,
// apps/sim/chaos_schedule.hpp) on any YAML text. Every problem must come out
// as a chaos_error; what loads is sorted by start time, as promised.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "sim/chaos_schedule.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view yaml(reinterpret_cast<const char*>(data), size);
  try {
    const auto faults = sf::sim::parse_chaos(yaml, "fuzz.yaml");
    for (std::size_t i = 1; i < faults.size(); ++i) {
      if (faults[i].at < faults[i - 1].at) {
        std::fprintf(stderr, "broken promise: faults are sorted by `at`\n");
        std::abort();
      }
    }
  } catch (const sf::sim::chaos_error&) {
  }
  return 0;
}
