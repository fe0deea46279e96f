// `steadyfeed replay` over a recording the files sink wrote: every record
// once, merged across streams by receive time, selected by time and stream;
// and into a real JetStream stream through a configuration's nats sink.
#include "replay_command.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "steadyfeed/sink/file_sink.hpp"
#include "steadyfeed/sink/nats_stream_reader.hpp"
#include "support/nats_server.hpp"
#include "support/temp_dir.hpp"

namespace sf::daemon {
namespace {

namespace fs = std::filesystem;
using test::temp_dir;

constexpr wall_us t0 = 1'764'720'000'000'000;  // 2025-12-03T00:00:00Z

std::string trade_line(const std::string& symbol, int id, wall_us received) {
  return fmt::format(R"({{"type":"trade","venue":"okx","symbol":"{}","id":"{}","price":"1","qty":"1","side":"buy",)"
                     R"("ts_exchange":{},"ts_recv":{}}})",
                     symbol, id, received - 5, received) +
         "\n";
}

// Two streams, interleaved in time, across two hours.
void record(const fs::path& dir) {
  file_sink s({.dir = dir});
  for (int i = 0; i < 100; ++i) {
    const wall_us at = t0 + 3'500'000'000 + wall_us{i} * 100'000'000;  // from 00:58:20, every 100 s: past the hour
    const std::string a = trade_line("BTC-USDT", i, at);
    const std::string b = trade_line("ETH-USDT", 1000 + i, at + 50'000'000);
    ASSERT_FALSE(s.write(sink_record{record_kind::trade, "okx", "trades", "BTC-USDT", std::to_string(i), at, a}));
    ASSERT_FALSE(s.write(
        sink_record{record_kind::trade, "okx", "trades", "ETH-USDT", std::to_string(1000 + i), at + 50'000'000, b}));
  }
  ASSERT_FALSE(s.close());
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

TEST(Replay, EveryRecordOnceInReceiveOrderAcrossStreamsAndHours) {
  temp_dir dir("replay");
  record(dir.path / "data");
  std::ostringstream out, err;
  ASSERT_EQ(replay_command({.data = dir.path / "data"}, out, err), 0) << err.str();
  const auto lines = lines_of(out.str());
  ASSERT_EQ(lines.size(), 200u) << err.str();
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(lines[static_cast<std::size_t>(2 * i)] + "\n", trade_line("BTC-USDT", i, t0 + 3'500'000'000 + wall_us{i} * 100'000'000));
    EXPECT_EQ(lines[static_cast<std::size_t>(2 * i + 1)] + "\n",
              trade_line("ETH-USDT", 1000 + i, t0 + 3'550'000'000 + wall_us{i} * 100'000'000));
  }
  EXPECT_NE(err.str().find("200 records from 2 streams"), std::string::npos) << err.str();
}

TEST(Replay, SelectsByReceiveTimeAndStream) {
  temp_dir dir("replay");
  record(dir.path / "data");
  std::ostringstream out, err;
  replay_options o{.data = dir.path / "data"};
  o.from = t0 + 3'500'000'000 + 10 * 100'000'000;
  o.to = t0 + 3'500'000'000 + 19 * 100'000'000;
  o.streams = {"okx/trades/BTC-USDT"};
  ASSERT_EQ(replay_command(o, out, err), 0) << err.str();
  const auto lines = lines_of(out.str());
  ASSERT_EQ(lines.size(), 10u);
  EXPECT_NE(lines.front().find(R"("id":"10")"), std::string::npos);
  EXPECT_NE(lines.back().find(R"("id":"19")"), std::string::npos);
  o.streams = {"okx/trades/NOPE"};
  EXPECT_EQ(replay_command(o, out, err), 2);
  EXPECT_NE(err.str().find("okx/trades/NOPE: no such stream"), std::string::npos) << err.str();
}

TEST(Replay, ParsesTimesAsMicrosecondsOrUtc) {
  EXPECT_EQ(parse_time("1764720000000000"), t0);
  EXPECT_EQ(parse_time("2025-12-03T00:00:00Z"), t0);
  EXPECT_EQ(parse_time("2025-12-03T00:00:01.5Z"), t0 + 1'500'000);
  EXPECT_FALSE(parse_time("2025-13-03T00:00:00Z"));
  EXPECT_FALSE(parse_time("yesterday"));
  EXPECT_FALSE(parse_time("2025-12-03T00:00:00"));  // no zone: refused, not guessed
}

TEST(Replay, FillsAJetStreamStreamFromFiles) {
  temp_dir dir("replay");
  record(dir.path / "data");
  test::nats_server server(dir.path / "nats");
  const fs::path config = dir.path / "replay.yaml";
  std::ofstream(config) << "feeds:\n  - venue: okx\n    symbols: [BTC-USDT]\n"
                        << "sinks:\n  files: {enabled: false}\n"
                        << "  nats: {enabled: true, servers: [\"" << server.url() << "\"], stream: {name: FILLED},\n"
                        << "         spool: {dir: \"" << (dir.path / "spool").string() << "\"}}\n";
  std::ostringstream out, err;
  ASSERT_EQ(replay_command({.data = dir.path / "data", .config = config}, out, err), 0) << err.str();
  EXPECT_TRUE(out.str().empty());
  nats_sink_config c;
  c.servers = {server.url()};
  c.stream.name = "FILLED";
  std::vector<std::string> ids;
  nats_stream_reader(c).read([&](const nats_stored_message& m) { ids.push_back(m.message_id); });
  ASSERT_EQ(ids.size(), 200u);
  EXPECT_EQ(ids[0], "okx.trades.BTC-USDT.0");
  EXPECT_EQ(ids[1], "okx.trades.ETH-USDT.1000");
  EXPECT_EQ(ids[199], "okx.trades.ETH-USDT.1099");
  // Again: JetStream keeps each record once.
  ASSERT_EQ(replay_command({.data = dir.path / "data", .config = config}, out, err), 0) << err.str();
  EXPECT_EQ(nats_stream_reader(c).bounds().second, 200u);
}

}  // namespace
}  // namespace sf::daemon
