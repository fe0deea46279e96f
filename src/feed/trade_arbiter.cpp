#include "steadyfeed/feed/trade_arbiter.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace sf {

trade_arbiter::trade_arbiter(std::string venue, std::string symbol, trade_arbiter_config config)
    : venue_(std::move(venue)), symbol_(std::move(symbol)), config_(config) {}

bool trade_arbiter::has_hole() const noexcept {
  return config_.contiguous_ids && has_watermark_ && !held_.empty() &&
         held_.begin()->first > watermark_ + 1;
}

std::uint64_t trade_arbiter::hole_end() const noexcept { return held_.begin()->first - 1; }

void trade_arbiter::emit(const trade_record& t, bool from_history) {
  trade_record copy = t;
  copy.symbol = symbol_;
  watermark_ = t.id;
  has_watermark_ = true;
  ++stats_.emitted;
  if (from_history) ++stats_.backfilled;
  stats_.last_id = watermark_;
  out_.emplace_back(copy);
}

void trade_arbiter::drain() {
  while (!held_.empty() && (!config_.contiguous_ids || held_.begin()->first <= watermark_ + 1)) {
    auto node = held_.extract(held_.begin());
    const held_trade& h = node.mapped();
    if (has_watermark_ && h.trade.id <= watermark_) {
      ++stats_.duplicates;
      continue;
    }
    emit(h.trade, h.from_history);
  }
  stats_.held = held_.size();
}

void trade_arbiter::resume_after(std::uint64_t last_id) {
  if (has_watermark_ || !held_.empty()) return;  // live trades already decide
  watermark_ = last_id;
  has_watermark_ = true;
  resume_pending_ = true;
  stats_.last_id = last_id;
}

void trade_arbiter::check_resume_point(const trade_record& first, wall_us wall) {
  resume_pending_ = false;
  if (first.id <= watermark_) {
    has_watermark_ = false;
    ++stats_.resumes_dropped;
    return;
  }
  if (!config_.contiguous_ids || first.first() <= watermark_ + 1) return;
  const std::uint64_t missed = first.first() - watermark_ - 1;
  if (missed <= config_.max_resume_backfill) return;
  const std::uint64_t oldest_fetched = first.first() - config_.max_resume_backfill;
  emit_gap(watermark_ + 1, oldest_fetched - 1,
           fmt::format("restart: {} trades missed, only the newest {} are fetched from history", missed,
                       config_.max_resume_backfill),
           wall);
  watermark_ = oldest_fetched - 1;
}

void trade_arbiter::on_trade(const trade_record& trade, time_point now, wall_us wall) {
  if (resume_pending_) check_resume_point(trade, wall);
  if (has_watermark_ && trade.id <= watermark_) {
    ++stats_.duplicates;
    return;
  }
  if (!has_watermark_ || !config_.contiguous_ids || trade.first() == watermark_ + 1) {
    emit(trade, false);
    drain();
    if (!has_hole()) {
      if (hole_since_ != never && !in_flight_) ++stats_.holes_filled;
      hole_since_ = never;
      attempts_ = 0;
      failing_since_ = never;
    }
    return;
  }
  // Ahead of the watermark: hold it, and remember when the hole opened.
  trade_record held = trade;
  held.symbol = symbol_;
  held_.try_emplace(trade.first(), held_trade{held, false});
  stats_.held = held_.size();
  if (hole_since_ == never) hole_since_ = now;
  if (held_.size() > config_.max_held) give_up("hold buffer full", wall);
}

void trade_arbiter::request_backfill(time_point now) {
  in_flight_ = true;
  backfill_sent_ = now;
  retry_at_ = never;
  ++attempts_;
  out_.emplace_back(backfill_request{watermark_ + 1, hole_end()});
}

void trade_arbiter::on_backfill_waiting() noexcept {
  if (in_flight_) backfill_sent_ = never;
}

void trade_arbiter::on_backfill_sent(time_point now) noexcept {
  if (in_flight_) backfill_sent_ = now;
}

void trade_arbiter::on_backfill(std::span<const trade_record> trades, bool more, time_point now,
                                wall_us wall) {
  if (!in_flight_) return;  // late reply for a hole already settled
  if (!has_hole()) {
    in_flight_ = false;
    return;
  }
  const std::uint64_t last_missing = hole_end();
  for (const auto& t : trades) {
    if (t.id <= watermark_) continue;
    if (t.first() > last_missing) continue;  // not ours: live trades cover it
    trade_record copy = t;
    copy.symbol = symbol_;
    copy.ts_recv = wall;
    held_.try_emplace(t.first(), held_trade{copy, true});
  }
  drain();
  if (!has_hole()) {
    in_flight_ = false;
    hole_since_ = never;
    attempts_ = 0;
    failing_since_ = never;
    ++stats_.holes_filled;
    return;
  }
  if (more) {
    backfill_sent_ = now;  // the next page is on its way
    return;
  }
  in_flight_ = false;
  give_up(fmt::format("venue history has no trades {}..{}", watermark_ + 1, hole_end()), wall);
}

std::optional<backfill_request> trade_arbiter::open_hole() const noexcept {
  if (!has_hole()) return std::nullopt;
  return backfill_request{watermark_ + 1, hole_end()};
}

void trade_arbiter::on_backfill_failed(std::string_view why, time_point now, wall_us wall, duration retry_after) {
  if (!in_flight_) return;
  in_flight_ = false;
  if (failing_since_ == never) failing_since_ = backfill_sent_ == never ? now : backfill_sent_;
  if (now - failing_since_ < config_.backfill_retry_for) {
    const int doublings = std::clamp(attempts_ - 1, 0, 20);
    const duration backoff = std::min<duration>(config_.backfill_retry_max, seconds{1} * (std::int64_t{1} << doublings));
    retry_at_ = now + std::max(backoff, retry_after);
    return;
  }
  give_up(fmt::format("backfill failed for {} s ({} attempts): {}",
                      std::chrono::duration_cast<seconds>(now - failing_since_).count(), attempts_, why),
          wall);
}

void trade_arbiter::emit_gap(std::uint64_t from, std::uint64_t to, std::string reason, wall_us wall) {
  gap_record g;
  g.venue = venue_;
  g.channel = "trades";
  g.symbol = symbol_;
  g.from = std::to_string(from);
  g.to = std::to_string(to);
  g.reason = std::move(reason);
  g.ts_recv = wall;
  ++stats_.gaps;
  stats_.missing += to - from + 1;
  out_.emplace_back(std::move(g));
}

void trade_arbiter::give_up(std::string reason, wall_us wall) {
  if (!has_hole()) return;
  emit_gap(watermark_ + 1, hole_end(), std::move(reason), wall);
  watermark_ = hole_end();
  in_flight_ = false;
  retry_at_ = never;
  attempts_ = 0;
  failing_since_ = never;
  drain();
  hole_since_ = has_hole() ? hole_since_ : never;
}

void trade_arbiter::close(wall_us wall) {
  while (has_hole()) give_up("the recorder stopped before the venue's history could fill it", wall);
}

void trade_arbiter::on_timer(time_point now, wall_us wall) {
  if (!has_hole()) {
    hole_since_ = never;
    return;
  }
  if (in_flight_) {
    if (backfill_sent_ != never && now - backfill_sent_ >= config_.backfill_timeout)
      on_backfill_failed(fmt::format("no reply within {} s",
                                     std::chrono::duration_cast<seconds>(config_.backfill_timeout).count()),
                         now, wall);
    return;
  }
  if (retry_at_ != never) {
    if (now >= retry_at_) request_backfill(now);
    return;
  }
  if (now - hole_since_ >= config_.hold_back) request_backfill(now);
}

time_point trade_arbiter::next_deadline() const noexcept {
  if (!has_hole()) return never;
  if (in_flight_) return backfill_sent_ == never ? never : backfill_sent_ + config_.backfill_timeout;
  if (retry_at_ != never) return retry_at_;
  return hole_since_ + config_.hold_back;
}

std::vector<arbiter_output> trade_arbiter::take_outputs() {
  std::vector<arbiter_output> out;
  out.swap(out_);
  return out;
}

void trade_arbiter::take_outputs(std::vector<arbiter_output>& into) {
  into.clear();
  into.swap(out_);
}

}  // namespace sf
