// Decides when faults happen and holds the venue-wide ones, sans-I/O.
//
// Scheduled faults (from the chaos file) become due as time passes; faults
// posted to the control API are due at once. Connection faults are handed to
// the server to carry out on the matching connections; venue-wide faults
// (REST errors, 429s, refused connections) are kept here with their expiry and
// consulted on every request. Every fault is logged with its time, as one
// JSON line, to the log sink (stderr and <truth>/faults.ndjson).
//
// Thread safety: none; used from the server's I/O thread.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sim/fault.hpp"

namespace sf::sim {

class fault_injector {
 public:
  using log_sink = std::function<void(const std::string& line)>;

  fault_injector(std::vector<fault_spec> schedule, time_point start, log_sink log = {});

  // Scheduled faults due at `now`, in order, removed from the schedule.
  std::vector<fault_spec> take_due(time_point now);
  time_point next_due() const noexcept;

  // Records a fault that is being applied now; venue-wide faults take effect.
  // `detail` says what happened (e.g. the connections it hit).
  void apply(const fault_spec& f, time_point now, wall_us wall, std::string_view detail = {});

  bool refusing(std::string_view venue, time_point now) const;
  struct rest_fault {
    int status = 503;
    duration retry_after{0};  // 0: no Retry-After header
  };
  std::optional<rest_fault> rest_fault_for(std::string_view venue, time_point now) const;

  // Logs a line that is not a fault (e.g. a rule closing a connection).
  void note(time_point now, wall_us wall, const std::string& json_fields);

  const std::vector<std::string>& log() const noexcept { return log_; }

 private:
  struct active {
    fault_spec spec;
    time_point until;
  };
  bool matches(const fault_spec& f, std::string_view venue) const;
  void write_log(std::string line);

  std::vector<fault_spec> schedule_;
  std::size_t next_ = 0;
  time_point start_;
  std::vector<active> venue_faults_;
  log_sink sink_;
  std::vector<std::string> log_;
};

}  // namespace sf::sim
