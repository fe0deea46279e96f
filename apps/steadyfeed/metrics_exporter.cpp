#include "metrics_exporter.hpp"

#include <prometheus/metric_family.h>
#include <prometheus/text_serializer.h>

#include <algorithm>
#include <sstream>

namespace sf::daemon {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

void latency_histogram::observe(duration d) noexcept {
  const double s = std::chrono::duration<double>(d).count();
  const auto at = std::lower_bound(bounds.begin(), bounds.end(), s) - bounds.begin();
  counts_[static_cast<std::size_t>(at)].fetch_add(1, std::memory_order_relaxed);
  sum_ns_.fetch_add(std::chrono::duration_cast<std::chrono::nanoseconds>(d).count(), std::memory_order_relaxed);
}

latency_histogram::totals latency_histogram::read() const noexcept {
  totals t;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    t.counts[i] = counts_[i].load(std::memory_order_relaxed);
    t.count += t.counts[i];
  }
  t.sum_seconds = static_cast<double>(sum_ns_.load(std::memory_order_relaxed)) / 1e9;
  return t;
}

namespace {

using labels = std::vector<ClientMetric::Label>;

MetricFamily family(std::string name, std::string help, MetricType type) {
  MetricFamily f;
  f.name = std::move(name);
  f.help = std::move(help);
  f.type = type;
  return f;
}

void add_counter(MetricFamily& f, labels l, double value) {
  ClientMetric m;
  m.label = std::move(l);
  m.counter.value = value;
  f.metric.push_back(std::move(m));
}

void add_gauge(MetricFamily& f, labels l, double value) {
  ClientMetric m;
  m.label = std::move(l);
  m.gauge.value = value;
  f.metric.push_back(std::move(m));
}

void add_histogram(MetricFamily& f, labels l, const latency_histogram& h) {
  const auto t = h.read();
  ClientMetric m;
  m.label = std::move(l);
  m.histogram.sample_count = t.count;
  m.histogram.sample_sum = t.sum_seconds;
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < latency_histogram::bounds.size(); ++i) {
    cumulative += t.counts[i];
    m.histogram.bucket.push_back({cumulative, latency_histogram::bounds[i]});
  }
  m.histogram.bucket.push_back({t.count, std::numeric_limits<double>::infinity()});
  f.metric.push_back(std::move(m));
}

labels connection_labels(const feed_stats& f, const supervisor_stats& c) {
  return {{"connection", c.name}, {"feed", f.id}, {"venue", f.venue}};
}

constexpr connection_state all_states[] = {connection_state::disconnected, connection_state::connecting,
                                           connection_state::connected,    connection_state::reconnecting,
                                           connection_state::unstable,     connection_state::failed};

}  // namespace

metrics_exporter::metrics_exporter(const control_target& target, const clock& clock, metrics_options options)
    : target_(target), clock_(clock), options_(options) {}

metrics_exporter::~metrics_exporter() = default;

latency_histogram& metrics_exporter::add_venue(std::string_view venue) {
  std::lock_guard lock(venues_mutex_);
  auto it = venues_.find(venue);
  if (it == venues_.end()) it = venues_.emplace(std::string(venue), std::make_unique<latency_histogram>()).first;
  return *it->second;
}

void metrics_exporter::on_record(latency_histogram& h, const record_view& r) noexcept {
  const wall_us exchange = r.trade ? r.trade->ts_exchange : r.book ? r.book->ts_exchange : 0;
  if (exchange == 0 || r.received == 0) return;
  // A venue clock ahead of ours gives a negative latency: counted as zero.
  h.observe(microseconds{std::max<wall_us>(0, r.received - exchange)});
}

void metrics_exporter::on_event(std::string_view connection, const event& e) {
  if (e.kind != event_kind::reconnect_success) return;
  std::lock_guard lock(reconnects_mutex_);
  auto it = reconnects_.find(connection);
  if (it == reconnects_.end())
    it = reconnects_.emplace(std::string(connection), std::make_unique<latency_histogram>()).first;
  it->second->observe(e.latency);
}

std::vector<MetricFamily> metrics_exporter::collect() const {
  const auto feeds = target_.feeds();
  const auto sinks = target_.sinks();
  const wall_us now = clock_.wall_now();

  auto attempts = family("network_reconnect_attempts_total", "Reconnect attempts", MetricType::Counter);
  auto successes = family("network_reconnect_success_total", "Reconnects that came back live", MetricType::Counter);
  auto failures = family("network_reconnect_failures_total", "Reconnect attempts that failed", MetricType::Counter);
  auto uptime = family("network_connection_uptime_seconds", "Time since the connection last became live (0 while down)",
                       MetricType::Gauge);
  auto last_reconnect = family("network_last_reconnect_timestamp",
                               "When the connection last reconnected, seconds since the epoch (0: never)",
                               MetricType::Gauge);
  auto reconnect_latency = family("network_reconnect_latency_seconds",
                                  "From losing the connection to being live again", MetricType::Histogram);
  auto messages = family("steadyfeed_messages_total", "Data messages delivered by the connection", MetricType::Counter);
  auto records = family("steadyfeed_records_total", "Records handed to the sinks", MetricType::Counter);
  auto gaps = family("steadyfeed_gaps_total", "Gap records: ranges that could not be recovered", MetricType::Counter);
  auto backfilled = family("steadyfeed_backfilled_total", "Trades fetched from the venue's history to fill holes",
                           MetricType::Counter);
  auto duplicates = family("steadyfeed_duplicates_dropped_total",
                           "Messages seen twice (redundant connections, rotation overlap) and dropped",
                           MetricType::Counter);
  auto rotations = family("steadyfeed_rotations_total", "Planned make-before-break rotations", MetricType::Counter);
  auto resyncs = family("steadyfeed_book_resyncs_total", "Order books rebuilt from a snapshot", MetricType::Counter);
  auto state = family("steadyfeed_connection_state", "1 for the connection's current state, 0 for the others",
                      MetricType::Gauge);
  auto quality = family("steadyfeed_quality_score", "Connection quality, 0 to 100", MetricType::Gauge);
  auto queue_depth = family("steadyfeed_sink_queue_depth", "Records waiting for the sinks", MetricType::Gauge);
  auto sink_errors = family("steadyfeed_sink_errors_total", "Sink calls that failed", MetricType::Counter);
  auto dropped = family("steadyfeed_records_dropped_total",
                        "Records that could not reach the sinks or be written, each covered by a gap record", MetricType::Counter);
  auto sink_records = family("steadyfeed_sink_records_total", "Records a sink accepted", MetricType::Counter);
  auto sink_pending = family("steadyfeed_sink_pending_records",
                             "Records a sink holds, by where: memory (not yet sent), in_flight (sent, not yet "
                             "acknowledged), spool (on local disk)",
                             MetricType::Gauge);
  auto sink_spool_bytes = family("steadyfeed_sink_spool_bytes", "Bytes a sink keeps in its spool on local disk",
                                 MetricType::Gauge);
  auto sink_acks = family("steadyfeed_sink_acks_total", "Acknowledgements a sink received", MetricType::Counter);
  auto sink_duplicates = family("steadyfeed_sink_duplicates_total",
                                "Records acknowledged as already stored (sent by another collector, or sent again)",
                                MetricType::Counter);
  auto exchange_latency = family("steadyfeed_exchange_latency_seconds",
                                 "From the exchange's timestamp to receipt", MetricType::Histogram);

  for (const auto& f : feeds) {
    std::uint64_t connection_duplicates = 0;
    for (const auto& c : f.connections) {
      const auto l = connection_labels(f, c);
      add_counter(attempts, l, static_cast<double>(c.counters.reconnect_attempts));
      add_counter(successes, l, static_cast<double>(c.counters.reconnect_successes));
      add_counter(failures, l, static_cast<double>(c.counters.reconnect_failures));
      add_gauge(uptime, l, c.connected_since ? static_cast<double>(std::max<wall_us>(0, now - c.connected_since)) / 1e6 : 0);
      add_gauge(last_reconnect, l, static_cast<double>(c.last_reconnect) / 1e6);
      add_counter(messages, l, static_cast<double>(c.counters.messages));
      add_counter(rotations, l, static_cast<double>(c.counters.rotations));
      add_gauge(quality, l, c.quality.score);
      for (const auto s : all_states) {
        auto sl = l;
        sl.push_back({"state", std::string(to_string(s))});
        add_gauge(state, std::move(sl), c.state == s ? 1 : 0);
      }
      connection_duplicates += c.counters.duplicates_dropped;
    }
    const labels fl{{"feed", f.id}, {"venue", f.venue}};
    add_counter(backfilled, fl, static_cast<double>(f.backfilled));
    add_counter(resyncs, fl, static_cast<double>(f.resyncs));
    add_counter(duplicates, fl, static_cast<double>(f.duplicates_dropped + connection_duplicates));
    // Per channel (and per symbol when asked): streams of one key summed.
    std::map<labels, std::pair<std::uint64_t, std::uint64_t>> per_stream;
    for (const auto& s : f.streams) {
      auto l = fl;
      l.push_back({"channel", s.channel});
      if (options_.symbol_label) l.push_back({"symbol", s.symbol});
      auto& [r, g] = per_stream[l];
      r += s.records;
      g += s.gaps;
    }
    for (const auto& [l, counts] : per_stream) {
      add_counter(records, l, static_cast<double>(counts.first));
      add_counter(gaps, l, static_cast<double>(counts.second));
    }
  }
  {
    std::lock_guard lock(reconnects_mutex_);
    for (const auto& f : feeds)
      for (const auto& c : f.connections)
        if (const auto it = reconnects_.find(c.name); it != reconnects_.end())
          add_histogram(reconnect_latency, connection_labels(f, c), *it->second);
  }
  {
    std::lock_guard lock(venues_mutex_);
    for (const auto& [venue, h] : venues_) add_histogram(exchange_latency, {{"venue", venue}}, *h);
  }
  add_gauge(queue_depth, {}, static_cast<double>(sinks.queue_depth));
  for (const auto& s : sinks.each) {
    const labels l{{"sink", s.name}};
    add_counter(sink_errors, l, static_cast<double>(s.errors));
    add_counter(sink_records, l, static_cast<double>(s.stats.records));
    add_gauge(sink_pending, {{"sink", s.name}, {"where", "memory"}}, static_cast<double>(s.stats.queued));
    add_gauge(sink_pending, {{"sink", s.name}, {"where", "in_flight"}}, static_cast<double>(s.stats.in_flight));
    add_gauge(sink_pending, {{"sink", s.name}, {"where", "spool"}}, static_cast<double>(s.stats.spool_records));
    add_gauge(sink_spool_bytes, l, static_cast<double>(s.stats.spool_bytes));
    add_counter(sink_acks, l, static_cast<double>(s.stats.acks));
    add_counter(sink_duplicates, l, static_cast<double>(s.stats.duplicates));
  }
  add_counter(dropped, {}, static_cast<double>(sinks.dropped));

  std::vector<MetricFamily> out;
  for (auto* f : {&attempts, &successes, &failures, &uptime, &last_reconnect, &reconnect_latency, &messages, &records,
                  &gaps, &backfilled, &duplicates, &rotations, &resyncs, &state, &quality, &queue_depth,
                  &sink_errors, &dropped, &sink_records, &sink_pending, &sink_spool_bytes, &sink_acks,
                  &sink_duplicates, &exchange_latency})
    out.push_back(std::move(*f));
  return out;
}

std::string metrics_exporter::scrape() const {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, collect());
  return out.str();
}

}  // namespace sf::daemon
