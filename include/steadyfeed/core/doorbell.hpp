// One thread sleeps until any of several producers has work for it.
//
// A consumer that serves several single-producer queues (the engine's router
// and its workers' record queues) cannot sleep in one queue's condition
// variable. It sleeps here instead, and every producer rings after it has
// published. Ringing costs one atomic load while the consumer is awake; only
// a ring that finds it asleep takes the lock and wakes it.
//
// No ring is lost: the consumer says it sleeps (sequentially consistent)
// before it checks for work, and a producer publishes its work
// (sequentially consistent) before it looks whether the consumer sleeps, so
// one of the two sees the other.
//
// Thread safety: ring() from any thread; wait() from the one consumer.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace sf {

class doorbell {
 public:
  void ring() {
    if (!sleeping_.load(std::memory_order_seq_cst)) return;
    { std::lock_guard lock(mutex_); }
    wake_.notify_one();
  }

  // Sleeps until `has_work()` is true or `timeout` has passed; returns
  // has_work(). `has_work` must read what producers publish with
  // sequentially consistent loads.
  template <typename HasWork>
  bool wait(std::chrono::nanoseconds timeout, HasWork&& has_work) {
    std::unique_lock lock(mutex_);
    sleeping_.store(true, std::memory_order_seq_cst);
    const bool work = wake_.wait_for(lock, timeout, has_work);
    sleeping_.store(false, std::memory_order_relaxed);
    return work;
  }

  bool sleeping() const noexcept { return sleeping_.load(std::memory_order_relaxed); }

 private:
  std::atomic<bool> sleeping_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
};

}  // namespace sf
