// A REST call a venue adapter wants made, and the verdict on its reply, as
// plain data.
//
// Adapters are sans-I/O: they say which request to send (method and target,
// relative to the venue's REST base URL) and parse the body that comes back;
// the HTTP client, retries and rate limiting live elsewhere. HTTP status
// handling (429, 418, 5xx) belongs to that client too; the parsers only read
// bodies, including the error bodies venues send with a 4xx.
//
// Thread safety: value types.
#pragma once

#include <cstdint>
#include <string>
#include <system_error>

namespace sf {

struct rest_request {
  std::string method;  // "GET"
  // Path and query, appended to the REST base URL: "/api/v3/depth?symbol=BTCUSDT&limit=1000".
  std::string target;
  // Paging position this request asks from (a trade backfill's fromId or
  // after); lets the adapter tell the next page from a page that did not move.
  std::uint64_t cursor = 0;
  // What it spends of the venue's REST limits (venue_limits::rest_limits):
  // `cost` units of `budget`; an empty budget is not limited.
  std::string budget;
  int cost = 1;
};

// The outcome of parsing a REST body. `code` is empty on success; otherwise it
// holds an sf::errc (malformed_frame for a body we cannot read, unknown_symbol
// or rate_limited when the venue says so) and `detail` names the problem, e.g.
// "depth: missing field lastUpdateId" or "venue error -1121: Invalid symbol.".
struct rest_status {
  std::error_code code;
  std::string detail;

  bool ok() const noexcept { return !code; }
};

}  // namespace sf
