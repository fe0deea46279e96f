// Everything the simulator server is configured with, as plain data. Each
// venue's rules and options start as its dialect's defaults, the venues'
// documented rules (dialect::defaults); tests scale the durations down, the
// CLI fills them from flags.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "sim/dialect_registry.hpp"
#include "sim/fault.hpp"
#include "sim/market_stream.hpp"
#include "sim/venue_settings.hpp"

namespace sf::sim {

struct tls_files {
  std::string cert;
  std::string key;
};

struct server_config {
  std::string host = "127.0.0.1";
  unsigned short port = 0;  // 0: ephemeral
  std::vector<std::string> venues = dialect_names();  // served, by name
  std::vector<std::string> symbols{"BTCUSDT", "ETHUSDT"};
  market_config market;
  // Each venue's rules and options, by name (a venue missing here runs on
  // its defaults). The server refuses options its dialect does not accept.
  std::map<std::string, venue_settings, std::less<>> per_venue = default_venue_settings();
  duration tick{milliseconds{5}};  // market and rule timers are serviced this often
  std::optional<std::filesystem::path> truth_dir;
  std::size_t checkpoint_every = 1000;
  std::vector<fault_spec> chaos;
  std::optional<tls_files> tls;
  std::size_t max_queued_bytes = 64u << 20;  // a slower client is cut off (by close or reset, as its venue does)
  bool log_to_stderr = true;
  // The venues' trade URLs serve blasts instead of the market (blast.hpp).
  bool blast = false;

  // The settings of venue `name`, its dialect's defaults if none were kept;
  // throws std::invalid_argument for a name no dialect has.
  venue_settings& venue(std::string_view name) {
    auto it = per_venue.find(name);
    if (it == per_venue.end()) it = per_venue.emplace(std::string(name), dialect_of(name).defaults()).first;
    return it->second;
  }
};

}  // namespace sf::sim
