// The venues' REST market-data endpoints a feed handler needs for snapshots
// and backfill, answered from the same generated history as the streams
// under each venue's prefix (/<venue>/api/...). Routes, parameters and error
// bodies are the venue's dialect's; this adds the venue's REST rate limits
// (429, and 418 for a client that goes on) and the REST faults (5xx, 429
// with Retry-After) from the fault injector, in the venue's own error bodies.
//
// Thread safety: none; used from the server's I/O thread.
#pragma once

#include <optional>
#include <string_view>

#include "sim/dialect.hpp"
#include "sim/fault_injector.hpp"
#include "sim/http_reply.hpp"
#include "sim/market_registry.hpp"
#include "sim/rest_rate_limit.hpp"

namespace sf::sim {

class rest_api {
 public:
  rest_api(market_registry& markets, fault_injector& faults) : markets_(markets), faults_(faults) {}

  // `target` is the request target after the venue prefix
  // ("/api/v3/depth?symbol=BTCUSDT&limit=5"). nullopt: not under the venue's
  // REST API (404). `limit` is the venue's REST rate limit; a request over
  // it is refused as the venue refuses it, and the fault log says so.
  std::optional<http_reply> handle(const dialect& venue, rest_rate_limit& limit, std::string_view target,
                                   time_point now, wall_us wall);

 private:
  market_registry& markets_;
  fault_injector& faults_;
};

}  // namespace sf::sim
