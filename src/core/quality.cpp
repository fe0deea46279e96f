#include "steadyfeed/core/quality.hpp"

#include <algorithm>
#include <vector>

namespace sf {
namespace {

std::int64_t second_of(time_point t) noexcept {
  return std::chrono::duration_cast<seconds>(t.time_since_epoch()).count();
}

}  // namespace

void quality_tracker::record_rtt(duration rtt) noexcept {
  rtts_[rtt_count_ % rtts_.size()] = rtt;
  ++rtt_count_;
}

void quality_tracker::record_late_pong(time_point now) {
  late_pongs_.push_back(now);
  prune(now);
}

void quality_tracker::record_reconnect(time_point now) {
  reconnects_.push_back(now);
  prune(now);
}

void quality_tracker::set_live(bool live, time_point now) noexcept {
  if (live && live_since_ == never) {
    live_since_ = now;
  } else if (!live && live_since_ != never) {
    live_total_ += now - live_since_;
    live_since_ = never;
  }
}

void quality_tracker::bump_new_second(per_second& w, time_point now) noexcept {
  const std::int64_t s = second_of(now);
  const std::size_t slot = static_cast<std::size_t>(s) % window_seconds;
  if (w.second[slot] != s) {
    w.second[slot] = s;
    w.counts[slot] = 0;
  }
  ++w.counts[slot];
  w.from = time_point{seconds{s}};
  w.to = w.from + seconds{1};
  w.slot = slot;
}

std::uint64_t quality_tracker::sum(const per_second& w, time_point now) noexcept {
  const std::int64_t s = second_of(now);
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < window_seconds; ++i)
    if (w.second[i] > s - static_cast<std::int64_t>(window_seconds) && w.second[i] <= s)
      total += w.counts[i];
  return total;
}

void quality_tracker::prune(time_point now) {
  while (!reconnects_.empty() && now - reconnects_.front() > hours{1}) reconnects_.pop_front();
  while (!late_pongs_.empty() && now - late_pongs_.front() > minutes{1}) late_pongs_.pop_front();
}

quality_report quality_tracker::report(time_point now) {
  prune(now);
  quality_report r;
  const std::size_t n = std::min(rtt_count_, rtts_.size());
  if (n > 0) {
    std::vector<duration> samples(rtts_.begin(), rtts_.begin() + static_cast<std::ptrdiff_t>(n));
    duration total{0};
    for (auto d : samples) total += d;
    r.rtt_avg = total / static_cast<duration::rep>(n);
    const std::size_t k = (n * 99 + 99) / 100 - 1;  // nearest-rank p99
    std::nth_element(samples.begin(), samples.begin() + static_cast<std::ptrdiff_t>(k),
                     samples.end());
    r.rtt_p99 = samples[k];
  }
  const double window = static_cast<double>(
      std::min<std::int64_t>(window_seconds, std::max<std::int64_t>(1, second_of(now) - second_of(started_) + 1)));
  r.messages_per_second = static_cast<double>(sum(messages_, now)) / window;
  r.errors_per_minute = static_cast<double>(sum(errors_, now)) * 60.0 / window;
  r.reconnects_last_hour = static_cast<int>(reconnects_.size());
  r.late_pongs_last_minute = static_cast<int>(late_pongs_.size());
  duration live = live_total_;
  if (live_since_ != never) live += now - live_since_;
  const duration elapsed = now - started_;
  r.live_total = live;
  r.down_total = elapsed > live ? elapsed - live : duration{0};
  r.uptime_percent = elapsed.count() > 0
                         ? 100.0 * static_cast<double>(live.count()) / static_cast<double>(elapsed.count())
                         : (live_since_ != never ? 100.0 : 0.0);

  if (live_since_ == never) {
    r.score = 0;
    return r;
  }
  const auto& t = thresholds_;
  int penalty = 0;
  if (n > 0 && r.rtt_p99 > t.rtt_good) {
    const double span = static_cast<double>((t.rtt_bad - t.rtt_good).count());
    const double over = static_cast<double>((r.rtt_p99 - t.rtt_good).count());
    penalty += static_cast<int>(t.rtt_penalty_cap * std::min(1.0, span > 0 ? over / span : 1.0));
  }
  penalty += std::min(t.reconnect_penalty_cap, r.reconnects_last_hour * t.reconnect_penalty);
  penalty += std::min(t.late_pong_penalty_cap, r.late_pongs_last_minute * t.late_pong_penalty);
  penalty += static_cast<int>(t.error_penalty_cap *
                              std::min(1.0, r.errors_per_minute / t.errors_per_minute_bad));
  r.score = std::clamp(100 - penalty, 0, 100);
  return r;
}

int quality_tracker::score(time_point now) { return report(now).score; }

}  // namespace sf
