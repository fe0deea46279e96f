// The runtime (engine, feeds, record outlets, sink router) against the
// simulator on loopback: several workers, live subscription changes, and a
// stalled sink whose lost records come back as gap records.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <fmt/format.h>

#include <charconv>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "sim/server.hpp"
#include "steadyfeed/runtime/engine.hpp"

namespace sf {
namespace {

using namespace std::chrono_literals;

// A sink that keeps what it is given, and can be made to stall.
class capture_sink final : public sink {
 public:
  struct line {
    record_kind kind;
    std::string venue, channel, symbol, id, text;
  };

  std::string_view name() const noexcept override { return "capture"; }
  std::string describe() const override { return "memory"; }
  std::error_code write(const sink_record& r) override {
    std::unique_lock lock(mutex_);
    resumed_.wait(lock, [&] { return !stalled_; });
    lines_.push_back({r.kind, std::string(r.venue), std::string(r.channel), std::string(r.symbol),
                      std::string(r.id), std::string(r.line)});
    ++stats_.records;
    return {};
  }
  std::error_code tick(time_point) override { return {}; }
  std::error_code flush() override { return {}; }
  std::error_code close() override {
    std::lock_guard lock(mutex_);
    closed_ = true;
    return {};
  }
  sink_stats stats() const override { return stats_; }

  void stall(bool on) {
    {
      std::lock_guard lock(mutex_);
      stalled_ = on;
    }
    resumed_.notify_all();
  }
  std::vector<line> lines() const {
    std::lock_guard lock(mutex_);
    return lines_;
  }
  std::size_t count(std::string_view symbol, record_kind kind) const {
    std::lock_guard lock(mutex_);
    std::size_t n = 0;
    for (const auto& l : lines_) n += l.symbol == symbol && l.kind == kind ? 1 : 0;
    return n;
  }
  bool closed() const {
    std::lock_guard lock(mutex_);
    return closed_;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable resumed_;
  bool stalled_ = false, closed_ = false;
  std::vector<line> lines_;
  sink_stats stats_;
};

struct simulator {
  explicit simulator(std::uint64_t seed, double rate = 40, duration binance_lifetime = hours{24},
                     std::vector<sim::fault_spec> chaos = {},
                     std::vector<std::string> symbols = {"BTCUSDT", "ETHUSDT"})
      : simulator([&] {
          sim::server_config sc;
          sc.chaos = std::move(chaos);
          sc.venue("binance-spot").rules.limits.lifetime = binance_lifetime;
          sc.symbols = std::move(symbols);
          sc.market.seed = seed;
          sc.market.rate = rate;
          return sc;
        }()) {}
  explicit simulator(sim::server_config sc) {
    sc.log_to_stderr = false;
    server.emplace(ioc, system_clock_source::instance(), sc);
    server->start();
    thread = std::thread([this] { ioc.run(); });
  }
  ~simulator() {
    // Stopped on its own thread: the truth and the sessions are its.
    boost::asio::post(ioc, [this] {
      server->stop();
      ioc.stop();
    });
    thread.join();
  }
  std::string base() const { return fmt::format("127.0.0.1:{}", server->port()); }

  boost::asio::io_context ioc{1};
  std::optional<sim::server> server;
  std::thread thread;
};

feed_config binance_feed(const simulator& s, std::vector<std::string> symbols, std::vector<std::string> channels) {
  feed_config f;
  f.id = "binance";
  f.venue = "binance-spot";
  f.symbols = std::move(symbols);
  f.channels = std::move(channels);
  f.ws_url = fmt::format("ws://{}/binance-spot", s.base());
  f.rest_url = fmt::format("http://{}/binance-spot", s.base());
  f.supervisor.backoff.initial = 100ms;
  f.supervisor.backoff.max = 1s;
  f.supervisor.ws_ping_interval = 300ms;
  f.supervisor.pong_timeout = 1s;
  return f;
}

feed_config okx_feed(const simulator& s) {
  feed_config f;
  f.id = "okx";
  f.venue = "okx";
  f.symbols = {"BTC-USDT"};
  f.channels = {"trades", "book"};
  f.ws_url = fmt::format("ws://{}/okx/ws/v5/public", s.base());
  f.rest_url = fmt::format("http://{}/okx", s.base());
  f.supervisor.backoff.initial = 100ms;
  return f;
}

bool wait_for(const std::function<bool()>& condition, std::chrono::milliseconds limit = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

std::uint64_t number(std::string_view text) {
  std::uint64_t v = 0;
  std::from_chars(text.data(), text.data() + text.size(), v);
  return v;
}

// Trade ids of one stream, as records and as gap ranges, must cover one
// contiguous run with nothing twice. Returns a description of the first
// problem, or "".
std::string check_trade_cover(const std::vector<capture_sink::line>& lines, std::string_view symbol,
                              std::uint64_t* trades = nullptr, std::uint64_t* in_gaps = nullptr) {
  std::uint64_t next = 0, n = 0, g = 0;
  for (const auto& l : lines) {
    if (l.symbol != symbol || l.channel != "trades") continue;
    std::uint64_t from = 0, to = 0;
    if (l.kind == record_kind::gap) {
      const auto dash = l.id.find('-');
      from = number(std::string_view(l.id).substr(0, dash));
      to = number(std::string_view(l.id).substr(dash + 1));
      g += to - from + 1;
    } else {
      from = to = number(l.id);
      ++n;
    }
    if (next != 0 && from != next) return fmt::format("{}: expected id {} next, got {}..{}", symbol, next, from, to);
    next = to + 1;
  }
  if (trades) *trades = n;
  if (in_gaps) *in_gaps = g;
  return n == 0 ? fmt::format("{}: no trades", symbol) : "";
}

TEST(Runtime, TwoFeedsOnTwoWorkersReachTheSinkInOrder) {
  simulator sim(301);
  auto* out = new capture_sink;
  engine_config ec;
  ec.workers = 2;
  engine e(ec);
  e.add_sink(std::unique_ptr<sink>(out));
  std::atomic<std::uint64_t> seen{0};
  feed::callbacks cb;
  cb.on_record = [&](const record_view&) { seen.fetch_add(1); };
  e.add_feed(binance_feed(sim, {"BTCUSDT", "ETHUSDT"}, {"trades", "book"}), cb);
  e.add_feed(okx_feed(sim));
  EXPECT_THROW(e.add_feed(okx_feed(sim)), std::invalid_argument);  // the id is taken
  EXPECT_EQ(e.workers(), 2u);
  e.start();
  ASSERT_TRUE(wait_for([&] {
    return out->count("BTCUSDT", record_kind::trade) > 30 && out->count("ETHUSDT", record_kind::trade) > 30 &&
           out->count("BTC-USDT", record_kind::trade) > 30 && out->count("BTC-USDT", record_kind::book) > 10;
  }));
  ASSERT_TRUE(wait_for([&] { return e.find_feed("binance")->is_healthy() && e.find_feed("okx")->is_healthy(); }));
  e.stop();
  EXPECT_TRUE(out->closed());
  const auto lines = out->lines();
  for (const char* symbol : {"BTCUSDT", "ETHUSDT", "BTC-USDT"}) {
    std::uint64_t gaps = 0;
    EXPECT_EQ(check_trade_cover(lines, symbol, nullptr, &gaps), "");
    EXPECT_EQ(gaps, 0u) << symbol;
  }
  std::uint64_t binance_records = 0;
  for (const auto& l : lines) binance_records += l.venue == "binance-spot" ? 1 : 0;
  EXPECT_EQ(seen.load(), binance_records);  // the user's callback saw what the sink got
  const auto st = e.stats();
  EXPECT_EQ(st.lost, 0u);
  EXPECT_EQ(st.records, lines.size());
  ASSERT_EQ(st.sinks.size(), 1u);
  EXPECT_EQ(st.sinks[0].stats.records, lines.size());
  const auto feeds = e.feeds();
  ASSERT_EQ(feeds.size(), 2u);
  std::uint64_t streamed = 0;
  for (const auto& f : feeds)
    for (const auto& s : f.streams) streamed += s.records + s.gaps;
  EXPECT_EQ(streamed, lines.size());
}

TEST(Runtime, SubscriptionsChangeLiveAndOnlyTheDifferenceMoves) {
  simulator sim(302);
  auto* out = new capture_sink;
  engine_config ec;
  ec.workers = 1;
  engine e(ec);
  e.add_sink(std::unique_ptr<sink>(out));
  feed& f = e.add_feed(binance_feed(sim, {"BTCUSDT"}, {"trades"}));
  e.start();
  ASSERT_TRUE(wait_for([&] { return out->count("BTCUSDT", record_kind::trade) > 20; }));
  EXPECT_EQ(out->count("ETHUSDT", record_kind::trade), 0u);

  EXPECT_THROW(f.subscribe({"ETHUSDT"}, {"candles"}), std::invalid_argument);
  f.subscribe({"ETHUSDT"}, {"trades"});
  ASSERT_TRUE(wait_for([&] { return out->count("ETHUSDT", record_kind::trade) > 20; }));
  f.unsubscribe({"BTCUSDT"}, {"trades"});
  // Once the unsubscription is through, BTCUSDT stops while ETHUSDT goes on.
  ASSERT_TRUE(wait_for([&] {
    const auto s = f.stats();
    return !s.connections.empty() && s.connections[0].topics.size() == 1;
  }));
  std::this_thread::sleep_for(300ms);
  const std::size_t btc = out->count("BTCUSDT", record_kind::trade);
  const std::size_t eth = out->count("ETHUSDT", record_kind::trade);
  ASSERT_TRUE(wait_for([&] { return out->count("ETHUSDT", record_kind::trade) > eth + 20; }));
  EXPECT_EQ(out->count("BTCUSDT", record_kind::trade), btc);

  const auto st = f.stats();
  ASSERT_EQ(st.connections.size(), 1u);  // one connection carried every change
  EXPECT_EQ(st.connections[0].counters.reconnect_successes, 0u);
  EXPECT_TRUE(f.reconnect(0, "operator"));
  EXPECT_FALSE(f.reconnect(1, "no such connection"));
  ASSERT_TRUE(wait_for([&] { return f.stats().connections[0].counters.reconnect_successes >= 1; }));
  e.stop();
  EXPECT_EQ(check_trade_cover(out->lines(), "ETHUSDT"), "");
}

// `n` symbols the simulator knows: QAAUSDT, QABUSDT ... (at most 676),
// with `filler` after the two letters to make the names longer.
std::vector<std::string> made_up_symbols(std::size_t n, std::string_view filler = {}) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n; ++i)
    out.push_back(std::string("Q") + static_cast<char>('A' + i / 26) + static_cast<char>('A' + i % 26) +
                  std::string(filler) + "USDT");
  return out;
}

// 360 Binance streams of 24 bytes ("qaalongernameusdt@trade/") take 8 640
// bytes of URL, over the simulator's (and, reportedly, the venue's) 8 KiB:
// the connection opens with the streams that fit in its URL and subscribes
// the rest by message.
TEST(Runtime, ABinanceConnectionSubscribesByMessageTheStreamsItsUrlCannotHold) {
  const std::vector<std::string> symbols = made_up_symbols(360, "LONGERNAME");
  std::mutex said_mutex;
  std::string said;  // what the connection said, for a failure's message; outlives the engine
  sim::server_config sc;
  sc.symbols = symbols;
  sc.market.seed = 304;
  // 360 markets: a shallow book, a slow tick and a low rate keep the
  // simulator's thread (in this process, sanitized builds too) ahead.
  sc.market.rate = 2;
  sc.market.depth = 10;
  sc.tick = milliseconds{20};
  simulator sim(sc);
  auto* out = new capture_sink;
  engine_config ec;
  ec.workers = 1;
  engine e(ec);
  e.add_sink(std::unique_ptr<sink>(out));
  feed_config c = binance_feed(sim, symbols, {"trades"});
  // No pings of ours: the venue's 5 frames a second are for the SUBSCRIBEs
  // here, and a loaded machine that bunches paced frames together must not
  // push the connection over that limit.
  c.supervisor.ws_ping_interval.reset();
  feed::callbacks cb;
  cb.on_event = [&](std::string_view, const event& ev) {
    if (ev.level == severity::info) return;
    std::lock_guard lock(said_mutex);
    said += "\n  " + ev.reason;
  };
  feed& f = e.add_feed(c, cb);
  e.start();
  std::set<std::string> missing(symbols.begin(), symbols.end());
  ASSERT_TRUE(wait_for([&] {
    for (const auto& l : out->lines()) missing.erase(l.symbol);
    return missing.empty();
  }, 60s)) << missing.size() << " symbols without a trade, e.g. " << *missing.begin();
  const auto st = f.stats();
  ASSERT_EQ(st.connections.size(), 1u);
  EXPECT_EQ(st.connections[0].topics.size(), 360u);
  e.stop();
  {
    std::lock_guard lock(said_mutex);
    EXPECT_EQ(st.connections[0].counters.connects, 1u) << "never refused, never reconnected; it said:" << said;
  }
  const auto lines = out->lines();
  for (const auto& s : {symbols.front(), symbols.back()}) {
    std::uint64_t gaps = 0;
    EXPECT_EQ(check_trade_cover(lines, s, nullptr, &gaps), "");
    EXPECT_EQ(gaps, 0u) << s;
  }
}

// The simulator's fault-log lines about refused REST requests.
std::vector<std::string> rest_refusals(const std::filesystem::path& faults) {
  std::vector<std::string> out;
  std::ifstream in(faults);
  for (std::string line; std::getline(in, line);)
    if (line.find(R"("event":"rest_rate_limited")") != std::string::npos) out.push_back(line);
  return out;
}

// 20 Binance books syncing at once from 1 000-level snapshots (weight 50
// each) against a simulator whose REST weight limit is scaled down to 400 a
// second, the feed told `told`. Returns the books that never synced, and
// the simulator's refusals (fault-log lines) in `refusals`. `chaos` adds
// faults; `stop_at_first_refusal` ends the run at the first one.
std::set<std::string> sync_books_under_a_weight_limit(const std::string& name, std::vector<rest_limit> told,
                                                      std::vector<sim::fault_spec> chaos,
                                                      bool stop_at_first_refusal,
                                                      std::vector<std::string>& refusals,
                                                      std::uint64_t* rest_failures = nullptr) {
  const std::vector<std::string> symbols = made_up_symbols(20);
  const auto dir = std::filesystem::path(::testing::TempDir()) / name;
  std::filesystem::remove_all(dir);
  std::set<std::string> missing(symbols.begin(), symbols.end());
  {
    sim::server_config sc;
    sc.symbols = symbols;
    sc.market.seed = 305;
    sc.market.rate = 20;
    sc.truth_dir = dir;
    sc.chaos = std::move(chaos);
    sc.venue("binance-spot").rules.rest_limits = {{"REQUEST_WEIGHT", 400, seconds{1}}};
    simulator sim(sc);
    auto* out = new capture_sink;
    engine_config ec;
    ec.workers = 1;
    engine e(ec);
    e.add_sink(std::unique_ptr<sink>(out));
    feed_config f = binance_feed(sim, symbols, {"book"});
    f.rest_limits = std::move(told);
    feed& running = e.add_feed(f);
    e.start();
    wait_for([&] {
      for (const auto& l : out->lines())
        if (l.kind == record_kind::book) missing.erase(l.symbol);
      return missing.empty() || (stop_at_first_refusal && !rest_refusals(dir / "faults.ndjson").empty());
    }, 20s);
    if (rest_failures) *rest_failures = running.stats().rest_failures;
    e.stop();
  }
  refusals = rest_refusals(dir / "faults.ndjson");
  return missing;
}

// Paced, the simulator refuses nothing. (The feed is told 300 a second, so
// that a loaded test machine, which delays requests unevenly, does not push
// two of its windows into one of the venue's.) Told a limit the venue does
// not have, the same start is refused, and banned: what pacing prevents.
TEST(Runtime, BookSnapshotsArePacedUnderTheVenuesRestWeightLimit) {
  std::vector<std::string> refusals;
  const auto missing = sync_books_under_a_weight_limit("rest_paced", {{"REQUEST_WEIGHT", 300, seconds{1}}}, {},
                                                       false, refusals);
  EXPECT_TRUE(missing.empty()) << missing.size() << " books never synced";
  EXPECT_TRUE(refusals.empty()) << refusals.front();

  sync_books_under_a_weight_limit("rest_unpaced", {{"REQUEST_WEIGHT", 40'000, seconds{1}}}, {}, true, refusals);
  ASSERT_FALSE(refusals.empty());
  EXPECT_NE(refusals.front().find(R"("status":429)"), std::string::npos) << refusals.front();
  EXPECT_NE(refusals.back().find(R"("status":418)"), std::string::npos) << refusals.back();
}

// The venue answers 429 with Retry-After: 2 for a second and a half while
// the books sync (the batches go every 1.25 s, so some are refused). Every
// request of the feed then waits out the Retry-After, those already granted
// too: the venue bans a client that goes on, and it bans none here.
TEST(Runtime, A429HoldsEveryRequestOfTheVenueForItsRetryAfter) {
  sim::fault_spec busy;
  busy.at = 1s;
  busy.kind = sim::fault_kind::rest_429;
  busy.venue = "binance-spot";
  busy.length = 1500ms;
  busy.retry_after = 2s;
  std::vector<std::string> refusals;
  std::uint64_t refused = 0;
  const auto missing = sync_books_under_a_weight_limit("rest_429", {{"REQUEST_WEIGHT", 300, seconds{1}}}, {busy},
                                                       false, refusals, &refused);
  EXPECT_GT(refused, 0u) << "the 429s hit no request: the test proves nothing";
  EXPECT_TRUE(missing.empty()) << missing.size() << " books never synced";
  for (const auto& r : refusals) EXPECT_EQ(r.find(R"("status":418)"), std::string::npos) << r;
}

TEST(Runtime, FeedsAreRemovedAndAddedWhileOthersRunUndisturbed) {
  simulator sim(303);
  auto* out = new capture_sink;
  engine_config ec;
  ec.workers = 2;
  engine e(ec);
  e.add_sink(std::unique_ptr<sink>(out));
  e.add_feed(binance_feed(sim, {"BTCUSDT"}, {"trades"}));
  e.add_feed(okx_feed(sim));
  e.start();
  ASSERT_TRUE(wait_for([&] {
    return out->count("BTCUSDT", record_kind::trade) > 20 && out->count("BTC-USDT", record_kind::trade) > 20;
  }));
  const auto held = e.find_feed("okx");  // a reader that still holds it
  EXPECT_TRUE(e.remove_feed("okx"));
  EXPECT_FALSE(e.remove_feed("okx"));
  EXPECT_EQ(e.find_feed("okx"), nullptr);
  ASSERT_EQ(e.feeds().size(), 1u);
  held->subscribe({"ETH-USDT"}, {"trades"});  // harmless: the feed is stopped
  std::this_thread::sleep_for(300ms);
  const std::size_t okx = out->count("BTC-USDT", record_kind::trade);
  const std::size_t btc = out->count("BTCUSDT", record_kind::trade);
  ASSERT_TRUE(wait_for([&] { return out->count("BTCUSDT", record_kind::trade) > btc + 20; }));
  EXPECT_EQ(out->count("BTC-USDT", record_kind::trade), okx);
  EXPECT_EQ(out->count("ETH-USDT", record_kind::trade), 0u);

  // The id is free again: a new okx feed starts at once.
  e.add_feed(okx_feed(sim));
  ASSERT_TRUE(wait_for([&] { return out->count("BTC-USDT", record_kind::trade) > okx + 20; }));
  const auto binance = e.find_feed("binance")->stats();
  ASSERT_EQ(binance.connections.size(), 1u);
  EXPECT_EQ(binance.connections[0].counters.reconnect_attempts, 0u);  // never disturbed
  e.stop();
  std::uint64_t gaps = 0;
  EXPECT_EQ(check_trade_cover(out->lines(), "BTCUSDT", nullptr, &gaps), "");
  EXPECT_EQ(gaps, 0u);
  EXPECT_EQ(e.stats().lost, 0u);
}

TEST(Runtime, AStalledSinkTurnsWhatCannotBeQueuedIntoGapRecordsAndHeartbeatsGoOn) {
  simulator sim(303, 200);
  auto* out = new capture_sink;
  engine_config ec;
  ec.workers = 1;
  ec.queue_bytes = 4096;  // a few records
  ec.queue_wait = 20ms;
  engine e(ec);
  e.add_sink(std::unique_ptr<sink>(out));
  feed& f = e.add_feed(binance_feed(sim, {"BTCUSDT"}, {"trades"}));
  e.start();
  ASSERT_TRUE(wait_for([&] { return out->count("BTCUSDT", record_kind::trade) > 20; }));
  out->stall(true);
  // Longer than the pong timeout: a worker blocked on its queue would miss pongs.
  ASSERT_TRUE(wait_for([&] { return e.stats().lost > 200; }));
  std::this_thread::sleep_for(1500ms);
  out->stall(false);
  ASSERT_TRUE(wait_for([&] {
    const auto st = e.stats();
    return st.loss_gaps > 0 && st.gaps_owed == 0;
  }));
  const std::size_t after = out->count("BTCUSDT", record_kind::trade);
  ASSERT_TRUE(wait_for([&] { return out->count("BTCUSDT", record_kind::trade) > after + 20; }));
  const auto fs = f.stats();
  e.stop();
  ASSERT_EQ(fs.connections.size(), 1u);
  EXPECT_EQ(fs.connections[0].counters.heartbeat_timeouts, 0u);
  EXPECT_EQ(fs.connections[0].counters.reconnect_successes, 0u);
  std::uint64_t trades = 0, in_gaps = 0;
  EXPECT_EQ(check_trade_cover(out->lines(), "BTCUSDT", &trades, &in_gaps), "");
  const auto st = e.stats();
  EXPECT_EQ(in_gaps, st.lost);
  EXPECT_GT(st.lost, 200u);
  EXPECT_EQ(st.gaps_owed, 0u);
}

TEST(Runtime, RedundantConnectionsRotateOneAtATime) {
  simulator sim(304, 40, seconds{3});
  auto* out = new capture_sink;
  engine_config ec;
  ec.workers = 1;
  engine e(ec);
  e.add_sink(std::unique_ptr<sink>(out));
  auto config = binance_feed(sim, {"BTCUSDT"}, {"trades"});
  config.redundancy = 2;
  config.supervisor.lifetime = seconds{3};
  config.supervisor.rotation_margin = seconds{1};
  struct rotation {
    std::string connection;
    bool started;
    wall_us at;
  };
  std::mutex mutex;
  std::vector<rotation> rotations;
  feed::callbacks cb;
  cb.on_event = [&](std::string_view connection, const event& ev) {
    if (ev.kind != event_kind::rotation_started && ev.kind != event_kind::rotation_completed) return;
    std::lock_guard lock(mutex);
    rotations.push_back({std::string(connection), ev.kind == event_kind::rotation_started, ev.time});
  };
  e.add_feed(config, cb);
  e.start();
  std::this_thread::sleep_for(7s);
  e.stop();
  std::lock_guard lock(mutex);
  std::map<std::string, int> completed;
  int rotating = 0, most = 0;
  for (const auto& r : rotations) {  // in time order: they come from one worker thread
    rotating += r.started ? 1 : -1;
    most = std::max(most, rotating);
    if (!r.started) ++completed[r.connection];
  }
  EXPECT_GE(completed["binance/0"], 2);
  EXPECT_GE(completed["binance/1"], 2);
  EXPECT_EQ(most, 1) << "two connections of one shard were rotating at once";
  std::uint64_t in_gaps = 0;
  EXPECT_EQ(check_trade_cover(out->lines(), "BTCUSDT", nullptr, &in_gaps), "");
  EXPECT_EQ(in_gaps, 0u);
}

// A gap record and a failed REST request are said when they happen, as
// events (the daemon logs them at once), not only found in the files later.
TEST(Runtime, GapRecordsAndRestFailuresAreEventsWhenTheyHappen) {
  sim::fault_spec rest_down;
  rest_down.at = 500ms;
  rest_down.kind = sim::fault_kind::rest_error;
  rest_down.venue = "binance-spot";
  rest_down.length = 1500ms;
  sim::fault_spec hole;
  hole.at = 800ms;
  hole.kind = sim::fault_kind::sequence_gap;
  hole.venue = "binance-spot";
  hole.count = 2;
  simulator sim(305, 40, hours{24}, {rest_down, hole});
  auto* out = new capture_sink;
  engine_config ec;
  ec.workers = 1;
  engine e(ec);
  e.add_sink(std::unique_ptr<sink>(out));
  std::mutex mutex;
  std::vector<event> events;
  feed::callbacks cb;
  cb.on_event = [&](std::string_view, const event& ev) {
    std::lock_guard lock(mutex);
    events.push_back(ev);
  };
  e.add_feed(binance_feed(sim, {"BTCUSDT"}, {"book"}), cb);
  e.start();
  auto seen = [&](event_kind kind, std::string_view text) {
    std::lock_guard lock(mutex);
    return std::any_of(events.begin(), events.end(), [&](const event& ev) {
      return ev.kind == kind && ev.level >= severity::warning && ev.reason.find(text) != std::string::npos;
    });
  };
  EXPECT_TRUE(wait_for([&] { return seen(event_kind::gap_detected, "gap record book BTCUSDT"); }));
  EXPECT_TRUE(wait_for([&] { return seen(event_kind::error, "REST GET /api/v3/depth?symbol=BTCUSDT"); }));
  EXPECT_TRUE(seen(event_kind::error, "HTTP 503"));
  // Once REST answers again, the book is resynced and recording goes on.
  EXPECT_TRUE(wait_for([&] { return e.feeds().at(0).books > 0 && out->count("BTCUSDT", record_kind::book) > 20; }));
  e.stop();
  std::lock_guard lock(mutex);
  for (const auto& ev : events)
    if (ev.kind == event_kind::gap_detected) {
      EXPECT_GT(ev.time, 0);
    }
}

}  // namespace
}  // namespace sf
