// The daemon's configuration: a YAML file with feeds, supervisor settings (a
// named profile plus overrides), sinks and the control API.
//
//   workers: 2                       # worker threads (default: one per core)
//   supervisor:
//     profile: production          # development | production | high-load
//     idle_timeout: 60s            # any supervisor setting may be overridden
//     backoff: {initial: 500ms, max: 30s, multiplier: 2, jitter: 0.25}
//   feeds:
//     - venue: binance-spot
//       symbols: [BTCUSDT, ETHUSDT]
//       channels: [trades, book]
//       redundancy: 1
//       endpoints: {ws: "wss://...", rest: "https://..."}
//   sinks:
//     files: {dir: ./data, flush_interval: 1s}
//     stdout: {enabled: false}
//     nats: {enabled: true, servers: [nats://10.0.0.5:4222], stream: {name: MD}}
//   api: {listen: 127.0.0.1:8080, token_env: STEADYFEED_API_TOKEN}
//
// Every key, its type, default and meaning: config_key.hpp's table, published
// as docs/configuration.md. The loader reads the keys that table lists and
// no others.
//
// Loading reports every problem at once, each with its file, line and key
// ("steadyfeed.yaml:7: feeds[0].redundancy: expected an integer from 1 to 8,
// got 'two'"); unknown keys are errors, because a misspelt key silently
// ignored is a setting silently not applied.
#pragma once

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "steadyfeed/core/clock.hpp"
#include "steadyfeed/feed/supervisor_config.hpp"
#include "steadyfeed/runtime/feed.hpp"

namespace sf::daemon {

// A feed as the runtime takes it. The loader fills id (default: venue, or
// venue-N when repeated), venue, symbols, channels, redundancy, the
// endpoints, and the supervisor settings with the feed's own overrides
// (lifetime, rotation margin, ping and pong).
using feed_config = sf::feed_config;

struct files_sink_settings {
  bool enabled = true;
  std::string dir = "data";
  duration flush_interval = seconds{1};
  int compression_level = 3;
  bool fsync = false;
  // Per stream, what waits in memory while writes fail (a full or read-only
  // disk); the records beyond it become a gap record.
  std::int64_t max_pending_bytes = std::int64_t{8} << 20;
};

struct stdout_sink_settings {
  bool enabled = false;
};

// The JetStream sink (steadyfeed/sink/nats_sink.hpp); secrets may come from
// the environment (`*_env`: a variable's name), and are never printed.
struct nats_sink_settings {
  bool enabled = false;
  std::vector<std::string> servers{"nats://127.0.0.1:4222"};
  std::string subject_prefix = "md";
  std::string stream = "MARKET_DATA";
  bool create_stream = true;
  std::string storage = "file";  // or "memory"
  std::int64_t replicas = 1;
  duration duplicate_window = minutes{2};
  duration max_age{0};
  std::int64_t max_bytes = -1;
  std::string token, token_env;
  std::string user, password, password_env;
  std::string nkey, nkey_seed_file;
  std::string creds_file;
  bool tls = false;
  std::string tls_ca_file, tls_cert_file, tls_key_file;
  std::int64_t max_in_flight = 8192;
  duration ack_timeout = seconds{5};
  bool strict_order = false;
  std::int64_t memory_bytes = std::int64_t{64} << 20;
  duration drain_timeout = seconds{5};
  bool spool = true;
  std::string spool_dir = "spool/nats";
  std::int64_t spool_max_bytes = std::int64_t{1} << 30;
};

struct api_settings {
  bool enabled = true;
  std::string listen = "127.0.0.1:8080";
  std::string token;  // bearer token for mutating calls; empty: none required
  std::string token_env;  // where the token comes from instead: an environment variable's name
  bool metrics_symbol_label = false;
};

// True when `listen` (HOST:PORT) names a loopback address: 127.0.0.0/8,
// ::1 or localhost.
bool is_loopback_listen(std::string_view listen);

struct alerts_settings {
  int threshold = 3;                 // reconnect failures in a row before a warning (production's)
  duration suppress = minutes{5};    // the same alert again within this is counted, not raised
  std::int64_t history = 1000;       // alerts kept for GET /api/v1/alerts
  std::string log_level = "warning"; // alerts at this level and above are logged
  std::string webhook_url;           // empty: no webhook
  std::string webhook_level = "warning";
  duration webhook_timeout = seconds{5};
  std::int64_t webhook_queue = 1000;
  std::int64_t webhook_max_attempts = 8;
};

struct log_settings {
  // Events at this severity and above are logged as they happen: "info"
  // shows every state change, "warning" (the default) what needs a look.
  std::string level = "warning";
  std::string format = "text";  // or "json": daemon_log.hpp
  duration report_interval = minutes{10};  // connection_report.hpp; 0: none
};

struct daemon_config {
  // The supervisor keys and alerts.threshold start from this profile's
  // values (profile.hpp).
  std::string profile = "production";
  std::size_t workers = 0;  // worker threads; 0: one per core
  std::int64_t queue_bytes = std::int64_t{64} << 20;  // per worker: engine_config::queue_bytes
  duration gather = milliseconds{1};                  // engine_config::gather
  supervisor_config supervisor = *supervisor_config::profile("production");
  std::vector<feed_config> feeds;
  files_sink_settings files;
  stdout_sink_settings stdout_sink;
  nats_sink_settings nats;
  api_settings api;
  alerts_settings alerts;
  log_settings log;
  // What the loader changed, to say so ("t.yaml:4: feeds[0].symbols[0]:
  // 'btcusdt' is spelt BTCUSDT on binance-spot").
  std::vector<std::string> notes;
};

struct config_problem {
  int line = 0;  // 1-based; 0 when not tied to a line
  std::string key;
  std::string message;
};

// Thrown by load_config with every problem found.
class config_error : public std::runtime_error {
 public:
  config_error(std::string source, std::vector<config_problem> problems);
  const std::vector<config_problem>& problems() const noexcept { return problems_; }

 private:
  std::vector<config_problem> problems_;
};

// Parses YAML text; `source` names it in messages.
daemon_config parse_config(std::string_view yaml, std::string_view source = "config");
daemon_config load_config(const std::filesystem::path& file);

// The resolved configuration as YAML (what check-config prints): every key
// of the table, profile values filled in, endpoints resolved. A setting left
// to the venue is a comment giving the venue's value, so that the text loads
// back to the same configuration; the API token is shown as hidden_value.
std::string to_yaml(const daemon_config& config);

// "250ms", "30s", "5m", "24h", "1h30m"; nullopt if malformed.
std::optional<duration> parse_duration(std::string_view text);
std::string format_duration(duration d);

// Venues this build can connect to.
const std::vector<std::string_view>& known_venues();

}  // namespace sf::daemon
