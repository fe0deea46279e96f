// A mount for disk-fault tests, undone when it goes out of scope: a small
// tmpfs that fills up like a full disk, or a directory bound onto itself so
// that it can be made read-only and writable again while a process writes
// into it (root ignores file modes, but not a read-only mount).
//
// Needs root and a kernel that lets this process mount; `try_*` return
// nullopt, with the reason, where it cannot, so a test can skip and say why.
//
// Thread safety: none.
#pragma once

#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>

namespace sf::test {

class scratch_mount {
 public:
  // A tmpfs of `bytes` at `dir` (created if absent).
  static std::optional<scratch_mount> try_tmpfs(const std::filesystem::path& dir, std::size_t bytes,
                                                std::string& why) {
    std::filesystem::create_directories(dir);
    const std::string options = "size=" + std::to_string(bytes);
    if (::mount("tmpfs", dir.c_str(), "tmpfs", 0, options.c_str()) != 0) {
      why = std::string("cannot mount a tmpfs: ") + std::strerror(errno);
      return std::nullopt;
    }
    return scratch_mount(dir);
  }

  // `dir` bound onto itself, writable until set_read_only(true).
  static std::optional<scratch_mount> try_bind(const std::filesystem::path& dir, std::string& why) {
    std::filesystem::create_directories(dir);
    if (::mount(dir.c_str(), dir.c_str(), nullptr, MS_BIND, nullptr) != 0) {
      why = std::string("cannot bind-mount: ") + std::strerror(errno);
      return std::nullopt;
    }
    return scratch_mount(dir);
  }

  scratch_mount(scratch_mount&& other) noexcept : dir_(std::move(other.dir_)) {
    other.dir_.clear();
  }
  scratch_mount& operator=(scratch_mount&&) = delete;
  scratch_mount(const scratch_mount&) = delete;
  scratch_mount& operator=(const scratch_mount&) = delete;
  ~scratch_mount() {
    if (!dir_.empty()) ::umount2(dir_.c_str(), MNT_DETACH);
  }

  // False, with errno set, when the remount fails.
  bool set_read_only(bool read_only) {
    const unsigned long flags = MS_REMOUNT | MS_BIND | (read_only ? MS_RDONLY : 0);
    return ::mount(nullptr, dir_.c_str(), nullptr, flags, nullptr) == 0;
  }

 private:
  explicit scratch_mount(std::filesystem::path dir) : dir_(std::move(dir)) {}
  std::filesystem::path dir_;
};

}  // namespace sf::test
