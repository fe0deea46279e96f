#include "sim/options.hpp"

#include <CLI/CLI.hpp>
#include <charconv>
#include <cmath>
#include <deque>

#include <fmt/format.h>

#include "sim/chaos_schedule.hpp"
#include "sim/dialect_registry.hpp"
#include "sim/duration_text.hpp"
#include "sim/instrument.hpp"
#include "sim/word_list.hpp"

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

// "(BTCUSDT → OKX BTC-USDT)": how the first venue that respells a canonical
// symbol writes it.
std::string spelling_example() {
  const auto btc = *make_instrument("BTCUSDT");
  for (const auto* d : all_dialects())
    if (const auto spelt = d->symbol_of(btc); spelt != btc.symbol)
      return "(BTCUSDT → " + std::string(d->title()) + " " + spelt + ")";
  return "(BTCUSDT)";
}

// A venue's flag as given on the command line, or its default.
struct given_flag {
  std::string venue;
  venue_flag flag;
  std::string text;
};

}  // namespace

parsed_options parse_options(int argc, const char* const* argv, wall_us default_epoch) {
  std::vector<std::string> titles;
  for (const auto* d : all_dialects()) titles.emplace_back(d->title());
  CLI::App app{"steadyfeed-sim: a deterministic exchange simulator (" + word_list(titles, " and ") + " dialects)"};
  const auto names = dialect_names();
  std::string listen = "127.0.0.1:0", venues, symbols = "BTCUSDT,ETHUSDT";
  for (const auto& name : names) venues += (venues.empty() ? "" : ",") + name;
  double rate = 10;
  std::uint64_t seed = 1;
  std::string truth, chaos, tls;
  std::string burst_every = "0s", burst_length = "0s", tick = "5ms";
  double burst_factor = 10;
  std::size_t depth = 200, checkpoint_every = 1000;
  std::int64_t start_time = 0;
  bool blast = false;
  app.add_option("--listen", listen, "HOST:PORT to serve on (PORT 0: any free port)")->capture_default_str();
  app.add_option("--venues", venues, "comma-separated: " + word_list(names))->capture_default_str();
  app.add_option("--symbols", symbols, "comma-separated, canonical form " + spelling_example())->capture_default_str();
  app.add_option("--rate", rate, "trades/s and book updates/s per (venue, symbol)")->capture_default_str();
  app.add_option("--seed", seed, "market seed: same seed, same data")->capture_default_str();
  app.add_option("--truth", truth, "directory for ground-truth NDJSON");
  app.add_option("--chaos", chaos, "YAML fault schedule");
  // Each venue's own flags, as its dialect declares them.
  std::deque<given_flag> venue_flags;  // a deque: options bind to the texts' addresses
  for (const auto* d : all_dialects()) {
    for (auto& f : d->flags()) {
      auto& given = venue_flags.emplace_back(given_flag{std::string(d->name()), std::move(f), {}});
      given.text = given.flag.default_text;
      app.add_option(given.flag.name, given.text, given.flag.help)->capture_default_str();
    }
  }
  app.add_option("--tls", tls, "CERT,KEY (PEM): serve wss:// and https://");
  app.add_option("--burst-every", burst_every, "start a burst this often (0: never)")->capture_default_str();
  app.add_option("--burst-length", burst_length, "burst length")->capture_default_str();
  app.add_option("--burst-factor", burst_factor, "rate multiplier inside a burst")->capture_default_str();
  app.add_option("--depth", depth, "book levels per side")->capture_default_str();
  app.add_option("--start-time", start_time, "wall time of virtual time 0, µs since the epoch (default: now)");
  app.add_option("--checkpoint-every", checkpoint_every, "full-book truth checkpoint every N updates")
      ->capture_default_str();
  app.add_option("--tick", tick, "how often markets and timers are serviced")->capture_default_str();
  app.add_flag("--blast", blast,
               "the venues' trade URLs blast pre-serialized trades as fast as the client reads "
               "(/binance-spot/ws/<symbol>@trade, /binance-spot/stream?streams=<symbol>@trade, "
               "/okx/ws/v5/public after a trades subscribe)");

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
    if (!find_dialect(v)) errors.push_back("--venues: unknown venue '" + v + "' (" + word_list(names) + ")");
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
  for (const auto& given : venue_flags)
    if (const auto problem = given.flag.apply(given.text, c.venue(given.venue)))
      errors.push_back(given.flag.name + ": " + *problem);
  dur("--burst-every", burst_every, c.market.burst_every);
  dur("--burst-length", burst_length, c.market.burst_length);
  dur("--tick", tick, c.tick);
  if (c.tick.count() <= 0) errors.push_back("--tick: must be > 0");
  if (depth < 10 || depth > 5000) errors.push_back(fmt::format("--depth: {} is not from 10 to 5000 levels", depth));
  c.market.rate = rate;
  c.market.seed = seed;
  c.market.burst_factor = burst_factor;
  c.market.depth = depth;
  c.market.epoch = start_time > 0 ? start_time : default_epoch;
  c.checkpoint_every = checkpoint_every;
  c.blast = blast;
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
