// A venue's REST request limits, enforced as the venue does (venues.md
// §1.4, §3.9): each request spends `cost` units of a budget, and a budget
// holds at most `limit` units in any `window`. Beyond it the venue answers
// 429 with Retry-After. A venue with a ban (Binance: "repeatedly ...
// failing to back off after receiving 429s") answers 418 to a client that
// goes on before Retry-After has passed (two requests already on their way
// are let off with another 429), and to everything it sends for the ban's
// length. An injected 429 (a fault) starts the same wait.
//
// Every client comes from loopback, so one limit serves them all, as the
// venue's per-IP limit would.
//
// Thread safety: none; used from the server's I/O thread.
#pragma once

#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "steadyfeed/core/clock.hpp"

namespace sf::sim {

struct rest_limit_rule {
  std::string budget;  // e.g. "REQUEST_WEIGHT", "history-trades"
  int limit = 0;
  duration window{0};

  friend bool operator==(const rest_limit_rule&, const rest_limit_rule&) = default;
};

class rest_rate_limit {
 public:
  struct verdict {
    int status = 0;  // 0: serve it; 429 or 418: refused
    duration retry_after{0};
  };

  // `ban`: how long a client that ignored a 429 is refused (0: never banned).
  rest_rate_limit(const std::vector<rest_limit_rule>& rules, duration ban);

  // Books `cost` of `budget` at `now` if it fits. An empty or unknown budget
  // is not limited.
  verdict admit(std::string_view budget, int cost, time_point now);
  // A 429 was answered (an injected one): the client must wait until `until`.
  void refused_until(time_point until);

 private:
  struct spent_log {
    int limit = 0;
    duration window{0};
    std::deque<std::pair<time_point, int>> spent;
    int sum = 0;
  };

  std::map<std::string, spent_log, std::less<>> logs_;
  duration ban_;
  time_point limited_until_{}, banned_until_{};
  int ignored_ = 0;  // requests that came during the current wait
};

}  // namespace sf::sim
