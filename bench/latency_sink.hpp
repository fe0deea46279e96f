// A sink that times every record it is handed: from the record's receive
// time (sink_record::received, the ts_recv the library stamps when the socket
// read that brought the frame completed) to the start of this sink's
// write(). It writes nothing; it counts trades and checks that their ids
// follow each other, so a figure from a run that lost or repeated a record
// can be refused.
//
// The receive time is whole microseconds of the system clock (truncated);
// write() reads the same clock in nanoseconds. Each sample therefore
// overstates the interval by less than 1 µs (0.5 µs on average).
//
// Thread safety: write() from one thread (the feed's, or the engine's
// router); `recording` may be switched from any; read the rest after the
// writer has stopped.
#pragma once

#include <atomic>
#include <charconv>
#include <chrono>
#include <memory>
#include <string>

#include "latency_histogram.hpp"
#include "steadyfeed/sink/sink.hpp"

namespace sf::bench {

class latency_sink final : public sink {
 public:
  std::string_view name() const noexcept override { return "latency"; }
  std::string describe() const override { return "latency probe"; }

  std::error_code write(const sink_record& r) override {
    const auto now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    if (r.kind != record_kind::trade) {
      ++others;
      return {};
    }
    std::uint64_t id = 0;
    std::from_chars(r.id.data(), r.id.data() + r.id.size(), id);
    if (trades.fetch_add(1, std::memory_order_relaxed) != 0 && id != last_id + 1) ++out_of_order;
    last_id = id;
    if (recording.load(std::memory_order_relaxed)) {
      histogram->add(now_ns - r.received * 1000);
      ++recorded;
    }
    return {};
  }
  std::error_code tick(time_point) override { return {}; }
  std::error_code flush() override { return {}; }
  std::error_code close() override { return {}; }
  sink_stats stats() const override { return {trades.load() + others, 0, 0}; }

  std::atomic<bool> recording{false};
  std::unique_ptr<latency_histogram> histogram = std::make_unique<latency_histogram>();
  std::atomic<std::uint64_t> trades{0};  // read by the thread that waits for a count
  std::uint64_t others = 0, recorded = 0, out_of_order = 0, last_id = 0;
};

}  // namespace sf::bench
