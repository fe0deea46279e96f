// The trade arbiter for one (venue, symbol): every trade once, in id order,
// and every hole either filled or reported.
//
// Trades may arrive from several connections (a rotation's overlap, or
// `redundancy: N` permanently), late, twice, or not at all. The arbiter keeps
// a watermark — the last trade id emitted — and:
//   * drops trades at or below it (duplicates);
//   * emits the next id at once, then any held trades that now follow on;
//   * holds trades that skip ahead, for `hold_back`, because another
//     connection often delivers the missing ids within milliseconds;
//   * then asks for a backfill of the hole (the caller fetches it from the
//     venue's REST history by id, paging in whatever direction the venue
//     pages), accepts pages until the hole is closed, and
//   * when history cannot close it (timeouts, errors, an empty page, the hold
//     buffer full), emits a `gap` record naming the exact id range and why, and
//     moves on. Nothing is ever skipped silently.
// After a restart, resume_after() continues from what the recording already
// holds: the trades missed while the process was down are one more hole.
// Memory is bounded by `max_held`. Venues whose trade ids are not contiguous
// (Hyperliquid) run with `contiguous_ids = false`: duplicates are still
// dropped, but holes cannot be seen from ids.
//
// Sans-I/O: inputs carry `now`; outputs are drained with take_outputs(); the
// caller arms a timer at next_deadline().
//
// Thread safety: none; an arbiter lives on its connection's thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "steadyfeed/core/clock.hpp"
#include "steadyfeed/core/record.hpp"

namespace sf {

struct trade_arbiter_config {
  duration hold_back = milliseconds{250};
  std::size_t max_held = 100'000;
  duration backfill_timeout = seconds{10};
  // A failed backfill is retried with backoff (1 s, 2 s, 4 s ... up to
  // backfill_retry_max, or the venue's Retry-After when longer) for as long
  // as this; only then is the hole reported as a gap. A REST outage of a few
  // minutes (a 503 window, a 429 ban) costs nothing, since the venue's
  // history still holds every trade; live trades wait meanwhile, up to
  // max_held.
  duration backfill_retry_for = minutes{10};
  duration backfill_retry_max = seconds{30};
  bool contiguous_ids = true;
  // After a restart, at most this many missed trades (the newest) are fetched
  // from history; older ones are reported in one gap record. Days of downtime
  // would otherwise mean thousands of REST pages before live trades flow.
  std::uint64_t max_resume_backfill = 200'000;
};

// Fetch trades with ids from..to (inclusive) from the venue's history.
struct backfill_request {
  std::uint64_t from_id = 0;
  std::uint64_t to_id = 0;
};

using arbiter_output = std::variant<trade_record, gap_record, backfill_request>;

struct trade_arbiter_stats {
  std::uint64_t emitted = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t backfilled = 0;      // trades emitted from history
  std::uint64_t gaps = 0;            // gap records emitted
  std::uint64_t missing = 0;         // ids covered by gap records
  std::uint64_t holes_filled = 0;    // holes closed without a gap
  std::uint64_t resumes_dropped = 0; // resume points the live ids did not continue
  std::size_t held = 0;
  std::uint64_t last_id = 0;
};

class trade_arbiter {
 public:
  trade_arbiter(std::string venue, std::string symbol, trade_arbiter_config config = {});

  // Continues a recording after a restart: `last_id` is the last trade id it
  // holds (recorded or named by a gap record). Trades up to it are dropped as
  // duplicates; the ids between it and the first live trade are backfilled
  // like any hole. Call before the first trade. If the first live trade is at
  // or below `last_id`, the venue's ids did not continue from the recording
  // (a reset, or another market's files): the resume point is dropped and the
  // stream starts afresh from that trade.
  void resume_after(std::uint64_t last_id);

  void on_trade(const trade_record& trade, time_point now, wall_us wall);
  // The common case in one step: `trade` follows the last trade emitted, and
  // nothing is held, missing or waiting in the outputs. Then it is counted as
  // emitted, its symbol becomes the arbiter's, and the caller passes it on
  // itself instead of through the outputs. Otherwise returns false, changes
  // nothing, and the caller uses on_trade().
  bool pass_next(trade_record& trade) noexcept {
    if (resume_pending_ || !has_watermark_ || !held_.empty() || !out_.empty() || hole_since_ != never)
      return false;
    if (config_.contiguous_ids ? trade.first() != watermark_ + 1 : trade.id <= watermark_) return false;
    trade.symbol = symbol_;
    watermark_ = trade.id;
    ++stats_.emitted;
    stats_.last_id = watermark_;
    return true;
  }
  // A page of history for the outstanding request (possibly partial, possibly
  // with trades outside the hole, which are ignored). `more`: the caller is
  // fetching another page; otherwise whatever this page leaves open becomes a
  // gap record.
  void on_backfill(std::span<const trade_record> trades, bool more, time_point now, wall_us wall);
  // The hole still waiting to be filled (first and last missing id), if any.
  std::optional<backfill_request> open_hole() const noexcept;
  // `retry_after`: the venue's Retry-After, when it sent one.
  void on_backfill_failed(std::string_view why, time_point now, wall_us wall, duration retry_after = duration{0});
  void on_timer(time_point now, wall_us wall);
  // The recorder stops: nothing may wait any longer. Every hole still open
  // becomes a gap record and every held trade goes out, in order.
  void close(wall_us wall);

  time_point next_deadline() const noexcept;
  std::vector<arbiter_output> take_outputs();
  // The same into `into` (cleared first), which lends its capacity back: a
  // caller that keeps one vector allocates nothing per trade.
  void take_outputs(std::vector<arbiter_output>& into);
  const std::vector<arbiter_output>& outputs() const noexcept { return out_; }
  const trade_arbiter_stats& stats() const noexcept { return stats_; }
  bool backfilling() const noexcept { return in_flight_; }
  // The request asked for waits for its turn under the venue's REST limits:
  // no reply is due yet, so it cannot time out. `on_backfill_sent` when it
  // goes; the timeout runs from then. Without either, it runs from the
  // request.
  void on_backfill_waiting() noexcept;
  void on_backfill_sent(time_point now) noexcept;

 private:
  void emit(const trade_record& t, bool from_history);
  void drain();
  void give_up(std::string reason, wall_us wall);
  void emit_gap(std::uint64_t from, std::uint64_t to, std::string reason, wall_us wall);
  void check_resume_point(const trade_record& first, wall_us wall);
  void request_backfill(time_point now);
  bool has_hole() const noexcept;
  std::uint64_t hole_end() const noexcept;  // last missing id

  std::string venue_;
  std::string symbol_;
  trade_arbiter_config config_;
  std::uint64_t watermark_ = 0;
  bool has_watermark_ = false;
  bool resume_pending_ = false;  // resumed, and no live trade seen yet
  struct held_trade {
    trade_record trade;
    bool from_history = false;
  };
  std::map<std::uint64_t, held_trade> held_;  // by first id
  time_point hole_since_ = never;
  bool in_flight_ = false;
  time_point backfill_sent_ = never;  // never while in flight: waiting to be sent
  time_point retry_at_ = never;
  int attempts_ = 0;
  time_point failing_since_ = never;  // when the hole's first failed request went out
  std::vector<arbiter_output> out_;
  trade_arbiter_stats stats_;
};

}  // namespace sf
