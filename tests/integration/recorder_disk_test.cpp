// The daemon's recorder against the simulator when its data directory is
// deleted while it records: the feeds stay up, the error is an event at once,
// the files come back, and a gap record names what the deleted files held.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <fmt/format.h>

#include <filesystem>
#include <mutex>
#include <thread>

#include "config.hpp"
#include "recorder.hpp"
#include "sim/server.hpp"
#include "steadyfeed/sink/recording_reader.hpp"

namespace sf {
namespace {

namespace fs = std::filesystem;

TEST(RecorderDisk, ADeletedDataDirectoryComesBackWithAGapRecordAndTheFeedsStayUp) {
  const fs::path dir = fs::temp_directory_path() / fmt::format("steadyfeed-disk-{}", ::getpid());
  fs::remove_all(dir);
  sim::server_config sc;
  sc.venues = {"okx"};
  sc.symbols = {"BTCUSDT"};
  sc.market.seed = 77;
  sc.market.rate = 40;
  sc.log_to_stderr = false;
  boost::asio::io_context sim_ioc{1};
  sim::server simulator(sim_ioc, system_clock_source::instance(), sc);
  simulator.start();
  std::thread sim_thread([&] { sim_ioc.run(); });

  const auto config = daemon::parse_config(
      fmt::format(R"(
feeds:
  - venue: okx
    symbols: [BTC-USDT]
    channels: [trades]
    endpoints: {{ws: "ws://127.0.0.1:{0}/okx/ws/v5/public", rest: "http://127.0.0.1:{0}/okx"}}
sinks:
  files: {{dir: "{1}", flush_interval: 100ms}}
)",
                  simulator.port(), (dir / "data").string()),
      "disk");
  std::mutex mutex;
  std::vector<std::string> sink_errors;
  std::uint64_t reconnects = 0;
  {
    daemon::recorder rec(config, system_clock_source::instance(), [&](std::string_view who, const event& e) {
      std::lock_guard lock(mutex);
      if (who.starts_with("sink ")) sink_errors.push_back(e.reason);
    });
    rec.start();
    std::this_thread::sleep_for(std::chrono::milliseconds{1500});
    fs::remove_all(dir / "data" / "okx");
    std::this_thread::sleep_for(std::chrono::milliseconds{1500});
    for (const auto& f : rec.feeds())
      for (const auto& c : f.connections) reconnects += c.counters.reconnect_successes;
    rec.stop();
  }
  boost::asio::post(sim_ioc, [&] {
    simulator.stop();
    sim_ioc.stop();
  });
  sim_thread.join();

  {
    std::lock_guard lock(mutex);
    ASSERT_FALSE(sink_errors.empty()) << "the removal was never said";
    EXPECT_NE(sink_errors.front().find("No such file or directory"), std::string::npos) << sink_errors.front();
  }
  EXPECT_EQ(reconnects, 0u) << "a disk problem must not cost a connection";
  // The stream's file is back: a gap record for what the deleted file held,
  // then trades again.
  std::error_code ec;
  const auto streams = list_recording(dir / "data", ec);
  ASSERT_FALSE(ec) << ec.message();
  ASSERT_EQ(streams.count("okx/trades/BTC-USDT"), 1u);
  std::vector<std::string> lines;
  for (const auto& file : streams.at("okx/trades/BTC-USDT").files)
    ASSERT_FALSE(read_lines(file, [&](std::string_view l) {
      lines.emplace_back(l);
      return true;
    }));
  ASSERT_GT(lines.size(), 10u);
  EXPECT_NE(lines.front().find(R"("type":"gap")"), std::string::npos) << lines.front();
  EXPECT_NE(lines.front().find("was removed while being written"), std::string::npos) << lines.front();
  EXPECT_NE(lines.back().find(R"("type":"trade")"), std::string::npos);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace sf
