// The periodic connection report `run` writes to its log (every
// log.report_interval, 10 minutes by default): one line per connection with
// what an operator reviews a feed by over hours, where the status table shows
// the moment.
//
//   binance-spot/0 connected: score 98; ping avg 12ms p99 40ms; stable;
//     errors 0.0/min; connections 3, disconnections 2; reconnect attempts 4,
//     75% succeeded; uptime 99.20%, down 12s in all
//
// (one line in the log). Thread safety: a pure function.
#pragma once

#include <string>
#include <vector>

#include "steadyfeed/runtime/feed.hpp"

namespace sf::daemon {

// One line per connection of `feeds`, in feed and connection order.
std::vector<std::string> connection_report(const std::vector<feed_stats>& feeds);

}  // namespace sf::daemon
