#include "sim/truth_writer.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace sf::sim {
namespace {

std::vector<std::string> read_lines(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST(TruthWriter, RecordsFollowTheSchema) {
  market_config c;
  c.seed = 5;
  c.depth = 2;
  c.epoch = 1'700'000'000'000'000;
  market_stream okx_s("okx", *make_instrument("BTCUSDT"), c);
  trade_event t{.id = 123, .price = 4300010000000, .qty = 100000, .buyer_is_maker = true, .ts = 1'700'000'000'000'123};
  EXPECT_EQ(truth_writer::trade_record(okx_s, t),
            R"({"type":"trade","venue":"okx","symbol":"BTC-USDT","id":"123","price":43000.1,"qty":0.001,)"
            R"("side":"sell","ts_exchange":1700000000000000,"ts_recv":1700000000000123})");
  market_stream bn("binance-spot", *make_instrument("BTCUSDT"), c);
  t.buyer_is_maker = false;
  EXPECT_EQ(truth_writer::trade_record(bn, t),
            R"({"type":"trade","venue":"binance-spot","symbol":"BTCUSDT","id":"123","price":43000.10000000,)"
            R"("qty":0.00100000,"side":"buy","ts_exchange":1700000000000000,"ts_recv":1700000000000123})");
  book_update u{.first_seq = 456, .last_seq = 457, .prev_seq = 455,
                .bids = {{4300010000000, 50000000}}, .asks = {{4300020000000, 0}}, .ts = 7};
  EXPECT_EQ(truth_writer::book_record(okx_s, u),
            R"({"type":"book","venue":"okx","symbol":"BTC-USDT","seq":457,"prev_seq":455,"snapshot":false,)"
            R"("bids":[[43000.1,0.5]],"asks":[[43000.2,0]],"ts_exchange":7,"ts_recv":7})");
}

TEST(TruthWriter, WritesEveryEventAndCheckpoints) {
  const auto dir = std::filesystem::path(::testing::TempDir()) / "sim_truth_test";
  std::filesystem::remove_all(dir);
  market_config c;
  c.rate = 100;
  c.depth = 20;
  market_stream s("okx", *make_instrument("ETHUSDT"), c);
  {
    truth_writer w(dir, {&s}, 30);
    s.advance_to(seconds{1}, w);
  }  // destruction closes and flushes
  EXPECT_EQ(read_lines(dir / "okx/trades/ETH-USDT.ndjson").size(), 100u);
  EXPECT_EQ(read_lines(dir / "okx/book/ETH-USDT.ndjson").size(), 100u);
  const auto checkpoints = read_lines(dir / "okx/book/ETH-USDT.checkpoints.ndjson");
  ASSERT_EQ(checkpoints.size(), 1u + 3u + 1u);  // start, every 30 updates, close
  EXPECT_NE(checkpoints.back().find("\"snapshot\":true"), std::string::npos);
  EXPECT_NE(checkpoints.back().find("\"seq\":" + std::to_string(s.last_seq()) + ","), std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace sf::sim
