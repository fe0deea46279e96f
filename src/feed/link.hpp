// One WebSocket connection as the supervisor keeps it: the primary, or a
// rotation's candidate. Each link has its own heartbeat, its own control
// channel (the venue's message budget is per connection) and its own set of
// acknowledged topics; the supervisor decides what they mean.
//
// Thread safety: none; the supervisor's thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "steadyfeed/core/clock.hpp"
#include "steadyfeed/feed/action.hpp"
#include "steadyfeed/feed/control_channel.hpp"
#include "steadyfeed/feed/heartbeat.hpp"

namespace sf {

struct text_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
  }
};
using text_set = std::unordered_set<std::string, text_hash, std::equal_to<>>;

enum class link_phase : std::uint8_t { opening, open };

struct link_state {
  link_id id = 0;
  link_phase phase = link_phase::opening;
  time_point open_deadline = never;  // while opening
  time_point opened_at{};
  time_point last_rx{};    // any frame, pongs included
  time_point last_data{};  // market data
  time_point rotation_due = never;
  std::vector<std::string> url_topics;  // subscribed by the URL it was opened with

  heartbeat beat;
  control_channel control;
  text_set subscribed;  // acknowledged (or subscribed by the URL)

  bool is_open() const noexcept { return phase == link_phase::open; }

  // The connection is up at `now`: clocks start, pings are scheduled, and
  // the URL's topics count as subscribed.
  void open(time_point now, heartbeat_settings beats, control_channel channel,
            time_point rotate_at) {
    phase = link_phase::open;
    opened_at = last_rx = last_data = now;
    beat = heartbeat(beats);
    beat.start(now);
    control = std::move(channel);
    rotation_due = rotate_at;
    for (const auto& t : url_topics) subscribed.insert(t);
  }
};

}  // namespace sf
