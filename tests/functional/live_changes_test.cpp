// Live changes to the real daemon over a real simulator, judged against the
// simulator's truth: a stream subscribed through the API is recorded whole
// from its subscribe ack on, an unsubscribed one stops, the others lose
// nothing; SIGHUP applies a valid configuration without disturbing the
// connections it does not change, and refuses an invalid one with every
// problem listed while the running one goes on.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>
#include <set>
#include <thread>

#include "support/child_process.hpp"
#include "support/http_probe.hpp"
#include "support/printed_address.hpp"
#include "support/temp_dir.hpp"

namespace sf::test {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

std::int64_t wall_now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class LiveChanges : public ::testing::Test {
 protected:
  void SetUp() override {
    sim_.emplace(std::vector<std::string>{STEADYFEED_SIM_BIN, "--listen", "127.0.0.1:0", "--venues",
                                          "binance-spot,okx", "--symbols", "BTCUSDT,ETHUSDT", "--rate", "200",
                                          "--seed", "20261203", "--truth", (dir_.path / "truth").string()},
                 dir_.path / "sim.out", dir_.path / "sim.err");
    ASSERT_TRUE(poll_until([&] { return !(address_ = simulator_address(dir_.path / "sim.out")).empty(); }, seconds{10}))
        << read_file(dir_.path / "sim.err");
  }

  // The configuration with these feeds (YAML list items), the API on a free port.
  void write_config(const std::string& feeds, const std::string& more = "") {
    std::ofstream(config_) << more << "feeds:\n"
                           << feeds << "sinks:\n  files: {dir: \"" << (dir_.path / "data").string()
                           << "\", flush_interval: 200ms}\n"
                           << "api: {listen: \"127.0.0.1:0\"}\n";
  }

  std::string feed(const std::string& id, const std::string& venue, const std::string& symbols) const {
    const bool okx = venue == "okx";
    return "  - id: " + id + "\n    venue: " + venue + "\n    symbols: [" + symbols +
           "]\n    channels: [trades, book]\n    endpoints: {ws: \"ws://" + address_ +
           (okx ? "/okx/ws/v5/public" : "/binance-spot") + "\", rest: \"http://" + address_ +
           (okx ? "/okx" : "/binance-spot") + "\"}\n";
  }

  void start_daemon() {
    run_.emplace(std::vector<std::string>{STEADYFEED_BIN, "run", "-c", config_.string()}, dir_.path / "run.out",
                 dir_.path / "run.err");
    ASSERT_TRUE(poll_until([&] { return (port_ = api_port(dir_.path / "run.err")) != 0; }, seconds{10}))
        << read_file(dir_.path / "run.err");
    ASSERT_TRUE(poll_until([&] { return http_call(port_, "GET", "/readyz").status == 200; }, seconds{15}))
        << http_call(port_, "GET", "/readyz").body << read_file(dir_.path / "run.err");
  }

  json::value get_json(const std::string& target) {
    const auto a = http_call(port_, "GET", target);
    EXPECT_EQ(a.status, 200) << target << ": " << a.body;
    return a.status == 200 ? json::parse(a.body) : json::value{};
  }

  std::set<std::string> feed_ids() {
    std::set<std::string> out;
    const auto v = get_json("/api/v1/feeds");
    if (!v.is_object()) return out;
    for (const auto& f : v.at("feeds").as_array()) out.emplace(f.at("id").as_string());
    return out;
  }

  // The latest time `connection` reported subscribing a topic that holds
  // `needle`, once there are `topics` such acks; 0 until then.
  std::int64_t acked_at(const std::string& connection, const std::string& needle, std::size_t topics) {
    std::int64_t latest = 0;
    std::size_t found = 0;
    const auto events = get_json("/api/v1/events?severity=info&limit=10000&connection=" + connection);
    if (!events.is_object()) return 0;
    for (const auto& e : events.at("events").as_array()) {
      if (e.at("kind").as_string() != "subscribed") continue;
      const std::string reason(e.at("reason").as_string());
      for (std::size_t at = reason.find(needle); at != std::string::npos; at = reason.find(needle, at + 1)) ++found;
      if (reason.find(needle) != std::string::npos) latest = std::max(latest, e.at("time_us").as_int64());
    }
    return found >= topics ? latest : 0;
  }

  // Stops the daemon (the time it was asked to, in µs) and the simulator.
  std::int64_t stop_all() {
    const std::int64_t at = wall_now_us();
    run_->signal(SIGTERM);
    EXPECT_EQ(run_->wait(seconds{15}), 0) << read_file(dir_.path / "run.err");
    sim_->signal(SIGTERM);
    EXPECT_EQ(sim_->wait(seconds{10}), 0) << read_file(dir_.path / "sim.err");
    return at;
  }

  // verify's exit code for these streams, in this window (0: unset).
  int verify(const std::vector<std::string>& streams, std::int64_t from = 0, std::int64_t to = 0) {
    std::vector<std::string> args{STEADYFEED_BIN, "verify", "--truth", (dir_.path / "truth").string(), "--data",
                                  (dir_.path / "data").string()};
    for (const auto& s : streams) args.insert(args.end(), {"--streams", s});
    if (from) args.insert(args.end(), {"--from", std::to_string(from)});
    if (to) args.insert(args.end(), {"--to", std::to_string(to)});
    const auto out = dir_.path / ("verify-" + std::to_string(++verifies_) + ".out");
    child_process v(args, out, dir_.path / "verify.err");
    const int rc = v.wait(seconds{60}).value_or(-1);
    last_verify_ = read_file(out) + read_file(dir_.path / "verify.err");
    return rc;
  }

  temp_dir dir_{"live-changes"};
  fs::path config_ = dir_.path / "steadyfeed.yaml";
  std::string address_;
  std::optional<child_process> sim_, run_;
  unsigned short port_ = 0;
  int verifies_ = 0;
  std::string last_verify_;
};

TEST_F(LiveChanges, SubscribeAndUnsubscribeThroughTheApiJudgedAgainstTheTruth) {
  write_config(feed("binance-spot", "binance-spot", "BTCUSDT") + feed("okx", "okx", "BTC-USDT, ETH-USDT"));
  start_daemon();
  std::this_thread::sleep_for(seconds{2});

  ASSERT_EQ(http_call(port_, "POST", "/api/v1/feeds/binance-spot/subscriptions",
                      R"({"symbols":["ethusdt"],"channels":["trades","book"]})")
                .status,
            202);
  std::int64_t subscribed = 0;
  ASSERT_TRUE(poll_until([&] { return (subscribed = acked_at("binance-spot/0", "ethusdt@", 2)) != 0; }, seconds{10}))
      << json::serialize(get_json("/api/v1/events?severity=info&connection=binance-spot/0"));
  const std::int64_t unsubscribe_asked = wall_now_us();
  ASSERT_EQ(http_call(port_, "DELETE", "/api/v1/feeds/okx/subscriptions", R"({"symbols":["ETH-USDT"]})").status,
            202);
  std::this_thread::sleep_for(seconds{4});
  const std::int64_t stopped = stop_all();

  // The others lost nothing.
  EXPECT_EQ(verify({"binance-spot/trades/BTCUSDT", "binance-spot/book/BTCUSDT", "okx/trades/BTC-USDT",
                    "okx/book/BTC-USDT"}),
            0)
      << last_verify_;
  // The new symbol: whole from its subscribe ack to the stop …
  const std::int64_t end = stopped - 1'000'000;
  EXPECT_EQ(verify({"binance-spot/trades/ETHUSDT", "binance-spot/book/ETHUSDT"}, subscribed, end), 0) << last_verify_;
  EXPECT_NE(last_verify_.find("missing=0"), std::string::npos) << last_verify_;
  // … and not before it: the stream did not exist then.
  EXPECT_EQ(verify({"binance-spot/trades/ETHUSDT"}, subscribed - 1'500'000, end), 1) << last_verify_;
  // The removed one: whole until the unsubscribe, and stopped after it.
  EXPECT_EQ(verify({"okx/trades/ETH-USDT", "okx/book/ETH-USDT"}, 0, unsubscribe_asked - 1'000'000), 0)
      << last_verify_;
  EXPECT_EQ(verify({"okx/trades/ETH-USDT"}, 0, end), 1) << last_verify_;
}

TEST_F(LiveChanges, SighupAppliesAValidConfigurationAndRefusesAnInvalidOne) {
  // JSON log lines, and a connection report every second.
  const std::string log_settings = "log: {format: json, report_interval: 1s}\n";
  write_config(feed("binance-spot", "binance-spot", "BTCUSDT") + feed("okx", "okx", "BTC-USDT"), log_settings);
  start_daemon();
  std::this_thread::sleep_for(seconds{2});
  const auto before = get_json("/api/v1/network/connections/binance-spot/0");

  // binance-spot gains a symbol; okx goes; okx-eth comes.
  write_config(feed("binance-spot", "binance-spot", "BTCUSDT, ETHUSDT") + feed("okx-eth", "okx", "ETH-USDT"),
               log_settings);
  const std::int64_t reloaded = wall_now_us();
  run_->signal(SIGHUP);
  ASSERT_TRUE(poll_until([&] { return feed_ids() == std::set<std::string>{"binance-spot", "okx-eth"}; }, seconds{10}))
      << read_file(dir_.path / "run.err");
  std::int64_t added = 0, subscribed = 0;
  ASSERT_TRUE(poll_until(
      [&] {
        added = acked_at("okx-eth/0", "ETH-USDT", 2);
        subscribed = acked_at("binance-spot/0", "ethusdt@", 2);
        return added && subscribed;
      },
      seconds{10}))
      << read_file(dir_.path / "run.err");
  const std::string log = read_file(dir_.path / "run.err");
  EXPECT_NE(log.find("SIGHUP: " + config_.string() + " reloaded"), std::string::npos) << log;
  EXPECT_NE(log.find("feed okx: removed"), std::string::npos) << log;
  EXPECT_NE(log.find("feed okx-eth: added"), std::string::npos) << log;
  EXPECT_NE(log.find("feed binance-spot: +book ETHUSDT +trades ETHUSDT"), std::string::npos) << log;
  // The changed feed kept its connection.
  const auto after = get_json("/api/v1/network/connections/binance-spot/0");
  EXPECT_EQ(after.at("last_connected"), before.at("last_connected"));
  EXPECT_EQ(after.at("reconnect_attempts"), before.at("reconnect_attempts"));
  EXPECT_EQ(after.at("status").as_string(), "connected");

  // An invalid file: every problem listed, nothing changed.
  std::ofstream(config_) << "workers: 0\nfeeds:\n  - {venue: nyse, symbols: [IBM]}\n";
  run_->signal(SIGHUP);
  ASSERT_TRUE(poll_until([&] { return read_file(dir_.path / "run.err").find("refused") != std::string::npos; },
                         seconds{10}));
  const std::string refused = read_file(dir_.path / "run.err");
  EXPECT_NE(refused.find("workers"), std::string::npos) << refused;
  EXPECT_NE(refused.find("unknown venue 'nyse'"), std::string::npos) << refused;
  const auto answer = http_call(port_, "POST", "/api/v1/config/reload");
  EXPECT_EQ(answer.status, 422) << answer.body;
  EXPECT_EQ(json::parse(answer.body).at("problems").as_array().size(), 2u) << answer.body;
  EXPECT_EQ(feed_ids(), (std::set<std::string>{"binance-spot", "okx-eth"}));

  // A running feed's settings wait for a restart: said, not applied.
  write_config(feed("binance-spot", "binance-spot", "BTCUSDT, ETHUSDT") + feed("okx-eth", "okx", "ETH-USDT") +
                   "    redundancy: 2\n",
               log_settings);
  run_->signal(SIGHUP);
  ASSERT_TRUE(poll_until(
      [&] {
        return read_file(dir_.path / "run.err")
                   .find("not applied: feed okx-eth: feeds[].redundancy: 1 → 2 (takes a restart of the daemon)") !=
               std::string::npos;
      },
      seconds{10}))
      << read_file(dir_.path / "run.err");
  const auto eth = get_json("/api/v1/feeds/okx-eth");
  ASSERT_TRUE(eth.is_object());
  EXPECT_EQ(eth.at("connections").as_array().size(), 1u);
  std::this_thread::sleep_for(seconds{2});
  const std::int64_t stopped = stop_all();
  const std::int64_t end = stopped - 1'000'000;

  // Every line of the log is a JSON object; the report names every connection.
  std::istringstream lines(read_file(dir_.path / "run.err"));
  std::set<std::string> reported;
  std::size_t n = 0;
  for (std::string line; std::getline(lines, line); ++n) {
    boost::system::error_code ec;
    const auto v = json::parse(line, ec);
    ASSERT_FALSE(ec) << "not JSON: " << line;
    ASSERT_TRUE(v.is_object() && v.as_object().contains("time") && v.as_object().contains("level")) << line;
    const std::string message(v.at("message").as_string());
    if (v.as_object().contains("report")) reported.insert(message.substr(2, message.find(' ', 2) - 2));
    if (message.find(" connected: score ") != std::string::npos) {
      EXPECT_NE(message.find("; connections 1, disconnections 0; reconnect attempts 0, none needed; uptime "),
                std::string::npos)
          << message;
    }
  }
  EXPECT_GT(n, 10u);
  EXPECT_TRUE(reported.contains("binance-spot/0")) << read_file(dir_.path / "run.err");
  EXPECT_TRUE(reported.contains("okx-eth/0")) << read_file(dir_.path / "run.err");

  // The untouched streams lost nothing across both reloads.
  EXPECT_EQ(verify({"binance-spot/trades/BTCUSDT", "binance-spot/book/BTCUSDT"}), 0) << last_verify_;
  // The new ones are whole from their acks.
  EXPECT_EQ(verify({"binance-spot/trades/ETHUSDT", "binance-spot/book/ETHUSDT"}, subscribed, end), 0)
      << last_verify_;
  EXPECT_EQ(verify({"okx/trades/ETH-USDT", "okx/book/ETH-USDT"}, added, end), 0) << last_verify_;
  // The removed feed: whole until the reload, and stopped after it.
  EXPECT_EQ(verify({"okx/trades/BTC-USDT", "okx/book/BTC-USDT"}, 0, reloaded - 1'000'000), 0) << last_verify_;
  EXPECT_EQ(verify({"okx/trades/BTC-USDT"}, 0, end), 1) << last_verify_;
}

}  // namespace
}  // namespace sf::test
