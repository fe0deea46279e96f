#include "recorder.hpp"

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <cstdio>
#include <fmt/format.h>
#include <map>
#include <mutex>
#include <thread>

#include "steadyfeed/sink/file_sink.hpp"
#include "steadyfeed/sink/resume_point.hpp"
#include "steadyfeed/sink/record_queue.hpp"
#include "steadyfeed/venue/venue_adapter.hpp"

namespace sf::daemon {

// How long the sink thread lets lines gather after a batch: the most it adds
// to a record's way to the sinks.
constexpr std::chrono::milliseconds gather_time{1};

struct recorder::impl {
  impl(daemon_config c, const clock& k, feed_runner::event_sink e)
      : config(std::move(c)), clk(k), on_event(std::move(e)) {}

  daemon_config config;
  const clock& clk;
  feed_runner::event_sink on_event;
  // Single-producer: every feed pushes from the one io thread below. A
  // second feed thread would need a queue of its own.
  record_queue queue;
  boost::asio::io_context ioc{1};
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work;
  std::vector<std::unique_ptr<feed_runner>> feeds;
  std::thread io_thread, sink_thread;
  std::atomic<bool> running{false};

  mutable std::mutex sink_mutex;
  sink_status sink;

  void sink_loop() {
    std::optional<file_sink> files;
    if (config.files.enabled) {
      file_sink_config fc;
      fc.dir = config.files.dir;
      fc.flush_interval = config.files.flush_interval;
      fc.compression_level = config.files.compression_level;
      fc.fsync = config.files.fsync;
      files.emplace(fc);
    }
    bool closing = false;
    while (true) {
      std::string error;
      const std::size_t taken = queue.take(std::chrono::milliseconds{100}, [&](const queued_line& item) {
        if (files) {
          if (auto ec = files->write(item.venue, item.channel, item.symbol, item.received, item.line))
            error = ec.message();
        }
        if (config.stdout_sink.enabled) std::fwrite(item.line.data(), 1, item.line.size(), stdout);
      });
      if (files) {
        if (auto ec = files->tick(clk.now())) error = ec.message();
      }
      {
        std::lock_guard lock(sink_mutex);
        if (files) {
          sink.records = files->stats().records;
          sink.bytes_written = files->stats().bytes_out;
        } else {
          sink.records += taken;
        }
        if (!error.empty()) sink.last_error = error;
      }
      if (closing && taken == 0) break;
      if (!running) {
        closing = true;  // one more pass picks up what the feeds queued last
      } else if (taken > 0) {
        // The next batch gathers for a moment. A sink thread faster than the
        // feeds would otherwise fall asleep after every line, and the feed
        // thread would pay a wake-up call per record.
        std::this_thread::sleep_for(gather_time);
      }
    }
    if (files) files->close();
    if (config.stdout_sink.enabled) std::fflush(stdout);
  }
};

namespace {

// After a crash or a restart, each trade stream continues from what its files
// already hold, so the trades missed meanwhile are fetched, not lost.
void resume_from_files(const daemon_config& config, const std::vector<std::unique_ptr<feed_runner>>& runners) {
  for (std::size_t i = 0; i < config.feeds.size(); ++i) {
    const auto& f = config.feeds[i];
    const bool trades = std::any_of(f.channels.begin(), f.channels.end(),
                                    [](const std::string& c) { return parse_channel(c) == channel::trades; });
    if (!trades) continue;
    for (const auto& symbol : f.symbols) {
      std::error_code ec;
      const auto point = find_trade_resume_point(config.files.dir, f.venue, symbol, ec);
      if (ec) {
        fmt::print(stderr, "steadyfeed: {} {} trades: cannot read the recording to resume ({}); starting afresh\n",
                   f.venue, symbol, ec.message());
        continue;
      }
      if (!point || !runners[i]->resume_trades(symbol, point->last_id)) continue;
      fmt::print(stderr, "steadyfeed: {} {} trades: resuming after trade {} ({}{})\n", f.venue, symbol,
                 point->last_id, point->file.string(),
                 point->bad_lines ? fmt::format(", {} unreadable lines skipped", point->bad_lines) : "");
    }
  }
}

}  // namespace

recorder::recorder(daemon_config config, const clock& clock, feed_runner::event_sink on_event)
    : impl_(std::make_unique<impl>(std::move(config), clock, std::move(on_event))) {}

recorder::~recorder() { stop(); }

void recorder::start() {
  auto& m = *impl_;
  std::map<std::string, std::shared_ptr<connect_limiter>> limiters;
  for (const auto& f : m.config.feeds) {
    auto& limiter = limiters[f.venue];
    if (!limiter) {
      auto probe = make_venue_adapter(f.venue, {});
      const auto& lim = probe->limits();
      limiter = std::make_shared<connect_limiter>(lim.connects_per_window, lim.connect_window);
    }
    m.feeds.push_back(std::make_unique<feed_runner>(m.ioc.get_executor(), f, m.config.supervisor, m.queue, m.clk,
                                                    limiter, std::string{}, m.on_event));
  }
  if (m.config.files.enabled) resume_from_files(m.config, m.feeds);
  m.running = true;
  m.work.emplace(m.ioc.get_executor());
  m.sink_thread = std::thread([&m] { m.sink_loop(); });
  for (auto& f : m.feeds) f->start();
  m.io_thread = std::thread([&m] { m.ioc.run(); });
}

void recorder::stop() {
  auto& m = *impl_;
  if (!m.running) return;
  for (auto& f : m.feeds) f->stop();
  m.work.reset();
  // Closing links takes a moment (close frames); bound it.
  for (int i = 0; i < 50 && !m.ioc.stopped(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds{20});
  m.ioc.stop();
  if (m.io_thread.joinable()) m.io_thread.join();
  m.running = false;
  m.queue.close();
  if (m.sink_thread.joinable()) m.sink_thread.join();
  m.feeds.clear();
}

std::vector<feed_status> recorder::feeds() const {
  std::vector<feed_status> out;
  for (const auto& f : impl_->feeds) out.push_back(f->status());
  return out;
}

sink_status recorder::sinks() const {
  std::lock_guard lock(impl_->sink_mutex);
  sink_status s = impl_->sink;
  s.queue_depth = impl_->queue.depth();
  s.dropped = impl_->queue.dropped();
  return s;
}

}  // namespace sf::daemon
