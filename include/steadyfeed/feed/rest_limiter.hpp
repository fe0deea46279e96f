// A venue's REST request limits (Binance: 6 000 request weight per minute per
// IP; OKX: 20 history-trades requests per 2 s), shared by every feed that
// calls that venue's REST API from this host.
//
// Venues ban a client that goes on after being told to stop (Binance answers
// 418 and bans the IP for minutes to days), and a storm of resyncs and
// backfills after every connection dropped at once is exactly what goes over.
// So requests are paced, not fired: `reserve` grants the earliest time at or
// after `now` at which a request of `cost` keeps every window of its budget
// within `safety` × the limit, and books it. Grants are first come, first
// served: a request never goes ahead of one booked before it on the same
// budget. After a refusal for rate (429, 418), `hold_until` stops every
// budget until the venue's Retry-After has passed.
//
// Grants are timed by when a request is sent; the venue counts it when it
// arrives. A request held up on its way (a slow connect, a busy machine)
// can land in the same window as those sent a window after it, so each
// window is padded by a tenth of itself, at least 250 ms.
//
// Thread safety: all members are safe to call concurrently.
#pragma once

#include <atomic>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "steadyfeed/core/clock.hpp"
#include "steadyfeed/venue/venue_protocol.hpp"

namespace sf {

// A venue's "nothing before" after a refusal for rate. The venue bans the
// IP, so every limiter of the venue at one host holds by the same one, a
// feed with limits of its own included.
class rest_hold {
 public:
  void extend(time_point until) noexcept {
    auto seen = until_.load();
    while (seen < until.time_since_epoch().count() &&
           !until_.compare_exchange_weak(seen, until.time_since_epoch().count())) {
    }
  }
  time_point until() const noexcept { return time_point{duration{until_.load()}}; }

 private:
  std::atomic<duration::rep> until_{0};
};

class rest_limiter {
 public:
  // Unknown budgets (and a request naming none) are unlimited. A limit or a
  // window that is not positive is refused (std::invalid_argument): a typo
  // must not turn pacing off. `hold`: the venue's at this host; null: its own.
  // The share of each limit granted: room for clocks that disagree and for
  // other clients at the same IP.
  static constexpr double default_safety = 0.8;

  explicit rest_limiter(std::vector<rest_limit> limits, double safety = default_safety,
                        std::shared_ptr<rest_hold> hold = nullptr);

  time_point reserve(std::string_view budget, int cost, time_point now);
  void hold_until(time_point until) { hold_->extend(until); }
  time_point held_until() const noexcept { return hold_->until(); }

  // The most one budget's window admits (safety applied); 0 when unlimited.
  int capacity(std::string_view budget) const;
  // The window a budget's grants are spaced by: the venue's, padded.
  static duration padded(duration window) noexcept;

 private:
  struct window_log {
    int capacity = 0;
    duration window{0};
    std::deque<std::pair<time_point, int>> granted;  // non-decreasing times
    int in_log = 0;  // sum of the costs in `granted`
  };

  mutable std::mutex mutex_;
  std::map<std::string, window_log, std::less<>> budgets_;
  std::shared_ptr<rest_hold> hold_;
};

}  // namespace sf
