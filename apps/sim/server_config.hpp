// Everything the simulator server is configured with, as plain data whose
// defaults are the venues' documented rules (venues.md §1.3-1.4, §3.3-3.4).
// Tests scale the durations down; the CLI fills it from flags.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sim/fault.hpp"
#include "sim/market_stream.hpp"
#include "sim/okx_dialect.hpp"
#include "sim/session_rules.hpp"

namespace sf::sim {

struct venue_rules {
  session_limits limits;
  double connects_per_window = 0;  // new connections allowed per window (0: unlimited)
  duration connect_window{seconds{1}};
};

// Binance Spot: 24 h lifetime, ping frame every 20 s, pong within 60 s,
// 5 inbound messages/s (then disconnect), 1024 streams, 300 connects / 5 min.
inline venue_rules binance_spot_rules() {
  venue_rules r;
  r.limits.lifetime = hours{24};
  r.limits.ping_interval = seconds{20};
  r.limits.pong_timeout = seconds{60};
  r.limits.inbound_per_second = 5;
  r.limits.max_topics = 1024;
  r.connects_per_window = 300;
  r.connect_window = minutes{5};
  return r;
}

// OKX: no documented lifetime, close 4004 after 30 s without a push,
// 480 subscribe/unsubscribe ops per hour (then error 60014), 3 connects/s.
// The channel limit per connection is undocumented; 1000 is a generous guess.
inline venue_rules okx_rules() {
  venue_rules r;
  r.limits.idle_timeout = seconds{30};
  r.limits.inbound_per_second = 480.0 / 3600.0;
  r.limits.inbound_window = hours{1};
  r.limits.max_topics = 1000;
  r.connects_per_window = 3;
  r.connect_window = seconds{1};
  return r;
}

struct tls_files {
  std::string cert;
  std::string key;
};

struct server_config {
  std::string host = "127.0.0.1";
  unsigned short port = 0;  // 0: ephemeral
  std::vector<std::string> venues{"binance-spot", "okx"};
  std::vector<std::string> symbols{"BTCUSDT", "ETHUSDT"};
  market_config market;
  okx_ws::checksum_mode okx_checksum = okx_ws::checksum_mode::crc32;
  venue_rules binance = binance_spot_rules();
  venue_rules okx = okx_rules();
  duration tick{milliseconds{5}};  // market and rule timers are serviced this often
  // OKX books: an update with empty asks/bids and seqId == prevSeqId after
  // this long without a change (venues.md §3.6: ~60 s; 0: never).
  duration okx_keepalive{seconds{60}};
  std::optional<std::filesystem::path> truth_dir;
  std::size_t checkpoint_every = 1000;
  std::vector<fault_spec> chaos;
  std::optional<tls_files> tls;
  std::size_t max_queued_bytes = 64u << 20;  // a slower client is cut off (OKX: 4005)
  bool log_to_stderr = true;
};

}  // namespace sf::sim
