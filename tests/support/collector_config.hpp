// A daemon configuration for the functional and scale tests: the
// simulator's binance-spot BTCUSDT and okx BTC-USDT, trades and books, into
// files under DIR/NAME/data and a NATS JetStream stream, with the spool in
// DIR/NAME/spool and the API off. `nats_extra` is added inside the `nats:`
// mapping (", memory_bytes: 0", ", stream: {replicas: 3}").
#pragma once

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace sf::test {

inline std::filesystem::path collector_config(const std::filesystem::path& dir, const std::string& name,
                                              const std::string& sim, const std::vector<std::string>& nats_servers,
                                              const std::string& nats_extra = "") {
  const std::filesystem::path file = dir / (name + ".yaml");
  std::string urls;
  for (const auto& s : nats_servers) urls += (urls.empty() ? "\"" : ", \"") + s + "\"";
  std::ofstream(file) << "supervisor:\n  profile: development\n"
                      << "feeds:\n"
                      << "  - venue: binance-spot\n    symbols: [BTCUSDT]\n    channels: [trades, book]\n"
                      << "    endpoints: {ws: \"ws://" << sim << "/binance-spot\", rest: \"http://" << sim
                      << "/binance-spot\"}\n"
                      << "  - venue: okx\n    symbols: [BTC-USDT]\n    channels: [trades, book]\n"
                      << "    endpoints: {ws: \"ws://" << sim << "/okx/ws/v5/public\", rest: \"http://" << sim
                      << "/okx\"}\n"
                      << "sinks:\n"
                      << "  files: {dir: \"" << (dir / name / "data").string() << "\", flush_interval: 200ms}\n"
                      << "  nats: {enabled: true, servers: [" << urls << "], ack_timeout: 2s,\n"
                      << "         spool: {dir: \"" << (dir / name / "spool").string() << "\"}" << nats_extra << "}\n"
                      << "api: {enabled: false}\n";
  return file;
}

}  // namespace sf::test
