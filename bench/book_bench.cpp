// Order book and trade arbiter costs on the hot path, and memory per book.
// Targets: book < 100 ns per update, arbiter < 30 ns per record.
#include <benchmark/benchmark.h>

#include "bench_failure.hpp"

#include <memory>
#include <string>

#include "steadyfeed/book/book_sync.hpp"
#include "steadyfeed/core/random.hpp"
#include "steadyfeed/feed/trade_arbiter.hpp"
#include "resident_memory.hpp"

namespace {

using namespace sf;

// Updates shaped like a busy book: mostly near the top, 500 levels deep.
void BM_BookUpdate(benchmark::State& state) {
  rng r(5);
  order_book book;
  for (int i = 0; i < 500; ++i) {
    book.set_bid(decimal(4'300'000 - i, 1), decimal(1000 + i, 3));
    book.set_ask(decimal(4'300'001 + i, 1), decimal(1000 + i, 3));
  }
  constexpr int n = 1 << 14;
  std::vector<std::tuple<bool, decimal, decimal>> updates;
  for (int i = 0; i < n; ++i) {
    const auto depth = static_cast<std::int64_t>(r.below(20) == 0 ? r.below(500) : r.below(10));
    const bool bid = r.below(2);
    const decimal price(bid ? 4'300'000 - depth : 4'300'001 + depth, 1);
    const decimal qty(r.below(5) == 0 ? 0 : static_cast<std::int64_t>(1 + r.below(5000)), 3);
    updates.emplace_back(bid, price, qty);
  }
  std::size_t i = 0;
  for (auto _ : state) {
    const auto& [bid, price, qty] = updates[i++ & (n - 1)];
    if (bid) {
      book.set_bid(price, qty);
    } else {
      book.set_ask(price, qty);
    }
  }
  state.counters["ns_per_update"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["levels"] = static_cast<double>(book.bid_depth() + book.ask_depth());
}
BENCHMARK(BM_BookUpdate);

void BM_ArbiterInOrder(benchmark::State& state) {
  trade_arbiter arb("binance-spot", "BTCUSDT");
  trade_record t;
  t.symbol = "BTCUSDT";
  t.price = decimal(4300010, 2);
  t.qty = decimal(1, 3);
  std::uint64_t id = 0;
  const time_point now{};
  for (auto _ : state) {
    t.id = ++id;
    arb.on_trade(t, now, 0);
    if ((id & 1023) == 0) arb.take_outputs();
  }
  state.counters["ns_per_record"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_ArbiterInOrder);

// Two redundant connections: every record arrives twice.
void BM_ArbiterRedundantPair(benchmark::State& state) {
  trade_arbiter arb("binance-spot", "BTCUSDT");
  trade_record t;
  t.symbol = "BTCUSDT";
  std::uint64_t id = 0;
  const time_point now{};
  for (auto _ : state) {
    t.id = ++id;
    arb.on_trade(t, now, 0);
    arb.on_trade(t, now, 0);
    if ((id & 1023) == 0) arb.take_outputs();
  }
  state.counters["ns_per_record"] = benchmark::Counter(static_cast<double>(state.iterations() * 2),
                                                       benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_ArbiterRedundantPair);

using bench::vm_rss_kib;

// Resident memory per book of `levels` price levels a side (OKX `books`
// keeps 400, a Binance REST snapshot holds up to 5000), from VmRSS before and
// after building 200 of them, each with its churn of updates behind it.
void BM_BookMemory(benchmark::State& state) {
  const auto levels = static_cast<std::int64_t>(state.range(0));
  constexpr int books = 200;
  double per_book_kib = 0;
  for (auto _ : state) {
    const long before = vm_rss_kib();
    std::vector<std::unique_ptr<order_book>> all;
    for (int b = 0; b < books; ++b) {
      auto book = std::make_unique<order_book>();
      // Worst level first: each side keeps its best at the back.
      for (std::int64_t i = levels - 1; i >= 0; --i) {
        book->set_bid(decimal(4'300'000 - i, 1), decimal(1000 + i, 3));
        book->set_ask(decimal(4'300'001 + i, 1), decimal(1000 + i, 3));
      }
      all.push_back(std::move(book));
    }
    const long after = vm_rss_kib();
    per_book_kib = static_cast<double>(after - before) / books;
    benchmark::DoNotOptimize(all.data());
  }
  state.counters["levels_per_side"] = static_cast<double>(levels);
  state.counters["KiB_per_book"] = per_book_kib;
}
BENCHMARK(BM_BookMemory)->Arg(400)->Arg(5000)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace

STEADYFEED_BENCHMARK_MAIN()
