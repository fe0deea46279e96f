// Exclusive use of a recording directory, checked before anything records.
//
// Two processes recording into one directory would write every record twice
// and interleave their book streams; a directory that cannot be written
// would lose everything while the feeds look healthy. acquire() settles both
// before the first connection opens: it creates the directory, writes and
// removes a probe file, and takes an advisory lock (flock) on
// `DIR/.steadyfeed.lock`, which holds the owner's pid. A second process is
// refused with a message naming the first one's pid. The lock goes with the
// object, or with the process however it ends (kill -9 included): the
// kernel drops a dead process's flock.
//
// Thread safety: none needed; one object per directory per process.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

namespace sf {

class directory_lock {
 public:
  // The lock, or nullptr with `error` saying what is wrong and naming the
  // path (cannot create, cannot write, another process holds it).
  static std::unique_ptr<directory_lock> acquire(const std::filesystem::path& dir, std::string& error);

  ~directory_lock();
  directory_lock(const directory_lock&) = delete;
  directory_lock& operator=(const directory_lock&) = delete;

  const std::filesystem::path& file() const noexcept { return file_; }

 private:
  directory_lock(std::filesystem::path file, int fd) : file_(std::move(file)), fd_(fd) {}
  std::filesystem::path file_;
  int fd_;
};

}  // namespace sf
