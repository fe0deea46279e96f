#include "steadyfeed/feed/market_pipeline.hpp"

#include <gtest/gtest.h>

#include <charconv>
#include <type_traits>

#include "steadyfeed/core/record_json.hpp"

namespace sf {
namespace {

// A venue whose REST bodies are tiny: trades "id,id,id", snapshots "seq".
class fake_venue final : public venue_adapter {
 public:
  book_rules rules_;
  venue_limits limits_;
  heartbeat_policy heartbeat_;
  std::string rest_url_ = "http://127.0.0.1:1";

  std::string_view name() const noexcept override { return "fake"; }
  subscribe_mode mode() const noexcept override { return subscribe_mode::messages; }
  const venue_limits& limits() const noexcept override { return limits_; }
  const heartbeat_policy& heartbeat() const noexcept override { return heartbeat_; }
  std::string url(std::span<const std::string>) const override { return "ws://127.0.0.1:1/"; }
  std::string subscribe_message(std::span<const std::string>, std::uint64_t) const override { return {}; }
  std::string unsubscribe_message(std::span<const std::string>, std::uint64_t) const override { return {}; }
  inbound decode(std::string_view) noexcept override { return {}; }
  symbol_spelling spell_symbol(std::string_view text) const override { return {std::string(text), {}}; }
  std::string topic(channel c, std::string_view symbol) const override {
    return std::string(c == channel::trades ? "trades:" : "book:") + std::string(symbol);
  }
  std::optional<std::pair<channel, std::string>> parse_topic(std::string_view) const override { return {}; }
  const book_rules& book_sync() const noexcept override { return rules_; }
  const std::string& rest_url() const noexcept override { return rest_url_; }
  const std::string& ws_url() const noexcept override { return rest_url_; }
  rest_request book_snapshot_request(std::string_view symbol) const override {
    return {"GET", "/depth?symbol=" + std::string(symbol), 0, {}, 1};
  }
  rest_request trade_backfill_request(std::string_view symbol, std::uint64_t first, std::uint64_t) const override {
    return {"GET", "/trades?symbol=" + std::string(symbol) + "&fromId=" + std::to_string(first), first, {}, 1};
  }
  std::optional<rest_request> next_trade_backfill_request(const rest_request&, std::string_view symbol,
                                                          std::uint64_t first, std::uint64_t last,
                                                          const record_batch& page) const override {
    if (page.trades.empty() || page.trades.back().id >= last) return std::nullopt;
    return trade_backfill_request(symbol, std::max(first, page.trades.back().id + 1), last);
  }
  rest_status parse_book_snapshot(std::string_view body, std::string_view symbol, record_batch& out) override {
    out.clear();
    book_record b;
    b.symbol = symbol;
    std::from_chars(body.data(), body.data() + body.size(), b.seq);
    b.snapshot = true;
    out.levels().push_back({decimal(10, 0), decimal(1, 0)});
    b.bid_offset = 0;
    b.bid_count = 1;
    out.books.push_back(b);
    out.seal();
    return {};
  }
  rest_status parse_trades(std::string_view body, std::string_view symbol, record_batch& out) override {
    out.clear();
    std::size_t pos = 0;
    while (pos < body.size()) {
      trade_record t;
      t.symbol = symbol;
      auto r = std::from_chars(body.data() + pos, body.data() + body.size(), t.id);
      if (r.ec != std::errc{}) return {std::make_error_code(std::errc::invalid_argument), "bad id"};
      out.trades.push_back(t);
      pos = static_cast<std::size_t>(r.ptr - body.data()) + 1;
    }
    return {};
  }
};

struct fixture {
  market_pipeline pipeline;
  std::vector<std::string> lines;
  std::vector<std::pair<std::uint64_t, rest_request>> fetches;
  std::vector<std::string> resubscribed;
  std::vector<std::string> resyncs;  // "symbol: reason"
  time_point now{seconds{1}};
  record_batch batch;
  std::vector<price_level> levels;

  explicit fixture(book_continuity continuity = book_continuity::update_id_range,
                   book_checksum checksum = book_checksum::none)
      : pipeline(make(continuity, checksum), {"BTCUSDT"}, {channel::trades, channel::book}) {
    pipeline.set_callbacks({
        [this](const trade_record& t) { write("trades", t.symbol, t); },
        [this](const book_record& b) { write("book", b.symbol, b); },
        [this](const gap_record& g) { write(g.channel, g.symbol, g); },
        [this](std::uint64_t id, const rest_request& r) { fetches.emplace_back(id, r); },
        [this](std::string_view topic) { resubscribed.emplace_back(topic); },
        [this](std::string_view symbol, std::string_view why) {
          resyncs.push_back(std::string(symbol) + ": " + std::string(why));
        },
    });
  }
  // Each record as "channel/symbol NDJSON".
  template <typename Record>
  void write(std::string_view ch, std::string_view sym, const Record& r) {
    std::string line = std::string(ch) + "/" + std::string(sym) + " ";
    if constexpr (std::is_same_v<Record, gap_record>)
      append_json(line, r);
    else
      append_json(line, "fake", r);
    lines.push_back(std::move(line));
  }
  static std::unique_ptr<venue_adapter> make(book_continuity c, book_checksum checksum) {
    auto v = std::make_unique<fake_venue>();
    v->rules_.continuity = c;
    v->rules_.checksum = checksum;
    v->rules_.checksum_depth = 25;
    v->rules_.snapshot = c == book_continuity::prev_seq_chain ? snapshot_source::stream : snapshot_source::rest;
    return v;
  }
  void trade(std::uint64_t id) {
    batch.clear();
    trade_record t;
    t.symbol = "BTCUSDT";
    t.id = id;
    batch.trades.push_back(t);
    deliver();
  }
  void book(std::uint64_t first, std::uint64_t last) {
    batch.clear();
    book_record b;
    b.symbol = "BTCUSDT";
    b.first_seq = first;
    b.seq = last;
    batch.books.push_back(b);
    batch.seal();
    deliver();
  }
  void deliver() {
    message m;
    m.records = &batch;
    m.received = 1;
    pipeline.on_message(m, now);
  }
  void advance(duration d) {
    now += d;
    if (pipeline.next_deadline() <= now) pipeline.on_timer(now, 1);
  }
  std::size_t count(std::string_view needle) const {
    return static_cast<std::size_t>(std::count_if(lines.begin(), lines.end(), [&](const std::string& l) {
      return l.find(needle) != std::string::npos;
    }));
  }
};

TEST(MarketPipeline, TradesFlowAndAHoleIsBackfilledThroughRest) {
  fixture f;
  f.trade(1);
  f.trade(2);
  f.trade(6);
  EXPECT_EQ(f.count("\"type\":\"trade\""), 2u);
  f.advance(seconds{1});
  ASSERT_EQ(f.fetches.size(), 1u);
  EXPECT_EQ(f.fetches[0].second.target, "/trades?symbol=BTCUSDT&fromId=3");
  f.pipeline.on_rest_reply(f.fetches[0].first, 200, "3,4", f.now, 1);
  ASSERT_EQ(f.fetches.size(), 2u);  // the page did not reach 5: the next one
  EXPECT_EQ(f.fetches[1].second.target, "/trades?symbol=BTCUSDT&fromId=5");
  f.pipeline.on_rest_reply(f.fetches[1].first, 200, "5", f.now, 1);
  EXPECT_EQ(f.count("\"type\":\"trade\""), 6u);
  EXPECT_EQ(f.count("\"type\":\"gap\""), 0u);
  EXPECT_EQ(f.lines.back().substr(0, 15), "trades/BTCUSDT ");
  EXPECT_EQ(f.pipeline.stats().backfilled, 3u);  // 3, 4 and 5 came from history
}

TEST(MarketPipeline, FailedHistoryEndsAsAGapRecord) {
  fixture f;
  f.trade(1);
  f.trade(5);
  const time_point start = f.now;
  time_point reported = never;
  for (int i = 0; i < 200 && f.count("\"type\":\"gap\"") == 0; ++i) {
    reported = f.now;
    f.advance(seconds{15});
    while (!f.fetches.empty()) {
      auto [id, r] = f.fetches.back();
      f.fetches.pop_back();
      f.pipeline.on_rest_reply(id, 503, "", f.now, 1);
    }
  }
  EXPECT_EQ(f.count("\"type\":\"gap\""), 1u);
  EXPECT_EQ(f.count("\"from\":\"2\",\"to\":\"4\""), 1u);
  EXPECT_EQ(f.count("HTTP 503"), 1u);
  // Not before the venue's history had ten minutes to come back.
  EXPECT_GE(reported - start, minutes{10});
}

TEST(MarketPipeline, BinanceBooksFetchASnapshotAndChain) {
  fixture f;
  f.book(100, 105);
  ASSERT_EQ(f.fetches.size(), 1u);
  EXPECT_EQ(f.fetches[0].second.target, "/depth?symbol=BTCUSDT");
  f.book(106, 110);
  f.pipeline.on_rest_reply(f.fetches[0].first, 200, "103", f.now, 1);
  EXPECT_EQ(f.count("\"snapshot\":true"), 1u);
  EXPECT_EQ(f.count("\"type\":\"book\""), 3u);  // snapshot, 100..105, 106..110
  EXPECT_TRUE(f.pipeline.book("BTCUSDT")->synced());
}

TEST(MarketPipeline, AFailedSnapshotIsRetried) {
  fixture f;
  f.book(1, 1);
  ASSERT_EQ(f.fetches.size(), 1u);
  f.pipeline.on_rest_failed(f.fetches[0].first, "connection refused", f.now, 1);
  f.advance(seconds{1});
  ASSERT_EQ(f.fetches.size(), 2u);
  f.pipeline.on_rest_reply(f.fetches[1].first, 200, "1", f.now, 1);
  EXPECT_TRUE(f.pipeline.book("BTCUSDT")->synced());
}

TEST(MarketPipeline, StreamSnapshotVenuesResubscribeOnAGap) {
  fixture f(book_continuity::prev_seq_chain);
  f.batch.clear();
  book_record snap;
  snap.symbol = "BTCUSDT";
  snap.seq = 10;
  snap.snapshot = true;
  f.batch.books.push_back(snap);
  f.batch.seal();
  f.deliver();
  book_record gap;
  gap.symbol = "BTCUSDT";
  gap.seq = 12;
  gap.prev_seq = 11;
  gap.has_prev_seq = true;
  f.batch.clear();
  f.batch.books.push_back(gap);
  f.batch.seal();
  f.deliver();
  // Held for another connection's copy of 11, until the pipeline's deadline.
  EXPECT_TRUE(f.resubscribed.empty());
  ASSERT_EQ(f.pipeline.next_deadline(), f.now + milliseconds{250});
  f.pipeline.on_timer(f.pipeline.next_deadline(), 2);
  ASSERT_EQ(f.resubscribed, std::vector<std::string>{"book:BTCUSDT"});
  EXPECT_EQ(f.count("\"type\":\"gap\""), 1u);
}

// OKX's worked example from venues.md §3.7: two levels a side, whose string
// "3366.1:7:3366.8:9:3366:6:3368:8" has the CRC32 -1881014294.
book_record okx_snapshot(std::vector<price_level>& levels, std::int64_t checksum) {
  levels = {{*decimal::parse("3366.1"), *decimal::parse("7")}, {*decimal::parse("3366"), *decimal::parse("6")},
            {*decimal::parse("3366.8"), *decimal::parse("9")}, {*decimal::parse("3368"), *decimal::parse("8")}};
  book_record snap;
  snap.symbol = "BTCUSDT";
  snap.seq = 10;
  snap.snapshot = true;
  snap.bids = {levels.data(), 2};
  snap.asks = {levels.data() + 2, 2};
  snap.checksum = checksum;
  snap.has_checksum = true;
  return snap;
}

TEST(MarketPipeline, AVenuesBookChecksumIsVerifiedAndAMismatchResyncs) {
  std::vector<price_level> levels;
  const std::int64_t right = -1881014294;
  for (const bool corrupt : {false, true}) {
    SCOPED_TRACE(corrupt ? "corrupted" : "intact");
    fixture f(book_continuity::prev_seq_chain, book_checksum::okx_crc32);
    f.batch.clear();
    f.batch.books.push_back(okx_snapshot(levels, corrupt ? right + 1 : right));
    f.deliver();
    if (!corrupt) {
      EXPECT_TRUE(f.pipeline.book("BTCUSDT")->synced());
      EXPECT_TRUE(f.resyncs.empty());
      EXPECT_TRUE(f.resubscribed.empty());
      continue;
    }
    EXPECT_FALSE(f.pipeline.book("BTCUSDT")->synced());
    EXPECT_EQ(f.pipeline.book("BTCUSDT")->stats().checksum_failures, 1u);
    ASSERT_EQ(f.resyncs.size(), 1u);
    EXPECT_NE(f.resyncs[0].find("BTCUSDT: checksum mismatch"), std::string::npos) << f.resyncs[0];
    EXPECT_EQ(f.resubscribed, std::vector<std::string>{"book:BTCUSDT"});
    EXPECT_EQ(f.pipeline.stats().resyncs, 1u);
  }
}

TEST(MarketPipeline, ZeroMeansNoChecksumAndAVenueWithoutOneIsNotChecked) {
  std::vector<price_level> levels;
  fixture zero(book_continuity::prev_seq_chain, book_checksum::okx_crc32);
  zero.batch.books.push_back(okx_snapshot(levels, 0));
  zero.deliver();
  EXPECT_TRUE(zero.pipeline.book("BTCUSDT")->synced());
  fixture unchecked(book_continuity::prev_seq_chain, book_checksum::none);
  unchecked.batch.books.push_back(okx_snapshot(levels, 12345));
  unchecked.deliver();
  EXPECT_TRUE(unchecked.pipeline.book("BTCUSDT")->synced());
  EXPECT_TRUE(unchecked.resyncs.empty());
}

TEST(MarketPipeline, StreamsAreAddedAndRemovedAtRunTime) {
  fixture f;
  f.pipeline.remove_stream("BTCUSDT", channel::trades);
  f.trade(1);
  EXPECT_EQ(f.count("\"type\":\"trade\""), 0u);
  EXPECT_EQ(f.pipeline.arbiter("BTCUSDT"), nullptr);
  EXPECT_NE(f.pipeline.book("BTCUSDT"), nullptr);  // the other channel stays
  f.pipeline.add_stream("BTCUSDT", channel::trades);
  f.pipeline.add_stream("ETHUSDT", channel::trades);
  f.trade(5);
  f.batch.clear();
  trade_record eth;
  eth.symbol = "ETHUSDT";
  eth.id = 9;
  f.batch.trades.push_back(eth);
  f.deliver();
  EXPECT_EQ(f.count("trades/BTCUSDT"), 1u);
  EXPECT_EQ(f.count("trades/ETHUSDT"), 1u);
  EXPECT_EQ(f.pipeline.book("ETHUSDT"), nullptr);  // only the channel asked for
  // A book awaiting its REST snapshot is removed with the request: a late
  // reply is ignored.
  f.book(1, 1);
  ASSERT_EQ(f.fetches.size(), 1u);
  f.pipeline.remove_stream("BTCUSDT", channel::book);
  f.pipeline.on_rest_reply(f.fetches[0].first, 200, "1", f.now, 1);
  EXPECT_EQ(f.pipeline.book("BTCUSDT"), nullptr);
  EXPECT_EQ(f.count("book/BTCUSDT"), 0u);
}

TEST(MarketPipeline, BooksAreDroppedWhenNoConnectionIsLive) {
  fixture f;
  f.pipeline.on_live_connections(1);
  f.book(1, 1);
  f.pipeline.on_rest_reply(f.fetches[0].first, 200, "1", f.now, 1);
  ASSERT_TRUE(f.pipeline.book("BTCUSDT")->synced());
  f.pipeline.on_live_connections(2);
  f.pipeline.on_live_connections(1);
  EXPECT_TRUE(f.pipeline.book("BTCUSDT")->synced());
  f.pipeline.on_live_connections(0);
  EXPECT_FALSE(f.pipeline.book("BTCUSDT")->synced());
  EXPECT_TRUE(f.pipeline.book("BTCUSDT")->book().empty());
}

TEST(MarketPipeline, DuplicatesAreCountedOverEverySymbol) {
  market_pipeline pipeline(std::make_unique<fake_venue>(), {"AAA", "BBB"}, {channel::trades});
  record_batch batch;
  message m;
  m.records = &batch;
  const time_point now{seconds{1}};
  auto trade = [&](std::string_view symbol, std::uint64_t id) {
    batch.clear();
    trade_record t;
    t.symbol = symbol;
    t.id = id;
    batch.trades.push_back(t);
    pipeline.on_message(m, now);
  };
  trade("AAA", 1);
  trade("AAA", 1);
  trade("BBB", 5);
  trade("BBB", 5);
  trade("BBB", 4);
  EXPECT_EQ(pipeline.stats().duplicates_dropped, 3u);
  trade("AAA", 2);
  trade("AAA", 2);
  EXPECT_EQ(pipeline.stats().duplicates_dropped, 4u);
  EXPECT_EQ(pipeline.stats().duplicates_dropped, pipeline.arbiter("AAA")->stats().duplicates +
                                                     pipeline.arbiter("BBB")->stats().duplicates);
  EXPECT_EQ(pipeline.stats().trades, 3u);
}

}  // namespace
}  // namespace sf
