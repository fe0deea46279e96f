#include "steadyfeed/feed/rest_limiter.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace sf {

rest_limiter::rest_limiter(std::vector<rest_limit> limits, double safety, std::shared_ptr<rest_hold> hold)
    : hold_(hold ? std::move(hold) : std::make_shared<rest_hold>()) {
  for (auto& l : limits) {
    if (l.limit <= 0 || l.window <= duration{0})
      throw std::invalid_argument(fmt::format("REST limit '{}': {} per {} ms is not a limit", l.budget, l.limit,
                                              std::chrono::duration_cast<milliseconds>(l.window).count()));
    window_log& log = budgets_[l.budget];
    log.capacity = std::max(1, static_cast<int>(std::floor(l.limit * safety)));
    log.window = padded(l.window);
  }
}

duration rest_limiter::padded(duration window) noexcept {
  return window + std::max<duration>(window / 10, milliseconds{250});
}

time_point rest_limiter::reserve(std::string_view budget, int cost, time_point now) {
  std::lock_guard lock(mutex_);
  time_point at = std::max(now, hold_->until());
  const auto it = budgets_.find(budget);
  if (it == budgets_.end()) return at;
  window_log& log = it->second;
  cost = std::clamp(cost, 1, log.capacity);  // one request over the whole budget still goes, alone
  // What left every window for good.
  while (!log.granted.empty() && log.granted.front().first + log.window <= now) {
    log.in_log -= log.granted.front().second;
    log.granted.pop_front();
  }
  // First come, first served: not before the last grant.
  if (!log.granted.empty()) at = std::max(at, log.granted.back().first);
  // The window ending at `at` holds the grants after at - window; move `at`
  // on until the oldest of them have left it and the cost fits.
  int in_window = log.in_log;
  for (const auto& [t, c] : log.granted) {
    if (t + log.window <= at) {
      in_window -= c;
      continue;
    }
    if (in_window + cost <= log.capacity) break;
    at = t + log.window;
    in_window -= c;
  }
  log.granted.emplace_back(at, cost);
  log.in_log += cost;
  return at;
}

int rest_limiter::capacity(std::string_view budget) const {
  std::lock_guard lock(mutex_);
  const auto it = budgets_.find(budget);
  return it == budgets_.end() ? 0 : it->second.capacity;
}

}  // namespace sf
