#include "steadyfeed/core/connection_state.hpp"

namespace sf {

std::string_view to_string(connection_state s) noexcept {
  switch (s) {
    case connection_state::disconnected: return "disconnected";
    case connection_state::connecting: return "connecting";
    case connection_state::connected: return "connected";
    case connection_state::reconnecting: return "reconnecting";
    case connection_state::unstable: return "unstable";
    case connection_state::failed: return "failed";
  }
  return "unknown";
}

bool transition_allowed(connection_state from, connection_state to) noexcept {
  using enum connection_state;
  if (from == to) return false;
  if (to == disconnected) return true;  // stop() is always allowed
  switch (from) {
    case disconnected: return to == connecting;
    case connecting: return to == connected || to == reconnecting || to == failed;
    case connected: return to == unstable || to == reconnecting || to == failed;
    case unstable: return to == connected || to == reconnecting || to == failed;
    case reconnecting: return to == connected || to == unstable || to == failed;
    case failed: return to == connecting;
  }
  return false;
}

}  // namespace sf
