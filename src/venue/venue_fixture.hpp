// Test helper: reads the venue sample messages kept in tests/fixtures/venues
// (see tests/fixtures/SOURCES.md for where each one comes from).
//
// The fixture directory is found relative to this header, so the tests run
// from any working directory. Trailing whitespace (the file's final newline)
// is dropped: a fixture is one WebSocket frame or one HTTP body.
//
// Thread safety: pure functions reading files.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sf::testing {

inline std::filesystem::path venue_fixture_dir() {
  return std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "tests" /
         "fixtures" / "venues";
}

inline std::string venue_fixture(std::string_view relative) {
  const auto path = venue_fixture_dir() / relative;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("missing fixture " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  std::string s = text.str();
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

// One frame per non-empty line.
inline std::vector<std::string> venue_fixture_lines(std::string_view relative) {
  std::istringstream in(venue_fixture(relative));
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(line);
  return lines;
}

}  // namespace sf::testing
