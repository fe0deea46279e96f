#include "control_api.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <stdexcept>

namespace sf::daemon {
namespace {

namespace json = boost::json;

// A recording of two feeds, with every request the API makes remembered.
class fake_target : public control_target {
 public:
  fake_target() {
    feed_stats a;
    a.id = "binance-spot";
    a.venue = "binance-spot";
    a.healthy = true;
    a.trades = 10;
    a.streams.push_back({"trades", "BTCUSDT", 10, 0, 1'700'000'000'000'000});
    supervisor_stats c;
    c.name = "binance-spot/0";
    c.venue = "binance-spot";
    c.url = "wss://stream.binance.com:9443/stream?streams=btcusdt@trade";
    c.state = connection_state::connected;
    c.connected_since = 1'700'000'000'000'000;
    c.last_connected = 1'700'000'000'000'000;
    c.counters.reconnect_attempts = 3;
    c.counters.rotations = 2;
    c.consecutive_failures = 0;
    c.quality.score = 97;
    c.quality.live_total = seconds{90};
    c.topics.push_back({"btcusdt@trade", topic_status::active, ""});
    c.events.push_back({1'700'000'000'000'000, event_kind::connected, severity::info, "open", duration{0}, 0, 1});
    c.events.push_back({1'700'000'001'000'000, event_kind::reconnect_failed, severity::warning, "refused", duration{0}, 2, 1});
    a.connections.push_back(c);
    feed_stats b;
    b.id = "okx";
    b.venue = "okx";
    supervisor_stats d;
    d.name = "okx/0";
    d.venue = "okx";
    d.state = connection_state::reconnecting;
    d.events.push_back({1'700'000'000'500'000, event_kind::heartbeat_timeout, severity::critical, "no pong", duration{0}, 0, 4});
    b.connections.push_back(d);
    feeds_ = {a, b};
  }

  std::vector<feed_stats> feeds() const override { return feeds_; }
  sink_status sinks() const override { return {}; }
  bool reconnect(std::string_view feed_id, std::size_t index, std::string reason) override {
    reconnects.push_back(fmt::format("{}#{}: {}", feed_id, index, reason));
    return true;
  }
  bool subscribe(std::string_view feed_id, std::vector<std::string> symbols, std::vector<std::string> channels) override {
    return change("+", feed_id, symbols, channels);
  }
  bool unsubscribe(std::string_view feed_id, std::vector<std::string> symbols,
                   std::vector<std::string> channels) override {
    return change("-", feed_id, symbols, channels);
  }
  reload_result reload() override {
    ++reloads;
    return next_reload;
  }

  std::vector<feed_stats> feeds_;
  std::vector<std::string> reconnects, changes;
  reload_result next_reload{true, {"feed okx: +trades ETH-USDT"}, {}, false};
  int reloads = 0;

 private:
  bool change(std::string_view sign, std::string_view feed_id, const std::vector<std::string>& symbols,
              const std::vector<std::string>& channels) {
    for (const auto& c : channels)
      if (c != "trades" && c != "book") throw std::invalid_argument("unknown channel '" + c + "'");
    changes.push_back(fmt::format("{}{} {} {}", sign, feed_id, fmt::join(symbols, ","), fmt::join(channels, ",")));
    return true;
  }
};

http_request req(std::string method, std::string target, std::string body = {}, std::string auth = {}) {
  return {.method = std::move(method),
          .target = std::move(target),
          .authorization = std::move(auth),
          .content_type = "application/json",
          .body = std::move(body)};
}

json::value body_of(const http_response& r) { return json::parse(r.body); }

std::string error_of(const http_response& r) {
  const auto v = body_of(r);
  EXPECT_EQ(v.at("error").at("status").as_int64(), r.status);
  return std::string(v.at("error").at("message").as_string());
}

TEST(ControlApi, ListsConnectionsKeyedByIdWithEveryField) {
  fake_target t;
  control_api api(t, "");
  const auto r = api.handle(req("GET", "/api/v1/network/connections"));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/json");
  const auto all = body_of(r).at("connections").as_object();
  ASSERT_EQ(all.size(), 2u);
  const auto& c = all.at("binance-spot/0").as_object();
  for (const char* key : {"id", "url", "status", "last_connected", "reconnect_attempts", "consecutive_failures",
                          "total_uptime", "last_reconnect_latency", "venue", "feed", "subscriptions",
                          "quality_score", "rotations", "last_error"})
    EXPECT_TRUE(c.contains(key)) << key;
  EXPECT_EQ(c.at("id").as_string(), "binance-spot/0");
  EXPECT_EQ(c.at("url").as_string(), "wss://stream.binance.com:9443/stream?streams=btcusdt@trade");
  EXPECT_EQ(c.at("status").as_string(), "connected");
  EXPECT_EQ(c.at("last_connected").as_string(), "2023-11-14T22:13:20.000Z");
  EXPECT_EQ(c.at("reconnect_attempts").to_number<std::uint64_t>(), 3u);
  EXPECT_EQ(c.at("total_uptime").as_double(), 90.0);
  EXPECT_EQ(c.at("quality_score").as_int64(), 97);
  EXPECT_EQ(c.at("rotations").to_number<std::uint64_t>(), 2u);
  EXPECT_EQ(c.at("feed").as_string(), "binance-spot");
  EXPECT_EQ(c.at("subscriptions").as_array().size(), 1u);
  EXPECT_EQ(c.at("last_error").as_string(), "refused");
  EXPECT_TRUE(all.at("okx/0").at("last_connected").is_null());  // never connected
  EXPECT_EQ(all.at("okx/0").at("status").as_string(), "reconnecting");
}

TEST(ControlApi, OneConnectionBySlashOrEncodedId) {
  fake_target t;
  control_api api(t, "");
  for (const char* target : {"/api/v1/network/connections/okx/0", "/api/v1/network/connections/okx%2F0"}) {
    const auto r = api.handle(req("GET", target));
    ASSERT_EQ(r.status, 200) << target;
    EXPECT_EQ(body_of(r).at("id").as_string(), "okx/0");
  }
  const auto missing = api.handle(req("GET", "/api/v1/network/connections/okx/7"));
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(error_of(missing).find("okx/7"), std::string::npos);
}

TEST(ControlApi, ReconnectNamesTheFeedAndIndex) {
  fake_target t;
  control_api api(t, "");
  const auto r = api.handle(req("POST", "/api/v1/network/connections/okx/0/reconnect"));
  EXPECT_EQ(r.status, 202);
  ASSERT_EQ(t.reconnects.size(), 1u);
  EXPECT_EQ(t.reconnects[0], "okx#0: reconnect requested through the API");
  EXPECT_EQ(api.handle(req("POST", "/api/v1/network/connections/okx/3/reconnect")).status, 404);
  const auto get = api.handle(req("GET", "/api/v1/network/connections/okx/0/reconnect"));
  EXPECT_EQ(get.status, 405);
  ASSERT_EQ(get.headers.size(), 1u);
  EXPECT_EQ(get.headers[0].first, "Allow");
  EXPECT_EQ(get.headers[0].second, "POST");
  EXPECT_EQ(t.reconnects.size(), 1u);
}

TEST(ControlApi, FeedsAndLiveSubscriptions) {
  fake_target t;
  control_api api(t, "");
  const auto list = api.handle(req("GET", "/api/v1/feeds"));
  ASSERT_EQ(list.status, 200);
  const auto feeds = body_of(list).at("feeds").as_array();
  ASSERT_EQ(feeds.size(), 2u);
  EXPECT_EQ(feeds[0].at("id").as_string(), "binance-spot");
  EXPECT_EQ(feeds[0].at("streams").as_array().size(), 1u);

  auto r = api.handle(req("POST", "/api/v1/feeds/binance-spot/subscriptions",
                          R"({"symbols":["ETHUSDT"],"channels":["trades","book"]})"));
  EXPECT_EQ(r.status, 202) << r.body;
  r = api.handle(req("DELETE", "/api/v1/feeds/binance-spot/subscriptions", R"({"symbols":["BTCUSDT"]})"));
  EXPECT_EQ(r.status, 202) << r.body;
  ASSERT_EQ(t.changes.size(), 2u);
  EXPECT_EQ(t.changes[0], "+binance-spot ETHUSDT trades,book");
  EXPECT_EQ(t.changes[1], "-binance-spot BTCUSDT trades");  // channels default to the feed's own
}

TEST(ControlApi, BadSubscriptionRequestsNameTheProblemAndChangeNothing) {
  fake_target t;
  control_api api(t, "");
  const std::string path = "/api/v1/feeds/binance-spot/subscriptions";
  struct bad {
    std::string body;
    int status;
    std::string says;
  };
  for (const auto& b : std::vector<bad>{
           {"{", 400, "not JSON"},
           {"[1]", 400, "JSON object"},
           {R"({"symbols":"BTCUSDT"})", 400, "array"},
           {R"({"symbols":[]})", 400, "symbols is missing or empty"},
           {R"({"symbols":[1]})", 400, "non-empty strings"},
           {R"({"symbol":["X"]})", 400, "unknown key 'symbol'"},
           {R"({"symbols":["X"],"channels":["candles"]})", 422, "unknown channel 'candles'"},
       }) {
    const auto r = api.handle(req("POST", path, b.body));
    EXPECT_EQ(r.status, b.status) << b.body;
    EXPECT_NE(error_of(r).find(b.says), std::string::npos) << b.body << " → " << r.body;
  }
  EXPECT_EQ(api.handle(req("POST", "/api/v1/feeds/kraken/subscriptions", R"({"symbols":["X"]})")).status, 404);
  EXPECT_EQ(api.handle(req("PUT", path, R"({"symbols":["X"]})")).status, 405);
  EXPECT_TRUE(t.changes.empty());
}

TEST(ControlApi, MutatingCallsNeedTheToken) {
  fake_target t;
  control_api api(t, "s3cret");
  const std::string path = "/api/v1/network/connections/okx/0/reconnect";
  const auto none = api.handle(req("POST", path));
  EXPECT_EQ(none.status, 401);
  ASSERT_FALSE(none.headers.empty());
  EXPECT_EQ(none.headers[0].first, "WWW-Authenticate");
  EXPECT_EQ(api.handle(req("POST", path, "", "Basic s3cret")).status, 401);
  const auto wrong = api.handle(req("POST", path, "", "Bearer s3cres"));
  EXPECT_EQ(wrong.status, 403);
  EXPECT_EQ(wrong.body.find("s3cret"), std::string::npos);
  EXPECT_EQ(api.handle(req("POST", path, "", "Bearer s3cret2")).status, 403);
  EXPECT_EQ(api.handle(req("DELETE", "/api/v1/feeds/okx/subscriptions", R"({"symbols":["X"]})")).status, 401);
  EXPECT_TRUE(t.reconnects.empty());
  EXPECT_TRUE(t.changes.empty());
  EXPECT_EQ(api.handle(req("POST", path, "", "Bearer s3cret")).status, 202);
  EXPECT_EQ(t.reconnects.size(), 1u);
  // Reading needs no token.
  EXPECT_EQ(api.handle(req("GET", "/api/v1/network/connections")).status, 200);
}

TEST(ControlApi, TheDashboardIsOnePageThatFetchesOnlyFromTheDaemon) {
  fake_target t;
  control_api api(t, "s3cret");
  const auto page = api.handle(req("GET", "/"));
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("<title>steadyfeed</title>"), std::string::npos);
  EXPECT_NE(page.body.find("/api/v1/network/connections"), std::string::npos);
  EXPECT_EQ(page.body.find("http://"), std::string::npos);  // nothing from elsewhere
  EXPECT_EQ(page.body.find("https://"), std::string::npos);
  bool csp = false;
  for (const auto& [name, value] : page.headers)
    if (name == "Content-Security-Policy") csp = value.find("connect-src 'self'") != std::string::npos;
  EXPECT_TRUE(csp);
  EXPECT_EQ(api.handle(req("POST", "/")).status, 405);
}

TEST(ControlApi, ReloadAppliesOrListsEveryProblem) {
  fake_target t;
  control_api api(t, "s3cret");
  EXPECT_EQ(api.handle(req("GET", "/api/v1/config/reload")).status, 405);
  EXPECT_EQ(api.handle(req("POST", "/api/v1/config/reload")).status, 401);
  EXPECT_EQ(t.reloads, 0);
  const auto applied = api.handle(req("POST", "/api/v1/config/reload", "", "Bearer s3cret"));
  EXPECT_EQ(applied.status, 200);
  EXPECT_EQ(body_of(applied).at("changes").as_array().at(0).as_string(), "feed okx: +trades ETH-USDT");
  t.next_reload = {false, {"c.yaml:3: feeds[0].venue: unknown venue 'nyse'", "c.yaml:9: workers: expected 1 to 256"}, {}, false};
  const auto refused = api.handle(req("POST", "/api/v1/config/reload", "", "Bearer s3cret"));
  EXPECT_EQ(refused.status, 422);
  EXPECT_NE(error_of(refused).find("refused"), std::string::npos);
  const auto v = body_of(refused);
  ASSERT_EQ(v.at("problems").as_array().size(), 2u);
  EXPECT_EQ(v.at("problems").as_array().at(1).as_string(), "c.yaml:9: workers: expected 1 to 256");
  EXPECT_EQ(t.reloads, 2);
  // Applied, but a step failed: the daemon's trouble.
  t.next_reload = {true, {"feed okx: removed"}, {"feed b: not added: no room"}, true};
  const auto partly = api.handle(req("POST", "/api/v1/config/reload", "", "Bearer s3cret"));
  EXPECT_EQ(partly.status, 500);
  EXPECT_NE(error_of(partly).find("in part"), std::string::npos);
  EXPECT_EQ(body_of(partly).at("not_applied").as_array().at(0).as_string(), "feed b: not added: no room");
  // Applied, with a setting that waits for a restart.
  t.next_reload = {true, {}, {"workers: 1 → 2 (takes a restart of the daemon)"}, false};
  EXPECT_EQ(api.handle(req("POST", "/api/v1/config/reload", "", "Bearer s3cret")).status, 200);
}

TEST(ControlApi, EventsFilteredByConnectionSeverityAndSince) {
  fake_target t;
  control_api api(t, "");
  auto events = [&](const std::string& q) {
    const auto r = api.handle(req("GET", "/api/v1/events" + q));
    EXPECT_EQ(r.status, 200) << q << " " << r.body;
    std::vector<std::string> kinds;
    const auto body = body_of(r);
    for (const auto& e : body.at("events").as_array()) kinds.emplace_back(e.at("kind").as_string());
    return kinds;
  };
  EXPECT_EQ(events(""), (std::vector<std::string>{"connected", "heartbeat_timeout", "reconnect_failed"}));
  EXPECT_EQ(events("?connection=okx/0"), (std::vector<std::string>{"heartbeat_timeout"}));
  EXPECT_EQ(events("?connection=okx%2F0"), (std::vector<std::string>{"heartbeat_timeout"}));
  EXPECT_EQ(events("?severity=warning"), (std::vector<std::string>{"heartbeat_timeout", "reconnect_failed"}));
  EXPECT_EQ(events("?since=2023-11-14T22:13:20.5Z"), (std::vector<std::string>{"heartbeat_timeout", "reconnect_failed"}));
  EXPECT_EQ(events("?since=1700000000600000"), (std::vector<std::string>{"reconnect_failed"}));
  EXPECT_EQ(events("?limit=1"), (std::vector<std::string>{"reconnect_failed"}));

  for (const char* q : {"?severity=loud", "?since=yesterday", "?since=2023-13-01T00:00:00Z", "?limit=0",
                        "?limit=x", "?level=info"})
    EXPECT_EQ(api.handle(req("GET", std::string("/api/v1/events") + q)).status, 400) << q;
  EXPECT_EQ(api.handle(req("GET", "/api/v1/events?connection=nope/0")).status, 404);
}

TEST(ControlApi, HealthReadinessAndUnknownPaths) {
  fake_target t;
  control_api api(t, "");
  EXPECT_EQ(api.handle(req("GET", "/healthz")).status, 200);
  const auto waiting = api.handle(req("GET", "/readyz"));
  EXPECT_EQ(waiting.status, 503);  // okx delivered nothing yet
  EXPECT_EQ(body_of(waiting).at("feeds_without_data").as_array().at(0).as_string(), "okx");
  t.feeds_[1].books = 1;
  EXPECT_EQ(api.handle(req("GET", "/readyz")).status, 200);
  EXPECT_EQ(api.handle(req("GET", "/nope")).status, 404);
  EXPECT_EQ(api.handle(req("GET", "/metrics")).status, 404);  // no metrics source given
  EXPECT_EQ(api.handle(req("POST", "/healthz")).status, 405);
  EXPECT_EQ(api.handle(req("HEAD", "/healthz")).status, 405);  // answers carry bodies: GET only
  t.feeds_.clear();
  EXPECT_EQ(api.handle(req("GET", "/readyz")).status, 503);  // nothing recording yet is not ready
  EXPECT_EQ(api.handle(req("GET", "/api/v1/feeds/okx/other")).status, 404);
}

TEST(ControlApi, AlertsAreServedFilteredByLevelTypeAndSubject) {
  fake_target t;
  alert_manager alerts({}, system_clock_source::instance());
  event lost;
  lost.kind = event_kind::disconnected;
  lost.level = severity::warning;
  lost.time = 1'700'000'000'000'000;
  lost.reason = "reset by peer";
  alerts.on_event("okx/0", lost);
  event attempt = lost;
  attempt.kind = event_kind::reconnect_attempt;
  attempt.time += 1000;
  alerts.on_event("okx/0", attempt);
  control_api api(t, "", {}, &alerts);
  auto kinds = [&](const std::string& q) {
    const auto r = api.handle(req("GET", "/api/v1/alerts" + q));
    EXPECT_EQ(r.status, 200) << q << " " << r.body;
    const auto body = body_of(r);
    std::vector<std::string> out;
    for (const auto& a : body.at("alerts").as_array()) out.emplace_back(a.at("type").as_string());
    return out;
  };
  EXPECT_EQ(kinds(""), (std::vector<std::string>{"connection_lost", "reconnect_attempt"}));
  EXPECT_EQ(kinds("?level=warning"), std::vector<std::string>{"connection_lost"});
  EXPECT_EQ(kinds("?type=reconnect_attempt"), std::vector<std::string>{"reconnect_attempt"});
  EXPECT_EQ(kinds("?subject=okx/1"), std::vector<std::string>{});
  EXPECT_EQ(kinds("?limit=1"), std::vector<std::string>{"reconnect_attempt"});
  for (const char* q : {"?level=loud", "?type=nope", "?limit=0", "?since=x", "?who=me"})
    EXPECT_EQ(api.handle(req("GET", std::string("/api/v1/alerts") + q)).status, 400) << q;
  EXPECT_EQ(api.handle(req("POST", "/api/v1/alerts")).status, 405);
  // Without an alert manager there is no such endpoint.
  control_api bare(t, "");
  EXPECT_EQ(bare.handle(req("GET", "/api/v1/alerts")).status, 404);
}

TEST(ControlApi, MetricsComeFromTheirSource) {
  fake_target t;
  control_api api(t, "", [] { return std::string("x_total 1\n"); });
  const auto r = api.handle(req("GET", "/metrics"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "x_total 1\n");
  EXPECT_EQ(r.content_type.rfind("text/plain", 0), 0u);
}

}  // namespace
}  // namespace sf::daemon
