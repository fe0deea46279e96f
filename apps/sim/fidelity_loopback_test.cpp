// Venue behaviour beyond single frames, observed over loopback: Binance's
// diff depth pushed per 100 ms / 1000 ms window (U..u mapping onto the
// per-update truth), OKX's keep-alive book updates when nothing changes, and
// OKX's sequence reset (seqId smaller than prevSeqId) after maintenance.
#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "sim/testing/loopback.hpp"

namespace sf::sim {
namespace {

using namespace sf::sim::testing;

std::vector<json::object> read_lines(const std::filesystem::path& file) {
  std::vector<json::object> out;
  std::ifstream in(file);
  for (std::string l; std::getline(in, l);) out.push_back(json::parse(l).as_object());
  return out;
}

double number(const json::value& v) { return v.is_string() ? std::stod(std::string(v.as_string())) : v.to_number<double>(); }

using side_map = std::map<double, double>;
side_map levels(const json::value& array) {
  side_map out;
  for (const auto& l : array.as_array()) out[number(l.at(0))] = number(l.at(1));
  return out;
}

TEST(FidelityLoopback, BinanceDepthIsOneEventPerWindowMappingOntoTheTruth) {
  const auto dir = std::filesystem::path(::testing::TempDir()) / "sim_depth_windows";
  std::filesystem::remove_all(dir);
  auto cfg = fast_config();
  cfg.truth_dir = dir;
  running_server srv(cfg);
  ws_client c;
  ASSERT_FALSE(c.connect(srv.port(), "/binance-spot/stream?streams=btcusdt@depth@100ms/btcusdt@depth"));
  std::vector<json::object> fast, slow;
  const auto deadline = std::chrono::steady_clock::now() + milliseconds{2500};
  while (slow.size() < 2 && std::chrono::steady_clock::now() < deadline) {
    const auto f = c.next(milliseconds{1500});
    ASSERT_TRUE(f);
    const auto o = json::parse(f->text).as_object();
    (o.at("stream") == "btcusdt@depth" ? slow : fast).push_back(o.at("data").as_object());
  }
  ASSERT_EQ(slow.size(), 2u);
  ASSERT_GE(fast.size(), 10u);
  srv.stop();

  // Windows: E on the 100 ms (1000 ms) grid, consecutive events chained.
  for (std::size_t i = 0; i < fast.size(); ++i) {
    EXPECT_EQ(fast[i].at("E").as_int64() % 100, 0);
    EXPECT_LT(fast[i].at("U").as_int64(), fast[i].at("u").as_int64());  // several updates merged
    if (i > 0) {
      EXPECT_EQ(fast[i].at("U").as_int64(), fast[i - 1].at("u").as_int64() + 1);
      EXPECT_EQ(fast[i].at("E").as_int64() - fast[i - 1].at("E").as_int64(), 100);
    }
  }
  EXPECT_EQ(slow[1].at("E").as_int64() - slow[0].at("E").as_int64(), 1000);
  EXPECT_EQ(slow[1].at("U").as_int64(), slow[0].at("u").as_int64() + 1);
  // The 1000 ms window starts and ends where 100 ms windows do.
  bool starts = false, ends = false;
  for (const auto& e : fast) {
    starts = starts || e.at("U") == slow[1].at("U");
    ends = ends || e.at("u") == slow[1].at("u");
  }
  EXPECT_TRUE(starts);
  EXPECT_TRUE(ends);

  // Each event U..u = the truth lines from prev_seq + 1 == U to seq == u,
  // merged in order.
  const auto truth = read_lines(dir / "binance-spot/book/BTCUSDT.ndjson");
  for (const auto* events : {&fast, &slow}) {
    for (const auto& e : *events) {
      const auto U = e.at("U").as_int64(), u = e.at("u").as_int64();
      side_map bids, asks;
      bool in = false, closed = false;
      for (const auto& l : truth) {
        if (l.at("prev_seq").as_int64() + 1 == U) in = true;
        if (!in) continue;
        for (const auto& [p, q] : levels(l.at("bids"))) bids[p] = q;
        for (const auto& [p, q] : levels(l.at("asks"))) asks[p] = q;
        if (l.at("seq").as_int64() == u) {
          closed = true;
          break;
        }
      }
      ASSERT_TRUE(in && closed) << "U " << U << " u " << u << " not in the truth";
      EXPECT_EQ(levels(e.at("b")), bids) << "U " << U;
      EXPECT_EQ(levels(e.at("a")), asks) << "U " << U;
    }
  }
  std::filesystem::remove_all(dir);
}

TEST(FidelityLoopback, OkxKeepAliveUpdateWhenTheBookIsQuiet) {
  const auto dir = std::filesystem::path(::testing::TempDir()) / "sim_okx_keepalive";
  std::filesystem::remove_all(dir);
  auto cfg = fast_config();
  cfg.market.rate = 0;  // nothing changes
  cfg.venue("okx").options["keepalive"] = "150ms";
  cfg.venue("okx").rules.limits.idle_timeout = milliseconds{400};  // keep-alives count as pushes
  cfg.truth_dir = dir;
  running_server srv(cfg);
  ws_client c;
  ASSERT_FALSE(c.connect(srv.port(), "/okx/ws/v5/public"));
  c.send(R"({"op":"subscribe","args":[{"channel":"books","instId":"BTC-USDT"}]})");
  const auto has_action = [](const json::value& v) { return v.as_object().contains("action"); };
  const auto snap = c.next_json(has_action);
  ASSERT_TRUE(snap);
  const auto& sd = snap->at("data").at(0);
  const auto seq = sd.at("seqId").as_int64();
  for (int i = 0; i < 4; ++i) {  // 600 ms: longer than the idle timeout
    const auto ka = c.next_json(has_action, milliseconds{500});
    ASSERT_TRUE(ka) << "keep-alive " << i;
    EXPECT_EQ(ka->at("action"), "update");
    const auto& d = ka->at("data").at(0);
    EXPECT_TRUE(d.at("asks").as_array().empty());
    EXPECT_TRUE(d.at("bids").as_array().empty());
    EXPECT_EQ(d.at("prevSeqId").as_int64(), seq);
    EXPECT_EQ(d.at("seqId").as_int64(), seq);
    EXPECT_EQ(d.at("checksum"), sd.at("checksum"));  // the book did not change
  }
  EXPECT_FALSE(c.error());
  srv.stop();
  int keepalives = 0;
  for (const auto& l : read_lines(dir / "okx/book/BTC-USDT.ndjson")) {
    EXPECT_EQ(l.at("seq"), l.at("prev_seq"));
    EXPECT_TRUE(l.at("bids").as_array().empty() && l.at("asks").as_array().empty());
    ++keepalives;
  }
  EXPECT_GE(keepalives, 4);
  std::filesystem::remove_all(dir);
}

TEST(FidelityLoopback, OkxSequenceResetSeqIdBelowPrevSeqId) {
  running_server srv(fast_config());
  ws_client c;
  ASSERT_FALSE(c.connect(srv.port(), "/okx/ws/v5/public"));
  c.send(R"({"op":"subscribe","args":[{"channel":"books","instId":"ETH-USDT"}]})");
  const auto has_action = [](const json::value& v) { return v.as_object().contains("action"); };
  const auto snap = c.next_json(has_action);
  ASSERT_TRUE(snap);
  auto last = snap->at("data").at(0).at("seqId").as_int64();

  EXPECT_EQ(http_request(srv.port(), http::verb::post, "/_sim/faults", R"({"fault":"sequence_reset","venue":"binance-spot"})").status,
            400);
  const auto t0 = wall_now();
  ASSERT_EQ(http_request(srv.port(), http::verb::post, "/_sim/faults", R"({"fault":"sequence_reset","target":"okx"})").status,
            202);
  bool reset_seen = false;
  for (int i = 0; i < 20; ++i) {
    const auto up = c.next_json(has_action);
    ASSERT_TRUE(up);
    const auto& d = up->at("data").at(0);
    ASSERT_EQ(d.at("prevSeqId").as_int64(), last);  // the chain holds across the reset
    if (d.at("seqId").as_int64() < last) reset_seen = true;
    last = d.at("seqId").as_int64();
  }
  EXPECT_TRUE(reset_seen);
  EXPECT_LT(last, 1000);
  const auto log = log_entries(fault_log(srv.port()), "sequence_reset");
  ASSERT_EQ(log.size(), 1u);
  EXPECT_GE(log[0].at("ts").to_number<wall_us>(), t0);
  EXPECT_EQ(log[0].at("venue"), "okx");
  EXPECT_EQ(log[0].at("detail"), "markets BTC-USDT,ETH-USDT");
}

}  // namespace
}  // namespace sf::sim
