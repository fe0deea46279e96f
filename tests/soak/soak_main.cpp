// steadyfeed-soak: connections rotating every second or so for N minutes
// (`redundancy: 2`, short lifetimes on both venues), recorded by the
// daemon's recorder in this process while RSS, file descriptors, threads,
// armed timers and journal sizes are sampled. Fails (exit 1) when any of them
// grows after the warm-up, or when the recording, judged against the
// simulator's truth, lost anything. `make soak` writes docs/soak.md.
#include <fmt/format.h>
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <thread>

#include "config.hpp"
#include "recorder.hpp"
#include "soak/process_sample.hpp"
#include "soak/soak_report.hpp"
#include "steadyfeed/core/armed_timer.hpp"
#include "support/child_process.hpp"
#include "verify.hpp"

namespace {

namespace fs = std::filesystem;
using namespace sf;
using namespace std::chrono;
using fractional_seconds = std::chrono::duration<double>;

std::string sim_address(const fs::path& out) {
  std::smatch m;
  const std::string text = test::read_file(out);
  static const std::regex url(R"(ws://([0-9.]+:[0-9]+)/)");
  return std::regex_search(text, m, url) ? m[1].str() : std::string{};
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "steadyfeed-soak: rotate connections for minutes and check that nothing grows or is lost"};
  double minutes = 10;
  double sample_every = 5;
  std::string out_file, work, sim_bin = STEADYFEED_SIM_BIN;
  app.add_option("--minutes", minutes, "how long to run")->capture_default_str();
  app.add_option("--sample-every", sample_every, "seconds between samples")->capture_default_str();
  app.add_option("--out", out_file, "write the Markdown page here");
  app.add_option("--work", work,
                 "where the simulator's truth and the recording go (default: the temp directory)");
  app.add_option("--sim", sim_bin, "the steadyfeed-sim binary")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  const fs::path dir =
      work.empty() ? fs::temp_directory_path() / fmt::format("steadyfeed-soak-{}", ::getpid())
                   : fs::path(work);
  fs::remove_all(dir);
  fs::create_directories(dir);

  // Binance cuts connections after their lifetime; OKX connections rotate on
  // the feed's own lifetime. Each venue's connection-attempt limit bounds
  // how often: Binance allows 300 per 5 minutes per IP (one a second), so its
  // two connections live 4 s and rotate every 3 s; OKX allows 3 a second, so
  // its two rotate every second. Shorter Binance lifetimes would need more
  // attempts than the venue allows, and the simulator refuses them as
  // Binance does.
  test::child_process sim({sim_bin, "--listen", "127.0.0.1:0", "--venues", "binance-spot,okx",
                           "--symbols", "BTCUSDT,ETHUSDT", "--rate", "50", "--seed", "20261202",
                           "--lifetime", "4s", "--truth", (dir / "truth").string()},
                          dir / "sim.out", dir / "sim.err");
  std::string address;
  if (!test::poll_until([&] { return !(address = sim_address(dir / "sim.out")).empty(); },
                        seconds{10})) {
    std::cerr << "steadyfeed-soak: the simulator did not start: "
              << test::read_file(dir / "sim.err") << '\n';
    return 2;
  }
  // A 1 MiB record ring per worker: its pages are resident after its first
  // lap, within the warm-up (at the default 64 MiB the first lap takes most of
  // an hour at this rate, and RSS rises all that time without a leak).
  const std::string yaml = fmt::format(R"(queue_bytes: 1048576
supervisor:
  profile: development
  rotation_margin: 1s
  backoff: {{initial: 100ms, max: 1s}}
feeds:
  - venue: binance-spot
    symbols: [BTCUSDT, ETHUSDT]
    channels: [trades, book]
    redundancy: 2
    lifetime: 4s
    endpoints: {{ws: "ws://{0}/binance-spot", rest: "http://{0}/binance-spot"}}
  - venue: okx
    symbols: [BTC-USDT, ETH-USDT]
    channels: [trades, book]
    redundancy: 2
    lifetime: 2s
    endpoints: {{ws: "ws://{0}/okx/ws/v5/public", rest: "http://{0}/okx"}}
sinks:
  files: {{dir: "{1}", flush_interval: 500ms}}
)",
                                       address, (dir / "data").string());
  const auto config = daemon::parse_config(yaml, "soak");
  std::size_t connections = 0;
  for (const auto& f : config.feeds) connections += static_cast<std::size_t>(f.redundancy);

  std::vector<soak::soak_sample> samples;
  const auto started = steady_clock::now();
  const auto end = started + std::chrono::duration_cast<steady_clock::duration>(
                                 fractional_seconds(minutes * 60));
  {
    daemon::recorder rec(config);
    rec.start();
    for (auto next = started; next <= end;
         next +=
         std::chrono::duration_cast<steady_clock::duration>(fractional_seconds(sample_every))) {
      std::this_thread::sleep_until(next);
      soak::soak_sample s;
      s.elapsed_s = fractional_seconds(steady_clock::now() - started).count();
      for (const auto& f : rec.feeds())
        for (const auto& c : f.connections) {
          s.rotations += c.counters.rotations;
          s.reconnects += c.counters.reconnect_successes;
          s.journal_events += c.events.size();
        }
      s.records = rec.sinks().records;
      s.process = soak::sample_this_process();
      s.armed_timers = armed_timer::count();
      samples.push_back(s);
      std::cout << fmt::format(
                       "{:6.0f} s  rotations {:6}  reconnects {:4}  records {:9}  RSS {:6.1f} MiB  "
                       "fds {:3}  "
                       "threads {:2}  timers {:3}  journal events {:5}\n",
                       s.elapsed_s, s.rotations, s.reconnects, s.records,
                       s.process.rss_kib / 1024.0, s.process.fds, s.process.threads, s.armed_timers,
                       s.journal_events)
                << std::flush;
    }
    rec.stop();
  }
  const auto stopped_wall =
      duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
  sim.signal(SIGTERM);
  sim.wait(seconds{30});

  soak::flatness_limits limits;
  limits.warmup_s = std::min(60.0, minutes * 60 / 4);
  limits.journal_capacity = connections * config.supervisor.journal_capacity;
  auto verdict = soak::judge_flatness(samples, limits);
  daemon::verify_options vo;
  vo.to = stopped_wall - 2'000'000;
  const auto report = daemon::verify_recording(dir / "truth", dir / "data", vo);
  const auto& t = report.totals;
  for (const auto& e : report.errors) verdict.push_back("verify: " + e);
  if (!report.clean())
    verdict.push_back(fmt::format(
        "the recording is not clean: missing {} duplicates {} out of order {} chain breaks {} "
        "books differ {}",
        t.missing, t.duplicates, t.out_of_order, t.chain_breaks, t.books_differ));
  const std::string setup = fmt::format(
      "{:.0f} minutes; {} connections: a Binance spot feed and an OKX feed of two symbols each, "
      "both with "
      "`redundancy: 2`, trades and book, 50 trades/s and 50 book updates/s per symbol. The "
      "simulator cuts "
      "Binance connections after 4 s (`--lifetime 4s`) and the OKX feed's own lifetime is 2 s; "
      "with "
      "`rotation_margin: 1s` every connection rotates (make-before-break) a second before its end. "
      "Binance's "
      "limit of 300 connection attempts per 5 minutes per IP is why its lifetime is not 2 s: two "
      "connections "
      "living 2 s would need more attempts than the venue allows. Sampled every {:.0f} s in the "
      "recording "
      "process (the simulator runs as its own process); warm-up {:.0f} s. Journals hold at most {} "
      "events in "
      "all. Judged against the simulator's truth: {} records expected, {} missing, {} duplicates, "
      "{} book "
      "comparisons, {} differing.",
      minutes, connections, sample_every, limits.warmup_s, limits.journal_capacity, t.expected,
      t.missing, t.duplicates, t.books_compared, t.books_differ);
  if (!out_file.empty()) std::ofstream(out_file) << soak::soak_page(setup, samples, verdict);
  for (const auto& v : verdict) std::cout << "NOT FLAT: " << v << '\n';
  std::cout << (verdict.empty() ? "flat, and nothing lost\n" : "");
  if (verdict.empty()) fs::remove_all(dir);
  return verdict.empty() ? 0 : 1;
}
