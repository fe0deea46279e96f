#include "steadyfeed/feed/rotation.hpp"

namespace sf {

time_point rotation::due_at(time_point opened, duration lifetime, duration margin,
                            std::optional<duration> phase) noexcept {
  if (lifetime.count() <= 0) return never;
  const duration period = lifetime > margin ? lifetime - margin : lifetime / 2;
  time_point due = opened + period;
  if (phase) {
    // Never later than the rule allows, and one period apart from then on,
    // whenever the link opened.
    const duration off = ((due.time_since_epoch() - *phase) % period + period) % period;
    due -= off;
  }
  return due;
}

void rotation::begin(std::string_view reason, time_point now) {
  active_ = true;
  started_ = now;
  reason_.assign(reason);
  overlap_deadline_ = never;
}

rotation::outcome rotation::candidate_message(stream_overlap& o, const stream_watermark& delivered,
                                              const stream_dedup& dedup, const inbound& in,
                                              std::string_view frame, wall_us received) {
  std::uint64_t identity = 0;
  bool already = false;
  if (in.has_seq) {
    if (!o.candidate_seen) o.candidate_first = in.seq;
    already = delivered.covers(in.seq);
  } else {
    identity = stream_dedup::identity(in.stream, frame);
    already = dedup.delivered(identity);
  }
  o.candidate_seen = true;
  if (already) {
    const bool newly = !o.overlapped;
    o.overlapped = true;
    return newly ? outcome::overlap_shown : outcome::delivered_already;
  }
  if (!in.has_seq) candidate_identities_.insert(identity);
  held_.push_back(held_message{std::string(in.stream), in.seq, in.has_seq, in.resets_sequence,
                               identity, std::string(frame), received});
  held_bytes_ += frame.size() + in.stream.size() + sizeof(held_message);
  return held_.size() >= config_.overlap_buffer_messages ||
                 held_bytes_ >= config_.overlap_buffer_bytes
             ? outcome::hold_full
             : outcome::held;
}

std::vector<held_message> rotation::take_held() {
  std::vector<held_message> out;
  out.swap(held_);
  held_bytes_ = 0;
  return out;
}

}  // namespace sf
