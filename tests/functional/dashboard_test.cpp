// The dashboard in a real browser: headless Chromium loads GET / from the
// real daemon over a real simulator, runs the page's script against the
// control API, and the DOM it leaves shows every connection, every feed
// with its records/s line, and the alerts a forced reconnect raised.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include "support/child_process.hpp"
#include "support/http_probe.hpp"
#include "support/printed_address.hpp"
#include "support/temp_dir.hpp"

namespace sf::test {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

constexpr const char* chromium = "/usr/bin/chromium";

TEST(Dashboard, ABrowserShowsEveryConnectionFeedAndAlert) {
  ASSERT_TRUE(fs::exists(chromium)) << chromium << " is missing: scripts/install-deps installs it";
  temp_dir dir{"dashboard"};
  child_process sim({STEADYFEED_SIM_BIN, "--listen", "127.0.0.1:0", "--venues", "binance-spot,okx", "--symbols",
                     "BTCUSDT", "--rate", "100", "--seed", "20261205"},
                    dir.path / "sim.out", dir.path / "sim.err");
  std::string address;
  ASSERT_TRUE(poll_until([&] { return !(address = simulator_address(dir.path / "sim.out")).empty(); }, seconds{10}))
      << read_file(dir.path / "sim.err");
  const fs::path config = dir.path / "steadyfeed.yaml";
  std::ofstream(config) << "feeds:\n"
                        << "  - {venue: binance-spot, symbols: [BTCUSDT], endpoints: {ws: \"ws://" << address
                        << "/binance-spot\", rest: \"http://" << address << "/binance-spot\"}}\n"
                        << "  - {venue: okx, symbols: [BTC-USDT], endpoints: {ws: \"ws://" << address
                        << "/okx/ws/v5/public\", rest: \"http://" << address << "/okx\"}}\n"
                        << "sinks:\n  files: {dir: \"" << (dir.path / "data").string() << "\"}\n"
                        << "api: {listen: \"127.0.0.1:0\"}\n"
                        << "alerts: {log_level: info}\n";
  child_process run({STEADYFEED_BIN, "run", "-c", config.string()}, dir.path / "run.out", dir.path / "run.err");
  unsigned short port = 0;
  ASSERT_TRUE(poll_until([&] { return (port = api_port(dir.path / "run.err")) != 0; }, seconds{10}))
      << read_file(dir.path / "run.err");
  ASSERT_TRUE(poll_until([&] { return http_call(port, "GET", "/readyz").status == 200; }, seconds{15}))
      << read_file(dir.path / "run.err");
  // An alert to show: okx/0 drops and comes back.
  ASSERT_EQ(http_call(port, "POST", "/api/v1/network/connections/okx/0/reconnect").status, 202);
  ASSERT_TRUE(poll_until(
      [&] {
        const auto a = http_call(port, "GET", "/api/v1/network/connections/okx/0");
        return a.body.find("\"reconnect_successes\":1") != std::string::npos &&
               a.body.find("\"status\":\"connected\"") != std::string::npos;
      },
      seconds{15}));

  // The browser: the page's polls run in virtual time, three of them.
  const fs::path dom = dir.path / "dom.html";
  child_process browser({chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                         "--disable-background-networking", "--disable-component-update", "--disable-sync",
                         "--user-data-dir=" + (dir.path / "profile").string(), "--virtual-time-budget=5000",
                         "--dump-dom", "http://127.0.0.1:" + std::to_string(port) + "/"},
                        dom, dir.path / "chromium.err");
  ASSERT_EQ(browser.wait(seconds{60}), 0) << read_file(dir.path / "chromium.err");
  const std::string page = read_file(dom);
  for (const char* id : {"binance-spot/0", "okx/0"}) {
    const std::regex row(std::string("<tr data-connection=\"") + id + "\"><td>[^<]*</td><td class=\"connected\">connected</td>");
    EXPECT_TRUE(std::regex_search(page, row)) << id << "\n" << page;
  }
  for (const char* id : {"binance-spot", "okx"}) {
    // Within the feed's own row: (?:(?!</tr>).)* never crosses into the next.
    const std::regex row(std::string("<tr data-feed=\"") + id +
                         "\">(?:(?!</tr>).)*<td class=\"connected\">yes</td>(?:(?!</tr>).)*<canvas");
    EXPECT_TRUE(std::regex_search(page, row)) << id;
  }
  EXPECT_NE(page.find("2 of 2 connections connected"), std::string::npos) << page;
  EXPECT_TRUE(std::regex_search(page, std::regex(R"(<td>reconnect_success</td><td>okx/0</td>)"))) << page;
  // The page reached the daemon and nothing else: the stale banner is hidden.
  EXPECT_NE(page.find("id=\"stale\" style=\"display: none;\""), std::string::npos) << page;

  run.signal(SIGTERM);
  EXPECT_EQ(run.wait(seconds{15}), 0) << read_file(dir.path / "run.err");
}

}  // namespace
}  // namespace sf::test
