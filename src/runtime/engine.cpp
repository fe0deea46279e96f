#include "steadyfeed/runtime/engine.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <tuple>

#include "steadyfeed/core/armed_timer.hpp"
#include "steadyfeed/core/doorbell.hpp"
#include "steadyfeed/runtime/record_outlet.hpp"
#include "steadyfeed/sink/record_queue.hpp"
#include "steadyfeed/venue/venue_adapter.hpp"

namespace sf {

namespace asio = boost::asio;

namespace {

// How often a worker queues the gap records its outlet still owes, when no
// record of their streams comes along to carry them.
constexpr duration owed_gaps_interval = milliseconds{100};
// How long the router sleeps while every queue is empty and no push wakes
// it: the sinks' ticks (time-based flushes) come at least this often.
constexpr std::chrono::milliseconds idle_tick{100};

}  // namespace

struct engine::impl {
  struct worker {
    worker(std::size_t queue_bytes, std::chrono::milliseconds wait)
        : queue(queue_bytes, wait), outlet(queue, wait), tick(ioc.get_executor()) {}
    asio::io_context ioc{1};
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
    std::thread thread;
    record_queue queue;
    record_outlet outlet;
    asio::basic_waitable_timer<mono_clock> tick;
    std::size_t load = 0;  // topics × redundancy of its feeds
  };
  struct sink_slot {
    std::unique_ptr<sink> s;
    sink_report report;  // the router's copy; published under `reports_mutex`
  };

  impl(engine_config c, const clock& k) : config(c), clk(k) {
    std::size_t n = config.workers ? config.workers : std::max(1u, std::thread::hardware_concurrency());
    for (std::size_t i = 0; i < n; ++i) {
      workers.push_back(std::make_unique<worker>(config.queue_bytes, config.queue_wait));
      workers.back()->queue.ring(&bell);
    }
  }

  engine_config config;
  const clock& clk;
  doorbell bell;  // every worker's push rings it; the router sleeps in it
  std::vector<std::unique_ptr<worker>> workers;
  std::vector<sink_slot> sinks;
  std::function<void(const sink_report&, const std::string&)> on_sink_error;
  std::thread router;
  std::atomic<bool> running{false};
  bool started = false, stopped = false;

  mutable std::mutex reports_mutex;
  std::vector<sink_report> reports;
  std::atomic<std::uint64_t> routed{0};

  // Declared after the workers: feeds are destroyed first, while their
  // io_contexts still exist.
  mutable std::mutex feeds_mutex;
  // A venue's connection-attempt and REST limits are per IP: every feed of
  // the venue at one host draws from the same limiters. Under feeds_mutex.
  std::map<std::string, std::shared_ptr<connect_limiter>, std::less<>> connect_limiters;
  std::map<std::string, std::shared_ptr<rest_limiter>, std::less<>> rest_limiters;
  std::map<std::string, std::shared_ptr<rest_hold>, std::less<>> rest_holds;

  static std::string host_of(const std::string& url) {
    const auto scheme = url.find("://");
    const auto host_at = scheme == std::string::npos ? 0 : scheme + 3;
    return url.substr(host_at, url.find('/', host_at) - host_at);
  }

  // Both null when the feed names an unknown venue (feed's constructor says so).
  std::pair<std::shared_ptr<connect_limiter>, std::shared_ptr<rest_limiter>> limiters_for(const feed_config& c) {
    const auto adapter = make_venue_adapter(c.venue, {c.ws_url, c.rest_url});
    if (!adapter) return {};
    const auto& lim = adapter->limits();
    std::shared_ptr<connect_limiter> connects;
    if (c.connects_per_window) {
      connects = std::make_shared<connect_limiter>(*c.connects_per_window, lim.connect_window);
    } else {
      auto& shared = connect_limiters[c.venue + " " + host_of(adapter->ws_url())];
      if (!shared) shared = std::make_shared<connect_limiter>(lim.connects_per_window, lim.connect_window);
      connects = shared;
    }
    // A refusal for rate holds every feed of the venue at this host, a feed
    // with limits of its own too: the venue bans the IP.
    const std::string rest_key = c.venue + " " + host_of(adapter->rest_url());
    auto& hold = rest_holds[rest_key];
    if (!hold) hold = std::make_shared<rest_hold>();
    if (c.rest_limits)
      return {connects, std::make_shared<rest_limiter>(*c.rest_limits, rest_limiter::default_safety, hold)};
    auto& rest = rest_limiters[rest_key];
    if (!rest) rest = std::make_shared<rest_limiter>(lim.rest_limits, rest_limiter::default_safety, hold);
    return {connects, rest};
  }
  struct feed_slot {
    std::shared_ptr<feed> f;
    worker* w = nullptr;
    std::size_t load = 0;
  };
  std::vector<feed_slot> feeds;  // under feeds_mutex
  // Feeds remove_feed took out, until their worker's thread lets them go (or
  // stop() does, once the workers are gone). Under feeds_mutex.
  std::vector<std::shared_ptr<feed>> retired;

  void arm_tick(worker& w) {
    w.tick.expires_at(clk.now() + owed_gaps_interval);
    w.tick.async_wait([this, &w, token = armed_timer{}](const boost::system::error_code& ec) {
      if (ec) return;
      w.outlet.flush();
      arm_tick(w);
    });
  }

  void sink_failed(sink_slot& slot, std::error_code ec, std::string_view during) {
    ++slot.report.errors;
    slot.report.last_error = fmt::format("{} ({}): {}", during, slot.report.description, ec.message());
    if (on_sink_error) on_sink_error(slot.report, slot.report.last_error);
  }

  void route_loop() {
    bool closing = false;
    const auto has_work = [&] {
      if (!running.load()) return true;
      return std::any_of(workers.begin(), workers.end(), [](const auto& w) { return w->queue.has_lines(); });
    };
    while (true) {
      std::size_t taken = 0;
      for (auto& w : workers) {
        taken += w->queue.take(std::chrono::milliseconds{0}, [&](const sink_record& r) {
          for (auto& slot : sinks)
            if (auto ec = slot.s->write(r)) sink_failed(slot, ec, "write");
        });
      }
      routed.fetch_add(taken, std::memory_order_relaxed);
      const time_point now = clk.now();
      for (auto& slot : sinks)
        if (auto ec = slot.s->tick(now)) sink_failed(slot, ec, "flush");
      publish();
      if (closing && taken == 0) break;
      if (!running.load()) {
        closing = true;  // one more pass picks up what the workers queued last
      } else if (taken == 0) {
        bell.wait(idle_tick, has_work);  // until a worker pushes a line
      } else if (config.gather.count() > 0) {
        std::this_thread::sleep_for(config.gather);
      }
    }
    for (auto& slot : sinks)
      if (auto ec = slot.s->close()) sink_failed(slot, ec, "close");
    publish();
  }

  void publish() {
    std::lock_guard lock(reports_mutex);
    for (std::size_t i = 0; i < sinks.size(); ++i) {
      sinks[i].report.stats = sinks[i].s->stats();
      reports[i] = sinks[i].report;
    }
  }
};

engine::engine(engine_config config, const clock& clock) : impl_(std::make_unique<impl>(config, clock)) {}

engine::~engine() {
  stop();
  // Feeds go while their io_contexts exist (impl's member order does the same).
  std::lock_guard lock(impl_->feeds_mutex);
  impl_->feeds.clear();
}

void engine::add_sink(std::unique_ptr<sink> s) {
  auto& m = *impl_;
  if (m.started) throw std::logic_error("engine::add_sink after start()");
  impl::sink_slot slot;
  slot.report.name = std::string(s->name());
  slot.report.description = s->describe();
  slot.s = std::move(s);
  m.reports.push_back(slot.report);
  m.sinks.push_back(std::move(slot));
}

void engine::on_sink_error(std::function<void(const sink_report&, const std::string&)> f) {
  impl_->on_sink_error = std::move(f);
}

feed& engine::add_feed(feed_config config, feed::callbacks cb, std::function<void(feed&)> before_start) {
  auto& m = *impl_;
  if (m.stopped) throw std::logic_error("engine::add_feed after stop()");
  if (config.id.empty()) config.id = config.venue;
  std::shared_ptr<connect_limiter> limiter;
  std::shared_ptr<rest_limiter> rest_limits;
  {
    std::lock_guard lock(m.feeds_mutex);
    for (const auto& slot : m.feeds)
      if (slot.f->id() == config.id) throw std::invalid_argument(fmt::format("feed {}: the id is taken by another feed", config.id));
    std::tie(limiter, rest_limits) = m.limiters_for(config);
  }
  auto w = std::min_element(m.workers.begin(), m.workers.end(),
                            [](const auto& a, const auto& b) { return a->load < b->load; });
  impl::worker& worker = **w;
  const std::size_t load = config.symbols.size() * config.channels.size() * static_cast<std::size_t>(std::max(1, config.redundancy));
  auto f = std::make_shared<feed>(worker.ioc.get_executor(), std::move(config), m.clk, std::move(limiter),
                                  std::move(rest_limits));
  worker.load += load;
  record_outlet* outlet = &worker.outlet;
  auto user_record = std::move(cb.on_record);
  cb.on_record = [outlet, user_record = std::move(user_record)](const record_view& r) {
    if (user_record) user_record(r);
    outlet->push(r);
  };
  f->set_callbacks(std::move(cb));
  if (before_start) before_start(*f);
  feed& out = *f;
  {
    std::lock_guard lock(m.feeds_mutex);
    m.feeds.push_back({std::move(f), &worker, load});
  }
  if (m.started) out.start();
  return out;
}

bool engine::remove_feed(std::string_view id) {
  auto& m = *impl_;
  impl::feed_slot slot;
  {
    std::lock_guard lock(m.feeds_mutex);
    const auto it = std::find_if(m.feeds.begin(), m.feeds.end(), [&](const impl::feed_slot& s) { return s.f->id() == id; });
    if (it == m.feeds.end()) return false;
    slot = std::move(*it);
    m.feeds.erase(it);
  }
  slot.w->load -= slot.load;
  // The stop runs on the feed's thread, before the release posted after it:
  // held trades go out first, and the feed ends on its own thread unless a
  // reader of find_feed still holds it (then its state ends there, as the
  // feed's own handlers finish).
  slot.f->stop();
  if (!m.started || m.stopped) return true;  // no worker runs: it ends here
  const feed* raw = slot.f.get();
  {
    std::lock_guard lock(m.feeds_mutex);
    m.retired.push_back(std::move(slot.f));
  }
  asio::post(slot.w->ioc, [&m, raw] {
    std::shared_ptr<feed> last;
    {
      std::lock_guard lock(m.feeds_mutex);
      const auto it = std::find_if(m.retired.begin(), m.retired.end(), [&](const auto& f) { return f.get() == raw; });
      if (it == m.retired.end()) return;
      last = std::move(*it);
      m.retired.erase(it);
    }
  });
  return true;
}

void engine::start() {
  auto& m = *impl_;
  if (m.started) return;
  m.started = true;
  m.running = true;
  m.router = std::thread([&m] { m.route_loop(); });
  {
    std::lock_guard lock(m.feeds_mutex);
    for (auto& slot : m.feeds) slot.f->start();
  }
  for (auto& w : m.workers) {
    w->work.emplace(w->ioc.get_executor());
    m.arm_tick(*w);
    w->thread = std::thread([&ioc = w->ioc] { ioc.run(); });
  }
}

void engine::stop() {
  auto& m = *impl_;
  if (!m.started || m.stopped) return;
  m.stopped = true;
  {
    std::lock_guard lock(m.feeds_mutex);
    for (auto& slot : m.feeds) slot.f->stop();
  }
  for (auto& w : m.workers) {
    asio::post(w->ioc, [&w = *w] { w.tick.cancel(); });
    w->work.reset();
  }
  // Closing links takes a moment (close frames); bound it.
  const auto deadline = std::chrono::steady_clock::now() + m.config.stop_timeout;  // clock-ok: a shutdown bound, not feed time
  for (auto& w : m.workers) {
    while (!w->ioc.stopped() && std::chrono::steady_clock::now() < deadline)  // clock-ok: as above
      std::this_thread::sleep_for(std::chrono::milliseconds{10});
    w->ioc.stop();
    if (w->thread.joinable()) w->thread.join();
  }
  {
    std::lock_guard lock(m.feeds_mutex);
    m.retired.clear();
  }
  // The workers are gone: this thread is now their queues' only producer.
  for (auto& w : m.workers) w->outlet.flush(m.config.stop_timeout);
  m.running = false;
  m.bell.ring();
  for (auto& w : m.workers) w->queue.close();
  if (m.router.joinable()) m.router.join();
}

std::size_t engine::workers() const noexcept { return impl_->workers.size(); }

std::vector<feed_stats> engine::feeds() const {
  std::lock_guard lock(impl_->feeds_mutex);
  std::vector<feed_stats> out;
  for (const auto& slot : impl_->feeds) out.push_back(slot.f->stats());
  return out;
}

std::shared_ptr<feed> engine::find_feed(std::string_view id) noexcept {
  std::lock_guard lock(impl_->feeds_mutex);
  for (auto& slot : impl_->feeds)
    if (slot.f->id() == id) return slot.f;
  return nullptr;
}

engine_stats engine::stats() const {
  const auto& m = *impl_;
  engine_stats st;
  {
    std::lock_guard lock(m.reports_mutex);
    st.sinks = m.reports;
  }
  st.workers = m.workers.size();
  for (const auto& w : m.workers) {
    st.queue_depth += w->queue.depth();
    st.lost += w->outlet.lost();
    st.loss_gaps += w->outlet.gaps_queued();
    st.gaps_owed += w->outlet.pending_gaps();
  }
  st.records = m.routed.load(std::memory_order_relaxed);
  return st;
}

}  // namespace sf
