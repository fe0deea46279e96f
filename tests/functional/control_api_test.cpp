// The control API of the real daemon over a real simulator: every endpoint
// and its error answers, the token, a forced reconnect seen in the
// connection's counters and journal, /metrics accepted by promtool, and a
// recording that verify still finds whole while clients poll the API.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <regex>
#include <thread>

#include "http_server.hpp"
#include "support/child_process.hpp"
#include "support/http_probe.hpp"
#include "support/printed_address.hpp"
#include "support/temp_dir.hpp"

namespace sf::test {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using std::chrono::seconds;

class ControlApiFunctional : public ::testing::Test {
 protected:
  void SetUp() override {
    // The webhook's receiver: every alert the daemon POSTs.
    hook_.start();
    sim_.emplace(std::vector<std::string>{STEADYFEED_SIM_BIN, "--listen", "127.0.0.1:0", "--venues",
                                          "binance-spot,okx", "--symbols", "BTCUSDT", "--rate", "200", "--seed",
                                          "20261202", "--truth", (dir_.path / "truth").string()},
                 dir_.path / "sim.out", dir_.path / "sim.err");
    std::string address;
    ASSERT_TRUE(poll_until([&] { return !(address = simulator_address(dir_.path / "sim.out")).empty(); }, seconds{10}))
        << read_file(dir_.path / "sim.err");
    const fs::path config = dir_.path / "steadyfeed.yaml";
    std::ofstream(config) << "supervisor:\n  profile: development\n"
                          << "feeds:\n"
                          << "  - venue: binance-spot\n    symbols: [BTCUSDT]\n    channels: [trades, book]\n"
                          << "    endpoints: {ws: \"ws://" << address << "/binance-spot\", rest: \"http://"
                          << address << "/binance-spot\"}\n"
                          << "  - venue: okx\n    symbols: [BTC-USDT]\n    channels: [trades, book]\n"
                          << "    endpoints: {ws: \"ws://" << address << "/okx/ws/v5/public\", rest: \"http://"
                          << address << "/okx\"}\n"
                          << "sinks:\n  files: {dir: \"" << (dir_.path / "data").string() << "\"}\n"
                          << "api: {listen: \"127.0.0.1:0\", token_env: STEADYFEED_TEST_TOKEN}\n"
                          << "alerts: {webhook: {url: \"http://127.0.0.1:" << hook_.port() << "/hook\", level: info}}\n";
    ::setenv("STEADYFEED_TEST_TOKEN", token_.c_str(), 1);
    run_.emplace(std::vector<std::string>{STEADYFEED_BIN, "run", "-c", config.string()}, dir_.path / "run.out",
                 dir_.path / "run.err");
    ASSERT_TRUE(poll_until([&] { return (port_ = api_port(dir_.path / "run.err")) != 0; }, seconds{10}))
        << read_file(dir_.path / "run.err");
    ASSERT_TRUE(poll_until([&] { return http_call(port_, "GET", "/readyz").status == 200; }, seconds{15}))
        << http_call(port_, "GET", "/readyz").body << read_file(dir_.path / "run.err");
    ready_at_ = std::chrono::steady_clock::now();
  }

  // Stops the daemon and the simulator; verify judges the recording.
  void stop_and_verify() {
    // verify judges up to a second before the stop: the recording must be
    // longer than that to judge anything.
    std::this_thread::sleep_until(ready_at_ + seconds{4});
    run_->signal(SIGTERM);
    ASSERT_EQ(run_->wait(seconds{15}), 0) << read_file(dir_.path / "run.err");
    sim_->signal(SIGTERM);
    ASSERT_EQ(sim_->wait(seconds{10}), 0) << read_file(dir_.path / "sim.err");
    child_process verify({STEADYFEED_BIN, "verify", "--truth", (dir_.path / "truth").string(), "--data",
                          (dir_.path / "data").string()},
                         dir_.path / "verify.out", dir_.path / "verify.err");
    EXPECT_EQ(verify.wait(seconds{60}), 0)
        << read_file(dir_.path / "verify.out") << read_file(dir_.path / "verify.err");
  }

  json::value get_json(const std::string& target) {
    const auto a = http_call(port_, "GET", target);
    EXPECT_EQ(a.status, 200) << target << ": " << a.body;
    return a.status == 200 ? json::parse(a.body) : json::value{};
  }

  std::vector<std::string> hooked() {
    std::lock_guard lock(hooked_mutex_);
    return hooked_;
  }

  temp_dir dir_{"control-api"};
  std::mutex hooked_mutex_;
  std::vector<std::string> hooked_;
  daemon::http_server hook_{{.listen = "127.0.0.1:0"}, [this](const daemon::http_request& r) {
                              std::lock_guard lock(hooked_mutex_);
                              hooked_.push_back(r.method + " " + r.target + " " + r.body);
                              return daemon::http_response{
                                  .status = 200, .content_type = "text/plain", .body = "", .headers = {}};
                            }};
  const std::string token_ = "t0k3n-for-tests";
  std::optional<child_process> sim_, run_;
  unsigned short port_ = 0;
  std::chrono::steady_clock::time_point ready_at_;
};

TEST_F(ControlApiFunctional, EveryEndpointAndItsErrors) {
  const auto connections = get_json("/api/v1/network/connections").at("connections").as_object();
  ASSERT_EQ(connections.size(), 2u);
  for (const auto& [id, c] : connections) {
    EXPECT_EQ(c.at("status").as_string(), "connected") << id;
    EXPECT_FALSE(c.at("last_connected").is_null()) << id;
    EXPECT_NE(std::string(c.at("url").as_string()).find("ws://127.0.0.1:"), std::string::npos) << id;
    EXPECT_FALSE(c.at("subscriptions").as_array().empty()) << id;
  }
  EXPECT_EQ(get_json("/api/v1/network/connections/okx/0").at("feed").as_string(), "okx");
  const auto feeds = get_json("/api/v1/feeds").at("feeds").as_array();
  ASSERT_EQ(feeds.size(), 2u);
  EXPECT_EQ(get_json("/healthz").at("status").as_string(), "ok");
  EXPECT_FALSE(get_json("/api/v1/events?severity=info").at("events").as_array().empty());

  EXPECT_EQ(http_call(port_, "GET", "/api/v1/network/connections/okx/9").status, 404);
  EXPECT_EQ(http_call(port_, "DELETE", "/api/v1/network/connections").status, 405);
  EXPECT_EQ(http_call(port_, "GET", "/api/v2").status, 404);
  EXPECT_EQ(http_call(port_, "GET", "/api/v1/events?since=soon").status, 400);
  EXPECT_EQ(http_call(port_, "POST", "/api/v1/feeds/okx/subscriptions", "{nope", token_).status, 400);
  EXPECT_EQ(http_call(port_, "POST", "/api/v1/feeds/okx/subscriptions", R"({"symbols":["BTC-USDT"],"channels":["candles"]})",
                      token_)
                .status,
            422);
  // A body past the limit is refused before it is read.
  EXPECT_EQ(http_call(port_, "POST", "/api/v1/feeds/okx/subscriptions", std::string(100'000, ' '), token_).status, 413);

  const auto raised_before = get_json("/api/v1/alerts").at("raised").to_number<std::uint64_t>();
  // The token: none, a wrong one, then the right one.
  EXPECT_EQ(http_call(port_, "POST", "/api/v1/network/connections/okx/0/reconnect").status, 401);
  EXPECT_EQ(http_call(port_, "POST", "/api/v1/network/connections/okx/0/reconnect", "", "wrong").status, 403);
  EXPECT_EQ(http_call(port_, "POST", "/api/v1/network/connections/okx/0/reconnect", "", token_).status, 202);
  // The forced reconnect is seen in the journal and the counters.
  ASSERT_TRUE(poll_until(
      [&] {
        const auto c = get_json("/api/v1/network/connections/okx/0");
        return c.is_object() && c.at("reconnect_successes").to_number<std::uint64_t>() >= 1 && c.at("status") == "connected";
      },
      seconds{15}));
  bool journaled = false;
  const auto events = get_json("/api/v1/events?connection=okx/0");
  for (const auto& e : events.at("events").as_array())
    journaled = journaled || std::string(e.at("reason").as_string()).find("through the API") != std::string::npos;
  EXPECT_TRUE(journaled);
  // The forced reconnect's alert (raised after the call, not an earlier
  // one) is in the history and reached the webhook.
  const auto alerts = get_json("/api/v1/alerts?subject=okx/0&type=reconnect_success");
  bool in_history = false;
  for (const auto& a : alerts.at("alerts").as_array())
    in_history = in_history || a.at("id").to_number<std::uint64_t>() > raised_before;
  EXPECT_TRUE(in_history) << json::serialize(alerts);
  ASSERT_TRUE(poll_until(
      [&] {
        for (const auto& h : hooked()) {
          if (!h.starts_with("POST /hook {")) continue;
          const auto a = json::parse(h.substr(std::string_view("POST /hook ").size())).as_object();
          if (a.at("type") == "reconnect_success" && a.at("subject") == "okx/0" &&
              a.at("id").to_number<std::uint64_t>() > raised_before)
            return true;
        }
        return false;
      },
      seconds{10}));
  // `steadyfeed status` prints the same connections from the API.
  {
    child_process status({STEADYFEED_BIN, "status", "--api", "http://127.0.0.1:" + std::to_string(port_)},
                         dir_.path / "status.out", dir_.path / "status.err");
    // 0 when every connection is live at that instant, 1 when one is
    // between connections: either is an answer; 2 would be none.
    const auto rc = status.wait(seconds{10});
    EXPECT_TRUE(rc == 0 || rc == 1) << read_file(dir_.path / "status.err");
    const std::string table = read_file(dir_.path / "status.out");
    EXPECT_NE(table.find("binance-spot/0"), std::string::npos) << table;
    EXPECT_NE(table.find("okx/0"), std::string::npos) << table;
    EXPECT_NE(table.find("connected"), std::string::npos) << table;
    child_process nobody({STEADYFEED_BIN, "status", "--api", "http://127.0.0.1:1"}, dir_.path / "nobody.out",
                         dir_.path / "nobody.err");
    EXPECT_EQ(nobody.wait(seconds{10}), 2);
    EXPECT_NE(read_file(dir_.path / "nobody.err").find("did not answer"), std::string::npos);
  }
  // The token is never logged.
  EXPECT_EQ(read_file(dir_.path / "run.err").find(token_), std::string::npos);
  stop_and_verify();
}

TEST_F(ControlApiFunctional, MetricsPassPromtoolAndScrapesDoNotDisturbTheRecording) {
  // Clients poll /metrics and the API while the feeds run.
  std::atomic<bool> done{false};
  std::atomic<int> scrapes{0}, failures{0};
  std::atomic<long> slowest_ms{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < 8; ++i)
    clients.emplace_back([&, i] {
      while (!done) {
        const auto start = std::chrono::steady_clock::now();
        const auto a = http_call(port_, "GET", i % 2 ? "/metrics" : "/api/v1/network/connections");
        const long ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
        long seen = slowest_ms.load();
        while (ms > seen && !slowest_ms.compare_exchange_weak(seen, ms)) {
        }
        (a.status == 200 ? scrapes : failures)++;
      }
    });
  std::this_thread::sleep_for(seconds{4});
  done = true;
  for (auto& t : clients) t.join();
  EXPECT_GT(scrapes.load(), 50);
  EXPECT_EQ(failures.load(), 0);
  EXPECT_LT(slowest_ms.load(), 5000);  // bounded, with room for a loaded 2-core machine

  const auto metrics = http_call(port_, "GET", "/metrics");
  ASSERT_EQ(metrics.status, 200);
  const fs::path scraped = dir_.path / "metrics.txt";
  std::ofstream(scraped) << metrics.body;
  child_process promtool({"/bin/sh", "-c", "promtool check metrics < '" + scraped.string() + "'"},
                         dir_.path / "promtool.out", dir_.path / "promtool.err");
  EXPECT_EQ(promtool.wait(seconds{30}), 0) << read_file(dir_.path / "promtool.out") << read_file(dir_.path / "promtool.err");
  for (const char* name :
       {"network_reconnect_attempts_total", "network_reconnect_success_total", "network_reconnect_failures_total",
        "network_connection_uptime_seconds", "network_last_reconnect_timestamp", "network_reconnect_latency_seconds",
        "steadyfeed_messages_total", "steadyfeed_records_total", "steadyfeed_gaps_total", "steadyfeed_backfilled_total",
        "steadyfeed_duplicates_dropped_total", "steadyfeed_rotations_total", "steadyfeed_book_resyncs_total",
        "steadyfeed_connection_state", "steadyfeed_quality_score", "steadyfeed_sink_queue_depth",
        "steadyfeed_sink_errors_total", "steadyfeed_exchange_latency_seconds"})
    EXPECT_NE(metrics.body.find(std::string("# TYPE ") + name + " "), std::string::npos) << name;
  // Values, not only names: records flowed and the states are told.
  EXPECT_TRUE(std::regex_search(metrics.body, std::regex(R"(steadyfeed_records_total\{[^}]*channel="trades"[^}]*\} [1-9])")))
      << metrics.body;
  EXPECT_TRUE(std::regex_search(
      metrics.body, std::regex(R"(steadyfeed_connection_state\{connection="okx/0"[^}]*state="connected"[^}]*\} 1)")))
      << metrics.body;
  EXPECT_TRUE(std::regex_search(metrics.body,
                                std::regex(R"(steadyfeed_exchange_latency_seconds_count\{venue="binance-spot"\} [1-9])")))
      << metrics.body;
  stop_and_verify();
}

}  // namespace
}  // namespace sf::test
