#include "sim/fault_injector.hpp"

#include <algorithm>

namespace sf::sim {

fault_injector::fault_injector(std::vector<fault_spec> schedule, time_point start, log_sink log)
    : schedule_(std::move(schedule)), start_(start), sink_(std::move(log)) {
  std::stable_sort(schedule_.begin(), schedule_.end(),
                   [](const fault_spec& a, const fault_spec& b) { return a.at < b.at; });
}

std::vector<fault_spec> fault_injector::take_due(time_point now) {
  std::vector<fault_spec> due;
  while (next_ < schedule_.size() && start_ + schedule_[next_].at <= now) due.push_back(schedule_[next_++]);
  return due;
}

time_point fault_injector::next_due() const noexcept {
  return next_ < schedule_.size() ? start_ + schedule_[next_].at : never;
}

void fault_injector::apply(const fault_spec& f, time_point now, wall_us wall, std::string_view detail) {
  if (!is_connection_fault(f.kind) && !is_market_fault(f.kind)) {
    venue_faults_.erase(std::remove_if(venue_faults_.begin(), venue_faults_.end(),
                                       [now](const active& a) { return a.until <= now; }),
                        venue_faults_.end());
    venue_faults_.push_back({f, now + f.length});
  }
  std::string line = R"({"ts":)" + std::to_string(wall) + R"(,"t_ms":)" +
                     std::to_string(std::chrono::duration_cast<milliseconds>(now - start_).count()) + R"(,"event":"fault",)";
  const auto body = describe(f);
  line += body.substr(1, body.size() - 2);
  if (!detail.empty()) {
    line += R"(,"detail":")";
    line += detail;
    line += '"';
  }
  line += '}';
  write_log(std::move(line));
}

void fault_injector::note(time_point now, wall_us wall, const std::string& json_fields) {
  write_log(R"({"ts":)" + std::to_string(wall) + R"(,"t_ms":)" +
            std::to_string(std::chrono::duration_cast<milliseconds>(now - start_).count()) + "," + json_fields + "}");
}

void fault_injector::write_log(std::string line) {
  if (sink_) sink_(line);
  log_.push_back(std::move(line));
}

bool fault_injector::matches(const fault_spec& f, std::string_view venue) const {
  return f.venue.empty() || f.venue == venue;
}

bool fault_injector::refusing(std::string_view venue, time_point now) const {
  return std::any_of(venue_faults_.begin(), venue_faults_.end(), [&](const active& a) {
    return a.spec.kind == fault_kind::refuse_connections && a.until > now && matches(a.spec, venue);
  });
}

std::optional<fault_injector::rest_fault> fault_injector::rest_fault_for(std::string_view venue, time_point now) const {
  for (auto it = venue_faults_.rbegin(); it != venue_faults_.rend(); ++it) {
    if (it->until <= now || !matches(it->spec, venue)) continue;
    if (it->spec.kind == fault_kind::rest_error) return rest_fault{it->spec.status, duration{0}};
    if (it->spec.kind == fault_kind::rest_429) return rest_fault{429, it->spec.retry_after};
  }
  return std::nullopt;
}

}  // namespace sf::sim
