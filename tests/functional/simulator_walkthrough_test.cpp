// What a newcomer does: start the simulator, copy the endpoints it prints
// into a configuration, record, and verify. The lines the simulator prints
// must be exactly what the configuration needs.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/child_process.hpp"
#include "support/temp_dir.hpp"

namespace sf::test {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

// "endpoints: {...}" from the simulator's "<venue> config" line.
std::string endpoints_for(const std::string& printed, const std::string& venue) {
  std::istringstream in(printed);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(venue + " ", 0) != 0 || line.find(" config ") == std::string::npos) continue;
    const auto at = line.find("endpoints: ");
    if (at != std::string::npos) return line.substr(at);
  }
  return {};
}

TEST(SimulatorWalkthrough, ThePrintedEndpointsRecordCleanly) {
  temp_dir dir{"walkthrough"};
  child_process sim({STEADYFEED_SIM_BIN, "--listen", "127.0.0.1:0", "--venues", "binance-spot,okx", "--symbols",
                     "BTCUSDT", "--truth", (dir.path / "truth").string()},
                    dir.path / "sim.out", dir.path / "sim.err");
  std::string binance, okx;
  ASSERT_TRUE(poll_until(
      [&] {
        const std::string out = read_file(dir.path / "sim.out");
        binance = endpoints_for(out, "binance-spot");
        okx = endpoints_for(out, "okx");
        return !binance.empty() && !okx.empty();
      },
      seconds{10}))
      << read_file(dir.path / "sim.out") << read_file(dir.path / "sim.err");

  const fs::path config = dir.path / "steadyfeed.yaml";
  std::ofstream(config) << "feeds:\n"
                        << "  - venue: binance-spot\n    symbols: [BTCUSDT]\n    " << binance << "\n"
                        << "  - venue: okx\n    symbols: [BTC-USDT]\n    " << okx << "\n"
                        << "sinks:\n  files: {dir: \"" << (dir.path / "data").string() << "\"}\n"
                        << "api: {listen: \"127.0.0.1:0\"}\n";
  child_process run({STEADYFEED_BIN, "run", "-c", config.string()}, dir.path / "run.out", dir.path / "run.err");
  std::this_thread::sleep_for(seconds{5});
  run.signal(SIGTERM);
  ASSERT_EQ(run.wait(seconds{15}), 0) << read_file(dir.path / "run.err");
  sim.signal(SIGTERM);
  ASSERT_EQ(sim.wait(seconds{10}), 0) << read_file(dir.path / "sim.err");

  child_process verify({STEADYFEED_BIN, "verify", "--truth", (dir.path / "truth").string(), "--data",
                        (dir.path / "data").string()},
                       dir.path / "verify.out", dir.path / "verify.err");
  EXPECT_EQ(verify.wait(seconds{60}), 0) << read_file(dir.path / "verify.out") << read_file(dir.path / "verify.err");
}

}  // namespace
}  // namespace sf::test
