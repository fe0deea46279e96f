// Where the real binaries say they listen, read from what they print: the
// simulator's "127.0.0.1:PORT" (its ws:// URLs, on stdout) and the daemon's
// API port ("control API on http://127.0.0.1:PORT", on stderr, text or JSON
// log lines). Empty or 0 until the line is there: poll.
#pragma once

#include <filesystem>
#include <regex>
#include <string>

#include "support/child_process.hpp"

namespace sf::test {

inline std::string simulator_address(const std::filesystem::path& stdout_file) {
  static const std::regex url(R"(ws://([0-9.]+:[0-9]+)/)");
  std::smatch m;
  const std::string text = read_file(stdout_file);
  return std::regex_search(text, m, url) ? m[1].str() : std::string{};
}

inline unsigned short api_port(const std::filesystem::path& stderr_file) {
  static const std::regex api(R"(control API on http://127\.0\.0\.1:([0-9]+))");
  std::smatch m;
  const std::string text = read_file(stderr_file);
  return std::regex_search(text, m, api) ? static_cast<unsigned short>(std::stoi(m[1].str())) : 0;
}

}  // namespace sf::test
