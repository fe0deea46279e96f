// `steadyfeed check-config -c FILE`: loads the configuration, prints the
// resolved settings (profile defaults filled in), or every problem found.
#pragma once

#include <filesystem>
#include <iosfwd>

namespace sf::daemon {

// 0 when valid, 2 when not.
int check_config_command(const std::filesystem::path& file, std::ostream& out, std::ostream& err);

}  // namespace sf::daemon
