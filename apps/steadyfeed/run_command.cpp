#include "run_command.hpp"

#include <fmt/format.h>
#include <signal.h>

#include <algorithm>
#include <ctime>
#include <iostream>

#include "config.hpp"
#include "control_plane.hpp"
#include "log_line.hpp"
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
  for (const auto& note : config.notes) std::cerr << log_prefix() << "note: " << note << '\n';
  // Signals are taken synchronously by this thread; every other thread
  // inherits the blocked mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);  // reload the configuration
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  // Events at log.level and above (warnings by default) go to stderr as they
  // happen: an offline machine or a refused connection says so at once, not
  // only in the periodic table.
  severity least = severity::warning;
  for (const severity s : {severity::info, severity::notice, severity::warning, severity::critical})
    if (to_string(s) == config.log.level) least = s;
  recorder rec(config, system_clock_source::instance(), [least](std::string_view connection, const event& e) {
    if (e.level < least) return;
    // Stamped with the event's own time: the moment it happened.
    std::cerr << fmt::format("{} steadyfeed: {} {}: {}\n", utc_text(e.time ? e.time : system_clock_source::instance().wall_now()),
                             connection, to_string(e.kind), e.reason);
  });
  // The control plane (API, metrics, alerts) sees every event and record;
  // the API binds first, so that a port already taken stops the start before
  // anything connects.
  rec.reload_from(config_file);
  control_plane plane(rec, config, system_clock_source::instance());
  plane.observe(rec, config);
  // The feeds call into the control plane: they stop before it goes, on
  // every way out of this function.
  const stop_on_exit feeds_first{rec};
  try {
    if (config.api.enabled) plane.listen();
    rec.start();
    plane.start();
  } catch (const std::exception& e) {
    std::cerr << log_prefix() << e.what() << '\n';
    return 2;
  }
  if (config.api.enabled)
    std::cerr << log_prefix()
              << fmt::format("control API on http://{} ({})\n", plane.address(),
                             config.api.token.empty() ? "no token: loopback only" : "mutating calls need the token");
  std::cerr << log_prefix() << fmt::format("recording {} feed(s) to {}; Ctrl-C stops\n", config.feeds.size(),
                           config.files.enabled ? config.files.dir : "stdout");
  int ticks = 0;
  while (true) {
    const timespec one_second{1, 0};
    const int sig = sigtimedwait(&signals, nullptr, &one_second);
    if (sig == SIGINT || sig == SIGTERM) break;
    if (sig == SIGHUP) {
      const auto result = rec.reload();
      std::cerr << log_prefix()
                << (result.applied ? fmt::format("SIGHUP: {} reloaded\n", config_file.string())
                                   : fmt::format("SIGHUP: {} refused; the running configuration stays\n",
                                                 config_file.string()));
      for (const auto& line : result.lines) std::cerr << log_prefix() << "  " << line << '\n';
      continue;
    }
    if (++ticks % 10 == 0) std::cerr << log_prefix() << "status\n" << format_status(rec.feeds(), rec.sinks());
  }
  std::cerr << log_prefix() << "stopping: closing connections, flushing files\n";
  plane.stop();
  rec.stop();
  const auto s = rec.sinks();
  std::cerr << log_prefix() << fmt::format("stopped; {} records written, {} dropped (each covered by a gap record), "
                           "{} sink errors\n",
                           s.records, s.dropped, s.errors);
  // A stream that was asked for and recorded nothing is a failed run, even
  // when everything else went well: the operator must not learn of it weeks
  // later, when the data is needed.
  const auto silent = streams_without_records(rec.running(), rec.feeds());
  for (const auto& name : silent)
    std::cerr << log_prefix() << fmt::format("{}: nothing was recorded; check the symbol's spelling for the venue\n", name);
  if (!s.last_error.empty()) std::cerr << log_prefix() << "last sink error: " << s.last_error << '\n';
  return s.dropped == 0 && s.errors == 0 && silent.empty() ? 0 : 1;
}

std::vector<std::string> streams_without_records(const daemon_config& config, const std::vector<feed_stats>& feeds) {
  std::vector<std::string> out;
  for (const auto& f : config.feeds) {
    const auto stats = std::find_if(feeds.begin(), feeds.end(), [&](const feed_stats& s) { return s.id == f.id; });
    for (const auto& symbol : f.symbols)
      for (const auto& channel : f.channels) {
        bool recorded = false;
        if (stats != feeds.end())
          for (const auto& st : stats->streams)
            recorded = recorded || (st.symbol == symbol && st.channel == channel && st.records > 0);
        if (!recorded) out.push_back(fmt::format("{} {} {}", f.venue, symbol, channel));
      }
  }
  return out;
}

}  // namespace sf::daemon
