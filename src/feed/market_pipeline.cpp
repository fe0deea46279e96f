#include "steadyfeed/feed/market_pipeline.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/same_text.hpp"

namespace sf {

market_pipeline::market_pipeline(std::unique_ptr<venue_adapter> rest, std::vector<std::string> symbols,
                                 std::vector<channel> channels, market_pipeline_config config)
    : venue_(rest->name()), rest_(std::move(rest)), config_(std::move(config)) {
  for (const auto& sym : symbols)
    for (const channel ch : channels) add_stream(sym, ch);
}

void market_pipeline::add_stream(std::string_view symbol, channel ch) {
  deadlines_dirty_ = true;
  symbol_state* s = find(symbol);
  if (!s) {
    auto fresh = std::make_unique<symbol_state>();
    fresh->symbol = std::string(symbol);
    s = fresh.get();
    symbols_.emplace(fresh->symbol, std::move(fresh));
  }
  if (ch == channel::trades && !s->trades) {
    s->trades = std::make_unique<trade_arbiter>(venue_, s->symbol, config_.arbiter);
    s->duplicates_counted = 0;
    s->backfilled_counted = 0;
  }
  if (ch == channel::book && !s->book) {
    const book_rules& rules = rest_->book_sync();
    book_sync_config bc = config_.book;
    if (!bc.checksum) bc.checksum = checksum_function(rules.checksum, rules.checksum_depth);
    s->book = std::make_unique<book_sync>(venue_, s->symbol, rules.continuity, std::move(bc));
    s->book->set_callbacks({
        [this, s](const book_record& r) {
          ++stats_.books;
          if (!cb_.book) return;
          book_record out = r;  // the REST snapshot's symbol view is the parser's
          out.symbol = s->symbol;
          cb_.book(out);
        },
        [this](const gap_record& g) { pass_on(g); },
        [this, s](resync_kind kind, std::string_view reason) {
          ++stats_.resyncs;
          if (cb_.resynced) cb_.resynced(s->symbol, reason);
          if (kind == resync_kind::rest_snapshot) {
            fetch(pending_fetch::kind::snapshot, *s, rest_->book_snapshot_request(s->symbol));
          } else if (cb_.resubscribe) {
            cb_.resubscribe(rest_->topic(channel::book, s->symbol));
          }
        },
    });
  }
}

void market_pipeline::remove_stream(std::string_view symbol, channel ch) {
  deadlines_dirty_ = true;
  symbol_state* s = find(symbol);
  if (!s) return;
  // The symbol's state stays (find()'s cache and REST replies may name it);
  // what served the channel goes, with the fetches it was waiting for.
  const auto kind = ch == channel::trades ? pending_fetch::kind::backfill : pending_fetch::kind::snapshot;
  std::erase_if(pending_, [&](const auto& p) { return p.second.state == s && p.second.what == kind; });
  if (ch == channel::trades) s->trades.reset();
  if (ch == channel::book) {
    s->book.reset();
    s->snapshot_retry_at = never;
  }
}

market_pipeline::symbol_state* market_pipeline::find(std::string_view symbol) {
  if (last_ && same_text(symbol, last_->symbol)) return last_;
  auto it = symbols_.find(symbol);
  if (it == symbols_.end()) return nullptr;
  last_ = it->second.get();
  return last_;
}

const book_sync* market_pipeline::book(std::string_view symbol) const {
  auto it = symbols_.find(symbol);
  return it == symbols_.end() ? nullptr : it->second->book.get();
}

const trade_arbiter* market_pipeline::arbiter(std::string_view symbol) const {
  auto it = symbols_.find(symbol);
  return it == symbols_.end() ? nullptr : it->second->trades.get();
}

void market_pipeline::pass_on(const trade_record& t) {
  ++stats_.trades;
  if (cb_.trade) cb_.trade(t);
}

void market_pipeline::pass_on(const gap_record& g) {
  ++stats_.gaps;
  if (cb_.gap) cb_.gap(g);
}

void market_pipeline::fetch(pending_fetch::kind what, symbol_state& s, rest_request request) {
  const std::uint64_t id = next_fetch_id_++;
  ++stats_.rest_requests;
  auto [it, inserted] = pending_.emplace(id, pending_fetch{what, &s, std::move(request)});
  if (cb_.fetch) cb_.fetch(id, it->second.request);
}

void market_pipeline::drain_arbiter(symbol_state& s) {
  // Borrowed, not referenced: a fetch may re-enter for this symbol.
  std::vector<arbiter_output> outputs;
  outputs.swap(s.spare);
  s.trades->take_outputs(outputs);
  for (auto& out : outputs) {
    if (auto* t = std::get_if<trade_record>(&out)) {
      pass_on(*t);
    } else if (auto* g = std::get_if<gap_record>(&out)) {
      pass_on(*g);
    } else if (auto* b = std::get_if<backfill_request>(&out)) {
      fetch(pending_fetch::kind::backfill, s, rest_->trade_backfill_request(s.symbol, b->from_id, b->to_id));
    }
  }
  // Only this symbol's arbiter has changed since its last drain: add its new
  // duplicates instead of summing every symbol's on every trade.
  const trade_arbiter_stats& counts = s.trades->stats();
  stats_.duplicates_dropped += counts.duplicates - s.duplicates_counted;
  s.duplicates_counted = counts.duplicates;
  stats_.backfilled += counts.backfilled - s.backfilled_counted;
  s.backfilled_counted = counts.backfilled;
  outputs.clear();
  s.spare.swap(outputs);
}

bool market_pipeline::resume_trades(std::string_view symbol, std::uint64_t last_id) {
  deadlines_dirty_ = true;
  symbol_state* s = find(symbol);
  if (!s || !s->trades) return false;
  s->trades->resume_after(last_id);
  return true;
}

void market_pipeline::on_message(const message& m, time_point now) {
  if (!m.records) return;
  // Parsers know what the venue sent; the receive time is the transport's.
  for (const auto& rec : m.records->trades) {
    symbol_state* s = find(rec.symbol);
    if (!s || !s->trades) continue;
    trade_record t = rec;
    t.ts_recv = m.received;
    if (s->trades->pass_next(t)) {
      pass_on(t);
      continue;
    }
    s->trades->on_trade(t, now, m.received);
    drain_arbiter(*s);
    note_deadline(*s);
  }
  for (const auto& rec : m.records->books) {
    symbol_state* s = find(rec.symbol);
    if (!s || !s->book) continue;
    book_record b = rec;
    b.ts_recv = m.received;
    const std::uint64_t bridged = s->book->stats().holes_bridged;
    s->book->on_message(b, m.received, now);
    stats_.book_holes_bridged += s->book->stats().holes_bridged - bridged;
    note_deadline(*s);
  }
}

void market_pipeline::on_live_connections(std::size_t live) {
  deadlines_dirty_ = true;
  if (live == 0 && live_connections_ > 0)
    for (auto& [name, s] : symbols_)
      if (s->book) s->book->reset();
  live_connections_ = live;
}

void market_pipeline::fail_fetch(pending_fetch& p, std::string_view why, time_point now, wall_us wall,
                                 duration retry_after) {
  deadlines_dirty_ = true;
  ++stats_.rest_failures;
  if (p.what == pending_fetch::kind::backfill) {
    p.state->trades->on_backfill_failed(why, now, wall, retry_after);
    drain_arbiter(*p.state);
  } else {
    p.state->snapshot_retry_at = now + std::max(config_.snapshot_retry, retry_after);
  }
}

void market_pipeline::on_rest_reply(std::uint64_t id, int http_status, std::string_view body, time_point now,
                                    wall_us wall, duration retry_after) {
  deadlines_dirty_ = true;
  auto it = pending_.find(id);
  if (it == pending_.end()) return;
  pending_fetch p = std::move(it->second);
  pending_.erase(it);
  if (http_status != 200)
    return fail_fetch(p, fmt::format("HTTP {} for {}", http_status, p.request.target), now, wall, retry_after);
  symbol_state& s = *p.state;
  if (p.what == pending_fetch::kind::snapshot) {
    const rest_status st = rest_->parse_book_snapshot(body, s.symbol, rest_batch_);
    if (!st.ok() || rest_batch_.books.empty())
      return fail_fetch(p, fmt::format("unreadable snapshot: {}", st.detail), now, wall, retry_after);
    book_record snap = rest_batch_.books.front();
    snap.ts_recv = wall;
    s.book->on_snapshot(snap, wall, now);
    note_deadline(s);
    return;
  }
  const rest_status st = rest_->parse_trades(body, s.symbol, rest_batch_);
  if (!st.ok()) return fail_fetch(p, fmt::format("unreadable history page: {}", st.detail), now, wall, retry_after);
  const auto hole = s.trades->open_hole();
  std::optional<rest_request> next;
  if (hole) next = rest_->next_trade_backfill_request(p.request, s.symbol, hole->from_id, hole->to_id, rest_batch_);
  s.trades->on_backfill(rest_batch_.trades, next.has_value(), now, wall);
  drain_arbiter(s);
  if (next && s.trades->backfilling()) fetch(pending_fetch::kind::backfill, s, std::move(*next));
}

void market_pipeline::on_rest_waiting(std::uint64_t id) {
  const auto it = pending_.find(id);
  if (it == pending_.end() || it->second.what != pending_fetch::kind::backfill || !it->second.state->trades) return;
  it->second.state->trades->on_backfill_waiting();
  deadlines_dirty_ = true;
}

void market_pipeline::on_rest_sent(std::uint64_t id, time_point now) {
  const auto it = pending_.find(id);
  if (it == pending_.end() || it->second.what != pending_fetch::kind::backfill || !it->second.state->trades) return;
  it->second.state->trades->on_backfill_sent(now);
  deadlines_dirty_ = true;
}

void market_pipeline::on_rest_failed(std::uint64_t id, std::string_view why, time_point now, wall_us wall,
                                     duration retry_after) {
  deadlines_dirty_ = true;
  auto it = pending_.find(id);
  if (it == pending_.end()) return;
  pending_fetch p = std::move(it->second);
  pending_.erase(it);
  fail_fetch(p, why, now, wall, retry_after);
}

void market_pipeline::on_timer(time_point now, wall_us wall) {
  deadlines_dirty_ = true;
  for (auto& [name, s] : symbols_) {
    if (s->trades && s->trades->next_deadline() <= now) {
      s->trades->on_timer(now, wall);
      drain_arbiter(*s);
    }
    if (s->book && s->book->next_deadline() <= now) s->book->on_timer(now, wall);
    if (s->snapshot_retry_at <= now) {
      s->snapshot_retry_at = never;
      if (s->book && s->book->awaiting_snapshot())
        fetch(pending_fetch::kind::snapshot, *s, rest_->book_snapshot_request(s->symbol));
    }
  }
}

time_point market_pipeline::symbol_state::next_deadline() const {
  time_point next = snapshot_retry_at;
  if (trades) next = std::min(next, trades->next_deadline());
  if (book) next = std::min(next, book->next_deadline());
  return next;
}

void market_pipeline::close(wall_us wall) {
  deadlines_dirty_ = true;
  pending_.clear();
  for (auto& [name, s] : symbols_) {
    if (!s->trades) continue;
    s->trades->close(wall);
    drain_arbiter(*s);
  }
}

void market_pipeline::note_deadline(symbol_state& s) {
  if (s.next_deadline() != s.deadline) deadlines_dirty_ = true;
}

time_point market_pipeline::next_deadline() const {
  if (!deadlines_dirty_) return next_deadline_;
  time_point next = never;
  for (const auto& [name, s] : symbols_) {
    s->deadline = s->next_deadline();
    next = std::min(next, s->deadline);
  }
  next_deadline_ = next;
  deadlines_dirty_ = false;
  return next;
}

}  // namespace sf
