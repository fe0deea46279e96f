// The runtime's composition root: worker threads that run feeds, and a sink
// router that carries their records to every sink.
//
//   worker 0: io_context ── feeds ── record_outlet ─▶ record_queue ─┐
//   worker 1: io_context ── feeds ── record_outlet ─▶ record_queue ─┼─▶ sink router ─▶ sinks
//   …                                                               ┘   (its own thread)
//
// Each worker is one thread running one io_context; a feed is pinned to one
// worker for its life, so its connections, parsers, arbiters and books never
// need a lock. Every worker has its own bounded single-producer queue (no
// contention between workers), and the router drains all of them into every
// sink in turn. A full queue blocks a worker for at most `queue_wait`; then
// what cannot be queued becomes an explicit gap record (record_outlet), so a
// stalled disk never stalls the connections' heartbeats and never loses data
// silently.
//
// A sink error is counted, kept as the sink's last error (with the sink's
// description) and reported through on_sink_error; the router goes on with
// the next record.
//
// Threading: add_sink(), add_feed(), remove_feed(), start() and stop() from
// one controlling thread at a time; stats(), feeds() and find_feed() from any
// thread. Callbacks given
// with a feed run on its worker's thread; on_sink_error on the router's.
// Lifetime: the clock must outlive the engine; stop() (also run by the
// destructor) stops the feeds, drains every queue into the sinks and closes
// them.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "steadyfeed/core/clock.hpp"
#include "steadyfeed/runtime/feed.hpp"
#include "steadyfeed/sink/sink.hpp"

namespace sf {

struct engine_config {
  std::size_t workers = 0;  // 0: one per core
  std::size_t queue_bytes = std::size_t{64} << 20;  // per worker
  // How long a worker may wait for room in its queue before the record
  // becomes a gap: short enough that pings and pongs keep flowing.
  std::chrono::milliseconds queue_wait{100};
  // After a pass that found lines, how long the router lets more gather
  // before its next pass: it spares the workers a wake-up per record, and
  // adds up to this much to a record's way to the sinks. 0: the router
  // passes again at once. Either way it sleeps while every queue is empty,
  // until a worker's push wakes it.
  std::chrono::microseconds gather{1000};
  // How long stop() lets connections close and queues drain.
  std::chrono::milliseconds stop_timeout{1000};
};

struct sink_report {
  std::string name;
  std::string description;
  sink_stats stats;
  std::uint64_t errors = 0;
  std::string last_error;  // "" when none yet
};

struct engine_stats {
  std::vector<sink_report> sinks;
  std::size_t workers = 0;
  std::size_t queue_depth = 0;   // lines queued over all workers
  std::uint64_t records = 0;     // lines the router handed to the sinks
  std::uint64_t lost = 0;        // records that could not be queued (covered by gap records)
  std::uint64_t loss_gaps = 0;   // gap records queued for them
  std::size_t gaps_owed = 0;     // gap records not yet queued
};

class engine {
 public:
  explicit engine(engine_config config = {}, const clock& clock = system_clock_source::instance());
  ~engine();
  engine(const engine&) = delete;
  engine& operator=(const engine&) = delete;

  // Before start().
  void add_sink(std::unique_ptr<sink> s);
  // Builds the feed on the least loaded worker (by topics) and returns it.
  // Feeds of one venue at one host share that venue's connection-attempt
  // limit (Binance: 300 per 5 minutes per IP), however many there are.
  // Throws std::invalid_argument as feed's constructor does, or when the id
  // is already taken. `cb.on_record`, when set, sees every record before the
  // sinks do. A feed added after start() starts at once.
  // `before_start`, when set, runs on the new feed before it starts (at
  // start(), or at once after start()): the place for resume_trades().
  feed& add_feed(feed_config config, feed::callbacks cb = {}, std::function<void(feed&)> before_start = {});
  // Stops feed `id` and takes it out: its connections close, the trades it
  // holds for a backfill go out (their holes as gap records), and it ends on
  // its worker's thread. The id is free again at once. False when there is
  // no such feed.
  bool remove_feed(std::string_view id);
  void on_sink_error(std::function<void(const sink_report&, const std::string& error)> f);

  void start();
  void stop();

  std::size_t workers() const noexcept;
  std::vector<feed_stats> feeds() const;
  // Shared: a caller may still hold a feed that remove_feed took out, and
  // its calls then do nothing harmful (the feed is stopped).
  std::shared_ptr<feed> find_feed(std::string_view id) noexcept;
  engine_stats stats() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace sf
