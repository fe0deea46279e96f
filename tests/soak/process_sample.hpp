// What this process holds right now, read from /proc/self: resident memory,
// open file descriptors and threads. A soak test samples these and checks
// that they stay flat while connections rotate for hours.
//
// Thread safety: pure function (reads /proc).
#pragma once

#include <cstdint>

namespace sf::soak {

struct process_sample {
  std::uint64_t rss_kib = 0;
  std::uint64_t fds = 0;
  std::uint64_t threads = 0;
};

process_sample sample_this_process();

}  // namespace sf::soak
