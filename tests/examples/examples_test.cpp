// The three programs of examples/, built out of tree against the installed
// package (scripts/build-examples, the `examples_build` test), run against
// the real simulator.
#include <gtest/gtest.h>

#include <charconv>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "support/child_process.hpp"
#include "support/temp_dir.hpp"

namespace sf::test {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

struct simulator {
  explicit simulator(const temp_dir& dir)
      : process({STEADYFEED_SIM_BIN, "--listen", "127.0.0.1:0", "--venues", "binance-spot,okx", "--symbols",
                 "BTCUSDT", "--rate", "100", "--seed", "20261202"},
                dir.path / "sim.out", dir.path / "sim.err") {
    static const std::regex url(R"(ws://([0-9.]+:[0-9]+)/)");
    poll_until(
        [&] {
          std::smatch m;
          const std::string out = read_file(dir.path / "sim.out");
          if (!std::regex_search(out, m, url)) return false;
          address = m[1].str();
          return true;
        },
        seconds{10});
  }
  child_process process;
  std::string address;
};

std::uint64_t number(const std::string& text) {
  std::uint64_t v = 0;
  std::from_chars(text.data(), text.data() + text.size(), v);
  return v;
}

TEST(Examples, PrintTradesPrintsEveryTradeOnceInOrderOverTwoConnections) {
  temp_dir dir{"example-trades"};
  simulator sim(dir);
  ASSERT_FALSE(sim.address.empty()) << read_file(dir.path / "sim.err");
  child_process run({STEADYFEED_EXAMPLES_DIR "/print_trades", "binance-spot", "BTCUSDT",
                     "ws://" + sim.address + "/binance-spot", "http://" + sim.address + "/binance-spot", "60"},
                    dir.path / "out", dir.path / "err");
  ASSERT_EQ(run.wait(seconds{30}), 0) << read_file(dir.path / "err");
  const auto lines = lines_of(read_file(dir.path / "out"));
  ASSERT_EQ(lines.size(), 60u) << read_file(dir.path / "out");
  static const std::regex trade(R"(^BTCUSDT (\d+) (buy|sell) [0-9.]+ @ [0-9.]+$)");
  std::uint64_t last = 0;
  for (const auto& line : lines) {
    std::smatch m;
    ASSERT_TRUE(std::regex_match(line, m, trade)) << line;
    const std::uint64_t id = number(m[1].str());
    if (last != 0) {
      EXPECT_EQ(id, last + 1) << line;
    }
    last = id;
  }
  const std::string err = read_file(dir.path / "err");
  EXPECT_NE(err.find("trades/0: connected"), std::string::npos) << err;
  EXPECT_NE(err.find("trades/1: connected"), std::string::npos) << err;
}

TEST(Examples, TopOfBookPrintsAnUncrossedBookWhoseSequenceIdsRise) {
  temp_dir dir{"example-book"};
  simulator sim(dir);
  ASSERT_FALSE(sim.address.empty()) << read_file(dir.path / "sim.err");
  child_process run({STEADYFEED_EXAMPLES_DIR "/top_of_book", "okx", "BTC-USDT",
                     "ws://" + sim.address + "/okx/ws/v5/public", "http://" + sim.address + "/okx", "20"},
                    dir.path / "out", dir.path / "err");
  ASSERT_EQ(run.wait(seconds{30}), 0) << read_file(dir.path / "err");
  const auto lines = lines_of(read_file(dir.path / "out"));
  ASSERT_EQ(lines.size(), 20u) << read_file(dir.path / "out");
  static const std::regex top(R"(^BTC-USDT seq (\d+)  [0-9.]+ @ ([0-9.]+) \| ([0-9.]+) @ [0-9.]+$)");
  std::uint64_t last = 0;
  for (const auto& line : lines) {
    std::smatch m;
    ASSERT_TRUE(std::regex_match(line, m, top)) << line;
    EXPECT_LT(std::stod(m[2].str()), std::stod(m[3].str())) << line;
    const std::uint64_t seq = number(m[1].str());
    EXPECT_GT(seq, last) << line;
    last = seq;
  }
}

TEST(Examples, TheToyStrategyTradesWhileTheFeedIsHealthyAndPausesWhileItIsNot) {
  temp_dir dir{"example-strategy"};
  simulator sim(dir);
  ASSERT_FALSE(sim.address.empty()) << read_file(dir.path / "sim.err");
  child_process up({STEADYFEED_EXAMPLES_DIR "/pause_when_unhealthy", "binance-spot", "BTCUSDT",
                    "ws://" + sim.address + "/binance-spot", "http://" + sim.address + "/binance-spot", "3"},
                   dir.path / "up.out", dir.path / "up.err");
  // Nothing listens on port 1: the feed never becomes healthy.
  child_process down({STEADYFEED_EXAMPLES_DIR "/pause_when_unhealthy", "binance-spot", "BTCUSDT",
                      "ws://127.0.0.1:1/binance-spot", "http://127.0.0.1:1/binance-spot", "2"},
                     dir.path / "down.out", dir.path / "down.err");
  ASSERT_EQ(up.wait(seconds{20}), 0) << read_file(dir.path / "up.err");
  ASSERT_EQ(down.wait(seconds{20}), 0) << read_file(dir.path / "down.err");
  const std::string healthy = read_file(dir.path / "up.out");
  EXPECT_NE(healthy.find("paused: the feed is down (0 trades seen)"), std::string::npos) << healthy;
  EXPECT_NE(healthy.find("trading: the feed is healthy"), std::string::npos) << healthy;
  EXPECT_NE(healthy.find("trading at the end"), std::string::npos) << healthy;
  const std::string unhealthy = read_file(dir.path / "down.out");
  EXPECT_NE(unhealthy.find("paused: the feed is down"), std::string::npos) << unhealthy;
  EXPECT_EQ(unhealthy.find("trading:"), std::string::npos) << unhealthy;
  EXPECT_NE(unhealthy.find("done: 0 decisions, 0 trades seen, paused at the end"), std::string::npos) << unhealthy;
}

}  // namespace
}  // namespace sf::test
