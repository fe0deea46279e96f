// Which messages a connection has delivered already: each is delivered once,
// whichever of a rotation's two links brings it first.
//
// A part of the supervisor, sans-I/O. A stream with sequence ids keeps a
// watermark, the highest id delivered; a message at or below it is a
// duplicate, unless the venue says its sequence restarted. A stream without
// ids is deduplicated by identity, a hash of its stream name and bytes,
// remembered for `window` (long enough for a rotation's overlap).
//
// Thread safety: none; the supervisor's thread.
#pragma once

#include <cstdint>
#include <string_view>
#include <unordered_map>

#include "steadyfeed/core/clock.hpp"

namespace sf {

// A stream's highest delivered sequence id.
struct stream_watermark {
  std::uint64_t watermark = 0;
  bool has_watermark = false;

  // Whether `seq` was delivered already.
  bool covers(std::uint64_t seq) const noexcept { return has_watermark && seq <= watermark; }
  // Takes `seq` if it is new (or the sequence restarted); false for a duplicate.
  bool advance(std::uint64_t seq, bool resets = false) noexcept {
    if (!resets && covers(seq)) return false;
    watermark = seq;
    has_watermark = true;
    return true;
  }
};

class stream_dedup {
 public:
  explicit stream_dedup(duration window) noexcept : window_(window) {}

  // A message without a sequence id: its stream and its bytes.
  static std::uint64_t identity(std::string_view stream, std::string_view frame) noexcept;

  // Records a delivery by identity at `now`; false when it was delivered already.
  bool deliver(std::uint64_t identity, time_point now) { return seen_.emplace(identity, now).second; }
  bool delivered(std::uint64_t identity) const noexcept { return seen_.contains(identity); }
  // Forgets identities delivered more than `window` before `now`.
  void expire(time_point now);

  std::size_t remembered() const noexcept { return seen_.size(); }

 private:
  duration window_;
  std::unordered_map<std::uint64_t, time_point> seen_;
};

}  // namespace sf
