// A fresh, empty directory under the system temp directory for one test,
// removed with everything in it when the test ends. Names carry the process
// id and a counter, so parallel test processes never share one.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>
#include <string_view>

namespace sf::test {

struct temp_dir {
  std::filesystem::path path;
  bool keep = false;  // left in place at the end (a failed test's evidence)

  explicit temp_dir(std::string_view tag = "test") {
    path = std::filesystem::temp_directory_path() /
           ("steadyfeed-" + std::string(tag) + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~temp_dir() {
    if (keep) return;
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

 private:
  static inline int counter = 0;
};

}  // namespace sf::test
