// GET /metrics: the recording's counters in the Prometheus text format, under
// the fixed names of design §6.
//
// Most values are read at scrape time from the published snapshots
// (control_target), so a scrape costs the feeds nothing and a counter can
// never drift from what the API shows. Two things cannot be read afterwards
// and are observed as they happen: reconnect latencies (from reconnect_success
// events) and exchange-to-receive latencies (from every record, on the
// feeds' threads: a bucket search and relaxed atomic increments, no lock).
// The families are built as prometheus-cpp MetricFamily values and written by
// its TextSerializer; nothing here writes the exposition format by hand.
//
// Labels: connection, feed, venue, and channel where it applies. Symbols are
// not a label unless `symbol_label` is set: a thousand symbols would make a
// thousand series of every stream metric.
//
// Thread safety: on_event() and on_record() from any thread (the feeds');
// scrape() from the control plane's. Lifetime: the target and the clock must
// outlive the exporter; add_venue() before the venue's first record (from any thread).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "control_target.hpp"
#include "steadyfeed/core/clock.hpp"
#include "steadyfeed/core/event.hpp"
#include "steadyfeed/core/record.hpp"

namespace prometheus {
struct MetricFamily;
}

namespace sf::daemon {

struct metrics_options {
  bool symbol_label = false;
};

// Counts of observations per bucket, lock-free. Bounds in seconds.
class latency_histogram {
 public:
  static constexpr std::array<double, 14> bounds{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                  0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  void observe(duration d) noexcept;
  struct totals {
    std::array<std::uint64_t, bounds.size() + 1> counts{};  // last: above every bound
    std::uint64_t count = 0;
    double sum_seconds = 0;
  };
  totals read() const noexcept;

 private:
  std::array<std::atomic<std::uint64_t>, bounds.size() + 1> counts_{};
  std::atomic<std::int64_t> sum_ns_{0};
};

class metrics_exporter {
 public:
  metrics_exporter(const control_target& target, const clock& clock, metrics_options options = {});
  ~metrics_exporter();

  // Creates the venue's exchange-latency histogram; returns it for the feed's
  // on_record path.
  latency_histogram& add_venue(std::string_view venue);
  // Observes a record's exchange-to-receive latency in `h`.
  static void on_record(latency_histogram& h, const record_view& r) noexcept;
  // Reconnect latencies come from reconnect_success events.
  void on_event(std::string_view connection, const event& e);

  std::vector<prometheus::MetricFamily> collect() const;
  // The text exposition format.
  std::string scrape() const;

 private:
  const control_target& target_;
  const clock& clock_;
  metrics_options options_;
  // A reload may add a venue while a scrape reads them; the histograms
  // themselves stay where they are.
  mutable std::mutex venues_mutex_;
  std::map<std::string, std::unique_ptr<latency_histogram>, std::less<>> venues_;
  mutable std::mutex reconnects_mutex_;
  std::map<std::string, std::unique_ptr<latency_histogram>, std::less<>> reconnects_;  // by connection
};

}  // namespace sf::daemon
