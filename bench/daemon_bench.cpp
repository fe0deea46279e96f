// What the daemon records per second: the simulator's blast (on its own
// thread) → `steadyfeed run`'s recorder, as the daemon wires it (the
// runtime's engine: feeds on worker threads, NDJSON lines through each
// worker's record queue, the sink router), in trade records per second.
// Arguments: sink, feeds, workers.
//
//   sinks off, 1 feed, 1 worker   the router takes every line and writes
//                none: one worker's rate (receive, decode, pipeline,
//                formatting, queue);
//   files, 1 feed, 1 worker       the default sink: hourly zstd files at the
//                default level;
//   files, 2 feeds, 1 and 2 workers   two blast connections (BTCUSDT and
//                ETHUSDT) on one worker thread, then on two. One worker
//                is then saturated (one core) while the router (zstd) and
//                the blast take about 0.7 of the other; a second worker
//                has only what is left of the machine's cores, so on two
//                cores it gains little, and more the more cores there are.
//
// Besides the mean rate, each row prints its slowest and fastest run (the
// spread), and CPU time of the whole process per record.
//
// The rate is taken between the first record and the Nth as the sink counts
// them; stop() (drain, flush, close) is outside it. A run fails (and the
// program exits 1) unless the sink counted N records, none was dropped and,
// for the files sink, the files hold N trade lines.

#include <benchmark/benchmark.h>

#include "bench_failure.hpp"
#include <fmt/format.h>

#include <time.h>
#include <unistd.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>

#include "blast_server.hpp"
#include "config.hpp"
#include "recorder.hpp"
#include "steadyfeed/sink/recording_reader.hpp"

namespace {

namespace fs = std::filesystem;

constexpr std::int64_t records_per_run = 3'000'000;

sf::bench::blast_server* server = nullptr;

sf::daemon::daemon_config config(bool files, int feeds, int workers, const fs::path& dir) {
  // More frames than counted: the blast closes after its last frame, and the
  // count must be reached before that.
  const std::string base = fmt::format("127.0.0.1:{}", server->port());
  sf::daemon::daemon_config c =
      sf::daemon::parse_config(fmt::format(R"(
workers: {3}
feeds:
  - venue: binance-spot
    symbols: [BTCUSDT]
    channels: [trades]
    endpoints: {{ws: "ws://{0}/_sim/blast/{1}", rest: "http://{0}/binance-spot"}}
sinks:
  files: {{dir: "{2}"}}
api: {{enabled: false}}
)",
                                           base, records_per_run + 100'000, dir.string(), workers),
                               "daemon_bench");
  if (feeds == 2) {
    sf::daemon::feed_config second = c.feeds.front();
    second.id = "binance-spot-2";
    second.symbols = {"ETHUSDT"};
    c.feeds.push_back(second);
  }
  // A configuration file must enable a sink; the benchmark may switch the
  // last one off to see the feed thread alone.
  c.files.enabled = files;
  return c;
}

// Trade lines in every recording file under `dir`.
std::uint64_t recorded_lines(const fs::path& dir) {
  std::error_code ec;
  const auto streams = sf::list_recording(dir, ec);
  if (ec) return 0;
  std::uint64_t n = 0;
  for (const auto& [key, stream] : streams)
    for (const auto& file : stream.files)
      if (sf::read_lines(file, [&](std::string_view) {
            ++n;
            return true;
          }))
        return 0;
  return n;
}

double process_cpu_seconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

void BM_Daemon(benchmark::State& state) {
  const bool files = state.range(0) != 0;
  const int feeds = static_cast<int>(state.range(1));
  const int workers = static_cast<int>(state.range(2));
  double seconds = 0, cpu_seconds = 0;
  double slowest = 0, fastest = 0;  // records/s of single runs: the spread
  std::int64_t total = 0;
  std::uint64_t bytes = 0;
  for (auto _ : state) {
    const fs::path dir =
        fs::temp_directory_path() / fmt::format("steadyfeed-daemon-bench-{}", ::getpid());
    fs::remove_all(dir);
    sf::daemon::recorder rec(config(files, feeds, workers, dir));
    rec.start();
    using clock = std::chrono::steady_clock;
    clock::time_point first{}, last{};
    double cpu_first = 0, cpu_last = 0;
    const clock::time_point give_up = clock::now() + std::chrono::seconds{60};
    std::uint64_t records = 0;
    while (clock::now() < give_up) {
      records = rec.sinks().records;
      if (records > 0 && first == clock::time_point{}) {
        first = clock::now();
        cpu_first = process_cpu_seconds();
      }
      if (records >= static_cast<std::uint64_t>(records_per_run)) {
        last = clock::now();
        cpu_last = process_cpu_seconds();
        break;
      }
      std::this_thread::sleep_for(std::chrono::microseconds{200});
    }
    rec.stop();
    const sf::daemon::sink_status sink = rec.sinks();
    std::string why;
    if (last == clock::time_point{}) why = fmt::format("only {} records in 60 s", records);
    if (why.empty() && sink.dropped != 0) why = fmt::format("{} records dropped", sink.dropped);
    if (why.empty() && files && recorded_lines(dir) < static_cast<std::uint64_t>(records_per_run))
      why = "the files hold fewer lines than the sink counted";
    fs::remove_all(dir);
    if (!why.empty()) {
      sf::bench::fail(state, why);
      return;
    }
    const double took = std::chrono::duration<double>(last - first).count();
    state.SetIterationTime(took);
    const double rate = static_cast<double>(records_per_run) / took;
    slowest = slowest == 0 ? rate : std::min(slowest, rate);
    fastest = std::max(fastest, rate);
    seconds += took;
    cpu_seconds += cpu_last - cpu_first;
    total += records_per_run;
    bytes += sink.bytes_written;
  }
  if (total == 0) return;
  state.SetItemsProcessed(total);
  state.counters["records_per_s"] = static_cast<double>(total) / seconds;
  state.counters["slowest_run"] = slowest;
  state.counters["fastest_run"] = fastest;
  state.counters["ns_per_record"] = seconds * 1e9 / static_cast<double>(total);
  // CPU of the whole process (the blast server's thread included), per record.
  state.counters["cpu_ns_per_record"] = cpu_seconds * 1e9 / static_cast<double>(total);
  if (files)
    state.counters["bytes_per_record"] = static_cast<double>(bytes) / static_cast<double>(total);
}
// Arguments: sink (0 off, 1 files), feeds, workers.
BENCHMARK(BM_Daemon)
    ->ArgNames({"files", "feeds", "workers"})
    ->Args({0, 1, 1})
    ->Args({1, 1, 1})
    ->Args({1, 2, 1})
    ->Args({1, 2, 2})
    ->Iterations(3)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  {
    sf::bench::blast_server srv;
    server = &srv;
    benchmark::RunSpecifiedBenchmarks();
    server = nullptr;
  }
  benchmark::Shutdown();
  return sf::bench::any_failed() ? 1 : 0;
}
