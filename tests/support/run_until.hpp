// Running an io_context on the test's own thread until a condition holds.
//
// Transport objects are single-threaded (see ws_link.hpp), so tests run their
// io_context on the test thread and poll the condition between handlers rather
// than sharing state with an io thread. The deadline keeps a broken test from
// hanging the suite; nothing sleeps blindly.
//
// Thread safety: call on the thread that owns `io`'s handlers.
#pragma once

#include <functional>

#include <boost/asio/io_context.hpp>

#include "steadyfeed/core/clock.hpp"

namespace sf::test {

// Runs handlers until `condition` is true (checked after each handler, and at
// least every 5 ms) or `timeout` passes. Returns the condition's last value.
inline bool run_until(boost::asio::io_context& io, const std::function<bool()>& condition,
                      duration timeout) {
  const time_point deadline = mono_clock::now() + timeout;
  while (!condition()) {
    if (mono_clock::now() >= deadline) return condition();
    if (io.stopped()) io.restart();
    io.run_one_for(std::chrono::milliseconds{5});
  }
  return true;
}

// Runs every handler that becomes ready within `span` (for "nothing else
// happens" checks, where there is no condition to wait for).
inline void run_for(boost::asio::io_context& io, duration span) {
  if (io.stopped()) io.restart();
  io.run_for(span);
}

}  // namespace sf::test
