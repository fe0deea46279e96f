// The six states of a supervised connection and the transitions between them.
//
//   disconnected ──start──▶ connecting ──open──▶ connected ◀──▶ unstable
//         ▲                    │                    │              │
//         │                    ▼                    ▼              ▼
//         └──stop── failed ◀── reconnecting ◀──── lost ─────────────┘
//
// `unstable` is connected but degraded (late pongs, clustered reconnects, a low
// quality score): data still flows, but a trading loop polling `is_healthy()`
// should know. `failed` is terminal until an operator acts (start, or an API
// reconnect): fatal errors and exhausted attempts end there, with no timer armed.
// A planned rotation is not a state change: the connection stays `connected`.
#pragma once

#include <cstdint>
#include <string_view>

namespace sf {

enum class connection_state : std::uint8_t {
  disconnected,
  connecting,
  connected,
  reconnecting,
  unstable,
  failed,
};

inline constexpr int connection_state_count = 6;

std::string_view to_string(connection_state s) noexcept;

// Whether the supervisor may move from `from` to `to`.
bool transition_allowed(connection_state from, connection_state to) noexcept;

// Connected or unstable: data is flowing on a live link.
constexpr bool is_live(connection_state s) noexcept {
  return s == connection_state::connected || s == connection_state::unstable;
}

}  // namespace sf
