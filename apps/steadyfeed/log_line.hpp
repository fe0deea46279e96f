// Times as the daemon's log and API write them: UTC to the millisecond, so
// that a line can be matched with a recording's records and with other
// machines' logs (daemon_log.hpp writes the lines).
//
// Thread safety: pure functions.
#pragma once

#include <string>

#include "steadyfeed/core/clock.hpp"

namespace sf::daemon {

// "2026-12-02T09:30:00.123Z"
std::string utc_text(wall_us time);

}  // namespace sf::daemon
