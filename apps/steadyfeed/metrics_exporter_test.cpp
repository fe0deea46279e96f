#include "metrics_exporter.hpp"

#include <gtest/gtest.h>
#include <prometheus/metric_family.h>

#include <map>

namespace sf::daemon {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;

class one_feed : public control_target {
 public:
  explicit one_feed(wall_us now) {
    feed_stats f;
    f.id = "okx";
    f.venue = "okx";
    f.backfilled = 4;
    f.duplicates_dropped = 2;
    f.streams.push_back({"trades", "BTC-USDT", 10, 1, 0});
    f.streams.push_back({"trades", "ETH-USDT", 5, 0, 0});
    f.streams.push_back({"book", "BTC-USDT", 7, 0, 0});
    supervisor_stats c;
    c.name = "okx/0";
    c.state = connection_state::reconnecting;
    c.counters.reconnect_attempts = 3;
    c.counters.duplicates_dropped = 5;
    c.last_reconnect = now - 2'000'000;
    f.connections.push_back(c);
    c.name = "okx/1";
    c.state = connection_state::connected;
    c.connected_since = now - 90'000'000;  // 90 s ago
    f.connections.push_back(c);
    feeds_ = {f};
  }
  std::vector<feed_stats> feeds() const override { return feeds_; }
  sink_status sinks() const override {
    sink_status s;
    s.queue_depth = 12;
    s.dropped = 3;
    s.each.push_back({"files", 100, 2, {}});
    sink_stats nats;
    nats.records = 50;
    nats.queued = 3;
    nats.in_flight = 4;
    nats.acks = 40;
    nats.duplicates = 5;
    nats.spool_records = 6;
    nats.spool_bytes = 700;
    s.each.push_back({"nats", 50, 0, nats});
    return s;
  }
  bool reconnect(std::string_view, std::size_t, std::string) override { return false; }
  bool subscribe(std::string_view, std::vector<std::string>, std::vector<std::string>) override { return false; }
  bool unsubscribe(std::string_view, std::vector<std::string>, std::vector<std::string>) override { return false; }
  reload_result reload() override { return {}; }

 private:
  std::vector<feed_stats> feeds_;
};

const MetricFamily& family(const std::vector<MetricFamily>& all, const std::string& name) {
  for (const auto& f : all)
    if (f.name == name) return f;
  throw std::runtime_error("no family " + name);
}

std::string label(const ClientMetric& m, const std::string& name) {
  for (const auto& l : m.label)
    if (l.name == name) return l.value;
  return "";
}

TEST(MetricsExporter, CountersComeFromTheSnapshotsWithTheirLabels) {
  manual_clock clock;
  one_feed target(clock.wall_now());
  metrics_exporter exporter(target, clock);
  const auto all = exporter.collect();

  const auto& attempts = family(all, "network_reconnect_attempts_total");
  ASSERT_EQ(attempts.metric.size(), 2u);
  EXPECT_EQ(attempts.metric[0].counter.value, 3);
  EXPECT_EQ(label(attempts.metric[0], "connection"), "okx/0");
  EXPECT_EQ(label(attempts.metric[0], "feed"), "okx");
  EXPECT_EQ(label(attempts.metric[0], "venue"), "okx");

  // Uptime in seconds, 0 while down; the last reconnect in seconds since the epoch.
  const auto& uptime = family(all, "network_connection_uptime_seconds");
  EXPECT_EQ(uptime.metric[0].gauge.value, 0);
  EXPECT_DOUBLE_EQ(uptime.metric[1].gauge.value, 90.0);
  EXPECT_DOUBLE_EQ(family(all, "network_last_reconnect_timestamp").metric[0].gauge.value,
                   static_cast<double>(clock.wall_now() - 2'000'000) / 1e6);

  // The state gauge is one-hot over all six states.
  const auto& state = family(all, "steadyfeed_connection_state");
  std::map<std::string, double> okx0;
  for (const auto& m : state.metric)
    if (label(m, "connection") == "okx/0") okx0[label(m, "state")] = m.gauge.value;
  EXPECT_EQ(okx0.size(), 6u);
  EXPECT_EQ(okx0["reconnecting"], 1);
  EXPECT_EQ(okx0["connected"], 0);

  // Streams are summed per channel: no symbol label by default.
  const auto& records = family(all, "steadyfeed_records_total");
  std::map<std::string, double> per_channel;
  for (const auto& m : records.metric) {
    EXPECT_EQ(label(m, "symbol"), "");
    per_channel[label(m, "channel")] = m.counter.value;
  }
  EXPECT_EQ(per_channel["trades"], 15);
  EXPECT_EQ(per_channel["book"], 7);
  EXPECT_EQ(family(all, "steadyfeed_gaps_total").metric.size(), 2u);
  EXPECT_EQ(family(all, "steadyfeed_duplicates_dropped_total").metric[0].counter.value, 2 + 5 + 5);
  EXPECT_EQ(family(all, "steadyfeed_backfilled_total").metric[0].counter.value, 4);
  EXPECT_EQ(family(all, "steadyfeed_sink_queue_depth").metric[0].gauge.value, 12);
  EXPECT_EQ(family(all, "steadyfeed_sink_errors_total").metric[0].counter.value, 2);
  EXPECT_EQ(label(family(all, "steadyfeed_sink_errors_total").metric[0], "sink"), "files");
  // A sink's own figures, by sink (nats is the second).
  EXPECT_EQ(family(all, "steadyfeed_sink_records_total").metric[1].counter.value, 50);
  EXPECT_EQ(family(all, "steadyfeed_sink_acks_total").metric[1].counter.value, 40);
  EXPECT_EQ(family(all, "steadyfeed_sink_duplicates_total").metric[1].counter.value, 5);
  EXPECT_EQ(family(all, "steadyfeed_sink_spool_bytes").metric[1].gauge.value, 700);
  std::map<std::string, double> pending;
  for (const auto& m : family(all, "steadyfeed_sink_pending_records").metric)
    if (label(m, "sink") == "nats") pending[label(m, "where")] = m.gauge.value;
  EXPECT_EQ(pending, (std::map<std::string, double>{{"in_flight", 4}, {"memory", 3}, {"spool", 6}}));
  EXPECT_EQ(family(all, "steadyfeed_records_dropped_total").metric[0].counter.value, 3);
}

TEST(MetricsExporter, TheSymbolLabelIsASwitch) {
  manual_clock clock;
  one_feed target(clock.wall_now());
  metrics_exporter exporter(target, clock, {.symbol_label = true});
  const auto all = exporter.collect();
  const auto& records = family(all, "steadyfeed_records_total");
  ASSERT_EQ(records.metric.size(), 3u);
  for (const auto& m : records.metric) EXPECT_NE(label(m, "symbol"), "");
}

TEST(MetricsExporter, LatencyHistogramsBucketInSeconds) {
  manual_clock clock;
  one_feed target(clock.wall_now());
  metrics_exporter exporter(target, clock);
  auto& okx = exporter.add_venue("okx");
  trade_record t;
  t.ts_exchange = 1'000'000;
  record_view r;
  r.trade = &t;
  r.received = 1'003'000;  // 3 ms
  metrics_exporter::on_record(okx, r);
  r.received = 999'000;  // a venue clock ahead of ours: counted as 0
  metrics_exporter::on_record(okx, r);
  event back;
  back.kind = event_kind::reconnect_success;
  back.latency = milliseconds{1500};
  exporter.on_event("okx/0", back);
  back.kind = event_kind::reconnect_attempt;  // not a latency
  exporter.on_event("okx/0", back);

  const auto all = exporter.collect();
  const auto& h = family(all, "steadyfeed_exchange_latency_seconds").metric.at(0).histogram;
  EXPECT_EQ(h.sample_count, 2u);
  EXPECT_DOUBLE_EQ(h.sample_sum, 0.003);
  std::map<double, std::uint64_t> cumulative;
  for (const auto& b : h.bucket) cumulative[b.upper_bound] = b.cumulative_count;
  EXPECT_EQ(cumulative[0.0005], 1u);  // the zero
  EXPECT_EQ(cumulative[0.0025], 1u);
  EXPECT_EQ(cumulative[0.005], 2u);
  EXPECT_EQ(cumulative[std::numeric_limits<double>::infinity()], 2u);

  const auto& reconnect = family(all, "network_reconnect_latency_seconds");
  ASSERT_EQ(reconnect.metric.size(), 1u);
  EXPECT_EQ(label(reconnect.metric[0], "connection"), "okx/0");
  EXPECT_EQ(reconnect.metric[0].histogram.sample_count, 1u);
  EXPECT_DOUBLE_EQ(reconnect.metric[0].histogram.sample_sum, 1.5);
}

}  // namespace
}  // namespace sf::daemon
