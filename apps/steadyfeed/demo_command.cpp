#include "demo_command.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <fstream>
#include <iostream>
#include <thread>

#include "config.hpp"
#include "control_plane.hpp"
#include "recorder.hpp"
#include "sim/server.hpp"
#include "status_table.hpp"
#include "verify.hpp"

namespace sf::daemon {

namespace {

// Faults spread over the run: each lands once the feeds are well under way.
std::vector<sim::fault_spec> fault_schedule(int total_seconds) {
  const auto at = [&](double fraction) {
    return std::chrono::duration_cast<duration>(std::chrono::duration<double>(total_seconds * fraction));
  };
  std::vector<sim::fault_spec> faults;
  auto add = [&](double fraction, sim::fault_kind kind, std::string venue, duration length = {}) {
    sim::fault_spec f;
    f.at = at(fraction);
    f.kind = kind;
    f.venue = std::move(venue);
    f.length = length;
    f.count = 3;
    faults.push_back(f);
  };
  add(0.20, sim::fault_kind::reset, "binance-spot");
  add(0.35, sim::fault_kind::half_open, "okx", seconds{4});
  add(0.50, sim::fault_kind::stall, "binance-spot", seconds{2});
  add(0.65, sim::fault_kind::sequence_gap, "okx");
  add(0.80, sim::fault_kind::reset, "okx");
  return faults;
}

}  // namespace

int demo_command(const demo_options& options) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path marker = options.out / ".steadyfeed-demo";
  const bool made_by_demo = fs::exists(marker, ec);
  const bool empty = !fs::exists(options.out, ec) || (fs::is_directory(options.out, ec) && fs::is_empty(options.out, ec));
  if (!empty && !made_by_demo && !options.force) {
    std::cerr << fmt::format(
        "demo: {} is not empty and was not made by demo; its data/ and truth/ would be replaced.\n"
        "demo: choose a new or empty directory with --out, or pass --force to replace them\n",
        options.out.string());
    return 2;
  }
  fs::remove_all(options.out / "data", ec);
  fs::remove_all(options.out / "truth", ec);
  fs::create_directories(options.out, ec);
  if (ec) {
    std::cerr << fmt::format("demo: cannot create {}: {}\n", options.out.string(), ec.message());
    return 2;
  }
  std::ofstream(marker) << "made by steadyfeed demo: its data/ and truth/ are replaced on every run\n";

  // The simulator, on its own thread.
  sim::server_config sc;
  sc.symbols = {"BTCUSDT", "ETHUSDT"};
  sc.market.seed = 42;
  sc.truth_dir = options.out / "truth";
  sc.checkpoint_every = 50;  // books compared often over a short run
  sc.venue("binance-spot").rules.limits.lifetime = seconds{std::max(6, options.seconds / 4)};
  sc.chaos = fault_schedule(options.seconds);
  sc.log_to_stderr = false;
  boost::asio::io_context sim_ioc{1};
  sim::server simulator(sim_ioc, system_clock_source::instance(), sc);
  try {
    simulator.start();
  } catch (const std::exception& e) {
    std::cerr << "demo: the simulator did not start: " << e.what() << '\n';
    return 2;
  }
  std::thread sim_thread([&] { sim_ioc.run(); });
  const std::string base = fmt::format("127.0.0.1:{}", simulator.port());

  // The recorder, pointed at it.
  daemon_config config = parse_config(fmt::format(R"(
supervisor:
  profile: development
  connect_timeout: 5s
  idle_timeout: 3s
  ws_ping_interval: 1s
  pong_timeout: 2s
  rotation_margin: 2s
  backoff: {{initial: 200ms, max: 5s}}
feeds:
  - venue: binance-spot
    symbols: [BTCUSDT, ETHUSDT]
    redundancy: 2
    endpoints: {{ws: "ws://{0}/binance-spot", rest: "http://{0}/binance-spot"}}
  - venue: okx
    symbols: [BTC-USDT, ETH-USDT]
    redundancy: 2
    endpoints: {{ws: "ws://{0}/okx/ws/v5/public", rest: "http://{0}/okx"}}
sinks:
  files: {{dir: "{1}"}}
)",
                                                  base, (options.out / "data").string()),
                                      "demo");
  for (auto& f : config.feeds) f.supervisor.lifetime = sc.venue("binance-spot").rules.limits.lifetime;
  config.api.enabled = !options.api.empty();
  if (config.api.enabled) config.api.listen = options.api;

  recorder rec(config);
  config.alerts.log_level = "critical";  // the status table is the demo's screen
  control_plane plane(rec, config, system_clock_source::instance());
  plane.observe(rec, config);
  const stop_on_exit feeds_first{rec};  // the feeds call into the control plane: they stop before it goes
  try {
    if (config.api.enabled) plane.listen();
  } catch (const std::exception& e) {
    std::cerr << "demo: " << e.what() << '\n';
    boost::asio::post(sim_ioc, [&] {
      simulator.stop();
      sim_ioc.stop();
    });
    sim_thread.join();
    return 2;
  }
  std::cout << fmt::format("demo: simulator on {}; recording to {}; {} s with faults\n", base,
                           (options.out / "data").string(), options.seconds);
  if (config.api.enabled) std::cout << fmt::format("demo: control API on http://{}\n", plane.address());
  rec.start();
  plane.start();
  const bool tty = ::isatty(STDOUT_FILENO);
  for (int s = 1; s <= options.seconds; ++s) {
    std::this_thread::sleep_for(std::chrono::seconds{1});
    if (tty) {
      std::cout << "\x1b[H\x1b[2J" << fmt::format("steadyfeed demo — {}/{} s\n", s, options.seconds)
                << format_status(rec.feeds(), rec.sinks()) << std::flush;
    } else if (s % 5 == 0 || s == options.seconds) {
      std::cout << fmt::format("-- {}/{} s\n", s, options.seconds) << format_status(rec.feeds(), rec.sinks());
    }
  }
  plane.stop();
  rec.stop();
  // The simulator is stopped on its own thread: its sessions and truth files are that thread's.
  boost::asio::post(sim_ioc, [&] {
    simulator.stop();
    sim_ioc.stop();
  });
  sim_thread.join();

  std::cout << "\nverify --truth " << (options.out / "truth").string() << " --data " << (options.out / "data").string()
            << "\n";
  const int verdict = verify_command(options.out / "truth", options.out / "data", std::cout, std::cerr);
  std::cout << (verdict == 0 ? "PASS: nothing lost\n"
                             : "FAIL: the recording does not match the simulator's truth (details above)\n");
  return verdict;
}

}  // namespace sf::daemon
