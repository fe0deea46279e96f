// Scale: 5 000 streams on this machine, what they cost.
//
// The simulator (sim_process.hpp, a child process) serves two venues, its
// Binance spot and OKX dialects: 600 Binance symbols and 1 900 OKX symbols,
// each with a trade stream and a book stream, 2 × 2 500 = 5 000 streams. Each
// stream runs at `events_per_stream` events per second (the simulator's
// market rate, a Poisson process per stream, served on its 5 ms tick). The
// client is the runtime as the daemon runs it: the engine with its default
// workers (one per core), one feed per venue, records formatted as NDJSON
// lines and carried to the router thread, into a counting sink that writes
// nothing.
//
// The feeds spread the topics over connections by each venue's limit per
// connection: Binance's 1 200 streams over two connections (1 024 + 176;
// the first names about 230 streams in its URL and subscribes the rest by
// SUBSCRIBE, paced under the 5 messages/s limit), OKX's over 132 (29 channel
// arguments each; its max_connections is raised above the default 64). The
// simulator's connection-rate limits are lifted, so that start-up takes
// seconds rather than a minute; the steady state measured does not depend on
// them. Binance books start from a REST snapshot each, OKX books from the
// snapshot the channel pushes. 600 snapshots of 1 000 levels weigh 30 000,
// five minutes of Binance's REST budget, which the feed would honour: here
// the simulator lifts its REST limits and the feed is told so
// (feed_config::rest_limits), so that the books sync in seconds.
//
// Measured once every connection is live, after a few seconds for the books
// to sync, over several consecutive windows: the process's CPU (user +
// system, every thread; the simulator is another process) as a share of one
// core and per record, resident memory, live connections and records per
// second. Printed as the median window with (min–max) over the windows.
//
// The run fails (and the program exits 1) unless every feed is healthy
// throughout, and records flowed in every window.

#include <benchmark/benchmark.h>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "bench_failure.hpp"
#include "process_usage.hpp"
#include "resident_memory.hpp"
#include "sim_process.hpp"
#include "steadyfeed/runtime/engine.hpp"

namespace {

using namespace sf;
using std::chrono::milliseconds;

constexpr std::size_t binance_symbols = 600;
constexpr std::size_t okx_symbols = 1900;
constexpr double events_per_stream = 1.0;
constexpr auto start_timeout = std::chrono::seconds{90};
constexpr auto settle_time = std::chrono::seconds{3};
constexpr auto window = std::chrono::seconds{3};
constexpr int windows = 4;

class counting_sink final : public sink {
 public:
  std::string_view name() const noexcept override { return "counting"; }
  std::string describe() const override { return "counting sink"; }
  std::error_code write(const sink_record& r) override {
    (r.kind == record_kind::gap ? gaps : records).fetch_add(1, std::memory_order_relaxed);
    return {};
  }
  std::error_code tick(time_point) override { return {}; }
  std::error_code flush() override { return {}; }
  std::error_code close() override { return {}; }
  sink_stats stats() const override { return {records.load(), 0, 0}; }

  std::atomic<std::uint64_t> records{0}, gaps{0};
};

// Letters only, each a spot pair on USDT: QAAAUSDT, QAABUSDT, …
std::vector<std::string> base_names(std::size_t n) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n; ++i) {
    std::string base = "Q";
    for (std::size_t k = 0, v = i; k < 3; ++k, v /= 26) base.insert(1, 1, static_cast<char>('A' + v % 26));
    out.push_back(base);
  }
  return out;
}

std::size_t live_connections(const engine& e) {
  std::size_t n = 0;
  for (const auto& f : e.feeds())
    for (const auto& c : f.connections)
      if (c.state == connection_state::connected) ++n;
  return n;
}
// "binance-spot 1/1 connected, … trades, … books, …; okx …", for messages.
std::string connection_summary(const engine& e) {
  std::string out;
  for (const auto& f : e.feeds()) {
    std::size_t live = 0;
    std::string last;
    for (const auto& c : f.connections) {
      if (c.state == connection_state::connected) ++live;
      else if (last.empty()) last = std::string(to_string(c.state));
    }
    out += fmt::format("{}{} {}/{} connected{}, {} trades, {} books, {} gaps, {} resyncs", out.empty() ? "" : "; ",
                       f.id, live, f.connections.size(), last.empty() ? "" : " (others " + last + ")", f.trades,
                       f.books, f.gaps, f.resyncs);
  }
  return out;
}
bool all_healthy(const engine& e) {
  const auto feeds = e.feeds();
  return !feeds.empty() && std::all_of(feeds.begin(), feeds.end(), [](const feed_stats& f) { return f.healthy; });
}

struct window_figures {
  double cpu_percent = 0, cpu_us_per_record = 0, records_per_s = 0, rss_mib = 0, connections = 0;
  double server_cpu_percent = 0;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n == 0 ? 0 : n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}
std::string figure(const std::vector<window_figures>& ws, double window_figures::*field, const char* format) {
  std::vector<double> v;
  for (const auto& w : ws) v.push_back(w.*field);
  if (v.empty()) return "-";
  const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
  return fmt::format(fmt::runtime(format), median(v)) + " (" + fmt::format(fmt::runtime(format), *lo) + "–" +
         fmt::format(fmt::runtime(format), *hi) + ")";
}

std::vector<window_figures> measured;
std::string final_summary;  // the feeds' counts at the end
double start_seconds = 0;
std::size_t streams = 0, total_connections = 0;

void BM_Scale(benchmark::State& state) {
  const std::vector<std::string> bases = base_names(okx_symbols);
  for (auto _ : state) {
    sim::server_config sc;
    sc.venues = {"binance-spot", "okx"};
    sc.symbols.clear();
    for (const auto& b : bases) sc.symbols.push_back(b + "USDT");
    sc.market.rate = events_per_stream;
    // A shallower book and a slower tick keep the simulator's one thread
    // ahead of 3 800 markets on a shared core.
    sc.market.depth = 20;
    sc.tick = milliseconds{20};
    sc.venue("okx").rules.connects_per_window = 0;
    sc.venue("binance-spot").rules.connects_per_window = 0;
    sc.venue("binance-spot").rules.rest_limits.clear();
    bench::sim_process sim(sc);
    if (sim.port() == 0) return bench::fail(state, "the simulator did not start");
    const std::string host = fmt::format("127.0.0.1:{}", sim.port());

    engine e;
    auto owned = std::make_unique<counting_sink>();
    counting_sink& sink = *owned;
    e.add_sink(std::move(owned));
    feed_config binance;
    binance.id = "binance-spot";
    binance.venue = "binance-spot";
    binance.ws_url = fmt::format("ws://{}/binance-spot", host);
    binance.rest_url = fmt::format("http://{}/binance-spot", host);
    binance.channels = {"trades", "book"};
    binance.rest_limits = std::vector<rest_limit>{};  // as the simulator is told above
    for (std::size_t i = 0; i < binance_symbols; ++i) binance.symbols.push_back(bases[i] + "USDT");
    feed_config okx = binance;
    okx.id = "okx";
    okx.venue = "okx";
    okx.ws_url = fmt::format("ws://{}/okx/ws/v5/public", host);
    okx.rest_url = fmt::format("http://{}/okx", host);
    okx.symbols.clear();
    for (const auto& b : bases) okx.symbols.push_back(b + "-USDT");
    okx.max_connections = 256;
    streams = (binance.symbols.size() + okx.symbols.size()) * 2;
    try {
      e.add_feed(std::move(binance));
      e.add_feed(std::move(okx));
    } catch (const std::exception& ex) {
      return bench::fail(state, ex.what());
    }
    const auto t0 = std::chrono::steady_clock::now();
    e.start();
    const auto give_up = t0 + start_timeout;
    while (!all_healthy(e) && std::chrono::steady_clock::now() < give_up)
      std::this_thread::sleep_for(milliseconds{100});
    start_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!all_healthy(e))
      return bench::fail(state, "the feeds did not all become healthy: " + connection_summary(e));
    std::this_thread::sleep_for(settle_time);
    total_connections = 0;
    for (const auto& f : e.feeds()) total_connections += f.connections.size();

    for (int w = 0; w < windows; ++w) {
      const auto before = bench::process_usage::now();
      const double sim_before = sim.cpu_seconds();
      const std::uint64_t records_before = sink.records.load();
      const auto wall_before = std::chrono::steady_clock::now();
      std::this_thread::sleep_for(window);
      const auto used = bench::process_usage::now() - before;
      const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_before).count();
      const auto records = static_cast<double>(sink.records.load() - records_before);
      if (records == 0) return bench::fail(state, "no record in a window: " + connection_summary(e));
      if (!all_healthy(e)) return bench::fail(state, "a feed became unhealthy: " + connection_summary(e));
      window_figures f;
      f.cpu_percent = used.cpu_seconds / wall * 100;
      f.cpu_us_per_record = used.cpu_seconds * 1e6 / records;
      f.records_per_s = records / wall;
      f.rss_mib = static_cast<double>(bench::vm_rss_kib()) / 1024;
      f.connections = static_cast<double>(live_connections(e));
      f.server_cpu_percent = (sim.cpu_seconds() - sim_before) / wall * 100;
      measured.push_back(f);
    }
    final_summary = connection_summary(e);
    e.stop();
    sim.stop();
    state.SetIterationTime(std::chrono::duration<double>(window).count() * windows);
    const auto& last = measured.back();
    state.counters["streams"] = static_cast<double>(streams);
    state.counters["connections"] = last.connections;
    state.counters["records_per_s"] = last.records_per_s;
    state.counters["cpu_percent"] = last.cpu_percent;
    state.counters["rss_MiB"] = last.rss_mib;
    state.counters["gaps"] = static_cast<double>(sink.gaps.load());
  }
}
BENCHMARK(BM_Scale)->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);

void print_summary() {
  if (measured.empty()) return;
  fmt::print("\nScale: {} streams (trades + book of {} Binance spot and {} OKX symbols), {:.0f} event/s per stream,\n"
             "engine (default workers) → counting sink; {} windows of {} s (median (min–max)):\n",
             streams, binance_symbols, okx_symbols, events_per_stream, measured.size(), window.count());
  fmt::print("  connections {} live of {}; all healthy after {:.1f} s\n", figure(measured, &window_figures::connections, "{:.0f}"),
             total_connections, start_seconds);
  fmt::print("  client CPU {} % of a core, {} µs/record; RSS {} MiB; {} records/s\n",
             figure(measured, &window_figures::cpu_percent, "{:.1f}"), figure(measured, &window_figures::cpu_us_per_record, "{:.1f}"),
             figure(measured, &window_figures::rss_mib, "{:.0f}"), figure(measured, &window_figures::records_per_s, "{:.0f}"));
  fmt::print("  (the simulator, another process: {} % of a core)\n  {}\n",
             figure(measured, &window_figures::server_cpu_percent, "{:.1f}"), final_summary);
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  print_summary();
  return bench::any_failed() ? 1 : 0;
}
