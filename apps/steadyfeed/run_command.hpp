// `steadyfeed run -c FILE`: records the configured feeds until SIGINT or
// SIGTERM, printing a status table every ten seconds to stderr.
//
// Exit status:
//   0  every stream asked for recorded something, nothing was dropped, no
//      sink failed;
//   1  a stream asked for recorded nothing, records were dropped (each is
//      covered by a gap record), or a sink failed;
//   2  the configuration is invalid or the recording could not start (a
//      feed that cannot be built, a data directory that cannot be written
//      or is locked by another process).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "config.hpp"
#include "steadyfeed/runtime/feed.hpp"

namespace sf::daemon {

int run_command(const std::filesystem::path& config_file);

// "venue symbol channel" of every configured stream that recorded nothing.
std::vector<std::string> streams_without_records(const daemon_config& config, const std::vector<feed_stats>& feeds);

}  // namespace sf::daemon
