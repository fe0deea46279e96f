// What the control plane costs the feeds' hot path: every record's
// exchange-to-receive latency goes into its venue's histogram
// (metrics_exporter::on_record), on the feed's own thread, lock-free. The
// cost per record on one thread, and on two threads sharing one venue's
// histogram (two workers of one venue: the atomics' cache line moves between
// cores).
//
// Printed as wall and CPU ns per record; the histogram must count exactly
// the records observed, or the run fails.

#include <benchmark/benchmark.h>
#include <time.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "bench_failure.hpp"
#include "metrics_exporter.hpp"

namespace {

using sf::daemon::latency_histogram;
using sf::daemon::metrics_exporter;

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// `n` trades with latencies spread over the histogram's buckets.
void observe(latency_histogram& h, std::int64_t n, double& cpu) {
  const double cpu_start = thread_cpu_seconds();
  sf::trade_record t;
  sf::record_view r;
  r.trade = &t;
  for (std::int64_t i = 0; i < n; ++i) {
    t.ts_exchange = 1'700'000'000'000'000 + i;
    r.received = t.ts_exchange + (i * 7919) % 3'000'000;  // 0 to 3 s
    metrics_exporter::on_record(h, r);
  }
  cpu = thread_cpu_seconds() - cpu_start;
}

void BM_ExchangeLatencyObserve(benchmark::State& state) {
  const auto threads = static_cast<int>(state.range(0));
  constexpr std::int64_t per_thread = 5'000'000;
  latency_histogram h;
  std::uint64_t expected = 0;
  double wall = 0, cpu = 0;
  for (auto _ : state) {
    std::vector<double> cpus(static_cast<std::size_t>(threads));
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> workers;
    for (int i = 0; i < threads; ++i)
      workers.emplace_back([&, i] { observe(h, per_thread, cpus[static_cast<std::size_t>(i)]); });
    for (auto& w : workers) w.join();
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    state.SetIterationTime(took.count());
    wall += took.count();
    for (const double c : cpus) cpu += c;
    expected += static_cast<std::uint64_t>(per_thread) * static_cast<std::uint64_t>(threads);
    if (h.read().count != expected) return sf::bench::fail(state, "the histogram lost observations");
  }
  const auto records = static_cast<double>(expected);
  state.SetItemsProcessed(static_cast<std::int64_t>(expected));
  // Per record on each thread: what one feed thread pays.
  state.counters["wall_ns_per_record"] = wall * 1e9 * threads / records;
  state.counters["cpu_ns_per_record"] = cpu * 1e9 / records;
}
BENCHMARK(BM_ExchangeLatencyObserve)->Arg(1)->Arg(2)->Iterations(5)->UseManualTime()->Unit(benchmark::kMillisecond);

}  // namespace

STEADYFEED_BENCHMARK_MAIN()
