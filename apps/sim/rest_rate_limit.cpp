#include "sim/rest_rate_limit.hpp"

#include <algorithm>

namespace sf::sim {

namespace {

// Requests during a wait that are let off with a 429: ones already on their
// way when the first 429 was sent.
constexpr int tolerated = 2;

}  // namespace

rest_rate_limit::rest_rate_limit(const std::vector<rest_limit_rule>& rules, duration ban) : ban_(ban) {
  for (const auto& r : rules)
    if (r.limit > 0 && r.window > duration{0}) logs_[r.budget] = spent_log{r.limit, r.window, {}, 0};
}

rest_rate_limit::verdict rest_rate_limit::admit(std::string_view budget, int cost, time_point now) {
  if (now < banned_until_) return {418, banned_until_ - now};
  if (ban_ > duration{0} && now < limited_until_) {
    if (++ignored_ <= tolerated) return {429, limited_until_ - now};
    banned_until_ = now + ban_;
    return {418, ban_};
  }
  const auto it = logs_.find(budget);
  if (it == logs_.end()) return {};
  spent_log& log = it->second;
  while (!log.spent.empty() && log.spent.front().first + log.window <= now) {
    log.sum -= log.spent.front().second;
    log.spent.pop_front();
  }
  if (log.sum + cost <= log.limit) {
    log.spent.emplace_back(now, cost);
    log.sum += cost;
    return {};
  }
  // Refused: it fits again once enough of what was spent has left the window.
  int left = log.sum;
  time_point fits_at = now + log.window;
  for (const auto& [t, c] : log.spent) {
    left -= c;
    if (left + cost <= log.limit) {
      fits_at = t + log.window;
      break;
    }
  }
  refused_until(fits_at);
  return {429, fits_at - now};
}

void rest_rate_limit::refused_until(time_point until) {
  if (until > limited_until_) {
    limited_until_ = until;
    ignored_ = 0;
  }
}

}  // namespace sf::sim
