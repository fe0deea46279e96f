// The live dashboard (GET /): one self-contained page, web/dashboard.html,
// built into the binary. It polls the control API every two seconds and
// shows every connection, every feed with a records/s line of the last
// five minutes, and the latest alerts. It fetches nothing from anywhere but
// the daemon.
#pragma once

#include <string_view>

namespace sf::daemon {

std::string_view dashboard_page();

}  // namespace sf::daemon
