#include "steadyfeed/runtime/record_outlet.hpp"

#include <fmt/format.h>

#include "steadyfeed/core/record_json.hpp"

namespace sf {

namespace {

void set_number(std::string& out, std::uint64_t n) {
  out.clear();
  fmt::format_to(std::back_inserter(out), "{}", n);
}

}  // namespace

void record_outlet::set_key(const record_view& r) {
  key_.assign(r.venue);
  key_.push_back('\0');
  key_.append(r.channel);
  key_.push_back('\0');
  key_.append(r.symbol);
}

std::chrono::milliseconds record_outlet::wait_now() const noexcept {
  return overflowing_ ? std::chrono::milliseconds{0} : max_wait_;
}

bool record_outlet::queue_line(record_kind kind, std::string_view venue, std::string_view channel,
                               std::string_view symbol, std::string_view id, wall_us received,
                               std::chrono::milliseconds wait) {
  if (!queue_.push(sink_record{kind, venue, channel, symbol, id, received, line_}, wait)) {
    overflowing_ = true;
    return false;
  }
  if (overflowing_ && queue_.used_bytes() <= queue_.capacity() / 2) overflowing_ = false;
  return true;
}

void record_outlet::push(const record_view& r) {
  switch (r.kind) {
    case record_kind::trade:
      set_number(id_, r.trade->id);
      if (r.trade->first() != r.trade->id) {
        set_number(last_id_, r.trade->id);
        set_number(id_, r.trade->first());
      } else {
        last_id_ = id_;
      }
      break;
    case record_kind::book:
      set_number(last_id_, r.book->seq);
      set_number(id_, r.book->first_seq != 0 && r.book->first_seq < r.book->seq ? r.book->first_seq : r.book->seq);
      break;
    case record_kind::gap:
      id_ = r.gap->from;
      last_id_ = r.gap->to;
      break;
  }
  if (!owed_.empty()) {
    set_key(r);
    if (auto it = owed_.find(key_); it != owed_.end() && !settle(it, wait_now())) return lose(r, id_, last_id_);
  }
  line_.clear();
  switch (r.kind) {
    case record_kind::trade: append_json(line_, r.venue, *r.trade); break;
    case record_kind::book: append_json(line_, r.venue, *r.book); break;
    case record_kind::gap: append_json(line_, *r.gap); break;
  }
  // The id queued with a record is its last one: a trade's id, a book
  // update's final sequence id; a gap's is its range.
  std::string_view id = last_id_;
  if (r.kind == record_kind::gap) {
    gap_id_ = r.gap->from + "-" + r.gap->to;
    id = gap_id_;
  }
  if (!queue_line(r.kind, r.venue, r.channel, r.symbol, id, r.received, wait_now())) lose(r, id_, last_id_);
}

void record_outlet::lose(const record_view& r, std::string_view first, std::string_view last) {
  lost_.fetch_add(1, std::memory_order_relaxed);
  set_key(r);
  auto it = owed_.find(key_);
  if (it == owed_.end()) {
    lost_range range;
    range.venue = std::string(r.venue);
    range.channel = std::string(r.channel);
    range.symbol = std::string(r.symbol);
    range.from = std::string(first);
    range.first_received = r.received;
    it = owed_.emplace(key_, std::move(range)).first;
    pending_count_.store(owed_.size(), std::memory_order_relaxed);
  }
  it->second.to = std::string(last);
  ++it->second.count;
}

bool record_outlet::settle(std::map<std::string, lost_range, std::less<>>::iterator it,
                           std::chrono::milliseconds wait) {
  const lost_range& range = it->second;
  gap_record g;
  g.venue = range.venue;
  g.channel = range.channel;
  g.symbol = range.symbol;
  g.from = range.from;
  g.to = range.to;
  g.reason = fmt::format("sink queue full: {} record(s) could not be queued", range.count);
  g.ts_recv = range.first_received;
  line_.clear();
  append_json(line_, g);
  gap_id_ = g.from + "-" + g.to;
  if (!queue_line(record_kind::gap, g.venue, g.channel, g.symbol, gap_id_, g.ts_recv, wait)) return false;
  owed_.erase(it);
  pending_count_.store(owed_.size(), std::memory_order_relaxed);
  gaps_queued_.fetch_add(1, std::memory_order_relaxed);
  return true;
}

std::size_t record_outlet::flush(std::chrono::milliseconds wait) {
  for (auto it = owed_.begin(); it != owed_.end();) {
    auto next = std::next(it);
    if (!settle(it, wait)) break;  // no room: the rest waits too
    it = next;
  }
  return owed_.size();
}

}  // namespace sf
