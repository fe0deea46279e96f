// The real daemon killed with SIGKILL mid-recording and started again, against
// the real simulator: every complete record survives, the trades traded while
// it was down (and those it had not flushed) are fetched from the venue's
// history on restart, and `steadyfeed verify` finds nothing missing.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <regex>

#include "support/child_process.hpp"
#include "support/files_under.hpp"
#include "support/printed_address.hpp"
#include "support/temp_dir.hpp"

namespace sf::test {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using std::chrono::seconds;

std::size_t trade_files(const fs::path& data, const std::string& venue) {
  return files_under(data / venue / "trades");
}

TEST(CrashRestart, KillNineThenRestartLosesNoTrade) {
  temp_dir dir{"crash"};
  child_process sim({STEADYFEED_SIM_BIN, "--listen", "127.0.0.1:0", "--venues", "binance-spot,okx", "--symbols",
                     "BTCUSDT", "--rate", "200", "--seed", "20261123", "--truth", (dir.path / "truth").string()},
                    dir.path / "sim.out", dir.path / "sim.err");
  std::string address;
  ASSERT_TRUE(poll_until([&] { return !(address = simulator_address(dir.path / "sim.out")).empty(); }, seconds{10}))
      << read_file(dir.path / "sim.err");

  const fs::path config = dir.path / "steadyfeed.yaml";
  std::ofstream(config) << "supervisor:\n  profile: development\n"
                        << "feeds:\n"
                        << "  - venue: binance-spot\n    symbols: [BTCUSDT]\n    channels: [trades, book]\n"
                        << "    endpoints: {ws: \"ws://" << address << "/binance-spot\", rest: \"http://" << address
                        << "/binance-spot\"}\n"
                        << "  - venue: okx\n    symbols: [BTC-USDT]\n    channels: [trades, book]\n"
                        << "    endpoints: {ws: \"ws://" << address << "/okx/ws/v5/public\", rest: \"http://"
                        << address << "/okx\"}\n"
                        << "sinks:\n  files: {dir: \"" << (dir.path / "data").string() << "\", flush_interval: 200ms}\n"
                        << "api: {listen: \"127.0.0.1:0\"}\n";
  const fs::path data = dir.path / "data";

  {
    child_process first({STEADYFEED_BIN, "run", "-c", config.string()}, dir.path / "first.out",
                        dir.path / "first.err");
    ASSERT_TRUE(poll_until([&] { return trade_files(data, "binance-spot") > 0 && trade_files(data, "okx") > 0; },
                           seconds{15}))
        << read_file(dir.path / "first.err");
    std::this_thread::sleep_for(seconds{2});
    first.signal(SIGKILL);
    ASSERT_EQ(first.wait(seconds{5}), 128 + SIGKILL);
  }
  // Trades go on while nothing records them.
  std::this_thread::sleep_for(seconds{2});

  child_process second({STEADYFEED_BIN, "run", "-c", config.string()}, dir.path / "second.out",
                       dir.path / "second.err");
  std::this_thread::sleep_for(seconds{4});
  second.signal(SIGTERM);
  ASSERT_EQ(second.wait(seconds{15}), 0) << read_file(dir.path / "second.err");
  const std::string restarted = read_file(dir.path / "second.err");
  EXPECT_NE(restarted.find("binance-spot BTCUSDT trades: resuming after trade"), std::string::npos) << restarted;
  EXPECT_NE(restarted.find("okx BTC-USDT trades: resuming after trade"), std::string::npos) << restarted;

  sim.signal(SIGTERM);
  ASSERT_EQ(sim.wait(seconds{10}), 0) << read_file(dir.path / "sim.err");

  child_process verify({STEADYFEED_BIN, "verify", "--truth", (dir.path / "truth").string(), "--data", data.string()},
                       dir.path / "verify.out", dir.path / "verify.err");
  const auto code = verify.wait(seconds{60});
  const std::string report = read_file(dir.path / "verify.out");
  EXPECT_EQ(code, 0) << report << read_file(dir.path / "verify.err");
  EXPECT_NE(report.find("missing=0 duplicates=0 out_of_order=0"), std::string::npos) << report;
  // About 400 trades happened while no process recorded: missing=0 means the
  // restart fetched every one of them, and none had to be reported as a gap.
  EXPECT_NE(report.find("reported_gaps=0"), std::string::npos) << report;
  EXPECT_NE(report.find("books_differ=0"), std::string::npos) << report;
}

}  // namespace
}  // namespace sf::test
