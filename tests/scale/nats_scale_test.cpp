// `make scale`: the NATS sink through the real daemon, simulator and
// nats-server, at length. Each run ends with `steadyfeed verify --nats`
// against the simulator's truth: nothing missing, nothing twice, in order.
//
// - NATS stopped for 20 s mid-run and started again;
// - the collector killed with SIGKILL while NATS is down and its spool
//   holds the records, NATS and the collector started again;
// - a 3-node cluster holding an R3 stream loses a server mid-run.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>

#include "support/child_process.hpp"
#include "support/collector_config.hpp"
#include "support/nats_server.hpp"
#include "support/printed_address.hpp"
#include "support/temp_dir.hpp"

namespace sf::test {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

std::size_t spool_segments(const fs::path& dir) {
  std::size_t n = 0;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().filename().string().starts_with("spool-")) ++n;
  return n;
}

std::string listing(const fs::path& dir) {
  std::string out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    out += e.path().filename().string() + " (" + std::to_string(e.is_regular_file() ? e.file_size() : 0) + " bytes) ";
  return out;
}

struct rig {
  temp_dir dir{"scale"};
  std::unique_ptr<child_process> sim;
  std::string address;

  rig() {
    sim = std::make_unique<child_process>(
        std::vector<std::string>{STEADYFEED_SIM_BIN, "--listen", "127.0.0.1:0", "--venues", "binance-spot,okx",
                                 "--symbols", "BTCUSDT", "--rate", "200", "--seed", "20261204", "--truth",
                                 (dir.path / "truth").string()},
        dir.path / "sim.out", dir.path / "sim.err");
    if (!poll_until([&] { return !(address = simulator_address(dir.path / "sim.out")).empty(); }, seconds{10}))
      throw std::runtime_error("the simulator did not start: " + read_file(dir.path / "sim.err"));
  }

  fs::path config(const std::string& name, const std::vector<std::string>& servers, const std::string& extra) {
    return collector_config(dir.path, name, address, servers, extra);
  }

  std::unique_ptr<child_process> daemon(const fs::path& config, const std::string& log) {
    return std::make_unique<child_process>(std::vector<std::string>{STEADYFEED_BIN, "run", "-c", config.string()},
                                           dir.path / (log + ".out"), dir.path / (log + ".err"));
  }

  // Stops the simulator and judges the stream; the report, for messages.
  std::string verify(const std::string& url, int& code, bool one_collector = true) {
    sim->signal(SIGTERM);
    EXPECT_EQ(sim->wait(seconds{10}), 0) << read_file(dir.path / "sim.err");
    std::vector<std::string> argv{STEADYFEED_BIN, "verify", "--truth", (dir.path / "truth").string(), "--nats", url,
                                  "--stream", "MARKET_DATA"};
    if (one_collector) argv.push_back("--one-collector");  // strict order
    child_process v(argv, dir.path / "verify.out", dir.path / "verify.err");
    code = v.wait(seconds{120}).value_or(-1);
    return read_file(dir.path / "verify.out") + read_file(dir.path / "verify.err");
  }
};

void expect_clean(int code, const std::string& report) {
  EXPECT_EQ(code, 0) << report;
  EXPECT_NE(report.find("missing=0 duplicates=0 out_of_order=0"), std::string::npos) << report;
  EXPECT_NE(report.find("reported_gaps=0"), std::string::npos) << report;
  EXPECT_NE(report.find("chain_breaks=0"), std::string::npos) << report;
  EXPECT_NE(report.find("books_differ=0"), std::string::npos) << report;
}

TEST(NatsScale, ATwentySecondNatsOutageLosesNothingAndKeepsTheOrder) {
  rig r;
  nats_server nats(r.dir.path / "nats");
  auto d = r.daemon(r.config("c", {nats.url()}, ", memory_bytes: 65536"), "c");
  std::this_thread::sleep_for(seconds{4});
  nats.stop();
  // The records go to the spool while NATS is away.
  EXPECT_TRUE(poll_until([&] { return spool_segments(r.dir.path / "c" / "spool") > 0; }, seconds{15}));
  std::this_thread::sleep_for(seconds{20});
  nats.start();
  std::this_thread::sleep_for(seconds{8});
  EXPECT_TRUE(poll_until([&] { return spool_segments(r.dir.path / "c" / "spool") == 0; }, seconds{10}))
      << "the spool is sent and its segments deleted: " << listing(r.dir.path / "c" / "spool");
  d->signal(SIGTERM);
  ASSERT_EQ(d->wait(seconds{20}), 0) << read_file(r.dir.path / "c.err");
  int code = 0;
  const auto report = r.verify(nats.url(), code);
  expect_clean(code, report);
}

TEST(NatsScale, KillNineWhileSpoolingLosesNoSpooledRecord) {
  rig r;
  nats_server nats(r.dir.path / "nats");
  const unsigned short port = nats.port();
  // Everything NATS has not taken goes to disk at once: nothing waits in memory.
  const auto config = r.config("c", {nats.url()}, ", memory_bytes: 0");
  auto first = r.daemon(config, "first");
  std::this_thread::sleep_for(seconds{3});
  // Paused, then killed: records in flight get no answer, as on a machine
  // that vanished.
  nats.pause();
  std::this_thread::sleep_for(seconds{1});
  nats.kill();
  ASSERT_TRUE(poll_until([&] { return spool_segments(r.dir.path / "c" / "spool") > 0; }, seconds{15}));
  std::this_thread::sleep_for(seconds{4});
  first->signal(SIGKILL);
  ASSERT_EQ(first->wait(seconds{5}), 128 + SIGKILL);
  nats.start();
  ASSERT_EQ(nats.port(), port);
  auto second = r.daemon(config, "second");
  std::this_thread::sleep_for(seconds{8});
  second->signal(SIGTERM);
  ASSERT_EQ(second->wait(seconds{20}), 0) << read_file(r.dir.path / "second.err");
  int code = 0;
  const auto report = r.verify(nats.url(), code);
  expect_clean(code, report);
}

TEST(NatsScale, AThreeNodeClusterLosesAServerAndNothingElse) {
  rig r;
  const std::vector<unsigned short> routes{free_port(), free_port(), free_port()};
  std::vector<std::unique_ptr<nats_server>> cluster;
  std::vector<std::string> urls;
  // Started together: a member waits for its routes before it is ready.
  std::vector<std::thread> starting;
  cluster.resize(3);
  for (std::size_t i = 0; i < 3; ++i)
    starting.emplace_back([&, i] {
      cluster[i] = std::make_unique<nats_server>(
          r.dir.path / ("n" + std::to_string(i)), 0,
          nats_server::cluster_member{"n" + std::to_string(i), routes[i], routes});
    });
  for (auto& t : starting) t.join();
  for (const auto& s : cluster) urls.push_back(s->url());
  // strict_order: the collector is the stream's only writer, so the server
  // refuses any record whose predecessor the old leader took down with it.
  auto d = r.daemon(r.config("c", urls, ", stream: {replicas: 3}, strict_order: true"), "c");
  std::this_thread::sleep_for(seconds{6});
  cluster[0]->kill();
  std::this_thread::sleep_for(seconds{8});
  d->signal(SIGTERM);
  ASSERT_EQ(d->wait(seconds{20}), 0) << read_file(r.dir.path / "c.err");
  int code = 0;
  // Judged in strict order: every record once, none behind a later one.
  const auto report = r.verify(urls[1] + "," + urls[2], code);
  expect_clean(code, report);
}

}  // namespace
}  // namespace sf::test
