// `steadyfeed check-config -c FILE`: loads the configuration, prints the
// resolved settings (every key, profile defaults filled in, what each feed's
// venue uses where the file leaves it to the venue) in a form that loads
// again, or every problem found.
#pragma once

#include <filesystem>
#include <iosfwd>

namespace sf::daemon {

// 0 when valid, 2 when not.
int check_config_command(const std::filesystem::path& file, std::ostream& out, std::ostream& err);

}  // namespace sf::daemon
