// Counts the timer waits pending in this process, so that a process that has
// run for months can show it holds no more timers than it did after its first
// minute (a soak test samples `armed_timer::count()`).
//
// One `armed_timer` is moved into each timer's completion handler. It counts
// one while it lives and uncounts when the handler is destroyed, whether the
// handler ran, was cancelled, or was dropped with its io_context; a moved-from
// token counts nothing. Cost: one relaxed atomic add per wait.
//
// Thread safety: count() may be read from any thread; a token is used by one.
#pragma once

#include <cstdint>

namespace sf {

class armed_timer {
 public:
  armed_timer() noexcept;
  ~armed_timer();
  armed_timer(armed_timer&& other) noexcept : live_(other.live_) { other.live_ = false; }
  armed_timer& operator=(armed_timer&&) = delete;
  armed_timer(const armed_timer&) = delete;
  armed_timer& operator=(const armed_timer&) = delete;

  // Waits pending now, over every thread.
  static std::int64_t count() noexcept;

 private:
  bool live_ = true;
};

}  // namespace sf
