// What a realistic feed costs: CPU time per message at a steady 20 000
// trade messages/s in total, spread over 1, 100 and 1 000 connections
// (20 000, 200 and 20 messages/s on each).
//
// The server (paced_server.hpp, a child process) sends Binance combined-stream
// trade frames at that total rate, paced by its clock, round-robin over the
// connections. The client is the runtime as the daemon runs it: the engine
// with its default workers (one per core), one feed per connection (each one
// symbol's trades), each record formatted as an NDJSON line by its worker and
// carried through the worker's record_queue to the router thread, which
// hands it to a counting sink that writes nothing. The files sink's own cost
// (zstd, writes) is daemon_bench's figure, not this one.
//
// Figures per row: messages/s received, process CPU time (user + system,
// every thread; the server is another process) per message and as a share
// of one core, and voluntary context switches per message (each one a
// thread going to sleep and a wake-up later: at these rates most of the cost
// is there, not in parsing). Each row runs several times, and prints the
// median run with (min–max) over runs; CPU per message moves far less with
// the machine's other load than wall time does.
//
// A run fails (and the program exits 1) unless every connection opened and
// the sink counted every frame the server sent, with no gap record.

#include <benchmark/benchmark.h>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "bench_failure.hpp"
#include "paced_server.hpp"
#include "process_usage.hpp"
#include "resident_memory.hpp"
#include "steadyfeed/runtime/engine.hpp"

namespace {

using namespace sf;
using std::chrono::milliseconds;

constexpr double messages_per_second = 20'000;
constexpr auto warm_up = milliseconds{500};
constexpr auto measured_time = milliseconds{3000};
constexpr auto connect_timeout = std::chrono::seconds{30};
constexpr auto drain_timeout = std::chrono::seconds{10};

// Counts what it is handed; writes nothing.
class counting_sink final : public sink {
 public:
  std::string_view name() const noexcept override { return "counting"; }
  std::string describe() const override { return "counting sink"; }
  std::error_code write(const sink_record& r) override {
    if (r.kind == record_kind::gap) gaps.fetch_add(1, std::memory_order_relaxed);
    else records.fetch_add(1, std::memory_order_relaxed);
    return {};
  }
  std::error_code tick(time_point) override { return {}; }
  std::error_code flush() override { return {}; }
  std::error_code close() override { return {}; }
  sink_stats stats() const override { return {records.load(), 0, 0}; }

  std::atomic<std::uint64_t> records{0}, gaps{0};
};

struct run_figures {
  double messages_per_s = 0, cpu_us_per_message = 0, cpu_percent = 0, switches_per_message = 0;
  double rss_mib = 0;
  double sent_per_s = 0;  // the server's achieved rate over its whole run
};

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

struct row {
  std::size_t connections = 0;
  long gather_us = 0;
  std::vector<run_figures> runs;
  std::string figure(double run_figures::*field, const char* format) const {
    std::vector<double> v;
    for (const auto& f : runs) v.push_back(f.*field);
    const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
    return fmt::format(fmt::runtime(format), median(v)) + " (" + fmt::format(fmt::runtime(format), *lo) + "–" +
           fmt::format(fmt::runtime(format), *hi) + ")";
  }
};
std::vector<row> rows;

void BM_RateCost(benchmark::State& state) {
  const auto connections = static_cast<std::size_t>(state.range(0));
  row r;
  r.connections = connections;
  r.gather_us = static_cast<long>(state.range(1));
  for (auto _ : state) {
    bench::paced_server server(messages_per_second, connections);
    if (server.port() == 0) return bench::fail(state, "the paced server did not start");
    engine_config ec;
    ec.gather = std::chrono::microseconds{r.gather_us};
    engine e(ec);
    auto owned = std::make_unique<counting_sink>();
    counting_sink& sink = *owned;
    e.add_sink(std::move(owned));
    for (std::size_t i = 0; i < connections; ++i) {
      feed_config c;
      c.id = fmt::format("binance-spot-{}", i);
      c.venue = "binance-spot";
      c.symbols = {"BTCUSDT"};
      c.channels = {"trades"};
      c.ws_url = server.base_url();
      c.rest_url = fmt::format("http://127.0.0.1:{}/rest", server.port());
      // Binance allows 300 connection attempts per 5 minutes per IP, which
      // would take 17 minutes to open 1 000; the paced server has no limit.
      c.connects_per_window = 0;
      e.add_feed(std::move(c));
    }
    e.start();
    // The server sends once every connection is open.
    const auto give_up = std::chrono::steady_clock::now() + connect_timeout;
    while (sink.records.load() == 0 && std::chrono::steady_clock::now() < give_up)
      std::this_thread::sleep_for(milliseconds{10});
    if (sink.records.load() == 0) return bench::fail(state, "no record: the connections did not all open");
    std::this_thread::sleep_for(warm_up);

    const auto before = bench::process_usage::now();
    const std::uint64_t records_before = sink.records.load();
    const auto wall_before = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(measured_time);
    const auto used = bench::process_usage::now() - before;
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_before).count();
    const auto received = static_cast<double>(sink.records.load() - records_before);
    const long rss = bench::vm_rss_kib();

    const bench::paced_report sent = server.stop();
    const auto drain_until = std::chrono::steady_clock::now() + drain_timeout;
    while (sink.records.load() < sent.frames && std::chrono::steady_clock::now() < drain_until)
      std::this_thread::sleep_for(milliseconds{10});
    e.stop();
    if (sent.connections != connections)
      return bench::fail(state, fmt::format("{} of {} connections opened", sent.connections, connections));
    if (sink.records.load() != sent.frames)
      return bench::fail(state, fmt::format("the sink counted {} records of {} sent", sink.records.load(), sent.frames));
    if (sink.gaps.load() != 0) return bench::fail(state, fmt::format("{} gap records", sink.gaps.load()));
    if (received == 0) return bench::fail(state, "nothing received while measuring");

    run_figures f;
    f.messages_per_s = received / wall;
    f.cpu_us_per_message = used.cpu_seconds * 1e6 / received;
    f.cpu_percent = used.cpu_seconds / wall * 100;
    f.switches_per_message = static_cast<double>(used.voluntary_switches) / received;
    f.rss_mib = static_cast<double>(rss) / 1024;
    f.sent_per_s = sent.seconds > 0 ? static_cast<double>(sent.frames) / sent.seconds : 0;
    r.runs.push_back(f);
    state.SetIterationTime(wall);
    state.counters["messages_per_s"] = f.messages_per_s;
    state.counters["cpu_us_per_msg"] = f.cpu_us_per_message;
    state.counters["cpu_percent"] = f.cpu_percent;
    state.counters["switches_per_msg"] = f.switches_per_message;
    state.counters["rss_MiB"] = f.rss_mib;
    state.counters["sent_per_s"] = f.sent_per_s;
  }
  rows.push_back(std::move(r));
}
BENCHMARK(BM_RateCost)
    ->ArgNames({"connections", "gather_us"})
    ->Args({1, 1000})
    ->Args({1, 0})
    ->Args({100, 1000})
    ->Args({100, 0})
    ->Args({1000, 1000})
    ->Args({1000, 0})
    ->Iterations(3)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

void print_summary() {
  fmt::print("\nCost at a steady {:.0f} trade messages/s in total, engine (default workers) → counting sink\n"
             "(median run, (min–max) over runs; CPU is the whole client process, user + system):\n",
             messages_per_second);
  for (const auto& r : rows) {
    if (r.runs.empty()) continue;
    fmt::print("  {:>5} connections ({:>6.0f}/s each), gather {:>4} µs: CPU {} µs/msg = {} % of a core; "
               "{} voluntary switches/msg; {} msg/s received ({} sent); RSS {} MiB\n",
               r.connections, messages_per_second / static_cast<double>(r.connections), r.gather_us,
               r.figure(&run_figures::cpu_us_per_message, "{:.2f}"), r.figure(&run_figures::cpu_percent, "{:.1f}"),
               r.figure(&run_figures::switches_per_message, "{:.2f}"), r.figure(&run_figures::messages_per_s, "{:.0f}"),
               r.figure(&run_figures::sent_per_s, "{:.0f}"), r.figure(&run_figures::rss_mib, "{:.0f}"));
  }
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
