// What the supervisor asks its driver to do.
//
// The supervisor never touches a socket or a timer; every input returns zero or
// more actions and the driver carries them out in order. Links are physical
// connections, numbered from 1 and never reused, so an event for a link the
// supervisor has already closed is recognised and ignored.
#pragma once

#include <cstdint>
#include <string>
#include <variant>

#include "steadyfeed/core/clock.hpp"

namespace sf {

using link_id = std::uint64_t;

// Open a new WebSocket connection to `url`. The driver answers with
// supervisor::on_open or supervisor::on_open_failed for this link.
struct open_link {
  link_id link = 0;
  std::string url;
};

enum class frame_kind : std::uint8_t { text, ping };

// Send a frame on an open link.
struct send_frame {
  link_id link = 0;
  frame_kind kind = frame_kind::text;
  std::string payload;
};

// Close a link (a close frame with `code`, then the socket). The supervisor
// forgets the link at once; the driver reports nothing more for it.
struct close_link {
  link_id link = 0;
  int code = 1000;
  std::string reason;
};

// Call supervisor::on_timer at `at` (replacing any earlier request), or never
// when `at == sf::never`.
struct arm_timer {
  time_point at = never;
};

using action = std::variant<open_link, send_frame, close_link, arm_timer>;

}  // namespace sf
