// Two real daemons (standing for two machines) record the same feeds from
// the real simulator into one JetStream stream of a real nats-server. One
// is killed with SIGKILL mid-run and started again later; the stream must
// then hold exactly the simulator's truth: nothing missing, nothing twice,
// in order, judged by `steadyfeed verify --nats`.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>

#include "support/child_process.hpp"
#include "support/collector_config.hpp"
#include "support/files_under.hpp"
#include "support/nats_server.hpp"
#include "support/printed_address.hpp"
#include "support/temp_dir.hpp"

namespace sf::test {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

TEST(NatsCollectors, TwoCollectorsOneKilledMakeOneStreamThatHoldsTheTruth) {
  temp_dir dir{"collectors"};
  nats_server nats(dir.path / "nats");
  child_process sim({STEADYFEED_SIM_BIN, "--listen", "127.0.0.1:0", "--venues", "binance-spot,okx", "--symbols",
                     "BTCUSDT", "--rate", "200", "--seed", "20261203", "--truth", (dir.path / "truth").string()},
                    dir.path / "sim.out", dir.path / "sim.err");
  std::string address;
  ASSERT_TRUE(poll_until([&] { return !(address = simulator_address(dir.path / "sim.out")).empty(); }, seconds{10}))
      << read_file(dir.path / "sim.err");
  // Each its own files and spool; one stream, named MD.
  const std::string shared_stream = ", stream: {name: MD, duplicate_window: 5m}";
  const auto a_config = collector_config(dir.path, "a", address, {nats.url()}, shared_stream);
  const auto b_config = collector_config(dir.path, "b", address, {nats.url()}, shared_stream);

  child_process b({STEADYFEED_BIN, "run", "-c", b_config.string()}, dir.path / "b.out", dir.path / "b.err");
  {
    child_process a({STEADYFEED_BIN, "run", "-c", a_config.string()}, dir.path / "a1.out", dir.path / "a1.err");
    ASSERT_TRUE(poll_until([&] { return files_under(dir.path / "a" / "data") >= 3; }, seconds{15}))
        << read_file(dir.path / "a1.err");
    std::this_thread::sleep_for(seconds{2});
    a.signal(SIGKILL);
    ASSERT_EQ(a.wait(seconds{5}), 128 + SIGKILL);
  }
  std::this_thread::sleep_for(seconds{2});
  child_process a({STEADYFEED_BIN, "run", "-c", a_config.string()}, dir.path / "a2.out", dir.path / "a2.err");
  std::this_thread::sleep_for(seconds{3});
  // B goes first: the stream's tail is then A's alone.
  b.signal(SIGTERM);
  ASSERT_EQ(b.wait(seconds{15}), 0) << read_file(dir.path / "b.err");
  std::this_thread::sleep_for(seconds{2});
  a.signal(SIGTERM);
  ASSERT_EQ(a.wait(seconds{15}), 0) << read_file(dir.path / "a2.err");
  sim.signal(SIGTERM);
  ASSERT_EQ(sim.wait(seconds{10}), 0) << read_file(dir.path / "sim.err");

  child_process verify({STEADYFEED_BIN, "verify", "--truth", (dir.path / "truth").string(), "--nats", nats.url(),
                        "--stream", "MD"},
                       dir.path / "verify.out", dir.path / "verify.err");
  const auto code = verify.wait(seconds{60});
  const std::string report = read_file(dir.path / "verify.out");
  EXPECT_EQ(code, 0) << report << read_file(dir.path / "verify.err");
  EXPECT_NE(report.find("missing=0 duplicates=0 out_of_order=0"), std::string::npos) << report;
  EXPECT_NE(report.find("reported_gaps=0"), std::string::npos) << report;
  EXPECT_NE(report.find("chain_breaks=0"), std::string::npos) << report;
  EXPECT_NE(report.find("books_differ=0"), std::string::npos) << report;
  // Each stream is in the stream, from both collectors' time.
  for (const auto* stream : {"binance-spot/trades/BTCUSDT", "binance-spot/book/BTCUSDT", "okx/trades/BTC-USDT", "okx/book/BTC-USDT"})
    EXPECT_NE(report.find(stream), std::string::npos) << report;
}

}  // namespace
}  // namespace sf::test
