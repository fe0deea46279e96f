#include "sim/depth_window.hpp"

namespace sf::sim {

namespace {

duration window_end_after(duration t, duration length) { return (t / length + 1) * length; }

}  // namespace

void depth_window::roll(duration t, const market_stream& s, const sink& out) {
  if (end_.count() == 0) end_ = window_end_after(t, length_);
  if (t < end_) return;
  closed c;
  c.end = end_;
  if (has_updates_) {
    pending_.ts = s.wall_at(end_);  // E: the moment the window is pushed
    pending_.bids.clear();
    pending_.asks.clear();
    for (const auto& [p, q] : bids_) pending_.bids.push_back({p, q});
    for (const auto& [p, q] : asks_) pending_.asks.push_back({p, q});
    c.merged = std::move(pending_);
    pending_ = {};
    bids_.clear();
    asks_.clear();
    has_updates_ = false;
  }
  out(c);
  c.merged.reset();
  // Windows in which nothing changed: one report, for the latest.
  const duration next_end = window_end_after(t, length_);
  if (next_end - length_ > end_) {
    c.end = next_end - length_;
    out(c);
  }
  end_ = next_end;
}

void depth_window::add(duration t, const book_update& u) {
  if (end_.count() == 0) end_ = window_end_after(t, length_);
  if (!has_updates_) {
    pending_.first_seq = u.first_seq;
    pending_.prev_seq = u.prev_seq;
    has_updates_ = true;
  }
  pending_.last_seq = u.last_seq;
  for (const auto& l : u.bids) bids_.insert_or_assign(l.price, l.qty);
  for (const auto& l : u.asks) asks_.insert_or_assign(l.price, l.qty);
}

}  // namespace sf::sim
