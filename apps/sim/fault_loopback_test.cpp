// Every fault kind, injected into the simulator on 127.0.0.1 and observed by
// a Beast client the way a feed handler would see it, plus the fault log line
// (time, target, fault) each one leaves. Waits are bounded: conditions with
// deadlines, never blind sleeps.
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "sim/chaos_schedule.hpp"
#include "sim/decimal.hpp"
#include "sim/okx_checksum.hpp"
#include "sim/order_book.hpp"
#include "sim/testing/loopback.hpp"

namespace sf::sim {
namespace {

using namespace sf::sim::testing;
using steady = std::chrono::steady_clock;

// Posts a fault; the simulator answers 202 once it has been applied.
void post_fault(unsigned short port, const std::string& body) {
  const auto r = http_request(port, http::verb::post, "/_sim/faults", body);
  ASSERT_EQ(r.status, 202) << r.body;
}

// The one log line of `fault`, checked for its time and target.
json::object expect_logged(unsigned short port, std::string_view fault, wall_us not_before,
                           std::optional<std::uint64_t> connection = std::nullopt, std::string_view venue = {}) {
  std::vector<json::object> entries;
  for (auto& e : log_entries(fault_log(port), fault))
    if (e.at("event") == "fault") entries.push_back(std::move(e));
  EXPECT_EQ(entries.size(), 1u) << "log lines for " << fault;
  if (entries.empty()) return {};
  const auto& line = entries.back();
  const auto ts = line.at("ts").to_number<wall_us>();
  EXPECT_GE(ts, not_before);
  EXPECT_LE(ts, wall_now());
  EXPECT_GE(line.at("t_ms").to_number<std::int64_t>(), 0);
  EXPECT_EQ(line.at("event").as_string(), "fault");
  if (connection) {
    EXPECT_EQ(line.at("connection").to_number<std::uint64_t>(), *connection);
    EXPECT_EQ(line.at("detail").as_string(), "connections " + std::to_string(*connection));
  }
  if (!venue.empty()) {
    EXPECT_EQ(line.at("venue").as_string(), venue);
  }
  return line;
}

std::uint64_t only_connection(unsigned short port) {
  const auto ids = connection_ids(port);
  EXPECT_EQ(ids.size(), 1u);
  return ids.empty() ? 0 : ids.back();
}

std::string fault_for(std::string_view fault, std::uint64_t connection, std::string_view extra = {}) {
  return R"({"fault":")" + std::string(fault) + R"(","connection":)" + std::to_string(connection) +
         std::string(extra) + "}";
}

bool is_reset(const beast::error_code& ec) {
  return ec == asio::error::connection_reset || ec == asio::error::eof || ec == asio::error::broken_pipe;
}

// Trade ids of the frames (raw Binance trade stream), in arrival order.
std::vector<std::int64_t> trade_ids(const std::deque<ws_frame>& frames) {
  std::vector<std::int64_t> ids;
  for (const auto& f : frames) {
    if (f.binary) continue;
    boost::system::error_code ec;
    const auto v = json::parse(f.text, ec);
    if (!ec && v.is_object() && v.as_object().contains("t")) ids.push_back(v.at("t").as_int64());
  }
  return ids;
}

void expect_contiguous(const std::vector<std::int64_t>& ids) {
  ASSERT_FALSE(ids.empty());
  for (std::size_t i = 1; i < ids.size(); ++i) ASSERT_EQ(ids[i], ids[i - 1] + 1) << "at " << i;
}

milliseconds largest_gap(const std::deque<ws_frame>& frames, std::size_t* after) {
  duration best{0};
  for (std::size_t i = 1; i < frames.size(); ++i) {
    const auto gap = frames[i].at - frames[i - 1].at;
    if (gap > best) {
      best = gap;
      if (after) *after = i;
    }
  }
  return std::chrono::duration_cast<milliseconds>(best);
}

TEST(FaultLoopback, TcpResetEndsTheStreamWithoutCloseFrame) {
  running_server srv(fast_config());
  ws_client c;
  ASSERT_FALSE(c.connect(srv.port(), "/binance-spot/ws/btcusdt@trade"));
  ASSERT_TRUE(c.next());
  const auto id = only_connection(srv.port());
  const auto t0 = wall_now();
  post_fault(srv.port(), fault_for("reset", id));
  const auto ec = c.wait_closed(seconds{2});
  ASSERT_TRUE(ec);
  EXPECT_TRUE(is_reset(*ec)) << ec->message();
  EXPECT_NE(*ec, websocket::error::closed);  // no close frame was received
  EXPECT_EQ(c.close_reason().code, websocket::close_code::none);
  expect_logged(srv.port(), "reset", t0, id, "all");
}

TEST(FaultLoopback, HalfOpenSendsNothingAnswersNothingAndKeepsTheSocket) {
  running_server srv(fast_config());
  ws_client c;
  ASSERT_FALSE(c.connect(srv.port(), "/binance-spot/ws/btcusdt@trade"));
  ASSERT_TRUE(c.next());
  c.ping();
  ASSERT_TRUE(c.wait_pong(seconds{1}));  // answered while healthy
  const auto id = only_connection(srv.port());
  const auto t0 = wall_now();
  post_fault(srv.port(), fault_for("half_open", id, R"(,"duration":"900ms")"));
  c.pump_for(milliseconds{100});  // frames already in flight
  c.frames().clear();
  c.ping();
  EXPECT_FALSE(c.wait_pong(milliseconds{400}));
  EXPECT_TRUE(c.frames().empty());
  EXPECT_FALSE(c.error());  // the socket is still open
  // After `duration` the simulator drops the socket without a close frame.
  const auto ec = c.wait_closed(seconds{2});
  ASSERT_TRUE(ec);
  EXPECT_TRUE(is_reset(*ec)) << ec->message();
  const auto line = expect_logged(srv.port(), "half_open", t0, id);
  EXPECT_EQ(line.at("duration").as_string(), "900ms");
}

// A stall delays frames, it does not drop them: everything generated during
// the stall is held and sent at once when it ends, with its original event
// times, as when a venue's gateway or the network stalls a TCP stream. The
// truth has every event at its generation time, so a verifier sees no loss
// and the latency (ts_recv - ts_exchange) of the held frames.
TEST(FaultLoopback, StallHoldsFramesThenResumesWithEverything) {
  auto cfg = fast_config();
  const auto dir = std::filesystem::path(::testing::TempDir()) / "sim_stall_truth";
  std::filesystem::remove_all(dir);
  cfg.truth_dir = dir;
  running_server srv(cfg);
  ws_client c;
  ASSERT_FALSE(c.connect(srv.port(), "/binance-spot/ws/btcusdt@trade"));
  ASSERT_TRUE(c.next());
  const auto id = only_connection(srv.port());
  const auto t0 = wall_now();
  post_fault(srv.port(), fault_for("stall", id, R"(,"duration":"400ms")"));
  const auto posted = steady::now();
  c.pump_for(milliseconds{800});
  const auto& frames = c.frames();
  ASSERT_FALSE(frames.empty());
  // Frames already in flight may arrive first; then nothing until the end.
  std::size_t resume = 0;
  auto gap = largest_gap(frames, &resume);
  if (frames.front().at - posted > gap) {
    gap = std::chrono::duration_cast<milliseconds>(frames.front().at - posted);
    resume = 0;
  }
  EXPECT_GE(gap.count(), 300);
  // The held frames arrive together, carrying event times ~400 ms apart.
  std::size_t burst = resume;
  while (burst + 1 < frames.size() && frames[burst + 1].at - frames[resume].at < milliseconds{50}) ++burst;
  EXPECT_GE(burst - resume, 40u);
  const auto e_first = json::parse(frames[resume].text).at("E").as_int64();
  const auto e_last = json::parse(frames[burst].text).at("E").as_int64();
  EXPECT_GE(e_last - e_first, 300);
  const auto ids = trade_ids(frames);
  expect_contiguous(ids);
  const auto line = expect_logged(srv.port(), "stall", t0, id);
  EXPECT_EQ(line.at("duration").as_string(), "400ms");
  srv.stop();
  std::set<std::int64_t> truth;
  std::ifstream in(dir / "binance-spot/trades/BTCUSDT.ndjson");
  for (std::string l; std::getline(in, l);) truth.insert(std::stoll(json::parse(l).at("id").as_string().c_str()));
  for (const auto i : ids) EXPECT_TRUE(truth.contains(i)) << i;
  std::filesystem::remove_all(dir);
}

TEST(FaultLoopback, SlowDripSendsOneFramePerInterval) {
  running_server srv(fast_config());
  ws_client c;
  ASSERT_FALSE(c.connect(srv.port(), "/binance-spot/ws/btcusdt@trade"));
  ASSERT_TRUE(c.next());
  const auto id = only_connection(srv.port());
  const auto t0 = wall_now();
  post_fault(srv.port(), fault_for("slow_drip", id, R"(,"duration":"600ms","interval":"60ms")"));
  c.pump_for(milliseconds{900});
  const auto& frames = c.frames();
  int paced = 0;  // consecutive frames ~one interval apart
  for (std::size_t i = 1; i < frames.size(); ++i) {
    const auto gap = frames[i].at - frames[i - 1].at;
    if (gap >= milliseconds{45} && gap <= milliseconds{120}) ++paced;
  }
  EXPECT_GE(paced, 6);
  EXPECT_LE(paced, 11);
  expect_contiguous(trade_ids(frames));  // delayed, not dropped
  const auto line = expect_logged(srv.port(), "slow_drip", t0, id);
  EXPECT_EQ(line.at("interval").as_string(), "60ms");
}

TEST(FaultLoopback, GarbageFramesAreBinaryNoiseAmidTheStream) {
  running_server srv(fast_config());
  ws_client c;
  ASSERT_FALSE(c.connect(srv.port(), "/binance-spot/ws/btcusdt@trade"));
  ASSERT_TRUE(c.next());
  const auto id = only_connection(srv.port());
  const auto t0 = wall_now();
  post_fault(srv.port(), fault_for("garbage", id, R"(,"count":3)"));
  c.pump_for(milliseconds{200});
  int garbage = 0;
  bool json_after = false;
  for (const auto& f : c.frames()) {
    if (f.binary) {
      ++garbage;
      boost::system::error_code ec;
      json::parse(f.text, ec);
      EXPECT_TRUE(ec);
      EXPECT_GE(f.text.size(), 16u);
    } else if (garbage == 3) {
      json_after = true;
    }
  }
  EXPECT_EQ(garbage, 3);
  EXPECT_TRUE(json_after);  // the stream goes on
  EXPECT_EQ(expect_logged(srv.port(), "garbage", t0, id).at("count").as_int64(), 3);
}

TEST(FaultLoopback, OversizedFrameExceedsAClientLimit) {
  running_server srv(fast_config());
  ws_client strict, lenient;
  strict.read_message_max(1u << 20);
  ASSERT_FALSE(strict.connect(srv.port(), "/binance-spot/ws/btcusdt@trade"));
  ASSERT_FALSE(lenient.connect(srv.port(), "/binance-spot/ws/btcusdt@trade"));
  ASSERT_TRUE(strict.next());
  ASSERT_TRUE(lenient.next());
  const auto t0 = wall_now();
  post_fault(srv.port(), R"({"fault":"oversized","venue":"binance-spot","size":2097152})");
  const auto ec = strict.wait_closed(seconds{2});
  ASSERT_TRUE(ec);
  EXPECT_EQ(*ec, websocket::error::message_too_big);
  const auto big = lenient.next_json([](const json::value& v) { return v.at("e") == "padding"; });
  ASSERT_TRUE(big);
  EXPECT_EQ(json::serialize(*big).size(), 2097152u);
  const auto line = expect_logged(srv.port(), "oversized", t0, std::nullopt, "binance-spot");
  EXPECT_EQ(line.at("size").as_int64(), 2097152);
  EXPECT_NE(line.at("detail").as_string().find("connections "), json::string::npos);
}

TEST(FaultLoopback, MalformedJsonIsTruncatedVenueShapedText) {
  running_server srv(fast_config());
  ws_client c;
  ASSERT_FALSE(c.connect(srv.port(), "/okx/ws/v5/public"));
  c.send(R"({"op":"subscribe","args":[{"channel":"trades","instId":"BTC-USDT"}]})");
  ASSERT_TRUE(c.next_json([](const json::value& v) { return v.as_object().contains("data"); }));
  const auto id = only_connection(srv.port());
  const auto t0 = wall_now();
  post_fault(srv.port(), fault_for("malformed_json", id, R"(,"count":2)"));
  c.pump_for(milliseconds{200});
  int malformed = 0, good_after = 0;
  for (const auto& f : c.frames()) {
    boost::system::error_code ec;
    json::parse(f.text, ec);
    if (ec) {
      ++malformed;
      EXPECT_FALSE(f.binary);
      EXPECT_TRUE(f.text.starts_with(R"({"arg":{"channel":"trades","instId":)")) << f.text;
    } else if (malformed == 2) {
      ++good_after;
    }
  }
  EXPECT_EQ(malformed, 2);
  EXPECT_GT(good_after, 0);
  EXPECT_EQ(expect_logged(srv.port(), "malformed_json", t0, id).at("count").as_int64(), 2);
}

// Reads the truth book lines of one symbol after the server stopped.
std::vector<json::object> truth_book(const std::filesystem::path& dir, const std::string& venue,
                                     const std::string& symbol) {
  std::vector<json::object> out;
  std::ifstream in(dir / venue / "book" / (symbol + ".ndjson"));
  for (std::string l; std::getline(in, l);) out.push_back(json::parse(l).as_object());
  return out;
}

TEST(FaultLoopback, BinanceSequenceGapSkipsEventsTheTruthStillHas) {
  auto cfg = fast_config();
  const auto dir = std::filesystem::path(::testing::TempDir()) / "sim_gap_binance";
  std::filesystem::remove_all(dir);
  cfg.truth_dir = dir;
  running_server srv(cfg);
  ws_client c;
  ASSERT_FALSE(c.connect(srv.port(), "/binance-spot/ws/btcusdt@depth@100ms"));
  const auto first = c.next_json([](const json::value& v) { return v.at("e") == "depthUpdate"; });
  ASSERT_TRUE(first);
  const auto id = only_connection(srv.port());
  const auto t0 = wall_now();
  post_fault(srv.port(), fault_for("sequence_gap", id, R"(,"symbol":"BTCUSDT","count":2)"));
  std::int64_t last_u = first->at("u").as_int64();
  std::int64_t gap_from = 0, gap_to = 0;
  for (int i = 0; i < 10 && gap_from == 0; ++i) {
    const auto ev = c.next_json([](const json::value& v) { return v.at("e") == "depthUpdate"; });
    ASSERT_TRUE(ev);
    const auto U = ev->at("U").as_int64();
    if (U != last_u + 1) {
      gap_from = last_u + 1;
      gap_to = U - 1;
    }
    last_u = ev->at("u").as_int64();
  }
  ASSERT_GT(gap_from, 0) << "no gap seen";
  EXPECT_GE(gap_to - gap_from, 1);
  const auto line = expect_logged(srv.port(), "sequence_gap", t0, id);
  EXPECT_EQ(line.at("symbol").as_string(), "BTCUSDT");
  srv.stop();
  // Every skipped update id is in the truth, chained without holes.
  std::int64_t covered = gap_from - 1;
  for (const auto& l : truth_book(dir, "binance-spot", "BTCUSDT")) {
    const auto prev = l.at("prev_seq").as_int64();
    if (prev < gap_from - 1 || prev >= gap_to) continue;
    EXPECT_EQ(prev, covered);
    covered = l.at("seq").as_int64();
  }
  EXPECT_EQ(covered, gap_to);
  std::filesystem::remove_all(dir);
}

TEST(FaultLoopback, OkxSequenceGapBreaksThePrevSeqIdChain) {
  auto cfg = fast_config();
  const auto dir = std::filesystem::path(::testing::TempDir()) / "sim_gap_okx";
  std::filesystem::remove_all(dir);
  cfg.truth_dir = dir;
  running_server srv(cfg);
  ws_client c;
  ASSERT_FALSE(c.connect(srv.port(), "/okx/ws/v5/public"));
  c.send(R"({"op":"subscribe","args":[{"channel":"books","instId":"BTC-USDT"}]})");
  const auto snap = c.next_json([](const json::value& v) { return v.as_object().contains("action"); });
  ASSERT_TRUE(snap);
  const auto id = only_connection(srv.port());
  const auto t0 = wall_now();
  post_fault(srv.port(), fault_for("sequence_gap", id, R"(,"symbol":"BTCUSDT","count":1)"));
  std::int64_t last = snap->at("data").at(0).at("seqId").as_int64();
  std::int64_t missed_prev = -1, missed_seq = -1;
  for (int i = 0; i < 20 && missed_prev < 0; ++i) {
    const auto up = c.next_json([](const json::value& v) { return v.as_object().contains("action"); });
    ASSERT_TRUE(up);
    const auto& d = up->at("data").at(0);
    if (d.at("prevSeqId").as_int64() != last) {
      missed_prev = last;
      missed_seq = d.at("prevSeqId").as_int64();
    }
    last = d.at("seqId").as_int64();
  }
  ASSERT_GE(missed_prev, 0) << "no gap seen";
  expect_logged(srv.port(), "sequence_gap", t0, id);
  srv.stop();
  bool found = false;
  for (const auto& l : truth_book(dir, "okx", "BTC-USDT"))
    found = found || (l.at("prev_seq").as_int64() == missed_prev && l.at("seq").as_int64() == missed_seq);
  EXPECT_TRUE(found) << "the skipped update " << missed_prev << "->" << missed_seq << " is not in the truth";
  std::filesystem::remove_all(dir);
}

TEST(FaultLoopback, OkxBadChecksumCorruptsExactlyCountFrames) {
  running_server srv(fast_config());
  ws_client c;
  ASSERT_FALSE(c.connect(srv.port(), "/okx/ws/v5/public"));
  c.send(R"({"op":"subscribe","args":[{"channel":"books","instId":"ETH-USDT"}]})");
  order_book book;
  const auto apply = [&](const json::value& data) {
    for (const auto& [name, side] : {std::pair{"asks", book_side::ask}, std::pair{"bids", book_side::bid}})
      for (const auto& l : data.at(name).as_array())
        book.set(side, *parse_decimal(l.at(0).as_string()), *parse_decimal(l.at(1).as_string()));
  };
  const auto snap = c.next_json([](const json::value& v) { return v.as_object().contains("action"); });
  ASSERT_TRUE(snap);
  apply(snap->at("data").at(0));
  const auto id = only_connection(srv.port());
  const auto t0 = wall_now();
  post_fault(srv.port(), fault_for("bad_checksum", id, R"(,"count":2)"));
  int bad = 0;
  std::int64_t last = snap->at("data").at(0).at("seqId").as_int64();
  for (int i = 0; i < 40; ++i) {
    const auto up = c.next_json([](const json::value& v) { return v.as_object().contains("action"); });
    ASSERT_TRUE(up);
    const auto& d = up->at("data").at(0);
    ASSERT_EQ(d.at("prevSeqId").as_int64(), last);  // only the checksum is wrong
    last = d.at("seqId").as_int64();
    apply(d);
    if (okx_checksum(book) != d.at("checksum").as_int64()) ++bad;
  }
  EXPECT_EQ(bad, 2);
  EXPECT_EQ(expect_logged(srv.port(), "bad_checksum", t0, id).at("count").as_int64(), 2);
}

TEST(FaultLoopback, RestErrorsAndTooManyRequestsWithRetryAfter) {
  running_server srv(fast_config());
  const auto t0 = wall_now();
  post_fault(srv.port(), R"({"fault":"rest_error","venue":"binance-spot","status":502,"duration":"300ms"})");
  post_fault(srv.port(), R"({"fault":"rest_429","venue":"okx","retry_after":"2s","duration":"300ms"})");
  const auto b = http_request(srv.port(), http::verb::get, "/binance-spot/api/v3/depth?symbol=BTCUSDT&limit=5");
  EXPECT_EQ(b.status, 502);
  EXPECT_EQ(json::parse(b.body).at("code").as_int64(), -1001);
  EXPECT_EQ(b.header("Retry-After"), "");
  const auto o = http_request(srv.port(), http::verb::get, "/okx/api/v5/market/trades?instId=BTC-USDT&limit=1");
  EXPECT_EQ(o.status, 429);
  EXPECT_EQ(o.header("Retry-After"), "2");
  EXPECT_EQ(json::parse(o.body).at("code").as_string(), "50011");
  const auto e = expect_logged(srv.port(), "rest_error", t0, std::nullopt, "binance-spot");
  EXPECT_EQ(e.at("status").as_int64(), 502);
  EXPECT_EQ(e.at("duration").as_string(), "300ms");
  EXPECT_EQ(expect_logged(srv.port(), "rest_429", t0, std::nullopt, "okx").at("retry_after").as_string(), "2s");
  // Both end after their duration.
  const auto deadline = steady::now() + seconds{2};
  int status = 0;
  while (steady::now() < deadline && status != 200)
    status = http_request(srv.port(), http::verb::get, "/okx/api/v5/market/trades?instId=BTC-USDT&limit=1").status;
  EXPECT_EQ(status, 200);
  EXPECT_EQ(http_request(srv.port(), http::verb::get, "/binance-spot/api/v3/depth?symbol=BTCUSDT&limit=5").status, 200);
}

// Refused connections are reset at the TCP level without any HTTP answer
// (the client sees ECONNRESET or EOF during the WebSocket handshake), as
// when a venue's load balancer has no healthy backend; an HTTP 429 is what
// the connection-rate limit answers instead. A venue-wide refusal lets the
// TCP connection be accepted, reads the upgrade request and then resets it;
// a refusal for every venue resets right after accept, REST included.
TEST(FaultLoopback, RefusedConnectionsFailDuringTheWindowOnly) {
  auto cfg = fast_config();
  cfg.venue("okx").rules.connects_per_window = 0;  // the window is the fault's, not the rate limit's
  running_server srv(cfg);
  const auto t0 = wall_now();
  post_fault(srv.port(), R"({"fault":"refuse_connections","target":"okx","duration":"400ms"})");
  {
    ws_client refused;
    const auto ec = refused.connect(srv.port(), "/okx/ws/v5/public");
    EXPECT_TRUE(is_reset(ec)) << ec.message();
    ws_client other_venue;
    EXPECT_FALSE(other_venue.connect(srv.port(), "/binance-spot/ws/btcusdt@trade"));
  }
  const auto line = expect_logged(srv.port(), "refuse_connections", t0, std::nullopt, "okx");
  EXPECT_EQ(line.at("duration").as_string(), "400ms");
  EXPECT_GE(log_entries(fault_log(srv.port()), "refused").size(), 1u);
  const auto deadline = steady::now() + seconds{2};
  bool connected = false;
  while (!connected && steady::now() < deadline) {
    ws_client later;
    connected = !later.connect(srv.port(), "/okx/ws/v5/public");
  }
  EXPECT_TRUE(connected);

  post_fault(srv.port(), R"({"fault":"refuse_connections","target":"all","duration":"300ms"})");
  const auto rest = http_request(srv.port(), http::verb::get, "/binance-spot/api/v3/depth?symbol=BTCUSDT");
  EXPECT_EQ(rest.status, 0);
  EXPECT_TRUE(is_reset(rest.error)) << rest.error.message();
}

// The chaos file drives faults at their offsets from the server's start.
TEST(FaultLoopback, ChaosScheduleAppliesFaultsAtTheirTimes) {
  const auto file = std::filesystem::path(::testing::TempDir()) / "sim_chaos.yaml";
  {
    std::ofstream out(file);
    out << "faults:\n"
           "  - at: 300ms\n"
           "    target: okx\n"
           "    fault: close\n"
           "    close_code: 4001\n"
           "  - {at: 600ms, venue: binance-spot, fault: reset}\n"
           "  - {at: 700ms, venue: okx, fault: rest_429, retry_after: 3s, duration: 1s}\n";
  }
  auto cfg = fast_config();
  cfg.chaos = load_chaos_file(file.string());
  // The loop below asks for books until the injected 429 comes: more often
  // than OKX's own limit allows, which would answer 429 first.
  cfg.venue("okx").rules.rest_limits.clear();
  const auto started = steady::now();
  running_server srv(cfg);
  ws_client o, b;
  ASSERT_FALSE(o.connect(srv.port(), "/okx/ws/v5/public"));
  ASSERT_FALSE(b.connect(srv.port(), "/binance-spot/ws/btcusdt@trade"));
  o.send(R"({"op":"subscribe","args":[{"channel":"trades","instId":"BTC-USDT"}]})");
  const auto closed = o.wait_closed(seconds{2});
  const auto okx_at = steady::now() - started;
  ASSERT_TRUE(closed);
  EXPECT_EQ(*closed, websocket::error::closed);
  EXPECT_EQ(o.close_reason().code, 4001);
  EXPECT_GE(okx_at, milliseconds{300});
  const auto reset = b.wait_closed(seconds{2});
  const auto binance_at = steady::now() - started;
  ASSERT_TRUE(reset);
  EXPECT_TRUE(is_reset(*reset)) << reset->message();
  EXPECT_GE(binance_at, milliseconds{600});
  EXPECT_LT(binance_at, milliseconds{1500});
  const auto deadline = steady::now() + seconds{2};
  http_result r;
  while (r.status != 429 && steady::now() < deadline)
    r = http_request(srv.port(), http::verb::get, "/okx/api/v5/market/books?instId=BTC-USDT");
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.header("Retry-After"), "3");

  const auto log = fault_log(srv.port());
  const auto at_ms = [&](std::string_view fault) {
    const auto e = log_entries(log, fault);
    return e.empty() ? -1 : e.front().at("t_ms").to_number<std::int64_t>();
  };
  EXPECT_GE(at_ms("close"), 300);
  EXPECT_LT(at_ms("close"), 400);
  EXPECT_GE(at_ms("reset"), 600);
  EXPECT_LT(at_ms("reset"), 700);
  EXPECT_GE(at_ms("rest_429"), 700);
  EXPECT_LT(at_ms("rest_429"), 800);
  EXPECT_EQ(log_entries(log, "close").front().at("venue").as_string(), "okx");
  EXPECT_EQ(log_entries(log, "reset").front().at("venue").as_string(), "binance-spot");
  std::filesystem::remove(file);
}

}  // namespace
}  // namespace sf::sim
