// Runs one configured feed: its connections, its pipeline, its REST client.
//
// For a feed (venue, symbols, channels, redundancy) the runner builds the
// topics, splits them into shards under the venue's topics-per-connection
// limit, and opens `redundancy` supervised connections per shard, all feeding
// one market_pipeline (so any connection can carry any record, and the
// arbiters keep each once). REST requests from the pipeline go through an
// http_client; output lines go to the record_queue for the sink thread.
//
// Threading: everything runs on the given executor's thread (one io_context
// per feed thread, design §2); stop() may be called from any thread.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "config.hpp"
#include "steadyfeed/core/clock.hpp"
#include "steadyfeed/feed/connect_limiter.hpp"
#include "steadyfeed/feed/supervisor.hpp"
#include "steadyfeed/sink/record_queue.hpp"

namespace sf::daemon {

struct feed_status {
  std::string feed;
  std::string venue;
  std::vector<supervisor_stats> connections;
  std::uint64_t trades = 0, books = 0, gaps = 0, rest_failures = 0;
};

class feed_runner {
 public:
  // Throws std::invalid_argument naming the problem when the feed cannot be
  // built (unknown venue, a symbol the venue's topic scheme rejects).
  // `on_event` (optional) receives every connection event, on the feed's
  // thread, with the connection's name.
  using event_sink = std::function<void(std::string_view connection, const event&)>;
  feed_runner(boost::asio::io_context::executor_type executor, const feed_config& feed, const supervisor_config& supervision,
              record_queue& out, const clock& clock, std::shared_ptr<connect_limiter> limiter,
              std::string ca_file = {}, event_sink on_event = {});
  ~feed_runner();
  feed_runner(const feed_runner&) = delete;
  feed_runner& operator=(const feed_runner&) = delete;

  // After a restart: the recording already holds `symbol`'s trades up to
  // `last_id`; the ones after it are fetched from history. Before start().
  bool resume_trades(std::string_view symbol, std::uint64_t last_id);

  void start();
  // Closes every connection; the pipeline's last records are already queued.
  void stop();

  // Readable from any thread.
  feed_status status() const;
  bool healthy() const;

 private:
  struct state;
  std::shared_ptr<state> state_;
};

}  // namespace sf::daemon
