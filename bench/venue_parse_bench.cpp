// Venue parsing: ns per frame for `decode` of the venues' documented sample
// frames (Binance trade and depth in their combined-stream wrapper, OKX trades
// and books update), next to the ceiling: a bare simdjson On-Demand walk that
// visits every value of the same frame, already padded, building nothing.
//
// `decode` adds to that walk the copy into its padded buffer, key dispatch,
// decimal parsing and the records. It must not allocate in the steady state:
// every benchmark reports `allocs_per_frame` from a counting operator new in
// this executable, and fails when it is not zero.

#include <benchmark/benchmark.h>

#include "bench_failure.hpp"
#include <simdjson.h>

#include <string>

#include "counting_new.hpp"
#include "simdjson_walk.hpp"
#include "steadyfeed/venue/venue_adapter.hpp"
#include "venue/venue_fixture.hpp"

namespace {

using namespace sf;
using bench::bare_parse;

struct sample {
  const char* venue;
  std::string frame;
};

std::string combined(std::string_view stream, const std::string& payload) {
  return std::string(R"({"stream":")") + std::string(stream) + R"(","data":)" + payload + "}";
}

// Frames as they arrive: Binance payloads in the combined-stream wrapper our
// URLs ask for; OKX pushes verbatim. Whitespace of the documentation samples
// is kept (it is what the fixtures hold); real frames are compact.
sample make_sample(int which) {
  using testing::venue_fixture;
  switch (which) {
    case 0:
      return {"binance-spot", combined("bnbbtc@trade", venue_fixture("binance-spot/trade.json"))};
    case 1:
      return {"binance-spot",
              combined("bnbbtc@depth@100ms", venue_fixture("binance-spot/depth_update.json"))};
    case 2:
      return {"okx", venue_fixture("okx/trades.json")};
    default:
      return {"okx", venue_fixture("okx/books_update.json")};
  }
}

const char* sample_name(int which) {
  static const char* names[] = {"binance_trade", "binance_depth", "okx_trades", "okx_books_update"};
  return names[which];
}

void report(benchmark::State& state, std::uint64_t allocs, std::size_t bytes) {
  const auto frames = static_cast<double>(state.iterations());
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes));
  state.counters["ns_per_frame"] =
      benchmark::Counter(frames, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["allocs_per_frame"] = static_cast<double>(allocs) / frames;
  state.counters["frame_bytes"] = static_cast<double>(bytes);
}

void BM_Decode(benchmark::State& state) {
  const int which = static_cast<int>(state.range(0));
  state.SetLabel(sample_name(which));
  const sample s = make_sample(which);
  auto adapter = make_venue_adapter(s.venue);
  // Warm-up: buffers and the parser reach their size.
  if (adapter->decode(s.frame).kind != inbound_kind::data) {
    sf::bench::fail(state, "sample frame did not decode as data");
    return;
  }
  const std::uint64_t before = bench::allocations;
  for (auto _ : state) {
    const inbound in = adapter->decode(s.frame);
    benchmark::DoNotOptimize(in.seq);
    benchmark::DoNotOptimize(in.records);
  }
  const std::uint64_t allocs = bench::allocations - before;
  report(state, allocs, s.frame.size());
  if (allocs != 0) sf::bench::fail(state, "decode allocated in the steady state");
}
BENCHMARK(BM_Decode)->DenseRange(0, 3);

void BM_BareSimdjson(benchmark::State& state) {
  const int which = static_cast<int>(state.range(0));
  state.SetLabel(sample_name(which));
  const sample s = make_sample(which);
  const simdjson::padded_string padded(s.frame);
  simdjson::ondemand::parser parser;
  if (bare_parse(parser, padded) == 0) {
    sf::bench::fail(state, "sample frame did not parse");
    return;
  }
  const std::uint64_t before = bench::allocations;
  for (auto _ : state) benchmark::DoNotOptimize(bare_parse(parser, padded));
  report(state, bench::allocations - before, s.frame.size());
}
BENCHMARK(BM_BareSimdjson)->DenseRange(0, 3);

}  // namespace

STEADYFEED_BENCHMARK_MAIN()
