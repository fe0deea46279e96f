// `steadyfeed run -c FILE`: records the configured feeds until SIGINT or
// SIGTERM, printing a status table every `status_every` to stderr.
#pragma once

#include <filesystem>

namespace sf::daemon {

int run_command(const std::filesystem::path& config_file);

}  // namespace sf::daemon
