// The process's resident memory, for the benchmarks' memory figures.
#pragma once

#include <fstream>
#include <string>

namespace sf::bench {

// VmRSS from /proc/self/status in KiB, or -1 where it cannot be read.
inline long vm_rss_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

}  // namespace sf::bench
