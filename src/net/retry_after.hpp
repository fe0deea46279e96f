// Reading an HTTP Retry-After header (RFC 9110 §10.2.3) without a clock.
//
// The header is either delta-seconds ("120") or an HTTP-date. A date is turned
// into a delay by subtracting the response's own Date header, so the result
// does not depend on how far this machine's clock is from the server's (and the
// transport needs no clock at all). A date without a Date header to compare
// with, or anything unparseable, yields no delay: the supervisor then falls
// back to its own backoff, which is the safe side.
//
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <string_view>

#include "steadyfeed/core/clock.hpp"

namespace sf {

// The delay the server asked for; zero when absent or unparseable.
duration parse_retry_after(std::string_view retry_after, std::string_view date = {}) noexcept;

// Seconds since the Unix epoch of an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"),
// the only HTTP-date form servers may send today.
std::optional<std::int64_t> parse_http_date(std::string_view text) noexcept;

}  // namespace sf
