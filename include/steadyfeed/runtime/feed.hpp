// One configured feed, self-healing: the runtime's unit of work and what a
// C++ user embeds to get a venue's records without the daemon.
//
//   feed ──┬─ shard 0: connection_driver × redundancy ─┐
//          ├─ shard 1: connection_driver × redundancy ─┼─▶ market_pipeline ─▶ on_record
//          └─ …                                        │        └─ REST (http_client): backfill, snapshots
//
// For a venue, symbols and channels the feed builds the topics, spreads them
// over as many connections as the venue's topics-per-connection limit needs
// (topic_shards), opens `redundancy` supervised connections per shard, and
// feeds every connection's messages into one market_pipeline, whose arbiters
// and books keep each record once and in order. The pipeline's REST requests
// go through the feed's http_client; its resubscribe requests go to the
// connections carrying the topic. Records leave through `on_record`, already
// deduplicated, ordered and gap-checked; a feed has no sink of its own (the
// engine gives it one).
//
// Threading: a feed lives on the thread that runs its executor's io_context;
// its callbacks run there. start(), stop(), subscribe(), unsubscribe() and
// reconnect() may be called from any thread: they post to that thread.
// stats() and is_healthy() may be called from any thread: they read copies
// the connections publish, and counters kept in atomics.
// Lifetime: the clock and the io_context must outlive the feed. Destroy the
// feed while its io_context is not running, or on its thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "steadyfeed/core/clock.hpp"
#include "steadyfeed/core/connection_state.hpp"
#include "steadyfeed/core/event.hpp"
#include "steadyfeed/core/record.hpp"
#include "steadyfeed/feed/connect_limiter.hpp"
#include "steadyfeed/feed/rest_limiter.hpp"
#include "steadyfeed/feed/supervisor.hpp"
#include "steadyfeed/feed/supervisor_config.hpp"

namespace sf {

struct feed_config {
  std::string id;                     // names the feed's connections: "<id>/<n>"
  std::string venue;                  // one of known_venues()
  // Respelt in the venue's own spelling where unambiguous (btcusdt →
  // BTCUSDT, BTCUSDT → BTC-USDT on OKX); refused where not.
  std::vector<std::string> symbols;
  std::vector<std::string> channels;  // "trades", "book"
  // Live connections per shard, 1 to 8. Their planned rotations are spread
  // over the rotation period (lifetime − rotation_margin), one phase each, so
  // that at most one of them rotates at a time.
  int redundancy = 1;
  std::string ws_url;                 // empty: the venue's production endpoint
  std::string rest_url;
  supervisor_config supervisor;       // every connection's settings; name is set per connection
  // The most connections the feed may open (shards × redundancy); topics
  // that would need more are refused at construction or subscribe().
  std::size_t max_connections = 64;
  std::string ca_file;                // extra trust for wss:// and https:// (tests, private venues)
  // The venue's REST request limits as this host has them (a venue that
  // granted more, a simulator); unset: the documented ones
  // (venue_limits::rest_limits), shared with every feed of the venue at the
  // same host. A feed with its own limits paces by them alone.
  std::optional<std::vector<rest_limit>> rest_limits;
  // The same for the venue's connection attempts per its window
  // (venue_limits::connects_per_window); 0: unlimited.
  std::optional<int> connects_per_window;
  friend bool operator==(const feed_config&, const feed_config&) = default;
};

// One stream's counts: (channel, symbol) of this feed.
struct stream_stats {
  std::string channel;
  std::string symbol;
  std::uint64_t records = 0;  // trade or book records handed out
  std::uint64_t gaps = 0;     // gap records handed out
  wall_us last_received = 0;  // receive time of the last record, 0 before any
};

struct feed_stats {
  std::string id;
  std::string venue;
  bool healthy = false;
  std::vector<supervisor_stats> connections;  // in connection order: shard-major, then redundancy
  std::vector<stream_stats> streams;
  std::uint64_t trades = 0, books = 0, gaps = 0;
  std::uint64_t rest_requests = 0, rest_failures = 0, resyncs = 0, duplicates_dropped = 0;
  std::uint64_t backfilled = 0;  // trades taken from the venue's history to fill holes
  std::uint64_t book_holes_bridged = 0;  // a book's missing updates came from another connection in time
};

class feed {
 public:
  struct callbacks {
    // Every record, in order per stream, each once.
    std::function<void(const record_view&)> on_record;
    // A connection changed state; `connection` is its name ("<feed id>/<n>").
    std::function<void(std::string_view connection, connection_state from, connection_state to,
                       std::string_view reason)>
        on_state_change;
    // Every journal event of every connection.
    std::function<void(std::string_view connection, const event&)> on_event;
  };

  // Throws std::invalid_argument naming the feed and the problem when the
  // feed cannot be built: unknown venue, no symbols or channels, a symbol
  // the venue cannot spell, an unknown channel, a redundancy out of range, or
  // more topics than max_connections can carry.
  //
  // `limiter` and `rest_limits` are the venue's connection-attempt and REST
  // limits, shared with every other feed of the venue on this host; null:
  // the feed's own.
  feed(boost::asio::io_context::executor_type executor, feed_config config, const clock& clock,
       std::shared_ptr<connect_limiter> limiter = nullptr, std::shared_ptr<rest_limiter> rest_limits = nullptr);
  ~feed();
  feed(const feed&) = delete;
  feed& operator=(const feed&) = delete;

  // Before start().
  void set_callbacks(callbacks cb);
  // After a restart: the recording already holds `symbol`'s trades up to
  // `last_id`; the ones after it are fetched from history. Before start().
  // False when the feed has no trades for `symbol`.
  bool resume_trades(std::string_view symbol, std::uint64_t last_id);

  void start();
  // Closes every connection. Records already handed out stay handed out; no
  // callback runs once the feed's thread has run the stop.
  void stop();

  // Adds streams at run time: only the new topics are sent, onto connections
  // with room, opening a new shard (with its redundant connections) when
  // every connection is full. Throws std::invalid_argument, and changes
  // nothing, when a channel is unknown or the new topics would need more
  // than max_connections.
  void subscribe(std::vector<std::string> symbols, std::vector<std::string> channels);
  // Removes streams at run time: the topics are unsubscribed on the
  // connections that carry them, and their arbiters and books are dropped.
  void unsubscribe(std::vector<std::string> symbols, std::vector<std::string> channels);
  // Drops connection `index` (its number in stats().connections) and
  // reconnects it at once; false when there is no such connection.
  bool reconnect(std::size_t index, std::string reason);

  const std::string& id() const noexcept;
  const std::string& venue() const noexcept;
  // The connection-attempt limit this feed's connections draw from (an
  // engine gives every feed of one venue at one host the same one).
  const std::shared_ptr<connect_limiter>& limiter() const noexcept;
  const std::shared_ptr<rest_limiter>& rest_limits() const noexcept;
  feed_stats stats() const;
  // True while every shard has at least one live connection: every stream
  // the feed carries can flow. A trading loop pauses while it is false.
  bool is_healthy() const noexcept;

 private:
  struct state;
  std::shared_ptr<state> state_;
};

}  // namespace sf
