// A soak run's samples, the verdict on them, and the page `docs/soak.md`.
//
// Flat means: after the warm-up, the highest value in the last third of the
// run is no higher than the highest in the first third, plus a slack for
// what legitimately moves (a rotation holds a second socket for a moment;
// the allocator keeps some memory). Journals must never exceed their
// capacity. A leak of one timer, descriptor or thread per rotation fails
// within the first thousand rotations.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "soak/process_sample.hpp"

namespace sf::soak {

struct soak_sample {
  double elapsed_s = 0;
  std::uint64_t rotations = 0;
  std::uint64_t reconnects = 0;
  std::uint64_t records = 0;
  process_sample process;
  std::int64_t armed_timers = 0;
  std::uint64_t journal_events = 0;
};

struct flatness_limits {
  double warmup_s = 60;
  std::uint64_t rss_slack_kib = 4096;
  std::uint64_t fd_slack = 4;
  std::uint64_t thread_slack = 0;
  std::int64_t timer_slack = 4;
  std::uint64_t journal_capacity = 0;  // over every connection
};

// Every way the samples are not flat, each naming the measure and its values.
std::vector<std::string> judge_flatness(const std::vector<soak_sample>& samples,
                                        const flatness_limits& limits);

// The Markdown page: `setup` (prose), a row per thousand rotations (and the
// last sample), then `verdict` lines.
std::string soak_page(const std::string& setup, const std::vector<soak_sample>& samples,
                      const std::vector<std::string>& verdict);

}  // namespace sf::soak
