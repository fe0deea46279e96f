#include "steadyfeed/book/book_sync.hpp"

#include <fmt/format.h>

namespace sf {

book_record book_sync::owned_update::view() const {
  book_record r = meta;
  r.bids = bids;
  r.asks = asks;
  return r;
}

book_sync::book_sync(std::string venue, std::string symbol, book_continuity continuity, book_sync_config config)
    : venue_(std::move(venue)), symbol_(std::move(symbol)), continuity_(continuity), config_(std::move(config)) {}

void book_sync::request_resync(std::string_view reason) {
  if (awaiting_) return;
  awaiting_ = true;
  ++stats_.resyncs;
  if (cb_.on_resync)
    cb_.on_resync(continuity_ == book_continuity::update_id_range ? resync_kind::rest_snapshot : resync_kind::resubscribe,
                  reason);
}

void book_sync::break_chain(std::uint64_t from, std::uint64_t to, std::string reason, wall_us wall) {
  if (cb_.on_gap) {
    gap_record g;
    g.venue = venue_;
    g.channel = "book";
    g.symbol = symbol_;
    g.from = std::to_string(from);
    g.to = std::to_string(to);
    g.reason = reason + "; book resynced from a new snapshot";
    g.ts_recv = wall;
    cb_.on_gap(g);
  }
  book_.clear();
  synced_ = false;
  stats_.synced = false;
  request_resync(reason);
}

bool book_sync::recently_applied(std::uint64_t prev, std::uint64_t seq) const noexcept {
  for (const auto& [p, q] : applied_)
    if (p == prev && q == seq) return true;
  return false;
}

void book_sync::apply_and_emit(const book_record& r) {
  applied_[applied_next_++ % applied_.size()] = {r.has_prev_seq ? r.prev_seq : ~std::uint64_t{0}, r.seq};
  book_.apply(r);
  book_id_ = r.seq;
  stats_.seq = r.seq;
  if (r.snapshot) {
    ++stats_.snapshots;
    synced_ = true;
    stats_.synced = true;
    awaiting_ = false;
  } else {
    ++stats_.updates_applied;
  }
  if (cb_.on_record) cb_.on_record(r);
}

// After applying: the book must not cross, and a venue checksum must match.
bool book_sync::verify(const book_record& r) {
  if (config_.checksum && r.has_checksum && r.checksum != 0) {
    const std::int64_t mine = config_.checksum(book_);
    if (mine != r.checksum) {
      ++stats_.checksum_failures;
      const std::uint64_t at = r.seq;
      book_.clear();
      synced_ = false;
      stats_.synced = false;
      request_resync(fmt::format("checksum mismatch at seq {} (venue {}, book {})", at, r.checksum, mine));
      return false;
    }
  }
  if (config_.check_crossed && book_.crossed()) {
    const auto bid = book_.best_bid()->price.to_string(), ask = book_.best_ask()->price.to_string();
    book_.clear();
    synced_ = false;
    stats_.synced = false;
    request_resync(fmt::format("crossed book at seq {}: bid {} >= ask {}", r.seq, bid, ask));
    return false;
  }
  return true;
}

bool book_sync::hold(std::uint64_t key, const book_record& r, wall_us wall, time_point now) {
  if (config_.gap_wait.count() <= 0) return false;
  if (held_.size() >= config_.max_buffered && !held_.contains(key)) {
    // No room to wait: the hole is reported now, from its start.
    give_up_hole(wall, now);
    return false;
  }
  if (held_.empty()) hole_deadline_ = now + config_.gap_wait;
  held_.try_emplace(key, owned_update{r, {r.bids.begin(), r.bids.end()}, {r.asks.begin(), r.asks.end()}});
  return true;
}

void book_sync::apply_held() {
  bool bridged = false;
  while (!held_.empty() && synced_) {
    auto it = held_.begin();
    if (continuity_ == book_continuity::update_id_range) {
      if (it->first > book_id_ + 1) break;
      if (it->second.meta.seq <= book_id_) {  // covered already
        held_.erase(it);
        continue;
      }
    } else {
      it = held_.find(book_id_);
      if (it == held_.end()) break;
    }
    const owned_update u = std::move(it->second);
    held_.erase(it);
    bridged = true;
    const book_record r = u.view();
    apply_and_emit(r);
    if (!verify(r)) break;
  }
  if (bridged && held_.empty()) ++stats_.holes_bridged;
  if (!synced_) held_.clear();
}

void book_sync::drop_held_covered() {
  std::erase_if(held_, [&](const auto& kv) { return kv.second.meta.seq <= book_id_; });
}

void book_sync::on_timer(time_point now, wall_us wall) {
  if (held_.empty() || now < hole_deadline_) return;
  give_up_hole(wall, now);
}

void book_sync::give_up_hole(wall_us wall, time_point now) {
  std::map<std::uint64_t, owned_update> held;
  held.swap(held_);
  hole_deadline_ = never;
  if (!synced_) return;
  const std::uint64_t from = book_id_ + 1;
  if (continuity_ == book_continuity::update_id_range) {
    const std::uint64_t to = held.begin()->first - 1;
    break_chain(from, to, fmt::format("update ids {}..{} missing", from, to), wall);
    // The held diffs are what follows the new snapshot.
    for (auto& [first, u] : held) update_id_range_message(u.view(), wall, now);
  } else {
    const std::uint64_t to = held.begin()->first;
    break_chain(from, to, fmt::format("prevSeqId {} does not follow seqId {}", to, book_id_), wall);
  }
}

void book_sync::on_message(const book_record& r, wall_us wall, time_point now) {
  switch (continuity_) {
    case book_continuity::update_id_range:
      return update_id_range_message(r, wall, now);
    case book_continuity::prev_seq_chain:
      return prev_seq_chain_message(r, wall, now);
    case book_continuity::snapshots_only: {
      book_record snap = r;
      snap.snapshot = true;
      apply_and_emit(snap);
      verify(snap);
      return;
    }
  }
}

void book_sync::update_id_range_message(const book_record& r, wall_us wall, time_point now) {
  if (!synced_) {
    owned_update u{r, {r.bids.begin(), r.bids.end()}, {r.asks.begin(), r.asks.end()}};
    buffer_.push_back(std::move(u));
    if (buffer_.size() > config_.max_buffered) buffer_.pop_front();
    request_resync("no book yet");
    return;
  }
  if (r.seq <= book_id_) {
    ++stats_.stale_dropped;
    return;
  }
  if (r.first_seq > book_id_ + 1) {
    if (hold(r.first_seq, r, wall, now)) return;
    if (synced_) {  // else the hole was reported when the wait gave up
      const std::uint64_t from = book_id_ + 1, to = r.first_seq - 1;
      break_chain(from, to, fmt::format("update ids {}..{} missing", from, to), wall);
      buffer_.clear();
    }
    update_id_range_message(r, wall, now);  // buffered for the new snapshot
    return;
  }
  apply_and_emit(r);
  if (verify(r) && !held_.empty()) apply_held();
}

void book_sync::on_snapshot(const book_record& snapshot, wall_us wall, time_point now) {
  if (continuity_ != book_continuity::update_id_range || !awaiting_) return;  // late, or not ours
  // Too old: it ends before the first diff we hold begins. Ask again.
  if (!buffer_.empty() && snapshot.seq + 1 < buffer_.front().meta.first_seq) {
    awaiting_ = false;
    request_resync(fmt::format("snapshot {} older than the first buffered update {}", snapshot.seq,
                               buffer_.front().meta.first_seq));
    return;
  }
  book_record snap = snapshot;
  snap.snapshot = true;
  apply_and_emit(snap);
  if (!verify(snap)) return;
  std::deque<owned_update> pending;
  pending.swap(buffer_);
  for (const auto& u : pending) {
    if (!synced_) {
      buffer_.push_back(u);  // a break during replay: keep the rest for the next snapshot
      continue;
    }
    update_id_range_message(u.view(), wall, now);
  }
}

void book_sync::prev_seq_chain_message(const book_record& r, wall_us wall, time_point now) {
  if (r.snapshot) {
    // Another connection's snapshot (redundancy, a resubscribe) of a state
    // the book already passed: nothing new in it.
    if (synced_ && !awaiting_ && r.seq <= book_id_) {
      ++stats_.stale_dropped;
      return;
    }
    apply_and_emit(r);
    // Held updates the snapshot covers are history; the rest may continue it.
    if (verify(r) && !held_.empty()) {
      drop_held_covered();
      apply_held();
    }
    return;
  }
  if (!synced_) {
    ++stats_.stale_dropped;
    request_resync("update before any snapshot");
    return;
  }
  // Another connection's copy of an update the book already has (redundancy,
  // a rotation's overlap): the same (prevSeqId, seqId) pair was applied
  // recently, or, older than that, it lies behind the book. A message that
  // continues the book is never this: its prevSeqId matches, even across
  // the documented sequence reset.
  if (r.has_prev_seq && r.prev_seq != book_id_ &&
      (recently_applied(r.prev_seq, r.seq) || r.seq <= book_id_)) {
    ++stats_.stale_dropped;
    return;
  }
  if (!r.has_prev_seq || r.prev_seq != book_id_) {
    if (r.has_prev_seq && hold(r.prev_seq, r, wall, now)) return;
    if (!synced_) {  // the hole was reported when the wait gave up
      ++stats_.stale_dropped;
      return;
    }
    const std::uint64_t from = book_id_ + 1, to = r.has_prev_seq ? r.prev_seq : r.seq;
    break_chain(from, to,
                fmt::format("prevSeqId {} does not follow seqId {}", r.has_prev_seq ? r.prev_seq : 0,
                            book_id_),
                wall);
    return;
  }
  apply_and_emit(r);
  if (verify(r) && !held_.empty()) apply_held();
}

void book_sync::reset() {
  book_.clear();
  buffer_.clear();
  held_.clear();
  hole_deadline_ = never;
  synced_ = false;
  awaiting_ = false;
  stats_.synced = false;
}

}  // namespace sf
