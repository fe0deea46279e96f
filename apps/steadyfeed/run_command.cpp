#include "run_command.hpp"

#include <fmt/format.h>
#include <signal.h>

#include <ctime>
#include <iostream>

#include "config.hpp"
#include "recorder.hpp"
#include "status_table.hpp"

namespace sf::daemon {

int run_command(const std::filesystem::path& config_file) {
  daemon_config config;
  try {
    config = load_config(config_file);
  } catch (const config_error& e) {
    std::cerr << e.what() << '\n';
    return 2;
  }
  // Signals are taken synchronously by this thread; every other thread
  // inherits the blocked mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  // Warnings and worse go to stderr as they happen: an offline machine or a
  // refused connection says so at once, not only in the periodic table.
  recorder rec(config, system_clock_source::instance(), [](std::string_view connection, const event& e) {
    if (e.level < severity::warning) return;
    std::cerr << fmt::format("steadyfeed: {} {}: {}\n", connection, to_string(e.kind), e.reason);
  });
  try {
    rec.start();
  } catch (const std::exception& e) {
    std::cerr << "steadyfeed: " << e.what() << '\n';
    return 2;
  }
  std::cerr << fmt::format("steadyfeed: recording {} feed(s) to {}; Ctrl-C stops\n", config.feeds.size(),
                           config.files.enabled ? config.files.dir : "stdout");
  if (config.api.enabled)
    std::cerr << fmt::format("steadyfeed: note: api.listen is {}, but this version serves no control API yet; "
                             "nothing listens there\n",
                             config.api.listen);
  int ticks = 0;
  while (true) {
    const timespec one_second{1, 0};
    const int sig = sigtimedwait(&signals, nullptr, &one_second);
    if (sig == SIGINT || sig == SIGTERM) break;
    if (++ticks % 10 == 0) std::cerr << format_status(rec.feeds(), rec.sinks());
  }
  std::cerr << "steadyfeed: stopping: closing connections, flushing files\n";
  rec.stop();
  const auto s = rec.sinks();
  std::cerr << fmt::format("steadyfeed: stopped; {} records written, {} dropped\n", s.records, s.dropped);
  return s.dropped == 0 ? 0 : 1;
}

}  // namespace sf::daemon
