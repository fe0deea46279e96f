#include "venue/binance_spot.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "venue/venue_fixture.hpp"

namespace sf {
namespace {

using testing::venue_fixture;
using testing::venue_fixture_lines;

std::string fixture(std::string_view name) {
  return venue_fixture(std::string("binance-spot/") + std::string(name));
}

// The documented payloads are raw-stream events; our connections use combined
// streams, which wrap each payload as {"stream":<name>,"data":<payload>} (§1.1).
std::string combined(std::string_view stream, std::string_view payload) {
  return std::string(R"({"stream":")") + std::string(stream) + R"(","data":)" +
         std::string(payload) + "}";
}

std::string without_spaces(std::string s) {
  s.erase(std::remove(s.begin(), s.end(), ' '), s.end());
  return s;
}

std::string replaced(std::string s, std::string_view from, std::string_view to) {
  const auto pos = s.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  if (pos != std::string::npos) s.replace(pos, from.size(), to);
  return s;
}

trade_record trade_with_id(std::uint64_t id) {
  trade_record t;
  t.id = id;
  return t;
}

std::string trade_frame() {
  return combined("bnbbtc@trade", fixture("trade.json"));
}
std::string depth_frame() {
  return combined("bnbbtc@depth@100ms", fixture("depth_update.json"));
}

// ---- facts ---------------------------------------------------------------------

TEST(BinanceSpot, DeclaresTheVenueLimitsAndHeartbeat) {
  binance_spot v;
  EXPECT_EQ(v.name(), "binance-spot");
  EXPECT_EQ(v.mode(), subscribe_mode::url);
  const venue_limits& l = v.limits();
  EXPECT_EQ(l.lifetime, hours{24});
  EXPECT_EQ(l.topics_per_connection, 1024u);
  EXPECT_EQ(l.control_messages_per_second, 5);
  EXPECT_TRUE(l.pings_count_as_control);
  EXPECT_EQ(l.connects_per_window, 300);
  EXPECT_EQ(l.connect_window, minutes{5});
  // The server pings; we send nothing of our own.
  EXPECT_EQ(v.heartbeat().ws_ping_interval, duration{0});
  EXPECT_EQ(v.heartbeat().app_ping_interval, duration{0});
  EXPECT_TRUE(v.heartbeat().app_ping_payload.empty());
}

TEST(BinanceSpot, BookSyncIsRestSnapshotWithUpdateIdRanges) {
  binance_spot v;
  EXPECT_EQ(v.book_sync().snapshot, snapshot_source::rest);
  EXPECT_EQ(v.book_sync().continuity, book_continuity::update_id_range);
  EXPECT_EQ(v.book_sync().snapshot_depth, 1000u);
  EXPECT_EQ(v.book_sync().checksum, book_checksum::none);
}

// ---- URLs, topics, control messages ----------------------------------------------

TEST(BinanceSpot, UrlCarriesCombinedStreams) {
  binance_spot v;
  const std::vector<std::string> topics = {"btcusdt@trade", "btcusdt@depth@100ms"};
  EXPECT_EQ(v.url(topics),
            "wss://stream.binance.com:9443/stream?streams=btcusdt@trade/btcusdt@depth@100ms");
  EXPECT_EQ(v.url({}), "wss://stream.binance.com:9443/stream");
  EXPECT_EQ(v.rest_url(), "https://api.binance.com");
}

TEST(BinanceSpot, UrlHonoursEndpointOverrides) {
  binance_spot v({"ws://127.0.0.1:9000/binance-spot/", "http://127.0.0.1:9000/binance-spot"});
  const std::vector<std::string> topics = {"btcusdt@trade"};
  EXPECT_EQ(v.url(topics), "ws://127.0.0.1:9000/binance-spot/stream?streams=btcusdt@trade");
  EXPECT_EQ(v.rest_url(), "http://127.0.0.1:9000/binance-spot");
}

TEST(BinanceSpot, SubscribeMessagesMatchTheDocumentedRequests) {
  binance_spot v;
  const std::vector<std::string> sub = {"btcusdt@aggTrade", "btcusdt@depth"};
  EXPECT_EQ(v.subscribe_message(sub, 1), without_spaces(fixture("subscribe_request.json")));
  const std::vector<std::string> unsub = {"btcusdt@depth"};
  EXPECT_EQ(v.unsubscribe_message(unsub, 312), without_spaces(fixture("unsubscribe_request.json")));
}

TEST(BinanceSpot, SubscribeMessageEscapesTopics) {
  binance_spot v;
  const std::vector<std::string> odd = {R"(a"b)"};
  EXPECT_EQ(v.subscribe_message(odd, 2), R"({"method":"SUBSCRIBE","params":["a\"b"],"id":2})");
}

TEST(BinanceSpot, TopicsRoundTrip) {
  binance_spot v;
  EXPECT_EQ(v.topic(channel::trades, "BTCUSDT"), "btcusdt@trade");
  EXPECT_EQ(v.topic(channel::book, "BTCUSDT"), "btcusdt@depth@100ms");
  auto t = v.parse_topic("btcusdt@trade");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->first, channel::trades);
  EXPECT_EQ(t->second, "BTCUSDT");
  auto b = v.parse_topic("bnbbtc@depth@100ms");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->first, channel::book);
  EXPECT_EQ(b->second, "BNBBTC");
  EXPECT_FALSE(v.parse_topic("btcusdt@aggTrade"));
  EXPECT_FALSE(v.parse_topic("btcusdt@depth"));
  EXPECT_FALSE(v.parse_topic("@trade"));
  EXPECT_FALSE(v.parse_topic("btcusdt"));
}

// ---- data frames -------------------------------------------------------------------

TEST(BinanceSpot, DecodesTheDocumentedTrade) {
  binance_spot v;
  const std::string frame = trade_frame();
  const inbound in = v.decode(frame);
  ASSERT_EQ(in.kind, inbound_kind::data) << in.reason;
  EXPECT_EQ(in.stream, "bnbbtc@trade");
  EXPECT_TRUE(in.has_seq);
  EXPECT_EQ(in.seq, 12345u);
  EXPECT_FALSE(in.resets_sequence);
  ASSERT_NE(in.records, nullptr);
  ASSERT_EQ(in.records->trades.size(), 1u);
  EXPECT_TRUE(in.records->books.empty());
  const trade_record& t = in.records->trades[0];
  EXPECT_EQ(t.symbol, "BNBBTC");
  EXPECT_EQ(t.id, 12345u);
  EXPECT_EQ(t.first_id, 0u);
  EXPECT_EQ(t.first(), 12345u);
  EXPECT_EQ(t.price.to_string(), "0.001");
  EXPECT_EQ(t.qty.to_string(), "100");
  EXPECT_EQ(t.taker, side::sell);  // m = true: the buyer was the maker
  EXPECT_EQ(t.ts_exchange, 1672515782136000);
  EXPECT_EQ(t.ts_recv, 0);
}

TEST(BinanceSpot, BuyerTakerWhenBuyerIsNotMaker) {
  binance_spot v;
  const std::string frame = replaced(trade_frame(), R"("m": true)", R"("m": false)");
  const inbound in = v.decode(frame);
  ASSERT_EQ(in.kind, inbound_kind::data) << in.reason;
  EXPECT_EQ(in.records->trades.at(0).taker, side::buy);
}

TEST(BinanceSpot, DecodesTheDocumentedDepthUpdate) {
  binance_spot v;
  const std::string frame = depth_frame();
  const inbound in = v.decode(frame);
  ASSERT_EQ(in.kind, inbound_kind::data) << in.reason;
  EXPECT_EQ(in.stream, "bnbbtc@depth@100ms");
  EXPECT_TRUE(in.has_seq);
  EXPECT_EQ(in.seq, 160u);
  EXPECT_FALSE(in.resets_sequence);
  ASSERT_NE(in.records, nullptr);
  ASSERT_EQ(in.records->books.size(), 1u);
  EXPECT_TRUE(in.records->trades.empty());
  const book_record& b = in.records->books[0];
  EXPECT_EQ(b.symbol, "BNBBTC");
  EXPECT_EQ(b.seq, 160u);
  EXPECT_EQ(b.first_seq, 157u);
  EXPECT_FALSE(b.has_prev_seq);
  EXPECT_FALSE(b.snapshot);
  EXPECT_FALSE(b.has_checksum);
  EXPECT_EQ(b.ts_exchange, 1672515782136000);
  ASSERT_EQ(b.bids.size(), 1u);
  EXPECT_EQ(b.bids[0].price.to_string(), "0.0024");
  EXPECT_EQ(b.bids[0].qty.to_string(), "10");
  ASSERT_EQ(b.asks.size(), 1u);
  EXPECT_EQ(b.asks[0].price.to_string(), "0.0026");
  EXPECT_EQ(b.asks[0].qty.to_string(), "100");
}

TEST(BinanceSpot, DepthWithManyLevelsAndDeletions) {
  binance_spot v;
  const std::string frame =
      replaced(depth_frame(), R"("b": [["0.0024", "10"]])",
               R"("b": [["0.0024", "10"], ["0.0023", "0"], ["0.0022", "5"]])");
  const inbound in = v.decode(frame);
  ASSERT_EQ(in.kind, inbound_kind::data) << in.reason;
  const book_record& b = in.records->books.at(0);
  ASSERT_EQ(b.bids.size(), 3u);
  EXPECT_TRUE(b.bids[1].qty.is_zero());
  EXPECT_EQ(b.bids[2].price.to_string(), "0.0022");
  ASSERT_EQ(b.asks.size(), 1u);
  EXPECT_EQ(b.asks[0].price.to_string(), "0.0026");
}

TEST(BinanceSpot, OtherStreamsPassThroughWithoutRecords) {
  binance_spot v;
  for (const auto& [stream, file] : std::vector<std::pair<std::string, std::string>>{
           {"bnbbtc@aggTrade", "agg_trade.json"},
           {"bnbusdt@bookTicker", "book_ticker.json"},
           {"bnbbtc@depth5@100ms", "partial_depth.json"}}) {
    const std::string frame = combined(stream, fixture(file));
    const inbound in = v.decode(frame);
    ASSERT_EQ(in.kind, inbound_kind::data) << file << ": " << in.reason;
    EXPECT_EQ(in.stream, stream);
    EXPECT_FALSE(in.has_seq) << file;
    EXPECT_EQ(in.records, nullptr) << file;
  }
}

// A capture of a raw /ws/<stream> connection carries the same data without
// the wrapper: it decodes to the same records, on the stream we would subscribe.
TEST(BinanceSpot, RawStreamEventsDecodeLikeCombinedOnes) {
  for (const auto& [file, stream] : std::vector<std::pair<std::string, std::string>>{
           {"trade.json", "bnbbtc@trade"}, {"depth_update.json", "bnbbtc@depth@100ms"}}) {
    binance_spot wrapped, raw;
    const std::string payload = fixture(file);
    const inbound a = wrapped.decode(combined(stream, payload));
    const inbound b = raw.decode(payload);
    ASSERT_EQ(a.kind, inbound_kind::data) << a.reason;
    ASSERT_EQ(b.kind, inbound_kind::data) << file << ": " << b.reason;
    EXPECT_EQ(b.stream, stream);
    EXPECT_EQ(b.seq, a.seq);
    EXPECT_TRUE(b.has_seq);
    ASSERT_NE(b.records, nullptr);
    ASSERT_EQ(b.records->trades.size(), a.records->trades.size());
    ASSERT_EQ(b.records->books.size(), a.records->books.size());
    for (std::size_t i = 0; i < a.records->trades.size(); ++i) {
      const auto &x = a.records->trades[i], &y = b.records->trades[i];
      EXPECT_EQ(y.symbol, x.symbol);
      EXPECT_EQ(y.id, x.id);
      EXPECT_EQ(y.price, x.price);
      EXPECT_EQ(y.qty, x.qty);
      EXPECT_EQ(y.taker, x.taker);
      EXPECT_EQ(y.ts_exchange, x.ts_exchange);
    }
    for (std::size_t i = 0; i < a.records->books.size(); ++i) {
      const auto &x = a.records->books[i], &y = b.records->books[i];
      EXPECT_EQ(y.seq, x.seq);
      EXPECT_EQ(y.first_seq, x.first_seq);
      ASSERT_EQ(y.bids.size(), x.bids.size());
      ASSERT_EQ(y.asks.size(), x.asks.size());
      EXPECT_EQ(y.bids[0].price, x.bids[0].price);
      EXPECT_EQ(y.asks[0].qty, x.asks[0].qty);
    }
  }
}

TEST(BinanceSpot, RawEventsOfOtherStreamsAreSkippedWithAReason) {
  binance_spot v;
  const inbound in = v.decode(fixture("agg_trade.json"));
  EXPECT_EQ(in.kind, inbound_kind::ignore);
  EXPECT_FALSE(in.reason.empty());
  EXPECT_EQ(in.records, nullptr);
}

TEST(BinanceSpot, RecordsStayValidUntilTheNextDecode) {
  binance_spot v;
  const std::string trade = trade_frame();
  const inbound first = v.decode(trade);
  ASSERT_EQ(first.kind, inbound_kind::data);
  const std::string symbol(first.records->trades.at(0).symbol);
  // The adapter owns a copy of the frame: the caller's buffer may be reused.
  std::string scratch = trade;
  const inbound again = v.decode(scratch);
  scratch.assign(scratch.size(), 'x');
  EXPECT_EQ(again.records->trades.at(0).symbol, symbol);
  EXPECT_EQ(again.stream, "bnbbtc@trade");
}

// ---- control frames ----------------------------------------------------------------

TEST(BinanceSpot, AcksCarryTheRequestId) {
  binance_spot v;
  inbound in = v.decode(fixture("subscribe_ack.json"));
  EXPECT_EQ(in.kind, inbound_kind::ack);
  EXPECT_TRUE(in.has_request_id);
  EXPECT_EQ(in.request_id, 1u);
  EXPECT_TRUE(in.topic.empty());
  in = v.decode(fixture("unsubscribe_ack.json"));
  EXPECT_EQ(in.kind, inbound_kind::ack);
  EXPECT_EQ(in.request_id, 312u);
}

TEST(BinanceSpot, ListSubscriptionsReplyIsIgnored) {
  binance_spot v;
  const inbound in = v.decode(fixture("list_subscriptions_reply.json"));
  EXPECT_EQ(in.kind, inbound_kind::ignore);
  EXPECT_EQ(in.request_id, 3u);
}

TEST(BinanceSpot, EveryDocumentedErrorReplyIsANack) {
  binance_spot v;
  const auto lines = venue_fixture_lines("binance-spot/error_replies.ndjson");
  ASSERT_EQ(lines.size(), 8u);
  for (const auto& line : lines) {
    const inbound in = v.decode(line);
    ASSERT_EQ(in.kind, inbound_kind::nack) << line << ": " << in.reason;
    EXPECT_EQ(in.error, errc::protocol_violation);
    // None of the documented replies carries one of our integer ids.
    EXPECT_FALSE(in.has_request_id) << line;
    EXPECT_NE(in.reason.find("code "), std::string_view::npos) << in.reason;
  }
  const inbound first = v.decode(lines[0]);
  EXPECT_EQ(first.reason, "code 0: Unknown property");
  const inbound last = v.decode(lines[7]);
  EXPECT_EQ(last.reason, "code 3: Invalid JSON: expected value at line %s column %s");
}

TEST(BinanceSpot, ErrorReplyToOurRequestNamesIt) {
  binance_spot v;
  // The documented "too many parameters" reply, answering a request with our id.
  const inbound in =
      v.decode(R"({"code": 2, "msg": "Invalid request: too many parameters", "id": 7})");
  ASSERT_EQ(in.kind, inbound_kind::nack);
  EXPECT_TRUE(in.has_request_id);
  EXPECT_EQ(in.request_id, 7u);
  EXPECT_EQ(in.reason, "code 2: Invalid request: too many parameters");
}

TEST(BinanceSpot, ServerShutdownIsANoticeInBothForms) {
  binance_spot v;
  for (const char* file : {"server_shutdown_raw.json", "server_shutdown_combined.json"}) {
    const inbound in = v.decode(fixture(file));
    EXPECT_EQ(in.kind, inbound_kind::notice) << file << ": " << in.reason;
    EXPECT_EQ(in.error, errc::service_restart);
    EXPECT_NE(in.reason.find("serverShutdown"), std::string_view::npos);
  }
}

// ---- malformed frames ----------------------------------------------------------------

TEST(BinanceSpot, EveryTruncationOfEveryFrameIsInvalidNotACrash) {
  binance_spot v;
  std::vector<std::string> frames = {trade_frame(), depth_frame()};
  for (const char* f : {"subscribe_ack.json", "list_subscriptions_reply.json",
                        "server_shutdown_raw.json", "server_shutdown_combined.json"})
    frames.push_back(fixture(f));
  for (const auto& line : venue_fixture_lines("binance-spot/error_replies.ndjson"))
    frames.push_back(line);
  for (const auto& frame : frames) {
    for (std::size_t n = 0; n < frame.size(); ++n) {
      const std::string cut = frame.substr(0, n);
      const inbound in = v.decode(cut);
      ASSERT_EQ(in.kind, inbound_kind::invalid) << "prefix " << n << " of " << frame;
      EXPECT_EQ(in.error, errc::malformed_frame);
      EXPECT_FALSE(in.reason.empty());
      EXPECT_EQ(in.records, nullptr);
    }
  }
}

TEST(BinanceSpot, MissingTradeFieldsAreNamed) {
  binance_spot v;
  const std::string frame = trade_frame();
  for (const char* field : {"s", "t", "p", "q", "T", "m"}) {
    // Rename the key so the field is absent and the JSON stays valid.
    const std::string key = std::string("\"") + field + "\":";
    const std::string broken = replaced(frame, key, "\"x\":");
    const inbound in = v.decode(broken);
    ASSERT_EQ(in.kind, inbound_kind::invalid) << field;
    EXPECT_EQ(in.error, errc::malformed_frame);
    EXPECT_EQ(in.reason, std::string("trade: missing field ") + field);
  }
}

TEST(BinanceSpot, MissingDepthFieldsAreNamed) {
  binance_spot v;
  const std::string frame = depth_frame();
  for (const char* field : {"s", "U", "u", "b", "a"}) {
    const std::string key = std::string("\"") + field + "\":";
    const inbound in = v.decode(replaced(frame, key, "\"x\":"));
    ASSERT_EQ(in.kind, inbound_kind::invalid) << field;
    EXPECT_EQ(in.reason, std::string("depth: missing field ") + field);
  }
}

TEST(BinanceSpot, BadValuesAreNamed) {
  binance_spot v;
  struct variant {
    std::string frame;
    std::string reason;
  };
  const std::vector<variant> cases = {
      {replaced(trade_frame(), R"("t": 12345)", R"("t": "abc")"),
       "trade: field t is not an unsigned integer"},
      {replaced(trade_frame(), R"("t": 12345)", R"("t": -1)"),
       "trade: field t is not an unsigned integer"},
      {replaced(trade_frame(), R"("p": "0.001")", R"("p": "1e-3")"),
       "trade: field p is not a decimal"},
      {replaced(trade_frame(), R"("q": "100")", R"("q": "")"), "trade: field q is not a decimal"},
      {replaced(trade_frame(), R"("m": true)", R"("m": "yes")"), "trade: field m is not a boolean"},
      {replaced(trade_frame(), R"("s": "BNBBTC")", R"("s": 5)"), "trade: field s is not a string"},
      {replaced(depth_frame(), R"([["0.0024", "10"]])", R"([["0.0024"]])"),
       "depth: field b holds a level without price and size"},
      {replaced(depth_frame(), R"([["0.0024", "10"]])", R"(["0.0024", "10"])"),
       "depth: field b holds a level that is not an array"},
      {replaced(depth_frame(), R"([["0.0026", "100"]])", R"([["0.0026", "-1"]])"),
       "depth: field a holds a negative size"},
      {replaced(depth_frame(), R"([["0.0026", "100"]])", R"([["x", "1"]])"),
       "depth: field a holds a price that is not a decimal"},
      {replaced(depth_frame(), R"([["0.0026", "100"]])", R"([["0", "1"]])"),
       "depth: field a holds a price that is not positive"},
      {replaced(depth_frame(), R"([["0.0024", "10"]])", R"([["-0.0024", "10"]])"),
       "depth: field b holds a price that is not positive"},
      {replaced(trade_frame(), R"("p": "0.001")", R"("p": "0.000")"), "trade: field p (price) is not positive"},
      {replaced(trade_frame(), R"("p": "0.001")", R"("p": "-0.001")"), "trade: field p (price) is not positive"},
      {replaced(trade_frame(), R"("q": "100")", R"("q": "0")"), "trade: field q (quantity) is not positive"},
      {replaced(trade_frame(), R"("q": "100")", R"("q": "-100")"), "trade: field q (quantity) is not positive"},
      {replaced(fixture("trade.json"), R"("q": "100")", R"("q": "-100")"), "trade: field q (quantity) is not positive"},
      {R"({"e":"trade","s":"BNBBTC"})", "trade: missing field t"},
      {replaced(depth_frame(), R"("U": 157)", R"("U": 161)"), "depth: U is greater than u"},
      {trade_frame() + " {}", "trailing bytes after the JSON object"},
      {trade_frame() + "]",
       "not a JSON object: JSON document ended early in the middle of an object or array."},
      {R"({"stream":"x@trade","data":{"e":"trade"}})", "trade: missing field s"},
      {R"({"data":{"e":"trade"}})", "combined payload without field stream"},
      {R"({"stream":"x@trade"})", "unrecognised frame: no stream data, result or error"},
      {R"({"stream":"x@trade","data":[1]})", "field data is not an object"},
  };
  for (const auto& c : cases) {
    const inbound in = v.decode(c.frame);
    ASSERT_EQ(in.kind, inbound_kind::invalid) << c.frame;
    EXPECT_EQ(in.error, errc::malformed_frame);
    EXPECT_EQ(in.reason, c.reason) << c.frame;
  }
}

TEST(BinanceSpot, NonJsonAndNonObjectsAreInvalid) {
  binance_spot v;
  for (const char* frame : {"", "hello", "pong", "[1,2]", "42", "{\"stream\":", "\xff\xfe"}) {
    const inbound in = v.decode(frame);
    EXPECT_EQ(in.kind, inbound_kind::invalid) << frame;
    EXPECT_EQ(in.error, errc::malformed_frame);
    EXPECT_FALSE(in.reason.empty());
  }
  EXPECT_EQ(v.decode("").reason, "not JSON: Empty: no JSON found");
  EXPECT_TRUE(v.decode("[1,2]").reason.starts_with("not a JSON object"))
      << v.decode("[1,2]").reason;
}

TEST(BinanceSpot, DecodeRecoversAfterInvalidFrames) {
  binance_spot v;
  EXPECT_EQ(v.decode("{").kind, inbound_kind::invalid);
  EXPECT_EQ(v.decode(depth_frame()).kind, inbound_kind::data);
  EXPECT_EQ(v.decode(trade_frame().substr(0, 40)).kind, inbound_kind::invalid);
  const inbound in = v.decode(trade_frame());
  ASSERT_EQ(in.kind, inbound_kind::data);
  EXPECT_EQ(in.records->trades.size(), 1u);
  EXPECT_TRUE(in.records->books.empty());
}

TEST(BinanceSpot, LargeFramesGrowTheBuffer) {
  binance_spot v;
  std::string levels;
  for (int i = 0; i < 5000; ++i) {
    if (i > 0) levels += ',';
    levels += R"(["1.5","2"])";
  }
  const std::string frame = replaced(depth_frame(), R"([["0.0024", "10"]])", "[" + levels + "]");
  const inbound in = v.decode(frame);
  ASSERT_EQ(in.kind, inbound_kind::data) << in.reason;
  EXPECT_EQ(in.records->books.at(0).bids.size(), 5000u);
}

// ---- REST ----------------------------------------------------------------------------

TEST(BinanceSpot, RestRequests) {
  binance_spot v;
  const rest_request snap = v.book_snapshot_request("BNBBTC");
  EXPECT_EQ(snap.method, "GET");
  EXPECT_EQ(snap.target, "/api/v3/depth?symbol=BNBBTC&limit=1000");
  const rest_request fill = v.trade_backfill_request("BNBBTC", 100, 2500);
  EXPECT_EQ(fill.method, "GET");
  EXPECT_EQ(fill.target, "/api/v3/historicalTrades?symbol=BNBBTC&fromId=100&limit=1000");
  EXPECT_EQ(fill.cursor, 100u);
  // What they spend of the venue's 6 000 request weight a minute (§1.4, §1.7, §1.9).
  ASSERT_EQ(v.limits().rest_limits.size(), 1u);
  const rest_limit& weight = v.limits().rest_limits[0];
  EXPECT_EQ(weight.budget, "REQUEST_WEIGHT");
  EXPECT_EQ(weight.limit, 6000);
  EXPECT_EQ(weight.window, minutes{1});
  EXPECT_EQ(snap.budget, weight.budget);
  EXPECT_EQ(snap.cost, 50);  // 1 000 levels
  EXPECT_EQ(fill.budget, weight.budget);
  EXPECT_EQ(fill.cost, 25);
  record_batch page;
  page.trades.push_back(trade_record{});
  page.trades.back().id = 1099;
  const auto next = v.next_trade_backfill_request(fill, "BNBBTC", 100, 2500, page);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->budget, weight.budget);
  EXPECT_EQ(next->cost, 25);
  // A URL over 4 KiB is not asked for: the rest go by SUBSCRIBE.
  EXPECT_EQ(v.limits().url_bytes, 4096u);
}

TEST(BinanceSpot, BackfillPagesForwardUntilTheGapIsCovered) {
  binance_spot v;
  const rest_request first = v.trade_backfill_request("BNBBTC", 100, 2500);
  record_batch page;
  for (std::uint64_t id = 100; id < 1100; ++id) page.trades.push_back(trade_with_id(id));
  auto next = v.next_trade_backfill_request(first, "BNBBTC", 100, 2500, page);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->target, "/api/v3/historicalTrades?symbol=BNBBTC&fromId=1100&limit=1000");
  // A page reaching the end of the gap ends the backfill.
  page.trades.clear();
  for (std::uint64_t id = 2100; id < 3100; ++id) page.trades.push_back(trade_with_id(id));
  EXPECT_FALSE(v.next_trade_backfill_request(*next, "BNBBTC", 100, 2500, page));
  // So does an empty page, and a page that does not move the cursor.
  page.trades.clear();
  EXPECT_FALSE(v.next_trade_backfill_request(*next, "BNBBTC", 100, 2500, page));
  page.trades.push_back(trade_with_id(1000));
  EXPECT_FALSE(v.next_trade_backfill_request(*next, "BNBBTC", 100, 2500, page));
}

TEST(BinanceSpot, ParsesTheDocumentedDepthSnapshot) {
  binance_spot v;
  record_batch out;
  const std::string symbol = "BNBBTC";
  const rest_status s = v.parse_book_snapshot(fixture("rest_depth.json"), symbol, out);
  ASSERT_TRUE(s.ok()) << s.detail;
  ASSERT_EQ(out.books.size(), 1u);
  const book_record& b = out.books[0];
  EXPECT_EQ(b.symbol, "BNBBTC");
  EXPECT_TRUE(b.snapshot);
  EXPECT_EQ(b.seq, 1027024u);
  EXPECT_EQ(b.first_seq, 1027024u);
  ASSERT_EQ(b.bids.size(), 1u);
  EXPECT_EQ(b.bids[0].price.to_string(), "4.00000000");
  EXPECT_EQ(b.bids[0].qty.to_string(), "431.00000000");
  ASSERT_EQ(b.asks.size(), 1u);
  EXPECT_EQ(b.asks[0].price.to_string(), "4.00000200");
  EXPECT_EQ(b.asks[0].qty.to_string(), "12.00000000");
}

TEST(BinanceSpot, ParsesTheDocumentedHistoricalTrades) {
  binance_spot v;
  record_batch out;
  const std::string symbol = "BNBBTC";
  const rest_status s = v.parse_trades(fixture("rest_historical_trades.json"), symbol, out);
  ASSERT_TRUE(s.ok()) << s.detail;
  ASSERT_EQ(out.trades.size(), 1u);
  const trade_record& t = out.trades[0];
  EXPECT_EQ(t.symbol, "BNBBTC");
  EXPECT_EQ(t.id, 28457u);
  EXPECT_EQ(t.price.to_string(), "4.00000100");
  EXPECT_EQ(t.qty.to_string(), "12.00000000");
  EXPECT_EQ(t.ts_exchange, 1499865549590000);
  EXPECT_EQ(t.taker, side::sell);  // isBuyerMaker
}

TEST(BinanceSpot, RestTradesComeOutOldestFirst) {
  binance_spot v;
  record_batch out;
  const std::string body = R"([{"id":3,"price":"1","qty":"1","time":3,"isBuyerMaker":false},)"
                           R"({"id":1,"price":"1","qty":"1","time":1,"isBuyerMaker":true}])";
  ASSERT_TRUE(v.parse_trades(body, "X", out).ok());
  ASSERT_EQ(out.trades.size(), 2u);
  EXPECT_EQ(out.trades[0].id, 1u);
  EXPECT_EQ(out.trades[1].id, 3u);
  EXPECT_EQ(out.trades[1].taker, side::buy);
}

TEST(BinanceSpot, RestErrorBodiesAreClassified) {
  binance_spot v;
  record_batch out;
  // Binance's error body shape; -1121 "Invalid symbol." is in its error-code list.
  rest_status s = v.parse_book_snapshot(R"({"code":-1121,"msg":"Invalid symbol."})", "X", out);
  EXPECT_EQ(s.code, make_error_code(errc::unknown_symbol));
  EXPECT_EQ(s.detail, "venue error -1121: Invalid symbol.");
  s = v.parse_trades(R"({"code":-1003,"msg":"Too many requests."})", "X", out);
  EXPECT_EQ(s.code, make_error_code(errc::rate_limited));
  EXPECT_TRUE(out.trades.empty());
}

TEST(BinanceSpot, MalformedRestBodiesNameTheProblem) {
  binance_spot v;
  record_batch out;
  const std::string depth = fixture("rest_depth.json");
  for (std::size_t n = 0; n < depth.size(); ++n) {
    const rest_status s = v.parse_book_snapshot(depth.substr(0, n), "X", out);
    ASSERT_FALSE(s.ok()) << n;
    EXPECT_EQ(s.code, make_error_code(errc::malformed_frame));
    EXPECT_FALSE(s.detail.empty());
    EXPECT_TRUE(out.books.empty());
  }
  const std::string trades = fixture("rest_historical_trades.json");
  for (std::size_t n = 0; n < trades.size(); ++n) {
    const rest_status s = v.parse_trades(trades.substr(0, n), "X", out);
    ASSERT_FALSE(s.ok()) << n;
    EXPECT_TRUE(out.trades.empty());
  }
  EXPECT_EQ(v.parse_book_snapshot(R"({"bids":[],"asks":[]})", "X", out).detail,
            "depth: missing field lastUpdateId");
  EXPECT_EQ(v.parse_trades(R"([{"id":1,"price":"1","qty":"1","time":1}])", "X", out).detail,
            "trades: missing field isBuyerMaker");
  EXPECT_EQ(v.parse_trades(R"([{"id":1,"price":"0","qty":"1","time":1,"isBuyerMaker":true}])", "X", out).detail,
            "trades: field price is not positive");
  EXPECT_EQ(v.parse_trades(R"([{"id":1,"price":"1","qty":"-1","time":1,"isBuyerMaker":true}])", "X", out).detail,
            "trades: field qty is not positive");
}

}  // namespace
}  // namespace sf
