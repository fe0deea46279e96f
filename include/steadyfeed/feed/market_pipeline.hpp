// One feed's path from delivered messages to output records: per symbol, a
// trade arbiter and a book keeper, and the REST traffic they need.
//
//   supervisors (1..N per shard) ──message{records}──▶ market_pipeline
//        ├─ trades ─▶ trade_arbiter(symbol) ─▶ trade / gap records
//        │                 └─ backfill ─▶ fetch(venue REST history) ─▶ pages back in
//        └─ books  ─▶ book_sync(symbol)     ─▶ book / gap records
//                          └─ resync ─▶ fetch(REST snapshot) or resubscribe(topic)
//
// Every connection of the feed (rotation overlap, redundancy) feeds the same
// arbiters and books, which is what makes one connection's loss invisible.
// When no connection of the feed is live, the books are dropped: the next
// snapshot rebuilds them, so no level survives from before an outage.
//
// Sans-I/O: REST requests leave through `fetch` with an id and come back
// through on_rest_reply / on_rest_failed; the caller arms a timer at
// next_deadline(). Records leave as records, one call each: how they are
// written (NDJSON lines, record_json.hpp) is the sink's business, so a sink
// that writes elsewhere, or nowhere, pays nothing for formatting.
//
// Thread safety: none; the pipeline lives on its feed's thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "steadyfeed/book/book_sync.hpp"
#include "steadyfeed/core/clock.hpp"
#include "steadyfeed/feed/message.hpp"
#include "steadyfeed/feed/trade_arbiter.hpp"
#include "steadyfeed/venue/venue_adapter.hpp"

namespace sf {

struct market_pipeline_config {
  trade_arbiter_config arbiter;
  book_sync_config book;
  duration snapshot_retry = seconds{1};  // after a failed REST snapshot
};

struct market_pipeline_stats {
  std::uint64_t trades = 0, books = 0, gaps = 0;
  std::uint64_t rest_requests = 0, rest_failures = 0;
  std::uint64_t duplicates_dropped = 0;  // by the arbiters
  std::uint64_t backfilled = 0;          // trades the arbiters took from the venue's history
  std::uint64_t resyncs = 0;
  std::uint64_t book_holes_bridged = 0;  // book holes another connection's copies filled in time
};

class market_pipeline {
 public:
  struct callbacks {
    // Per (channel, symbol) in order, each once. A record, and what its views
    // point to, is valid for the call only; its symbol is the feed's.
    std::function<void(const trade_record&)> trade;
    std::function<void(const book_record&)> book;
    std::function<void(const gap_record&)> gap;  // gap.channel names the stream
    // Fetch `request` from the venue's REST base URL; answer with the same id.
    std::function<void(std::uint64_t id, const rest_request& request)> fetch;
    // Unsubscribe and subscribe `topic` again (venues that snapshot on subscribe).
    std::function<void(std::string_view topic)> resubscribe;
    // A book was dropped and is being resynced (chain break, checksum
    // mismatch, crossed book), and why. Optional.
    std::function<void(std::string_view symbol, std::string_view reason)> resynced;
  };

  // `rest` parses REST replies and builds requests; it is not used for frames.
  market_pipeline(std::unique_ptr<venue_adapter> rest, std::vector<std::string> symbols,
                  std::vector<channel> channels, market_pipeline_config config = {});

  void set_callbacks(callbacks cb) { cb_ = std::move(cb); }

  // Starts or stops keeping one stream at run time (a live subscription
  // change). Adding a stream that is kept, or removing one that is not, does
  // nothing. A removed stream's arbiter or book is dropped with its pending
  // REST requests; added again, it starts afresh.
  void add_stream(std::string_view symbol, channel ch);
  void remove_stream(std::string_view symbol, channel ch);

  // After a restart: `symbol`'s recording already holds trades up to
  // `last_id` (see trade_arbiter::resume_after). Before the first message.
  // Returns false when the pipeline has no trades for `symbol`.
  bool resume_trades(std::string_view symbol, std::uint64_t last_id);

  // A message delivered by any supervisor of this feed.
  void on_message(const message& m, time_point now);
  // How many of the feed's connections are live; at zero the books are dropped.
  void on_live_connections(std::size_t live);
  // The fetch `id` waits for its turn under the venue's REST limits (called
  // from the fetch callback, or later): a trade backfill's reply timeout
  // does not run while it waits. on_rest_sent when it goes.
  void on_rest_waiting(std::uint64_t id);
  void on_rest_sent(std::uint64_t id, time_point now);
  // Whether fetch `id` still wants its reply (false once its stream went).
  bool awaits(std::uint64_t id) const noexcept { return pending_.contains(id); }
  // `retry_after`: the reply's or the failure's Retry-After, if any.
  void on_rest_reply(std::uint64_t id, int http_status, std::string_view body, time_point now, wall_us wall,
                     duration retry_after = duration{0});
  void on_rest_failed(std::uint64_t id, std::string_view why, time_point now, wall_us wall,
                      duration retry_after = duration{0});
  void on_timer(time_point now, wall_us wall);
  // At a stop: what the arbiters hold goes out (holes as gap records), so
  // nothing is dropped with the process. REST replies after it are ignored.
  void close(wall_us wall);
  time_point next_deadline() const;

  const market_pipeline_stats& stats() const noexcept { return stats_; }
  const book_sync* book(std::string_view symbol) const;
  const trade_arbiter* arbiter(std::string_view symbol) const;
  std::string_view venue() const noexcept { return venue_; }

 private:
  struct symbol_state {
    std::string symbol;
    std::unique_ptr<trade_arbiter> trades;
    std::unique_ptr<book_sync> book;
    time_point snapshot_retry_at = never;
    std::uint64_t duplicates_counted = 0;  // of the arbiter's, in stats_ already
    std::uint64_t backfilled_counted = 0;  // likewise
    std::vector<arbiter_output> spare;      // the arbiter's outputs' storage, reused
    time_point deadline = never;            // as of the last next_deadline()
    time_point next_deadline() const;       // its arbiter's, its book's, its snapshot retry's
  };
  struct pending_fetch {
    enum class kind : std::uint8_t { backfill, snapshot } what;
    symbol_state* state;
    rest_request request;
  };

  symbol_state* find(std::string_view symbol);
  // Counts a record and hands it to its callback.
  void pass_on(const trade_record& t);
  void pass_on(const gap_record& g);
  void drain_arbiter(symbol_state& s);
  void fail_fetch(pending_fetch& p, std::string_view why, time_point now, wall_us wall, duration retry_after);
  void fetch(pending_fetch::kind what, symbol_state& s, rest_request request);
  void note_deadline(symbol_state& s);

  std::string venue_;
  std::unique_ptr<venue_adapter> rest_;
  market_pipeline_config config_;
  callbacks cb_;
  std::map<std::string, std::unique_ptr<symbol_state>, std::less<>> symbols_;
  symbol_state* last_ = nullptr;  // find()'s last answer: frames come in runs per symbol
  std::map<std::uint64_t, pending_fetch> pending_;
  std::uint64_t next_fetch_id_ = 1;
  std::size_t live_connections_ = 0;
  // next_deadline() is asked after every message: it walks the symbols only
  // when one of their deadlines may have moved.
  mutable bool deadlines_dirty_ = true;
  mutable time_point next_deadline_ = never;
  record_batch rest_batch_;
  market_pipeline_stats stats_;
};

}  // namespace sf
