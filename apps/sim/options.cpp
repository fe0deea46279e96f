#include "sim/options.hpp"

#include <CLI/CLI.hpp>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "sim/chaos_schedule.hpp"
#include "sim/duration_text.hpp"
#include "sim/instrument.hpp"
#include "sim/venue.hpp"

namespace sf::sim {

namespace {

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto comma = text.find(',', start);
    const auto item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!item.empty()) out.push_back(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace

parsed_options parse_options(int argc, const char* const* argv, wall_us default_epoch) {
  CLI::App app{"steadyfeed-sim: a deterministic exchange simulator (Binance Spot and OKX dialects)"};
  std::string listen = "127.0.0.1:0", venues = "binance-spot,okx", symbols = "BTCUSDT,ETHUSDT";
  double rate = 10;
  std::uint64_t seed = 1;
  std::string truth, chaos, lifetime = "24h", idle = "30s", ping = "20s", pong = "60s", tls;
  std::string burst_every = "0s", burst_length = "0s", checksum = "crc32", tick = "5ms", keepalive = "60s";
  double burst_factor = 10;
  std::size_t depth = 200, checkpoint_every = 1000;
  std::int64_t start_time = 0;
  app.add_option("--listen", listen, "HOST:PORT to serve on (PORT 0: any free port)")->capture_default_str();
  app.add_option("--venues", venues, "comma-separated: binance-spot, okx")->capture_default_str();
  app.add_option("--symbols", symbols, "comma-separated, canonical form (BTCUSDT → OKX BTC-USDT)")->capture_default_str();
  app.add_option("--rate", rate, "trades/s and book updates/s per (venue, symbol)")->capture_default_str();
  app.add_option("--seed", seed, "market seed: same seed, same data")->capture_default_str();
  app.add_option("--truth", truth, "directory for ground-truth NDJSON");
  app.add_option("--chaos", chaos, "YAML fault schedule");
  app.add_option("--lifetime", lifetime, "Binance connection lifetime")->capture_default_str();
  app.add_option("--idle-timeout", idle, "OKX close (4004) after this long without a push")->capture_default_str();
  app.add_option("--ping-interval", ping, "Binance server ping interval")->capture_default_str();
  app.add_option("--pong-timeout", pong, "Binance drop without a pong for this long")->capture_default_str();
  app.add_option("--tls", tls, "CERT,KEY (PEM): serve wss:// and https://");
  app.add_option("--burst-every", burst_every, "start a burst this often (0: never)")->capture_default_str();
  app.add_option("--burst-length", burst_length, "burst length")->capture_default_str();
  app.add_option("--burst-factor", burst_factor, "rate multiplier inside a burst")->capture_default_str();
  app.add_option("--okx-checksum", checksum, "crc32 (legacy, computed) or zero (production since 2026-06-23)")
      ->capture_default_str();
  app.add_option("--okx-keepalive", keepalive, "OKX books: empty update after this long without a change (0s: never)")
      ->capture_default_str();
  app.add_option("--depth", depth, "book levels per side")->capture_default_str();
  app.add_option("--start-time", start_time, "wall time of virtual time 0, µs since the epoch (default: now)");
  app.add_option("--checkpoint-every", checkpoint_every, "full-book truth checkpoint every N updates")
      ->capture_default_str();
  app.add_option("--tick", tick, "how often markets and timers are serviced")->capture_default_str();

  parsed_options out;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    out.exit_code = e.get_exit_code();
    out.message = e.get_name() == "CallForHelp" ? app.help() : std::string(e.what());
    return out;
  }

  std::vector<std::string> errors;
  server_config c;
  const auto colon = listen.rfind(':');
  unsigned port = 0;
  if (colon == std::string::npos ||
      std::from_chars(listen.data() + colon + 1, listen.data() + listen.size(), port).ec != std::errc{} || port > 65535) {
    errors.push_back("--listen: '" + listen + "' is not HOST:PORT");
  } else {
    c.host = listen.substr(0, colon);
    c.port = static_cast<unsigned short>(port);
  }
  c.venues = split_list(venues);
  for (const auto& v : c.venues)
    if (v != binance_spot && v != okx) errors.push_back("--venues: unknown venue '" + v + "' (binance-spot, okx)");
  if (c.venues.empty()) errors.push_back("--venues: at least one venue");
  c.symbols = split_list(symbols);
  for (const auto& s : c.symbols)
    if (!make_instrument(s)) errors.push_back("--symbols: '" + s + "' is not BASEQUOTE with a known quote (e.g. BTCUSDT)");
  if (c.symbols.empty()) errors.push_back("--symbols: at least one symbol");
  // Bounded, and finite: a market at 1e12 messages/s (or NaN) would spin the
  // simulator's one thread and answer nothing, signals included.
  constexpr double max_rate = 100'000, max_burst_factor = 1000, max_burst_rate = 1'000'000;
  if (!std::isfinite(rate) || rate < 0 || rate > max_rate)
    errors.push_back(fmt::format("--rate: {} is not a rate from 0 to {} messages/s per venue and symbol "
                                 "(the blast endpoint serves higher rates)",
                                 rate, max_rate));
  if (!std::isfinite(burst_factor) || burst_factor <= 0 || burst_factor > max_burst_factor)
    errors.push_back(fmt::format("--burst-factor: {} is not a factor above 0 and at most {}", burst_factor,
                                 max_burst_factor));
  else if (std::isfinite(rate) && rate * burst_factor > max_burst_rate)
    errors.push_back(fmt::format("--rate × --burst-factor: {} messages/s in a burst is more than {}",
                                 rate * burst_factor, max_burst_rate));
  if (checkpoint_every == 0) errors.push_back("--checkpoint-every: at least 1");
  const auto dur = [&](const std::string& flag, const std::string& text, duration& target) {
    if (const auto d = parse_duration(text)) {
      target = *d;
    } else {
      errors.push_back(flag + ": '" + text + "' is not a duration (e.g. 500ms, 30s, 24h)");
    }
  };
  dur("--lifetime", lifetime, c.binance.limits.lifetime);
  dur("--idle-timeout", idle, c.okx.limits.idle_timeout);
  dur("--ping-interval", ping, c.binance.limits.ping_interval);
  dur("--pong-timeout", pong, c.binance.limits.pong_timeout);
  dur("--burst-every", burst_every, c.market.burst_every);
  dur("--burst-length", burst_length, c.market.burst_length);
  dur("--tick", tick, c.tick);
  dur("--okx-keepalive", keepalive, c.okx_keepalive);
  if (c.tick.count() <= 0) errors.push_back("--tick: must be > 0");
  if (checksum == "crc32") {
    c.okx_checksum = okx_ws::checksum_mode::crc32;
  } else if (checksum == "zero") {
    c.okx_checksum = okx_ws::checksum_mode::zero;
  } else {
    errors.push_back("--okx-checksum: '" + checksum + "' is neither crc32 nor zero");
  }
  if (depth < 10 || depth > 5000) errors.push_back(fmt::format("--depth: {} is not from 10 to 5000 levels", depth));
  c.market.rate = rate;
  c.market.seed = seed;
  c.market.burst_factor = burst_factor;
  c.market.depth = depth;
  c.market.epoch = start_time > 0 ? start_time : default_epoch;
  c.checkpoint_every = checkpoint_every;
  if (!truth.empty()) c.truth_dir = truth;
  if (!tls.empty()) {
    const auto parts = split_list(tls);
    if (parts.size() != 2) {
      errors.push_back("--tls: expected CERT,KEY");
    } else {
      c.tls = tls_files{parts[0], parts[1]};
    }
  }
  if (!chaos.empty()) {
    try {
      c.chaos = load_chaos_file(chaos);
    } catch (const chaos_error& e) {
      errors.push_back(std::string("--chaos: ") + e.what());
    }
  }
  if (!errors.empty()) {
    out.exit_code = 2;
    for (const auto& e : errors) out.message += "steadyfeed-sim: " + e + "\n";
    return out;
  }
  out.config = std::move(c);
  return out;
}

}  // namespace sf::sim
