#include "steadyfeed/core/armed_timer.hpp"

#include <atomic>

namespace sf {
namespace {

std::atomic<std::int64_t> pending{0};

}  // namespace

armed_timer::armed_timer() noexcept {
  pending.fetch_add(1, std::memory_order_relaxed);
}

armed_timer::~armed_timer() {
  if (live_) pending.fetch_sub(1, std::memory_order_relaxed);
}

std::int64_t armed_timer::count() noexcept {
  return pending.load(std::memory_order_relaxed);
}

}  // namespace sf
