// Make-before-break rotation: a new link (the candidate) opens beside the
// old one, and the supervisor switches over once the two have overlapped, so
// that no message falls between them.
//
// A part of the supervisor, sans-I/O. It keeps what a rotation knows: why and
// when it began, how long the overlap may take, the messages the candidate
// brought that the old link has not delivered yet (held, in arrival order),
// and, per stream, whether the two links have shown a common message.
//
//   begin()              the old link must go (lifetime, venue notice, request)
//   candidate_opened()   the overlap wait starts
//   candidate_message()  the candidate brought a message: overlap shown, or held
//   primary_delivered*() the old link delivered one: overlap shown if the candidate had it
//   without_overlap()    active streams that have not shown overlap yet
//   take_held()          at the switch-over, what the candidate held, to dedup and deliver
//   candidate_failed()   the candidate is gone; a new one will try
//   end()                switched over, or given up
//
// A stream with sequence ids overlaps once the candidate's first id is at or
// below what the old link delivered; a stream without ids, once both links
// brought a message with the same identity (stream_dedup::identity).
//
// Thread safety: none; the supervisor's thread.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "steadyfeed/core/clock.hpp"
#include "steadyfeed/feed/stream_dedup.hpp"
#include "steadyfeed/feed/supervisor_config.hpp"
#include "steadyfeed/venue/venue_protocol.hpp"

namespace sf {

// A stream's part in the overlap.
struct stream_overlap {
  bool candidate_seen = false;        // the candidate has brought this stream
  std::uint64_t candidate_first = 0;  // the first sequence id it brought
  bool overlapped = false;            // both links brought a common message
};

// A message the candidate brought that the old link had not delivered.
struct held_message {
  std::string stream;
  std::uint64_t seq = 0;
  bool has_seq = false;
  bool resets_sequence = false;
  std::uint64_t identity = 0;  // without a sequence id
  std::string frame;
  wall_us received = 0;
};

class rotation {
 public:
  // The settings are read from `config`, which must outlive the rotation.
  explicit rotation(const supervisor_config& config) noexcept : config_(config) {}

  // When a link opened at `opened` must begin to rotate: `margin` before the
  // venue's `lifetime` ends (at half the lifetime if the margin is longer),
  // or never without a lifetime. With a `phase`, the time is moved back to
  // the last point of the grid phase + k × period on the clock, so that
  // redundant connections on different phases never rotate together.
  static time_point due_at(time_point opened, duration lifetime, duration margin,
                           std::optional<duration> phase) noexcept;

  bool active() const noexcept { return active_; }
  time_point started() const noexcept { return started_; }
  const std::string& reason() const noexcept { return reason_; }
  // When the candidate has waited long enough for overlap: never until it opened.
  time_point overlap_deadline() const noexcept { return overlap_deadline_; }

  void begin(std::string_view reason, time_point now);
  void candidate_opened(time_point now) noexcept {
    overlap_deadline_ = now + config_.overlap_timeout;
  }

  // The candidate failed: what it held and showed is void.
  template <typename Streams>
  void candidate_failed(Streams& streams) {
    forget_overlap(streams);
    overlap_deadline_ = never;
  }
  // The rotation is over, switched over or given up.
  template <typename Streams>
  void end(Streams& streams) {
    active_ = false;
    overlap_deadline_ = never;
    forget_overlap(streams);
  }

  enum class outcome : std::uint8_t {
    delivered_already,  // the old link delivered it; overlap was shown before
    overlap_shown,      // the old link delivered it; this stream has now overlapped
    held,               // new: kept for the switch-over
    hold_full,          // new, kept, and the hold buffer is full: switch over now
  };
  // The candidate brought `in` (a data message of `frame`) on a stream whose
  // old-link watermark is `delivered`; `dedup` knows what the old link
  // delivered without sequence ids.
  outcome candidate_message(stream_overlap& o, const stream_watermark& delivered,
                            const stream_dedup& dedup, const inbound& in, std::string_view frame,
                            wall_us received);

  // The old link delivered a message with sequence ids up to `watermark`.
  void primary_delivered(stream_overlap& o, std::uint64_t watermark) const noexcept {
    if (active_ && o.candidate_seen && o.candidate_first <= watermark) o.overlapped = true;
  }
  // The old link delivered a message without a sequence id.
  void primary_delivered_identity(stream_overlap& o, std::uint64_t identity) const {
    if (active_ && candidate_identities_.contains(identity)) o.overlapped = true;
  }

  // Streams that delivered within `overlap_active_window` of `now` and have
  // not overlapped yet, sorted. `Streams` maps names to types derived from
  // stream_overlap and stream_activity.
  template <typename Streams>
  std::vector<std::string> without_overlap(const Streams& streams, time_point now) const {
    std::vector<std::string> out;
    for (const auto& [name, st] : streams)
      if (st.count > 0 && now - st.last_msg <= config_.overlap_active_window && !st.overlapped)
        out.push_back(name);
    std::sort(out.begin(), out.end());
    return out;
  }

  // The held messages, in arrival order; the hold is empty afterwards.
  std::vector<held_message> take_held();
  std::size_t held_messages() const noexcept { return held_.size(); }
  std::size_t held_bytes() const noexcept { return held_bytes_; }

 private:
  template <typename Streams>
  void forget_overlap(Streams& streams) {
    held_.clear();
    held_bytes_ = 0;
    candidate_identities_.clear();
    for (auto& [name, st] : streams) static_cast<stream_overlap&>(st) = stream_overlap{};
  }

  const supervisor_config& config_;
  bool active_ = false;
  time_point started_{};
  std::string reason_;
  time_point overlap_deadline_ = never;
  std::vector<held_message> held_;
  std::size_t held_bytes_ = 0;
  std::unordered_set<std::uint64_t> candidate_identities_;  // held, without sequence ids
};

}  // namespace sf
