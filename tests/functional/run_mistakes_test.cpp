// Operator mistakes with `steadyfeed run` end in a clear error before
// anything records, never in a run that records nothing and exits 0.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <thread>

#include "support/child_process.hpp"
#include "support/temp_dir.hpp"

namespace sf::test {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

// A feed that never connects (nothing listens on port 1): the run goes on
// retrying, which is all these tests need of it.
fs::path write_config(const fs::path& dir, const std::string& data_dir) {
  const fs::path config = dir / "steadyfeed.yaml";
  std::ofstream(config) << "feeds:\n  - venue: binance-spot\n    symbols: [BTCUSDT]\n"
                        << "    endpoints: {ws: \"ws://127.0.0.1:1/binance-spot\", rest: \"http://127.0.0.1:1/binance-spot\"}\n"
                        << "sinks:\n  files: {dir: \"" << data_dir << "\"}\n"
                        << "api: {enabled: false}\n";
  return config;
}

TEST(RunMistakes, AnUnwritableDataDirectoryIsAnErrorNamingThePathBeforeAnythingRuns) {
  temp_dir dir{"run-nodir"};
  std::ofstream(dir.path / "plain-file") << "x";
  for (const std::string& data : {std::string("/proc/nope"), (dir.path / "plain-file" / "data").string()}) {
    SCOPED_TRACE(data);
    child_process run({STEADYFEED_BIN, "run", "-c", write_config(dir.path, data).string()}, dir.path / "out",
                      dir.path / "err");
    EXPECT_EQ(run.wait(seconds{10}), 2);
    const std::string err = read_file(dir.path / "err");
    EXPECT_NE(err.find("the data directory " + data + " cannot be created"), std::string::npos) << err;
    EXPECT_EQ(err.find("recording 1 feed"), std::string::npos) << err;
  }
}

TEST(RunMistakes, ASecondRunOnTheSameDataDirectoryIsRefusedNamingTheFirstOnesPid) {
  temp_dir dir{"run-lock"};
  const fs::path config = write_config(dir.path, (dir.path / "data").string());
  child_process first({STEADYFEED_BIN, "run", "-c", config.string()}, dir.path / "first.out", dir.path / "first.err");
  ASSERT_TRUE(poll_until([&] { return read_file(dir.path / "first.err").find("recording 1 feed") != std::string::npos; },
                         std::chrono::milliseconds{10000}))
      << read_file(dir.path / "first.err");
  child_process second({STEADYFEED_BIN, "run", "-c", config.string()}, dir.path / "second.out",
                       dir.path / "second.err");
  EXPECT_EQ(second.wait(seconds{10}), 2);
  const std::string err = read_file(dir.path / "second.err");
  EXPECT_NE(err.find("being recorded by another steadyfeed process (pid " + std::to_string(first.pid()) + ")"),
            std::string::npos)
      << err;
  EXPECT_TRUE(first.running());
  first.signal(SIGTERM);
  EXPECT_TRUE(first.wait(seconds{10}).has_value());
  // The lock went with the first process: a new run may start.
  child_process third({STEADYFEED_BIN, "run", "-c", config.string()}, dir.path / "third.out", dir.path / "third.err");
  EXPECT_TRUE(poll_until([&] { return read_file(dir.path / "third.err").find("recording 1 feed") != std::string::npos; },
                         std::chrono::milliseconds{10000}))
      << read_file(dir.path / "third.err");
  third.signal(SIGTERM);
  third.wait(seconds{10});
}

}  // namespace
}  // namespace sf::test

namespace sf::test {
namespace {

TEST(DemoMistakes, ADirectoryDemoDidNotMakeIsNotEmptiedWithoutForce) {
  temp_dir dir{"demo-out"};
  const fs::path out = dir.path / "project";
  fs::create_directories(out / "data" / "binance-spot");
  std::ofstream(out / "data" / "binance-spot" / "keep.ndjson") << "{}\n";
  child_process demo({STEADYFEED_BIN, "demo", "--seconds", "10", "--out", out.string()}, dir.path / "out",
                     dir.path / "err");
  EXPECT_EQ(demo.wait(std::chrono::seconds{10}), 2);
  const std::string err = read_file(dir.path / "err");
  EXPECT_NE(err.find(out.string() + " is not empty and was not made by demo"), std::string::npos) << err;
  EXPECT_TRUE(fs::exists(out / "data" / "binance-spot" / "keep.ndjson"));
  EXPECT_FALSE(fs::exists(out / "truth"));
}

}  // namespace
}  // namespace sf::test

namespace sf::test {
namespace {

TEST(RunMistakes, AStreamThatRecordedNothingMakesTheRunFailNamingIt) {
  temp_dir dir{"run-silent"};
  child_process sim({STEADYFEED_SIM_BIN, "--listen", "127.0.0.1:0", "--venues", "binance-spot", "--symbols", "BTCUSDT",
                     "--rate", "50"},
                    dir.path / "sim.out", dir.path / "sim.err");
  std::string address;
  ASSERT_TRUE(poll_until(
      [&] {
        const std::string out = read_file(dir.path / "sim.out");
        const auto at = out.find("ws://");
        if (at == std::string::npos) return false;
        address = out.substr(at + 5, out.find('/', at + 5) - at - 5);
        return true;
      },
      std::chrono::milliseconds{10000}));
  const fs::path config = dir.path / "steadyfeed.yaml";
  // The simulator serves BTCUSDT only: XRPUSDT subscribes and never speaks.
  std::ofstream(config) << "feeds:\n  - venue: binance-spot\n    symbols: [BTCUSDT, XRPUSDT]\n    channels: [trades]\n"
                        << "    endpoints: {ws: \"ws://" << address << "/binance-spot\", rest: \"http://" << address
                        << "/binance-spot\"}\n"
                        << "sinks:\n  files: {dir: \"" << (dir.path / "data").string() << "\"}\n"
                        << "api: {enabled: false}\n";
  child_process run({STEADYFEED_BIN, "run", "-c", config.string()}, dir.path / "run.out", dir.path / "run.err");
  ASSERT_TRUE(poll_until([&] { return fs::exists(dir.path / "data" / "binance-spot" / "trades" / "BTCUSDT"); },
                         std::chrono::milliseconds{15000}))
      << read_file(dir.path / "run.err");
  run.signal(SIGTERM);
  EXPECT_EQ(run.wait(std::chrono::seconds{10}), 1);
  const std::string err = read_file(dir.path / "run.err");
  EXPECT_NE(err.find("binance-spot XRPUSDT trades: nothing was recorded"), std::string::npos) << err;
  EXPECT_EQ(err.find("BTCUSDT trades: nothing was recorded"), std::string::npos) << err;
}

}  // namespace
}  // namespace sf::test
