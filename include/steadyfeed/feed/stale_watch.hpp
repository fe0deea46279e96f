// Per-stream staleness: tells a stream that went quiet from one that is
// merely illiquid, and a connection whose data froze from one whose symbols
// are quiet.
//
// A part of the supervisor, sans-I/O. Each stream's typical gap between
// messages is learnt as it goes (an exponential average); the stream is
// stale once it has been silent for clamp(stale_factor × that gap, stale_min,
// stale_max), or for its configured override, and only once it has shown
// `stale_min_messages` messages ("liquid"): a symbol that never traded is
// quiet, not stale. Silence is counted from no earlier than the moment the
// link opened. One stale stream is an event; every liquid stream stale at
// once (data frozen while pongs still arrive) is what restarts a connection,
// and that decision is the supervisor's.
//
// Thread safety: none; the supervisor's thread.
#pragma once

#include <cstdint>
#include <string_view>

#include "steadyfeed/core/clock.hpp"
#include "steadyfeed/feed/supervisor_config.hpp"

namespace sf {

// What the watch keeps of one stream.
struct stream_activity {
  time_point last_msg{};
  double mean_gap_ns = 0;
  std::uint64_t count = 0;
  bool stale = false;
};

class stale_watch {
 public:
  // The settings are read from `config`, which must outlive the watch.
  explicit stale_watch(const supervisor_config& config) noexcept : config_(config) {}

  // A message of the stream arrived at `now`. True when the stream was
  // stale: it has resumed.
  bool on_message(stream_activity& a, time_point now) const noexcept;

  // How long the stream may be silent.
  duration threshold(std::string_view name, const stream_activity& a) const;

  struct verdict {
    std::size_t liquid = 0;  // streams with enough history to judge
    std::size_t stale = 0;
    bool all_stale() const noexcept { return liquid > 0 && stale == liquid; }
  };

  // Judges every stream at `now`, counting silence from no earlier than
  // `floor`. Calls `on_stale(name, silent, usual_gap)` for each stream that
  // has just become stale. `streams` maps names to stream_activity (or types
  // derived from it).
  template <typename Streams, typename OnStale>
  verdict check(Streams& streams, time_point floor, time_point now, OnStale&& on_stale) const {
    verdict v;
    for (auto& [name, a] : streams) {
      stream_activity& st = a;
      if (st.count < config_.stale_min_messages) continue;
      ++v.liquid;
      const duration silent = now - std::max(st.last_msg, floor);
      if (!st.stale && silent > threshold(name, st)) {
        st.stale = true;
        on_stale(std::string_view(name), silent, usual_gap(st));
      }
      if (st.stale) ++v.stale;
    }
    return v;
  }

  static duration usual_gap(const stream_activity& a) noexcept {
    return duration{static_cast<duration::rep>(a.mean_gap_ns)};
  }

 private:
  const supervisor_config& config_;
};

}  // namespace sf
