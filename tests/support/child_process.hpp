// A program started as a child process, for functional tests of the real
// binaries: its stdout and stderr go to files the test reads, and it can be
// signalled (SIGTERM for a clean stop, SIGKILL for a crash) and reaped with a
// deadline, so a hung binary fails the test instead of hanging it.
//
// Thread safety: none.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace sf::test {

class child_process {
 public:
  // Starts argv[0] with argv; throws std::runtime_error if it cannot.
  child_process(std::vector<std::string> argv, const std::filesystem::path& stdout_file,
                const std::filesystem::path& stderr_file);
  ~child_process();  // SIGKILLs and reaps a child still running
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  void signal(int sig) const;
  // The exit code (128 + signal when killed), or nullopt if still running at the deadline.
  std::optional<int> wait(std::chrono::milliseconds timeout);
  bool running();
  pid_t pid() const noexcept { return pid_; }

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
};

// The file's whole content (empty if it does not exist).
std::string read_file(const std::filesystem::path& file);

// Polls `ready` every 50 ms until it holds or `timeout` passes.
template <class Pred>
bool poll_until(Pred ready, std::chrono::milliseconds timeout);

}  // namespace sf::test

#include <thread>

template <class Pred>
bool sf::test::poll_until(Pred ready, std::chrono::milliseconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (!ready()) {
    if (std::chrono::steady_clock::now() >= end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds{50});
  }
  return true;
}
