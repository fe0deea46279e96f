#include "venue/okx.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "venue/venue_fixture.hpp"

namespace sf {
namespace {

using testing::venue_fixture;

std::string fixture(std::string_view name) {
  return venue_fixture(std::string("okx/") + std::string(name));
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

// The update sample with other sequence ids: venues.md §3.6's documented
// examples (keep-alive 15 -> 15, reset 15 -> 3) in the documented frame shape.
std::string update_with_ids(std::string_view prev, std::string_view seq) {
  std::string f = replaced(fixture("books_update.json"), R"("prevSeqId": 123456)",
                           std::string(R"("prevSeqId": )") + std::string(prev));
  return replaced(f, R"("seqId": 123457)", std::string(R"("seqId": )") + std::string(seq));
}

trade_record trade_with_id(std::uint64_t id) {
  trade_record t;
  t.id = id;
  return t;
}

// ---- facts ---------------------------------------------------------------------

TEST(Okx, DeclaresTheVenueLimitsAndHeartbeat) {
  okx v;
  EXPECT_EQ(v.name(), "okx");
  EXPECT_EQ(v.mode(), subscribe_mode::messages);
  const venue_limits& l = v.limits();
  EXPECT_EQ(l.lifetime, duration{0});
  EXPECT_DOUBLE_EQ(l.control_messages_per_second, 480.0 / 3600.0);
  EXPECT_EQ(l.control_burst, 60);
  EXPECT_FALSE(l.pings_count_as_control);
  EXPECT_EQ(l.connects_per_window, 3);
  EXPECT_EQ(l.connect_window, seconds{1});
  EXPECT_EQ(l.topics_per_connection, 29u);
  const heartbeat_policy& h = v.heartbeat();
  EXPECT_EQ(h.ws_ping_interval, duration{0});
  EXPECT_EQ(h.app_ping_interval, seconds{25});
  EXPECT_EQ(h.app_ping_payload, "ping");
  EXPECT_TRUE(h.app_ping_when_idle);
}

TEST(Okx, BookSyncIsStreamSnapshotWithPrevSeqChain) {
  okx v;
  EXPECT_EQ(v.book_sync().snapshot, snapshot_source::stream);
  EXPECT_EQ(v.book_sync().continuity, book_continuity::prev_seq_chain);
  EXPECT_EQ(v.book_sync().snapshot_depth, 400u);
  EXPECT_EQ(v.book_sync().checksum, book_checksum::okx_crc32);
  EXPECT_EQ(v.book_sync().checksum_depth, 25u);
}

// ---- URLs, topics, control messages ----------------------------------------------

TEST(Okx, UrlIsThePublicEndpoint) {
  okx v;
  const std::vector<std::string> topics = {"books:BTC-USDT"};
  EXPECT_EQ(v.url(topics), "wss://ws.okx.com:8443/ws/v5/public");
  EXPECT_EQ(v.rest_url(), "https://www.okx.com");
  okx local({"ws://127.0.0.1:9000/okx/ws/v5/public", "http://127.0.0.1:9000/okx/"});
  EXPECT_EQ(local.url(topics), "ws://127.0.0.1:9000/okx/ws/v5/public");
  EXPECT_EQ(local.rest_url(), "http://127.0.0.1:9000/okx");
}

TEST(Okx, SubscribeMessagesMatchTheDocumentedRequests) {
  okx v;
  const std::vector<std::string> sub = {"books:BTC-USDT"};
  EXPECT_EQ(v.subscribe_message(sub, 1512), without_spaces(fixture("subscribe_request.json")));
  // The documented unsubscribe has no id; ours always carries one.
  const std::vector<std::string> unsub = {"tickers:BTC-USDT"};
  EXPECT_EQ(v.unsubscribe_message(unsub, 7),
            replaced(without_spaces(fixture("unsubscribe_request.json")), "{", R"({"id":"7",)"));
  const std::vector<std::string> two = {"trades:BTC-USDT", "books:ETH-USDT"};
  EXPECT_EQ(v.subscribe_message(two, 2),
            R"({"id":"2","op":"subscribe","args":[{"channel":"trades","instId":"BTC-USDT"},)"
            R"({"channel":"books","instId":"ETH-USDT"}]})");
}

TEST(Okx, TopicsRoundTrip) {
  okx v;
  EXPECT_EQ(v.topic(channel::trades, "BTC-USDT"), "trades:BTC-USDT");
  EXPECT_EQ(v.topic(channel::book, "BTC-USDT"), "books:BTC-USDT");
  auto t = v.parse_topic("trades:BTC-USDT");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->first, channel::trades);
  EXPECT_EQ(t->second, "BTC-USDT");
  auto b = v.parse_topic("books:ETH-USDT");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->first, channel::book);
  EXPECT_EQ(b->second, "ETH-USDT");
  EXPECT_FALSE(v.parse_topic("books5:BTC-USDT"));
  EXPECT_FALSE(v.parse_topic("books:"));
  EXPECT_FALSE(v.parse_topic("books"));
}

// ---- data frames -------------------------------------------------------------------

TEST(Okx, DecodesTheDocumentedBookSnapshot) {
  okx v;
  const std::string frame = fixture("books_snapshot.json");
  const inbound in = v.decode(frame);
  ASSERT_EQ(in.kind, inbound_kind::data) << in.reason;
  EXPECT_EQ(in.stream, "books:BTC-USDT");
  EXPECT_TRUE(in.has_seq);
  EXPECT_EQ(in.seq, 123456u);
  EXPECT_TRUE(in.resets_sequence);
  ASSERT_NE(in.records, nullptr);
  ASSERT_EQ(in.records->books.size(), 1u);
  EXPECT_TRUE(in.records->trades.empty());
  const book_record& b = in.records->books[0];
  EXPECT_EQ(b.symbol, "BTC-USDT");
  EXPECT_TRUE(b.snapshot);
  EXPECT_EQ(b.seq, 123456u);
  EXPECT_EQ(b.first_seq, 123456u);
  EXPECT_FALSE(b.has_prev_seq);  // prevSeqId -1
  EXPECT_TRUE(b.has_checksum);
  EXPECT_EQ(b.checksum, -855196043);
  EXPECT_EQ(b.ts_exchange, 1597026383085000);
  ASSERT_EQ(b.asks.size(), 2u);
  EXPECT_EQ(b.asks[0].price.to_string(), "8476.98");
  EXPECT_EQ(b.asks[0].qty.to_string(), "415");
  EXPECT_EQ(b.asks[1].price.to_string(), "8477");
  EXPECT_EQ(b.asks[1].qty.to_string(), "7");
  ASSERT_EQ(b.bids.size(), 2u);
  EXPECT_EQ(b.bids[0].price.to_string(), "8476.97");
  EXPECT_EQ(b.bids[0].qty.to_string(), "256");
  EXPECT_EQ(b.bids[1].price.to_string(), "8475.55");
  EXPECT_EQ(b.bids[1].qty.to_string(), "101");
}

TEST(Okx, DecodesTheDocumentedBookUpdate) {
  okx v;
  const inbound in = v.decode(fixture("books_update.json"));
  ASSERT_EQ(in.kind, inbound_kind::data) << in.reason;
  EXPECT_EQ(in.stream, "books:BTC-USDT");
  EXPECT_EQ(in.seq, 123457u);
  EXPECT_FALSE(in.resets_sequence);
  const book_record& b = in.records->books.at(0);
  EXPECT_FALSE(b.snapshot);
  EXPECT_EQ(b.seq, 123457u);
  EXPECT_TRUE(b.has_prev_seq);
  EXPECT_EQ(b.prev_seq, 123456u);
  EXPECT_EQ(b.checksum, -855196043);
  EXPECT_EQ(b.ts_exchange, 1597026383085000);
  ASSERT_EQ(b.asks.size(), 1u);
  EXPECT_EQ(b.asks[0].price.to_string(), "8476.98");
  ASSERT_EQ(b.bids.size(), 1u);
  EXPECT_EQ(b.bids[0].qty.to_string(), "256");
}

TEST(Okx, DocumentedSequenceResetStartsANewEpoch) {
  okx v;
  const inbound in = v.decode(update_with_ids("15", "3"));
  ASSERT_EQ(in.kind, inbound_kind::data) << in.reason;
  EXPECT_TRUE(in.resets_sequence);
  EXPECT_EQ(in.seq, 3u);
  EXPECT_EQ(in.records->books.at(0).prev_seq, 15u);
  EXPECT_FALSE(in.records->books.at(0).snapshot);
}

TEST(Okx, KeepAliveUpdateIsDataWithoutLevels) {
  okx v;
  std::string frame = update_with_ids("15", "15");
  frame = replaced(frame, R"([["8476.98", "415", "0", "13"]])", "[]");
  frame = replaced(frame, R"([["8476.97", "256", "0", "12"]])", "[]");
  const inbound in = v.decode(frame);
  ASSERT_EQ(in.kind, inbound_kind::data) << in.reason;
  EXPECT_FALSE(in.resets_sequence);
  EXPECT_EQ(in.seq, 15u);
  const book_record& b = in.records->books.at(0);
  EXPECT_EQ(b.prev_seq, 15u);
  EXPECT_TRUE(b.bids.empty());
  EXPECT_TRUE(b.asks.empty());
}

TEST(Okx, ZeroChecksumMeansNotProvided) {
  okx v;
  const inbound in = v.decode(
      replaced(fixture("books_update.json"), R"("checksum": -855196043)", R"("checksum": 0)"));
  ASSERT_EQ(in.kind, inbound_kind::data) << in.reason;
  EXPECT_FALSE(in.records->books.at(0).has_checksum);
}

TEST(Okx, DecodesTheDocumentedAggregatedTrade) {
  okx v;
  const inbound in = v.decode(fixture("trades.json"));
  ASSERT_EQ(in.kind, inbound_kind::data) << in.reason;
  EXPECT_EQ(in.stream, "trades:BTC-USDT");
  EXPECT_TRUE(in.has_seq);
  EXPECT_EQ(in.seq, 130639474u);
  EXPECT_FALSE(in.resets_sequence);
  ASSERT_NE(in.records, nullptr);
  ASSERT_EQ(in.records->trades.size(), 1u);
  const trade_record& t = in.records->trades[0];
  EXPECT_EQ(t.symbol, "BTC-USDT");
  EXPECT_EQ(t.id, 130639474u);
  // count 3: the message covers trades 130639472..130639474.
  EXPECT_EQ(t.first_id, 130639472u);
  EXPECT_EQ(t.first(), 130639472u);
  EXPECT_EQ(t.price.to_string(), "42219.9");
  EXPECT_EQ(t.qty.to_string(), "0.12060306");
  EXPECT_EQ(t.taker, side::buy);
  EXPECT_EQ(t.ts_exchange, 1630048897897000);
  EXPECT_EQ(t.ts_recv, 0);
}

TEST(Okx, DecodesTheDocumentedTradesAll) {
  okx v;
  const inbound in = v.decode(fixture("trades_all.json"));
  ASSERT_EQ(in.kind, inbound_kind::data) << in.reason;
  EXPECT_EQ(in.stream, "trades-all:BTC-USDT");
  EXPECT_EQ(in.seq, 130639474u);
  const trade_record& t = in.records->trades.at(0);
  EXPECT_EQ(t.first_id, 0u);
  EXPECT_EQ(t.first(), 130639474u);
}

TEST(Okx, SeveralTradesInOneFrameTakeTheHighestIdAsSeq) {
  okx v;
  const std::string element =
      R"({"instId": "BTC-USDT", "tradeId": "130639474", "px": "42219.9", "sz": "0.12060306", "side": "buy", "ts": "1630048897897"})";
  std::string second = replaced(element, "130639474", "130639476");
  second = replaced(second, R"("side": "buy")", R"("side": "sell")");
  const std::string frame = replaced(fixture("trades_all.json"), element, element + "," + second);
  const inbound in = v.decode(frame);
  ASSERT_EQ(in.kind, inbound_kind::data) << in.reason;
  EXPECT_EQ(in.seq, 130639476u);
  ASSERT_EQ(in.records->trades.size(), 2u);
  EXPECT_EQ(in.records->trades[1].taker, side::sell);
}

TEST(Okx, UnparsedChannelsPassThroughWithoutRecords) {
  okx v;
  const inbound in = v.decode(
      R"({"arg":{"channel":"tickers","instId":"BTC-USDT"},"data":[{"instId":"BTC-USDT","last":"9999.99"}]})");
  ASSERT_EQ(in.kind, inbound_kind::data) << in.reason;
  EXPECT_EQ(in.stream, "tickers:BTC-USDT");
  EXPECT_FALSE(in.has_seq);
  EXPECT_EQ(in.records, nullptr);
}

// ---- control frames ----------------------------------------------------------------

TEST(Okx, BarePongIsTheHeartbeatReply) {
  okx v;
  EXPECT_EQ(v.decode("pong").kind, inbound_kind::pong);
}

TEST(Okx, SubscribeAckNamesTopicAndRequest) {
  okx v;
  const inbound in = v.decode(fixture("subscribe_ack.json"));
  ASSERT_EQ(in.kind, inbound_kind::ack) << in.reason;
  EXPECT_TRUE(in.has_request_id);
  EXPECT_EQ(in.request_id, 1512u);
  EXPECT_EQ(in.topic, "books:BTC-USDT");
}

TEST(Okx, UnsubscribeAckIsIgnored) {
  okx v;
  EXPECT_EQ(v.decode(fixture("unsubscribe_ack.json")).kind, inbound_kind::ignore);
}

TEST(Okx, DocumentedErrorIsANackNamingTheTopic) {
  okx v;
  const inbound in = v.decode(fixture("subscribe_error.json"));
  ASSERT_EQ(in.kind, inbound_kind::nack) << in.reason;
  EXPECT_EQ(in.error, errc::protocol_violation);  // 60012 invalid request
  EXPECT_TRUE(in.has_request_id);
  EXPECT_EQ(in.request_id, 1512u);
  EXPECT_EQ(in.topic, "books:BTC-USD-191227");
  EXPECT_TRUE(in.reason.starts_with("code 60012: Invalid request")) << in.reason;
}

TEST(Okx, UnknownInstrumentIsUnknownSymbol) {
  okx v;
  // 60018's documented text "Wrong URL or {0} doesn't exist. ..." with {0}
  // filled in as the venue does for a channel and instrument.
  const inbound in = v.decode(
      R"({"event":"error","code":"60018","msg":"Wrong URL or channel:books,instId:ETH-USDC doesn't exist. Please use the correct URL, channel and parameters referring to API document.","connId":"a4d3ae55"})");
  ASSERT_EQ(in.kind, inbound_kind::nack) << in.reason;
  EXPECT_EQ(in.error, errc::unknown_symbol);
  EXPECT_FALSE(in.has_request_id);
  EXPECT_EQ(in.topic, "books:ETH-USDC");
}

TEST(Okx, ErrorCodesMapToConditions) {
  okx v;
  const std::vector<std::pair<std::string, errc>> cases = {
      {"60014", errc::rate_limited},  {"60029", errc::auth_rejected},
      {"64003", errc::auth_rejected}, {"64002", errc::bad_url},
      {"64007", errc::server_error},  {"60013", errc::protocol_violation},
  };
  for (const auto& [code, e] : cases) {
    const inbound in =
        v.decode(R"({"id":"9","event":"error","code":")" + code + R"(","msg":"x","connId":"a"})");
    ASSERT_EQ(in.kind, inbound_kind::nack);
    EXPECT_EQ(in.error, e) << code;
    EXPECT_EQ(in.request_id, 9u);
    EXPECT_TRUE(in.topic.empty());
  }
}

TEST(Okx, MaintenanceNoticeAsksForRotation) {
  okx v;
  const inbound in = v.decode(fixture("notice.json"));
  ASSERT_EQ(in.kind, inbound_kind::notice) << in.reason;
  EXPECT_EQ(in.error, errc::service_restart);
  EXPECT_TRUE(in.reason.starts_with("code 64008: The connection will soon be closed")) << in.reason;
}

TEST(Okx, OtherEventsAreIgnored) {
  okx v;
  EXPECT_EQ(
      v.decode(R"({"event":"channel-conn-count","channel":"books","connCount":"2","connId":"a"})")
          .kind,
      inbound_kind::ignore);
}

// ---- malformed frames ----------------------------------------------------------------

TEST(Okx, EveryTruncationOfEveryFrameIsInvalidNotACrash) {
  okx v;
  for (const char* file :
       {"books_snapshot.json", "books_update.json", "trades.json", "trades_all.json",
        "subscribe_ack.json", "subscribe_error.json", "unsubscribe_ack.json", "notice.json"}) {
    const std::string frame = fixture(file);
    for (std::size_t n = 0; n < frame.size(); ++n) {
      const std::string cut = frame.substr(0, n);
      if (cut == "pong") continue;
      const inbound in = v.decode(cut);
      ASSERT_EQ(in.kind, inbound_kind::invalid) << "prefix " << n << " of " << file;
      EXPECT_EQ(in.error, errc::malformed_frame);
      EXPECT_FALSE(in.reason.empty());
      EXPECT_EQ(in.records, nullptr);
    }
  }
}

TEST(Okx, MissingTradeFieldsAreNamed) {
  okx v;
  const std::string frame = fixture("trades.json");
  for (const char* field : {"tradeId", "px", "sz", "side", "ts"}) {
    const std::string key = std::string("\"") + field + "\":";
    const inbound in = v.decode(replaced(frame, key, "\"x\":"));
    ASSERT_EQ(in.kind, inbound_kind::invalid) << field;
    EXPECT_EQ(in.error, errc::malformed_frame);
    EXPECT_EQ(in.reason, std::string("trades: missing field ") + field);
  }
  // instId appears in arg first; rename the one inside data.
  const inbound in = v.decode(replaced(frame, R"([{"instId": "BTC-USDT")", R"([{"x": "BTC-USDT")"));
  EXPECT_EQ(in.reason, "trades: missing field instId");
}

TEST(Okx, MissingBookFieldsAreNamed) {
  okx v;
  const std::string frame = fixture("books_update.json");
  for (const char* field : {"asks", "bids", "ts", "seqId"}) {
    const std::string key = std::string("\"") + field + "\":";
    const inbound in = v.decode(replaced(frame, key, "\"x\":"));
    ASSERT_EQ(in.kind, inbound_kind::invalid) << field;
    EXPECT_EQ(in.reason, std::string("books: missing field ") + field);
  }
  const inbound in = v.decode(replaced(frame, R"("prevSeqId":)", R"("x":)"));
  EXPECT_EQ(in.reason, "books: update without prevSeqId");
}

TEST(Okx, BadValuesAreNamed) {
  okx v;
  struct variant {
    std::string frame;
    std::string reason;
  };
  const std::string trades = fixture("trades.json");
  const std::string update = fixture("books_update.json");
  const std::vector<variant> cases = {
      {replaced(trades, R"("px": "42219.9")", R"("px": "4e4")"),
       "trades: field px is not a decimal"},
      {replaced(trades, R"("tradeId": "130639474")", R"("tradeId": "x1")"),
       "trades: field tradeId is not an unsigned integer"},
      {replaced(trades, R"("count": "3")", R"("count": "130639475")"),
       "trades: field count exceeds tradeId"},
      {replaced(trades, R"("ts": "1630048897897")", R"("ts": true)"),
       "trades: field ts is not an unsigned integer"},
      {replaced(update, R"("seqId": 123457)", R"("seqId": -5)"), "books: field seqId is negative"},
      {replaced(update, R"("action": "update")", R"("action": "patch")"),
       "books: unknown action patch"},
      {replaced(update, R"([["8476.98", "415", "0", "13"]])", R"([["8476.98"]])"),
       "books: field asks holds a level without price and size"},
      {replaced(update, R"([["8476.97", "256", "0", "12"]])", R"({})"),
       "books: field bids is not an array"},
      {R"({"data":[],"arg":{"channel":"books","instId":"BTC-USDT"}})", "books: field data is empty"},
      {replaced(trades, R"("side": "buy")", R"("side": "hold")"), "trades: field side is 'hold', not buy or sell"},
      {replaced(trades, R"("side": "buy")", R"("side": "")"), "trades: field side is '', not buy or sell"},
      {replaced(trades, R"("px": "42219.9")", R"("px": "-42219.9")"), "trades: field px is not positive"},
      {replaced(trades, R"("px": "42219.9")", R"("px": "0")"), "trades: field px is not positive"},
      {replaced(trades, R"("sz": "0.12060306")", R"("sz": "0.0")"), "trades: field sz is not positive"},
      {replaced(trades, R"("sz": "0.12060306")", R"("sz": "-1")"), "trades: field sz is not positive"},
      {replaced(update, R"([["8476.97", "256", "0", "12"]])", R"([["0", "256", "0", "12"]])"),
       "books: field bids holds a price that is not positive"},
      {replaced(update, R"([["8476.97", "256", "0", "12"]])", R"([["-1", "256", "0", "12"]])"),
       "books: field bids holds a price that is not positive"},
      {R"({"arg":{"channel":"books","instId":"BTC-USDT"}})", "push without field data"},
      {R"({"arg":{"channel":"trades","instId":"BTC-USDT"},"data":[]})",
       "trades: field data is empty"},
      {R"({"arg":{"channel":"books","instId":"BTC-USDT"},"action":"snapshot","data":[]})",
       "books: field data is empty"},
      {R"({"arg":"books"})", "field arg is not a {channel, instId} object"},
      {R"({"connId":"a"})", "unrecognised frame: neither event nor arg"},
      {fixture("subscribe_ack.json") + " {}", "trailing bytes after the JSON object"},
  };
  for (const auto& c : cases) {
    const inbound in = v.decode(c.frame);
    ASSERT_EQ(in.kind, inbound_kind::invalid) << c.frame;
    EXPECT_EQ(in.error, errc::malformed_frame);
    EXPECT_EQ(in.reason, c.reason) << c.frame;
  }
}

TEST(Okx, KeyOrderMeansNothingDataMayComeBeforeArg) {
  okx v;
  for (const std::string& name : {std::string("trades.json"), std::string("books_update.json"),
                                   std::string("books_snapshot.json")}) {
    const std::string usual = fixture(name);
    const inbound a = v.decode(usual);
    ASSERT_EQ(a.kind, inbound_kind::data) << a.reason;
    const std::string stream(a.stream);
    const std::uint64_t seq = a.seq;
    const bool resets = a.resets_sequence;
    const std::size_t trades = a.records->trades.size(), books = a.records->books.size();
    auto levels_of = [](const record_batch& r) {
      std::size_t n = 0;
      for (const auto& book : r.books) n += book.bids.size() + book.asks.size();
      return n;
    };
    const std::size_t levels = levels_of(*a.records);
    // The same object with "arg" moved behind everything else.
    const auto arg_at = usual.find(R"("arg")");
    const auto arg_end = usual.find('}', arg_at) + 1;
    std::string moved = usual;
    std::string arg = moved.substr(arg_at, arg_end - arg_at);
    moved.erase(arg_at, arg_end - arg_at);
    moved.erase(moved.find(','), 1);  // the comma that followed arg
    moved.insert(moved.rfind('}'), "," + arg);
    ASSERT_LT(moved.find(R"("data")"), moved.find(R"("arg")")) << moved;
    const inbound b = v.decode(moved);
    ASSERT_EQ(b.kind, inbound_kind::data) << b.reason << "\n" << moved;
    EXPECT_EQ(b.stream, stream);
    EXPECT_EQ(b.seq, seq);
    EXPECT_EQ(b.resets_sequence, resets);
    ASSERT_NE(b.records, nullptr);
    EXPECT_EQ(b.records->trades.size(), trades);
    EXPECT_EQ(b.records->books.size(), books);
    EXPECT_EQ(levels_of(*b.records), levels);
    EXPECT_GT(trades + levels, 0u) << name;
  }
}

TEST(Okx, NonJsonIsInvalid) {
  okx v;
  for (const char* frame : {"", "ping", "pon", "pong ", "[]", "{", "\"pong\""}) {
    const inbound in = v.decode(frame);
    EXPECT_EQ(in.kind, inbound_kind::invalid) << frame;
    EXPECT_FALSE(in.reason.empty());
  }
}

// ---- REST ----------------------------------------------------------------------------

TEST(Okx, RestRequests) {
  okx v;
  const rest_request snap = v.book_snapshot_request("BTC-USDT");
  EXPECT_EQ(snap.method, "GET");
  EXPECT_EQ(snap.target, "/api/v5/market/books?instId=BTC-USDT&sz=400");
  // Gap 1000..1200: page backwards from just above its newest id.
  const rest_request fill = v.trade_backfill_request("BTC-USDT", 1000, 1200);
  EXPECT_EQ(fill.method, "GET");
  EXPECT_EQ(fill.target,
            "/api/v5/market/history-trades?instId=BTC-USDT&type=1&after=1201&limit=100");
  EXPECT_EQ(fill.cursor, 1201u);
  // Each endpoint has its own limit per IP (§3.9), and each request names it.
  const auto limit_of = [&](std::string_view budget) -> const rest_limit* {
    for (const auto& l : v.limits().rest_limits)
      if (l.budget == budget) return &l;
    return nullptr;
  };
  const rest_limit* books = limit_of(snap.budget);
  const rest_limit* history = limit_of(fill.budget);
  ASSERT_TRUE(books);
  ASSERT_TRUE(history);
  EXPECT_EQ(snap.budget, "books");
  EXPECT_EQ(books->limit, 40);
  EXPECT_EQ(books->window, seconds{2});
  EXPECT_EQ(fill.budget, "history-trades");
  EXPECT_EQ(history->limit, 20);
  EXPECT_EQ(history->window, seconds{2});
  EXPECT_EQ(snap.cost, 1);
  EXPECT_EQ(fill.cost, 1);
}

TEST(Okx, BackfillPagesBackwardUntilTheGapIsCovered) {
  okx v;
  const rest_request first = v.trade_backfill_request("BTC-USDT", 1000, 1200);
  record_batch page;
  for (std::uint64_t id = 1101; id <= 1200; ++id) page.trades.push_back(trade_with_id(id));
  auto next = v.next_trade_backfill_request(first, "BTC-USDT", 1000, 1200, page);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->target,
            "/api/v5/market/history-trades?instId=BTC-USDT&type=1&after=1101&limit=100");
  page.trades.clear();
  for (std::uint64_t id = 1001; id <= 1100; ++id) page.trades.push_back(trade_with_id(id));
  next = v.next_trade_backfill_request(*next, "BTC-USDT", 1000, 1200, page);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->cursor, 1001u);
  page.trades.clear();
  for (std::uint64_t id = 901; id <= 1000; ++id) page.trades.push_back(trade_with_id(id));
  EXPECT_FALSE(v.next_trade_backfill_request(*next, "BTC-USDT", 1000, 1200, page));
  // Empty pages and pages that do not move back end it too.
  page.trades.clear();
  EXPECT_FALSE(v.next_trade_backfill_request(*next, "BTC-USDT", 1000, 1200, page));
  page.trades.push_back(trade_with_id(1050));
  EXPECT_FALSE(v.next_trade_backfill_request(*next, "BTC-USDT", 1000, 1200, page));
}

TEST(Okx, ParsesTheDocumentedBooksReply) {
  okx v;
  record_batch out;
  const std::string symbol = "BTC-USDT";
  const rest_status s = v.parse_book_snapshot(fixture("rest_books.json"), symbol, out);
  ASSERT_TRUE(s.ok()) << s.detail;
  ASSERT_EQ(out.books.size(), 1u);
  const book_record& b = out.books[0];
  EXPECT_EQ(b.symbol, "BTC-USDT");
  EXPECT_TRUE(b.snapshot);
  EXPECT_EQ(b.seq, 0u);  // the documented reply has no seqId
  EXPECT_EQ(b.ts_exchange, 1629966436396000);
  ASSERT_EQ(b.asks.size(), 1u);
  EXPECT_EQ(b.asks[0].price.to_string(), "41006.8");
  EXPECT_EQ(b.asks[0].qty.to_string(), "0.60038921");
  ASSERT_EQ(b.bids.size(), 1u);
  EXPECT_EQ(b.bids[0].price.to_string(), "41006.3");
  EXPECT_EQ(b.bids[0].qty.to_string(), "0.30178218");
}

TEST(Okx, BooksReplyWithSeqIdUsesIt) {
  okx v;
  record_batch out;
  const std::string body = replaced(fixture("rest_books.json"), R"("ts": "1629966436396")",
                                    R"("ts": "1629966436396", "seqId": 123456)");
  ASSERT_TRUE(v.parse_book_snapshot(body, "BTC-USDT", out).ok());
  EXPECT_EQ(out.books.at(0).seq, 123456u);
}

TEST(Okx, ParsesTheDocumentedHistoryTradesOldestFirst) {
  okx v;
  record_batch out;
  const std::string symbol = "BTC-USDT";
  const rest_status s = v.parse_trades(fixture("rest_history_trades.json"), symbol, out);
  ASSERT_TRUE(s.ok()) << s.detail;
  ASSERT_EQ(out.trades.size(), 2u);
  const trade_record& older = out.trades[0];
  EXPECT_EQ(older.id, 242720719u);
  EXPECT_EQ(older.price.to_string(), "29964.1");
  EXPECT_EQ(older.qty.to_string(), "0.00001");
  EXPECT_EQ(older.taker, side::sell);
  EXPECT_EQ(older.ts_exchange, 1654161641568000);
  EXPECT_EQ(older.symbol, "BTC-USDT");
  const trade_record& newer = out.trades[1];
  EXPECT_EQ(newer.id, 242720720u);
  EXPECT_EQ(newer.price.to_string(), "29963.2");
  EXPECT_EQ(newer.ts_exchange, 1654161646974000);
}

TEST(Okx, RestErrorsAreClassified) {
  okx v;
  record_batch out;
  // OKX's REST envelope with error code 51001 "Instrument ID does not exist".
  const std::string missing = R"({"code":"51001","msg":"Instrument ID does not exist","data":[]})";
  rest_status s = v.parse_book_snapshot(missing, "NOPE-USDT", out);
  EXPECT_EQ(s.code, make_error_code(errc::unknown_symbol));
  EXPECT_EQ(s.detail, "venue error 51001: Instrument ID does not exist");
  s = v.parse_trades(R"({"code":"50011","msg":"Too Many Requests","data":[]})", "X", out);
  EXPECT_EQ(s.code, make_error_code(errc::rate_limited));
  // Trades of another instrument are refused, not recorded under ours.
  s = v.parse_trades(fixture("rest_history_trades.json"), "ETH-USDT", out);
  EXPECT_EQ(s.code, make_error_code(errc::protocol_violation));
  EXPECT_TRUE(out.trades.empty());
}

TEST(Okx, MalformedRestBodiesNameTheProblem) {
  okx v;
  record_batch out;
  for (const char* file : {"rest_books.json", "rest_history_trades.json"}) {
    const std::string body = fixture(file);
    for (std::size_t n = 0; n < body.size(); ++n) {
      const std::string cut = body.substr(0, n);
      const rest_status s = std::string_view(file) == "rest_books.json"
                                ? v.parse_book_snapshot(cut, "BTC-USDT", out)
                                : v.parse_trades(cut, "BTC-USDT", out);
      ASSERT_FALSE(s.ok()) << file << " prefix " << n;
      EXPECT_FALSE(s.detail.empty());
      EXPECT_TRUE(out.empty());
    }
  }
  EXPECT_EQ(v.parse_book_snapshot(R"({"code":"0","msg":"","data":[]})", "X", out).detail,
            "books: field data is empty");
  EXPECT_EQ(v.parse_trades(R"({"code":"0","msg":""})", "X", out).detail,
            "history-trades: missing field data");
  const std::string item = R"({"instId":"BTC-USDT","tradeId":"1","px":"1","sz":"1","side":"buy","ts":"1"})";
  auto body = [&](std::string_view from, std::string_view to) {
    return R"({"code":"0","msg":"","data":[)" + replaced(item, from, to) + "]}";
  };
  EXPECT_TRUE(v.parse_trades(body("", ""), "BTC-USDT", out).ok());
  EXPECT_EQ(v.parse_trades(body(R"("side":"buy")", R"("side":"hold")"), "BTC-USDT", out).detail,
            "history-trades: field side is 'hold', not buy or sell");
  EXPECT_EQ(v.parse_trades(body(R"("px":"1")", R"("px":"0")"), "BTC-USDT", out).detail,
            "history-trades: field px is not positive");
  EXPECT_EQ(v.parse_trades(body(R"("sz":"1")", R"("sz":"-2")"), "BTC-USDT", out).detail,
            "history-trades: field sz is not positive");
}

}  // namespace
}  // namespace sf
