// steadyfeed-sim's command line, turned into a server_config.
//
//   steadyfeed-sim --listen 127.0.0.1:PORT --venues NAME,... --symbols BTCUSDT,ETHUSDT
//                  --rate N --seed N --truth DIR --chaos FILE [--tls CERT,KEY]
//                  [--burst-every DUR --burst-length DUR --burst-factor X]
//                  [--depth N] [--start-time US] [--checkpoint-every N] [--tick DUR]
//                  plus each venue's own flags (dialect::flags), such as --lifetime DUR
//
// Every problem is reported at once, naming the flag.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/server_config.hpp"
#include "steadyfeed/core/clock.hpp"

namespace sf::sim {

struct parsed_options {
  std::optional<server_config> config;  // nullopt: exit with `exit_code`
  int exit_code = 0;
  std::string message;  // help text or errors, for the caller to print
};

// `default_epoch` is the wall time used unless --start-time is given.
parsed_options parse_options(int argc, const char* const* argv, wall_us default_epoch);

}  // namespace sf::sim
