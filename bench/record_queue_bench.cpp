// The daemon's hand-off from the feed thread to the sink thread
// (record_queue): one thread pushes trade lines as feed_runner does, another
// takes them as the sink loop does and only counts their bytes. Lines per
// second across the two threads.
//
// The lines are the length of a formatted Binance trade record (about 190
// bytes); the ring is the daemon's default size.

#include <benchmark/benchmark.h>

#include "bench_failure.hpp"

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "steadyfeed/sink/record_queue.hpp"

namespace {

using sf::queued_line;
using sf::record_queue;

void BM_RecordQueueHandOff(benchmark::State& state) {
  const auto lines = static_cast<std::int64_t>(state.range(0));
  const std::string line(190, 'x');
  std::int64_t total = 0;
  double seconds = 0;
  record_queue q;
  // One pass, untimed, so that the whole ring is resident, as it is in a
  // daemon that has run for a while: the figures are then not page faults.
  auto pass = [&] {
    std::atomic<std::uint64_t> bytes{0};
    std::thread sink([&] {
      std::uint64_t seen = 0, count = 0;
      while (count < static_cast<std::uint64_t>(lines))
        count += q.take(std::chrono::milliseconds{100},
                        [&](const queued_line& l) { seen += l.line.size(); });
      bytes = seen;
    });
    const auto start = std::chrono::steady_clock::now();
    for (std::int64_t i = 0; i < lines; ++i) q.push("binance-spot", "trades", "BTCUSDT", i, line);
    sink.join();
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    return bytes == static_cast<std::uint64_t>(lines) * line.size() && q.dropped() == 0
               ? took.count()
               : -1.0;
  };
  if (pass() < 0) return sf::bench::fail(state, "lines were lost or dropped");
  for (auto _ : state) {
    const double took = pass();
    if (took < 0) return sf::bench::fail(state, "lines were lost or dropped");
    state.SetIterationTime(took);
    seconds += took;
    total += lines;
  }
  state.SetItemsProcessed(total);
  if (total == 0) return;
  state.counters["lines_per_s"] = static_cast<double>(total) / seconds;
  state.counters["ns_per_line"] = seconds * 1e9 / static_cast<double>(total);
}
BENCHMARK(BM_RecordQueueHandOff)
    ->Arg(2'000'000)
    ->Iterations(5)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

STEADYFEED_BENCHMARK_MAIN()
