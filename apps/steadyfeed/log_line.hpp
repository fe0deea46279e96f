// The daemon's log lines: each starts with the UTC time it was written, to
// the millisecond, so that a line can be matched with a recording's records
// and with other machines' logs.
//
//   2026-12-02T09:30:00.123Z steadyfeed: binance-spot/0 reconnect_failed: ...
//
// Thread safety: pure functions.
#pragma once

#include <string>

#include "steadyfeed/core/clock.hpp"

namespace sf::daemon {

// "2026-12-02T09:30:00.123Z"
std::string utc_text(wall_us time);

// "2026-12-02T09:30:00.123Z steadyfeed: " for a line written now.
std::string log_prefix();

}  // namespace sf::daemon
