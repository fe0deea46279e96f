#include "alert_manager.hpp"

#include <gtest/gtest.h>

#include "steadyfeed/core/clock.hpp"

namespace sf::daemon {
namespace {

constexpr wall_us t0 = 1'700'000'000'000'000;

event ev(event_kind kind, severity level, wall_us time, std::string reason = "why", int attempt = 0) {
  event e;
  e.kind = kind;
  e.level = level;
  e.time = time;
  e.reason = std::move(reason);
  e.attempt = attempt;
  return e;
}

struct recorded {
  alert_manager alerts;
  std::vector<alert> logged, hooked;
  explicit recorded(alert_settings s = {}) : alerts(s, system_clock_source::instance()) {
    alerts.add_channel(alert_level::info, [this](const alert& a) { logged.push_back(a); });
    alerts.add_channel(alert_level::warning, [this](const alert& a) { hooked.push_back(a); });
  }
};

TEST(AlertManager, EachEventBecomesItsTypedAlert) {
  recorded r;
  r.alerts.on_event("okx/0", ev(event_kind::reconnect_attempt, severity::notice, t0));
  r.alerts.on_event("okx/0", ev(event_kind::reconnect_success, severity::info, t0 + 1));
  r.alerts.on_event("okx/0", ev(event_kind::retries_exhausted, severity::critical, t0 + 2));
  r.alerts.on_event("okx/0", ev(event_kind::disconnected, severity::warning, t0 + 3, "reset by peer"));
  r.alerts.on_event("okx/0", ev(event_kind::disconnected, severity::notice, t0 + 4, "rotation"));  // planned
  r.alerts.on_event("okx/0", ev(event_kind::stream_stale, severity::warning, t0 + 5));
  r.alerts.on_event("sink files", ev(event_kind::error, severity::warning, t0 + 6, "No space left on device"));
  r.alerts.on_event("okx/0", ev(event_kind::rotation_completed, severity::info, t0 + 7));  // no alert
  r.alerts.on_event("okx/1", ev(event_kind::error, severity::warning, t0 + 7, "bad frame"));  // no alert
  r.alerts.on_event("okx/1", ev(event_kind::error, severity::critical, t0 + 7, "auth rejected"));
  gap_record g{"okx", "trades", "BTC-USDT", "100", "120", "history unavailable", t0 + 8};
  r.alerts.on_gap(g);
  std::vector<std::pair<alert_type, alert_level>> got;
  for (const auto& a : r.logged) got.emplace_back(a.type, a.level);
  const std::vector<std::pair<alert_type, alert_level>> want{
      {alert_type::reconnect_attempt, alert_level::info},     {alert_type::reconnect_success, alert_level::info},
      {alert_type::max_retries_exceeded, alert_level::critical}, {alert_type::connection_lost, alert_level::warning},
      {alert_type::feed_stale, alert_level::warning},          {alert_type::sink_error, alert_level::critical},
      {alert_type::connection_failed, alert_level::critical},  {alert_type::gap_unrecovered, alert_level::warning}};
  EXPECT_EQ(got, want);
  EXPECT_EQ(r.logged.back().subject, "okx trades BTC-USDT");
  EXPECT_EQ(r.logged.back().message, "100 to 120 not recovered: history unavailable");
  EXPECT_EQ(r.logged[5].subject, "sink files");
  // Channels see their levels and above.
  EXPECT_EQ(r.hooked.size(), 6u);
  EXPECT_EQ(r.alerts.raised(), 8u);
}

TEST(AlertManager, ReconnectFailuresWarnFromTheThreshold) {
  alert_settings s;
  s.alert_threshold = 3;
  recorded r(s);
  for (int attempt = 1; attempt <= 4; ++attempt)
    r.alerts.on_event("okx/0", ev(event_kind::reconnect_failed, severity::warning, t0 + attempt, "refused", attempt));
  // Attempts 1 and 2 are info (the second suppressed as a repeat), 3 the
  // first warning, 4 a repeat of it.
  ASSERT_EQ(r.logged.size(), 2u);
  EXPECT_EQ(r.logged[0].level, alert_level::info);
  EXPECT_EQ(r.logged[1].level, alert_level::warning);
  EXPECT_EQ(r.logged[1].message, "attempt 3 failed: refused");
  EXPECT_EQ(r.hooked.size(), 1u);
}

TEST(AlertManager, RepeatsWithinTheWindowAreCountedAndToldWithTheNextOne) {
  alert_settings s;
  s.suppress = seconds{60};
  recorded r(s);
  const auto lost = [&](wall_us t, const char* who = "okx/0") {
    r.alerts.on_event(who, ev(event_kind::disconnected, severity::warning, t, "reset"));
  };
  lost(t0);
  for (int i = 1; i <= 5; ++i) lost(t0 + i * 1'000'000);  // within the minute
  lost(t0 + 2'000'000, "okx/1");                            // another subject is its own
  ASSERT_EQ(r.logged.size(), 2u);
  lost(t0 + 61'000'000);
  ASSERT_EQ(r.logged.size(), 3u);
  EXPECT_EQ(r.logged[2].suppressed, 5u);
  EXPECT_EQ(r.logged[2].id, 3u);
}

TEST(AlertManager, HistoryIsBoundedAndFiltered) {
  alert_settings s;
  s.history = 3;
  s.suppress = duration{0};
  recorded r(s);
  for (int i = 0; i < 5; ++i)
    r.alerts.on_event("okx/" + std::to_string(i), ev(event_kind::disconnected, severity::warning, t0 + i));
  r.alerts.on_event("okx/9", ev(event_kind::reconnect_attempt, severity::notice, t0 + 9));
  auto all = r.alerts.history({});
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all.front().subject, "okx/3");
  alert_filter f;
  f.least = alert_level::warning;
  EXPECT_EQ(r.alerts.history(f).size(), 2u);
  f = {};
  f.type = alert_type::reconnect_attempt;
  EXPECT_EQ(r.alerts.history(f).size(), 1u);
  f = {};
  f.subject = "okx/4";
  EXPECT_EQ(r.alerts.history(f).size(), 1u);
  f = {};
  f.since = t0 + 5;
  EXPECT_EQ(r.alerts.history(f).size(), 1u);
  f = {};
  f.limit = 1;
  ASSERT_EQ(r.alerts.history(f).size(), 1u);
  EXPECT_EQ(r.alerts.history(f)[0].subject, "okx/9");  // the newest
}

TEST(AlertManager, AlertsAreJsonWithTheirNames) {
  alert a;
  a.id = 7;
  a.time = t0;
  a.type = alert_type::max_retries_exceeded;
  a.level = alert_level::critical;
  a.subject = "okx/0";
  a.message = "10 attempts; last: \"refused\"";
  EXPECT_EQ(to_json(a),
            R"({"id":7,"time":"2023-11-14T22:13:20.000Z","time_us":1700000000000000,"type":"max_retries_exceeded",)"
            R"("level":"critical","subject":"okx/0","message":"10 attempts; last: \"refused\"","suppressed":0})");
  for (const auto t : {alert_type::reconnect_attempt, alert_type::sink_error, alert_type::feed_stale})
    EXPECT_EQ(parse_alert_type(to_string(t)), t);
  EXPECT_FALSE(parse_alert_level("loud"));
}

}  // namespace
}  // namespace sf::daemon
