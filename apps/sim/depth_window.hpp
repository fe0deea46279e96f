// Some venues push book changes per time window rather than one by one
// (dialect::book_windows). Binance's diff-depth streams, for one, push one
// `depthUpdate` per window (`<symbol>@depth`: 1000 ms, `<symbol>@depth@100ms`:
// 100 ms) covering every change of the window: U = first update id, u = final
// update id, and each level's last size (venues.md §1.6). This merges the
// generated updates of one market into those windows, sans-I/O.
//
// Windows are aligned to virtual time (k·length .. (k+1)·length), so every
// connection subscribed to the same stream sees the same events with the same
// U..u, as on the venue. The ground truth keeps one line per generated update;
// an event U..u maps onto the truth lines from the one with prev_seq + 1 == U
// through the one with seq == u, and the event's levels are those lines merged
// in order (later sizes replace earlier ones).
//
// Thread safety: none; one per (market, window length), on the server's thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>

#include "sim/market_stream.hpp"

namespace sf::sim {

class depth_window {
 public:
  explicit depth_window(duration length) : length_(length) {}

  // A window that ended: `merged` is empty when nothing changed in it.
  struct closed {
    duration end{0};
    std::optional<book_update> merged;
  };
  using sink = std::function<void(const closed&)>;

  // Closes every window that ends at or before `t` (virtual time), oldest
  // first. After a long pause only the last empty window is reported.
  void roll(duration t, const market_stream& s, const sink& out);
  // Adds an update generated at virtual time `t`; call `roll(t, ...)` first.
  void add(duration t, const book_update& u);

  duration length() const noexcept { return length_; }

 private:
  duration length_;
  duration end_{0};  // end of the open window; 0 until the first roll or add
  bool has_updates_ = false;
  book_update pending_;
  std::map<std::int64_t, std::int64_t, std::greater<>> bids_;
  std::map<std::int64_t, std::int64_t> asks_;
};

}  // namespace sf::sim
