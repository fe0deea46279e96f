#include "steadyfeed/sink/directory_lock.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace sf {

namespace fs = std::filesystem;

namespace {

std::string why(int err) { return std::strerror(err); }

}  // namespace

std::unique_ptr<directory_lock> directory_lock::acquire(const fs::path& dir, std::string& error) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir, ec)) {
    error = fmt::format("the data directory {} cannot be created: {}", dir.string(),
                        ec ? ec.message() : "a file of that name is in the way");
    return nullptr;
  }
  // Writing, not only creating, is what recording needs: a read-only mount
  // or a directory of another user passes the first check and fails here.
  const fs::path probe = dir / fmt::format(".steadyfeed-probe-{}", ::getpid());
  {
    const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
      error = fmt::format("the data directory {} is not writable: {}", dir.string(), why(errno));
      return nullptr;
    }
    const bool written = ::write(fd, "probe\n", 6) == 6;
    const int write_errno = errno;
    ::close(fd);
    ::unlink(probe.c_str());
    if (!written) {
      error = fmt::format("the data directory {} is not writable: {}", dir.string(), why(write_errno));
      return nullptr;
    }
  }
  const fs::path file = dir / ".steadyfeed.lock";
  const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    error = fmt::format("cannot open the lock file {}: {}", file.string(), why(errno));
    return nullptr;
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int lock_errno = errno;
    char pid[32] = {};
    const ssize_t n = ::pread(fd, pid, sizeof pid - 1, 0);
    ::close(fd);
    std::string owner(pid, n > 0 ? static_cast<std::size_t>(n) : 0);
    while (!owner.empty() && (owner.back() == '\n' || owner.back() == ' ')) owner.pop_back();
    if (lock_errno == EWOULDBLOCK)
      error = fmt::format("the data directory {} is being recorded by another steadyfeed process (pid {}); "
                          "stop it or give this one another sinks.files.dir",
                          dir.string(), owner.empty() ? "unknown" : owner);
    else
      error = fmt::format("cannot lock {}: {}", file.string(), why(lock_errno));
    return nullptr;
  }
  const std::string mine = fmt::format("{}\n", ::getpid());
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, mine.data(), mine.size(), 0) != static_cast<ssize_t>(mine.size())) {
    error = fmt::format("cannot write the lock file {}: {}", file.string(), why(errno));
    ::close(fd);
    return nullptr;
  }
  return std::unique_ptr<directory_lock>(new directory_lock(file, fd));
}

directory_lock::~directory_lock() {
  // The file stays (removing it would race a process about to lock it); the
  // lock goes with the descriptor.
  ::close(fd_);
}

}  // namespace sf
