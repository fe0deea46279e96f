#include "webhook_sender.hpp"

#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/url/parse.hpp>
#include <fmt/format.h>

#include <deque>
#include <mutex>
#include <thread>

#include "steadyfeed/core/backoff.hpp"
#include "steadyfeed/core/random.hpp"
#include "steadyfeed/net/http_client.hpp"

namespace sf::daemon {

namespace asio = boost::asio;

// Handlers hold the impl by pointer: it outlives the thread that runs them
// (stop() joins it), and handlers never run are destroyed with the io_context.
struct webhook_sender::impl {
  explicit impl(webhook_settings s)
      : settings(clamped(std::move(s))),
        target(target_of(settings.url)),
        client(ioc.get_executor(), origin_of(settings.url), client_options(settings)),
        retry(retry_policy(settings)),
        random(entropy_seed()) {}

  // The front of the queue may be on its way: room for one more is needed.
  static webhook_settings clamped(webhook_settings s) {
    s.queue = std::max<std::size_t>(s.queue, 2);
    s.max_attempts = std::max(s.max_attempts, 1);
    return s;
  }
  static http_client_options client_options(const webhook_settings& s) {
    http_client_options o;
    o.ca_file = s.ca_file;
    o.timeout = s.timeout;
    o.max_body_bytes = 64 * 1024;  // a receiver's answer is not read for more than its status
    return o;
  }
  static backoff_policy retry_policy(const webhook_settings& s) {
    backoff_policy p;
    p.initial = s.initial_delay;
    p.max = s.max_delay;
    return p;
  }

  // "http://host:9000/hooks/x?key=1" is POSTed to "/hooks/x?key=1" at
  // "http://host:9000"; a URL without a path to "/".
  static std::string origin_of(const std::string& url) {
    const auto u = boost::urls::parse_uri(url);
    if (!u) return url;  // the client reports it on the first delivery
    return std::string(u->scheme()) + "://" + std::string(u->encoded_authority());
  }
  static std::string target_of(const std::string& url) {
    const auto u = boost::urls::parse_uri(url);
    if (!u) return "/";
    std::string t = u->encoded_path().empty() ? "/" : std::string(u->encoded_path());
    if (u->has_query()) t += "?" + std::string(u->encoded_query());
    return t;
  }

  webhook_settings settings;
  std::string target;
  asio::io_context ioc{1};
  http_client client;
  asio::basic_waitable_timer<mono_clock> timer{ioc};
  asio::basic_waitable_timer<mono_clock> deadline{ioc};  // for stop()
  backoff retry;
  rng random;
  std::thread thread;

  mutable std::mutex mutex;  // guards queue and counts
  std::deque<std::string> queue;
  webhook_stats counts;
  bool sending = false;  // the I/O thread's; a POST or a retry wait is under way
  bool stopping = false;  // no more enqueues
  bool draining = false;  // the I/O thread's: stop once the queue is empty

  void stop_if_drained() {
    if (!draining) return;
    std::lock_guard lock(mutex);
    if (queue.empty()) ioc.stop();
  }

  // On the I/O thread: send the front of the queue if nothing is under way.
  void pump() {
    if (sending) return;
    std::string body;
    {
      std::lock_guard lock(mutex);
      if (queue.empty()) return;
      body = queue.front();
    }
    sending = true;
    client.post(target, std::move(body), "application/json",
                [self = this](const failure* f, http_response r) { self->on_answer(f, r); });
  }

  // The front alert went out (or was given up): counted, and the next one
  // follows. Under `mutex`.
  void done_with_front(std::uint64_t& count) {
    ++count;
    if (!queue.empty()) queue.pop_front();
    retry.reset();
    sending = false;
    asio::post(ioc, [self = this] {
      self->stop_if_drained();
      self->pump();
    });
  }

  void on_answer(const failure* f, const http_response& r) {
    const bool ok = !f && r.status >= 200 && r.status < 300;
    std::lock_guard lock(mutex);
    if (ok) return done_with_front(counts.delivered);
    ++counts.attempts_failed;
    counts.last_error = f ? f->to_string() : fmt::format("{} answered {}", settings.url, r.status);
    if (retry.attempts() + 1 >= settings.max_attempts) return done_with_front(counts.dropped);
    const duration delay = std::max(retry.next_delay(random), r.retry_after);
    timer.expires_after(delay);
    timer.async_wait([self = this](const boost::system::error_code& ec) {
      self->sending = false;
      if (!ec) self->pump();
    });
  }
};

webhook_sender::webhook_sender(webhook_settings settings) : impl_(std::make_unique<impl>(std::move(settings))) {}

webhook_sender::~webhook_sender() { stop(); }

void webhook_sender::start() {
  auto& m = *impl_;
  if (m.thread.joinable()) return;
  m.thread = std::thread([self = impl_.get()] {
    auto guard = asio::make_work_guard(self->ioc);
    self->ioc.run();
  });
}

void webhook_sender::stop() {
  auto& m = *impl_;
  if (!m.thread.joinable()) return;
  {
    std::lock_guard lock(m.mutex);
    m.stopping = true;
  }
  // What is queued gets until stop_timeout to go out; then the thread stops,
  // and what is left is dropped (counted).
  asio::post(m.ioc, [self = impl_.get()] {
    self->draining = true;
    self->deadline.expires_after(self->settings.stop_timeout);
    self->deadline.async_wait([self](const boost::system::error_code& ec) {
      if (!ec) self->ioc.stop();
    });
    self->stop_if_drained();
  });
  m.thread.join();
  std::lock_guard lock(m.mutex);
  m.counts.dropped += m.queue.size();
  m.queue.clear();
}

void webhook_sender::enqueue(std::string json) {
  auto& m = *impl_;
  {
    std::lock_guard lock(m.mutex);
    if (m.stopping) return;
    if (m.queue.size() >= m.settings.queue) {
      // The front may be on its way; drop the oldest behind it.
      m.queue.erase(m.queue.size() > 1 ? m.queue.begin() + 1 : m.queue.begin());
      ++m.counts.dropped;
    }
    m.queue.push_back(std::move(json));
  }
  asio::post(m.ioc, [self = impl_.get()] { self->pump(); });
}

webhook_stats webhook_sender::stats() const {
  std::lock_guard lock(impl_->mutex);
  auto s = impl_->counts;
  s.queued = impl_->queue.size();
  return s;
}

}  // namespace sf::daemon
