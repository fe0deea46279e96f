// The webhook alert channel: each alert POSTed as JSON to a URL, from a
// bounded queue, retried with backoff, on a thread of its own.
//
// enqueue() only takes a lock and appends, so a slow or dead receiver never
// holds a feed. Alerts go out one at a time, in order; one that fails (no
// answer in time, a refused connection, a status other than 2xx) is retried
// after a backoff delay (Retry-After when the receiver gives one) until
// max_attempts, then dropped and counted. A full queue drops the oldest
// alert, counted too: the newest say the most about now.
//
// Thread safety: enqueue() and stats() from any thread; start() and stop()
// from one controlling thread. Lifetime: stop() (also run by the destructor)
// gives what is queued up to `stop_timeout` to go out, then drops the rest.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "steadyfeed/core/clock.hpp"

namespace sf::daemon {

struct webhook_settings {
  std::string url;  // http:// or https://
  duration timeout = seconds{5};
  std::size_t queue = 1000;  // at least 2
  int max_attempts = 8;
  duration initial_delay = seconds{1};
  duration max_delay = minutes{1};
  duration stop_timeout = seconds{2};
  std::string ca_file;  // extra trust for https:// (a private receiver)
};

struct webhook_stats {
  std::uint64_t delivered = 0;
  std::uint64_t attempts_failed = 0;
  std::uint64_t dropped = 0;  // gave up after max_attempts, or pushed out of a full queue
  std::size_t queued = 0;
  std::string last_error;
};

class webhook_sender {
 public:
  explicit webhook_sender(webhook_settings settings);
  ~webhook_sender();
  webhook_sender(const webhook_sender&) = delete;
  webhook_sender& operator=(const webhook_sender&) = delete;

  void start();
  void stop();
  void enqueue(std::string json);
  webhook_stats stats() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace sf::daemon
