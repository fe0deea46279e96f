#include "run_command.hpp"

#include <fmt/format.h>
#include <signal.h>

#include <algorithm>
#include <ctime>
#include <iostream>

#include "config.hpp"
#include "control_plane.hpp"
#include "connection_report.hpp"
#include "daemon_log.hpp"
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
  daemon_log::configure(config.log.format == "json" ? log_format::json : log_format::text);
  for (const auto& note : config.notes) daemon_log::write(severity::notice, "note: " + note);
  // Signals are taken synchronously by this thread; every other thread
  // inherits the blocked mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);  // reload the configuration
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  // Events at log.level and above (warnings by default) are logged as they
  // happen: an offline machine or a refused connection says so at once, not
  // only in the periodic table.
  severity least = severity::warning;
  for (const severity s : {severity::info, severity::notice, severity::warning, severity::critical})
    if (to_string(s) == config.log.level) least = s;
  recorder rec(config, system_clock_source::instance(), [least](std::string_view connection, const event& e) {
    if (e.level < least) return;
    // Stamped with the event's own time: the moment it happened.
    const auto kind = to_string(e.kind);
    daemon_log::write(e.level, e.time ? e.time : system_clock_source::instance().wall_now(),
                      fmt::format("{} {}: {}", connection, kind, e.reason), {{"connection", connection}, {"kind", kind}});
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
    daemon_log::write(severity::critical, e.what());
    return 2;
  }
  if (config.api.enabled)
    daemon_log::write(severity::notice,
                      fmt::format("control API on http://{} ({})", plane.address(),
                                  config.api.token.empty() ? "no token: loopback only" : "mutating calls need the token"));
  daemon_log::write(severity::notice, fmt::format("recording {} feed(s) to {}; Ctrl-C stops", config.feeds.size(),
                                                  config.files.enabled ? config.files.dir : "stdout"));
  const clock& clk = system_clock_source::instance();
  const duration report_every = config.log.report_interval;
  time_point next_report = clk.now() + report_every;
  int ticks = 0;
  while (true) {
    const timespec one_second{1, 0};
    const int sig = sigtimedwait(&signals, nullptr, &one_second);
    if (sig == SIGINT || sig == SIGTERM) break;
    if (sig == SIGHUP) {
      reload_result result;
      try {
        result = rec.reload();
      } catch (const std::exception& e) {  // never the end of the recording
        result = {false, {e.what()}, {}, false};
      }
      const auto path = config_file.string();
      if (!result.applied) {
        daemon_log::write(severity::warning, fmt::format("SIGHUP: {} refused; the running configuration stays", path));
        for (const auto& line : result.lines) daemon_log::write(severity::warning, "  " + line);
        continue;
      }
      daemon_log::write(severity::notice, fmt::format("SIGHUP: {} reloaded", path));
      for (const auto& line : result.lines) daemon_log::write(severity::notice, "  " + line);
      for (const auto& line : result.not_applied)
        daemon_log::write(severity::warning, "  not applied: " + line);
      continue;
    }
    if (++ticks % 10 == 0 && config.log.format == "text") {
      daemon_log::write(severity::info, "status\n" + format_status(rec.feeds(), rec.sinks()));
    }
    if (report_every.count() > 0 && clk.now() >= next_report) {
      next_report = clk.now() + report_every;
      daemon_log::write(severity::notice, fmt::format("connection report (every {})", format_duration(report_every)));
      for (const auto& line : connection_report(rec.feeds()))
        daemon_log::write(severity::notice, "  " + line, {{"report", "connection"}});
    }
  }
  daemon_log::write(severity::notice, "stopping: closing connections, flushing files");
  plane.stop();
  rec.stop();
  const auto s = rec.sinks();
  daemon_log::write(severity::notice, fmt::format("stopped; {} records written, {} dropped (each covered by a gap record), "
                                                  "{} sink errors",
                                                  s.records, s.dropped, s.errors));
  // A stream that was asked for and recorded nothing is a failed run, even
  // when everything else went well: the operator must not learn of it weeks
  // later, when the data is needed.
  const auto silent = streams_without_records(rec.running(), rec.feeds());
  for (const auto& name : silent)
    daemon_log::write(severity::warning,
                      fmt::format("{}: nothing was recorded; check the symbol's spelling for the venue", name));
  if (!s.last_error.empty()) daemon_log::write(severity::warning, "last sink error: " + s.last_error);
  for (const auto& sink : s.each)
    if (sink.stats.spool_records > 0)
      daemon_log::write(severity::warning, fmt::format("sink {}: {} records wait in its spool, sent first at the next start",
                                                       sink.name, sink.stats.spool_records));
  // Sink errors that passed (NATS away for a while, then back; a disk full,
  // then freed) lost nothing when nothing was dropped: they were logged and
  // alerted as they happened. The run failed if a record was lost.
  return s.dropped == 0 && silent.empty() ? 0 : 1;
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
