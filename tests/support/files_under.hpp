// How many non-empty regular files a directory tree holds (0 when it does
// not exist yet): for tests that wait until a recorder has written.
#pragma once

#include <cstddef>
#include <filesystem>

namespace sf::test {

inline std::size_t files_under(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  std::size_t n = 0;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return 0;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec))
    if (it->is_regular_file() && fs::file_size(it->path(), ec) > 0) ++n;
  return n;
}

}  // namespace sf::test
