#include "daemon_log.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <spdlog/logger.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <atomic>
#include <memory>

#include "log_line.hpp"

namespace sf::daemon {

namespace {

std::atomic<log_format> current{log_format::text};

// The line is whole when it reaches spdlog; its pattern adds nothing.
spdlog::logger& logger() {
  static spdlog::logger log = [] {
    spdlog::logger l("steadyfeed", std::make_shared<spdlog::sinks::stderr_sink_mt>());
    l.set_pattern("%v");
    l.set_level(spdlog::level::info);
    l.flush_on(spdlog::level::info);
    return l;
  }();
  return log;
}

spdlog::level::level_enum spdlog_level(severity s) {
  switch (s) {
    case severity::info:
    case severity::notice:
      return spdlog::level::info;
    case severity::warning:
      return spdlog::level::warn;
    case severity::critical:
      return spdlog::level::critical;
  }
  return spdlog::level::info;
}

}  // namespace

void daemon_log::configure(log_format format) { current.store(format); }

std::string daemon_log::format(log_format format, severity level, wall_us time, std::string_view message,
                               std::initializer_list<log_field> fields) {
  if (format == log_format::text) return utc_text(time) + " steadyfeed: " + std::string(message);
  boost::json::object line;
  line["time"] = utc_text(time);
  line["level"] = to_string(level);
  line["message"] = message;
  for (const auto& [key, value] : fields) line[key] = value;
  return boost::json::serialize(line);
}

void daemon_log::write(severity level, wall_us time, std::string_view message,
                       std::initializer_list<log_field> fields) {
  logger().log(spdlog_level(level), format(current.load(), level, time, message, fields));
}

void daemon_log::write(severity level, std::string_view message, std::initializer_list<log_field> fields) {
  write(level, system_clock_source::instance().wall_now(), message, fields);
}

}  // namespace sf::daemon
