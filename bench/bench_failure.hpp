// A benchmark run that goes wrong (records lost, frames missing, a server
// that did not start) fails `make bench`: its figure would mean nothing, and
// Google Benchmark on its own reports the error but exits 0.
//
// Thread safety: fail() from any benchmark thread.
#pragma once

#include <benchmark/benchmark.h>

#include <atomic>
#include <string>

namespace sf::bench {

inline std::atomic<bool>& any_failed() {
  static std::atomic<bool> failed{false};
  return failed;
}

// Marks this run as failed, with why, and the program's exit status as 1.
inline void fail(benchmark::State& state, const std::string& why) {
  any_failed() = true;
  state.SkipWithError(why.c_str());
}

// Runs the registered benchmarks; 1 when any failed, 2 on unknown arguments.
inline int run_benchmarks(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return any_failed() ? 1 : 0;
}

}  // namespace sf::bench

#define STEADYFEED_BENCHMARK_MAIN() \
  int main(int argc, char** argv) { return sf::bench::run_benchmarks(argc, argv); }
