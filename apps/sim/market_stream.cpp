#include "sim/market_stream.hpp"

#include <algorithm>
#include <map>

#include "sim/dialect_registry.hpp"

namespace sf::sim {

std::uint64_t stable_hash(std::string_view text, std::uint64_t seed) noexcept {
  std::uint64_t h = seed;
  for (const char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

namespace {

duration period_of(double rate) {
  if (rate <= 0) return duration::max();
  return duration{std::max<duration::rep>(1, static_cast<duration::rep>(1e9 / rate))};
}

}  // namespace

market_stream::market_stream(std::string venue, instrument inst, const market_config& config)
    : venue_(std::move(venue)),
      inst_(std::move(inst)),
      venue_symbol_(dialect_of(venue_).symbol_of(inst_)),
      numbers_(dialect_of(venue_).numbers()),
      config_(config),
      rng_(stable_hash(inst_.symbol, stable_hash(venue_, config.seed))),
      period_(period_of(config.rate)),
      next_trade_at_(period_ == duration::max() ? duration::max() : period_ / 2),
      next_book_at_(period_) {
  // Realistic-looking id bases, different per stream, fixed by the seed.
  next_trade_id_ = 100'000'000 + rng_.below(900'000'000);
  last_seq_ = 1'000'000'000 + rng_.below(9'000'000'000ULL);
  seed_book();
}

void market_stream::seed_book() {
  const std::int64_t tick = inst_.tick;
  const std::int64_t mid = inst_.start_price / tick * tick;
  std::int64_t bid = mid - tick;
  std::int64_t ask = mid + tick;
  for (std::size_t i = 0; i < config_.depth; ++i) {
    book_.set(book_side::bid, bid, inst_.lot * static_cast<std::int64_t>(1 + rng_.below(2000)));
    book_.set(book_side::ask, ask, inst_.lot * static_cast<std::int64_t>(1 + rng_.below(2000)));
    bid -= tick * static_cast<std::int64_t>(1 + rng_.below(3));
    ask += tick * static_cast<std::int64_t>(1 + rng_.below(3));
    if (bid <= 0) break;
  }
}

duration market_stream::period_at(duration t) const noexcept {
  if (period_ == duration::max()) return period_;
  if (config_.burst_every.count() > 0 && t % config_.burst_every < config_.burst_length) {
    const auto fast = static_cast<duration::rep>(static_cast<double>(period_.count()) / config_.burst_factor);
    return duration{std::max<duration::rep>(1, fast)};
  }
  return period_;
}

void market_stream::advance_to(duration t, listener& sink) {
  while (true) {
    const duration next = std::min(next_trade_at_, next_book_at_);
    if (next == duration::max() || next > t) break;
    now_ = next;
    if (next_book_at_ <= next_trade_at_) {
      const book_update update = next_update(next);
      next_book_at_ = next + period_at(next);
      sink.on_book_update(*this, update);
    } else {
      const trade_event trade = next_trade(next);
      next_trade_at_ = next + period_at(next);
      sink.on_trade(*this, trade);
    }
  }
  now_ = std::max(now_, t);
}

std::size_t market_stream::pick_index(std::size_t n) {
  // Activity concentrates near the top of the book, as on a real venue.
  if (n == 0) return 0;
  if (rng_.below(10) < 8) return static_cast<std::size_t>(rng_.below(std::min<std::size_t>(n, 10)));
  return static_cast<std::size_t>(rng_.below(n));
}

book_update market_stream::next_update(duration t) {
  std::map<std::int64_t, std::int64_t, std::greater<>> bids;
  std::map<std::int64_t, std::int64_t> asks;
  const std::size_t changes = 1 + static_cast<std::size_t>(rng_.below(3));
  const std::size_t low = config_.depth * 3 / 4;
  const std::size_t high = config_.depth * 5 / 4 + 1;

  for (std::size_t c = 0; c < changes; ++c) {
    const book_side side = rng_.below(2) == 0 ? book_side::bid : book_side::ask;
    const book_side other = side == book_side::bid ? book_side::ask : book_side::bid;
    const std::size_t n = book_.size(side);
    const auto r = rng_.below(100);
    enum { modify, insert, remove } op = modify;
    if (n < low) {
      op = r < 50 ? insert : modify;
    } else if (n > high) {
      op = r < 50 ? remove : modify;
    } else {
      op = r < 60 ? modify : (r < 80 ? insert : remove);
    }
    if (op == remove && n <= 5) op = insert;

    std::int64_t price = 0;
    std::int64_t qty = inst_.lot * static_cast<std::int64_t>(1 + rng_.below(2000));
    if (op == insert) {
      // A new price on the own side of the opposite best, never crossing it.
      const auto opposite = book_.best(other);
      const auto own = book_.best(side);
      const std::int64_t anchor = opposite ? opposite->price : (own ? own->price : inst_.start_price);
      const auto offset = static_cast<std::int64_t>(1 + rng_.below(std::min<std::size_t>(n, 50) + 10));
      price = side == book_side::bid ? anchor - offset * inst_.tick : anchor + offset * inst_.tick;
      if (price <= 0) price = inst_.tick;
    } else {
      price = book_.at(side, pick_index(n))->price;
      if (op == remove) qty = 0;
    }
    book_.set(side, price, qty);
    if (side == book_side::bid) {
      bids.insert_or_assign(price, qty);
    } else {
      asks.insert_or_assign(price, qty);
    }
  }

  book_update update;
  update.prev_seq = last_seq_;
  update.first_seq = restart_at_ ? *restart_at_ : last_seq_ + 1;
  update.last_seq = update.first_seq + bids.size() + asks.size() - 1;
  restart_at_.reset();
  last_seq_ = update.last_seq;
  update.ts = wall_at(t);
  update.bids.reserve(bids.size());
  for (const auto& [p, q] : bids) update.bids.push_back({p, q});
  update.asks.reserve(asks.size());
  for (const auto& [p, q] : asks) update.asks.push_back({p, q});
  return update;
}

trade_event market_stream::next_trade(duration t) {
  trade_event trade;
  trade.id = next_trade_id_++;
  trade.buyer_is_maker = rng_.below(2) == 0;
  const auto best = book_.best(trade.buyer_is_maker ? book_side::bid : book_side::ask);
  trade.price = best ? best->price : inst_.start_price;
  trade.qty = inst_.lot * static_cast<std::int64_t>(1 + rng_.below(100));
  trade.ts = wall_at(t);
  history_.push_back(trade);
  while (history_.size() > config_.history) history_.pop_front();
  return trade;
}

}  // namespace sf::sim
