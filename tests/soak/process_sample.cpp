#include "soak/process_sample.hpp"

#include <filesystem>
#include <fstream>
#include <string>

namespace sf::soak {
namespace {

std::uint64_t entries(const char* dir) {
  std::uint64_t n = 0;
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator(dir, ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
    ++n;
  return n;
}

}  // namespace

process_sample sample_this_process() {
  process_sample s;
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmRSS:", 0) == 0) s.rss_kib = std::stoull(line.substr(6));
  // The iterator's own descriptor is among the entries: not ours to count.
  s.fds = entries("/proc/self/fd") - 1;
  s.threads = entries("/proc/self/task");
  return s;
}

}  // namespace sf::soak
