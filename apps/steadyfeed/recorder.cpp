#include "recorder.hpp"

#include "log_line.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <stdexcept>

#include "steadyfeed/sink/directory_lock.hpp"
#include "steadyfeed/sink/file_sink.hpp"
#include "steadyfeed/sink/resume_point.hpp"
#include "steadyfeed/sink/stdout_sink.hpp"
#include "steadyfeed/venue/channel.hpp"

namespace sf::daemon {

struct recorder::impl {
  impl(daemon_config c, const clock& k, event_sink e) : config(std::move(c)), clk(k), on_event(std::move(e)) {}

  daemon_config config;
  const clock& clk;
  event_sink on_event;
  std::function<record_observer(const feed_config&)> observer_for;
  std::unique_ptr<directory_lock> lock;  // the data directory, while recording
  std::optional<engine> runtime;
};

namespace {

// After a crash or a restart, each trade stream continues from what its files
// already hold, so the trades missed meanwhile are fetched, not lost.
void resume_from_files(const daemon_config& config, engine& runtime) {
  for (const auto& f : config.feeds) {
    const bool trades = std::any_of(f.channels.begin(), f.channels.end(),
                                    [](const std::string& c) { return parse_channel(c) == channel::trades; });
    feed* running = runtime.find_feed(f.id);
    if (!trades || !running) continue;
    for (const auto& symbol : f.symbols) {
      std::error_code ec;
      const auto point = find_trade_resume_point(config.files.dir, f.venue, symbol, ec);
      if (ec) {
        fmt::print(stderr, "{}{} {} trades: cannot read the recording to resume ({}); starting afresh\n", log_prefix(),
                   f.venue, symbol, ec.message());
        continue;
      }
      if (!point || !running->resume_trades(symbol, point->last_id)) continue;
      fmt::print(stderr, "{}{} {} trades: resuming after trade {} ({}{}{})\n", log_prefix(), f.venue, symbol,
                 point->last_id, point->file.string(),
                 point->bad_lines ? fmt::format(", {} unreadable lines skipped", point->bad_lines) : "",
                 point->damaged_bytes ? fmt::format(", {} damaged bytes skipped", point->damaged_bytes) : "");
    }
  }
}

}  // namespace

recorder::recorder(daemon_config config, const clock& clock, event_sink on_event)
    : impl_(std::make_unique<impl>(std::move(config), clock, std::move(on_event))) {}

recorder::~recorder() { stop(); }

void recorder::observe_records(std::function<record_observer(const feed_config&)> make) {
  impl_->observer_for = std::move(make);
}

void recorder::observe_events(event_sink also) {
  if (!impl_->on_event) {
    impl_->on_event = std::move(also);
    return;
  }
  impl_->on_event = [first = std::move(impl_->on_event), also = std::move(also)](std::string_view c, const event& e) {
    first(c, e);
    also(c, e);
  };
}

void recorder::start() {
  auto& m = *impl_;
  if (m.config.files.enabled) {
    std::string error;
    m.lock = directory_lock::acquire(m.config.files.dir, error);
    if (!m.lock) throw std::runtime_error(error);
  }
  engine_config ec;
  ec.workers = m.config.workers;
  ec.queue_bytes = static_cast<std::size_t>(m.config.queue_bytes);
  auto& runtime = m.runtime.emplace(ec, m.clk);
  if (m.config.files.enabled) {
    file_sink_config fc;
    fc.dir = m.config.files.dir;
    fc.flush_interval = m.config.files.flush_interval;
    fc.compression_level = m.config.files.compression_level;
    fc.fsync = m.config.files.fsync;
    fc.max_pending_bytes = static_cast<std::size_t>(m.config.files.max_pending_bytes);
    runtime.add_sink(std::make_unique<file_sink>(fc));
  }
  if (m.config.stdout_sink.enabled) runtime.add_sink(std::make_unique<stdout_sink>());
  // Sink errors are events like the feeds': said when they happen (a full
  // disk, a removed directory), again when the error changes, and once a
  // minute while it lasts.
  if (m.on_event)
    runtime.on_sink_error([on_event = m.on_event, &clk = m.clk, last = std::string(), said_at = wall_us{0}](
                              const sink_report& report, const std::string& message) mutable {
      const wall_us now = clk.wall_now();
      if (message == last && now - said_at < 60'000'000) return;
      last = message;
      said_at = now;
      event e;
      e.time = now;
      e.kind = event_kind::error;
      e.level = severity::warning;
      e.reason = fmt::format("{} (errors so far: {})", message, report.errors);
      on_event("sink " + report.name, e);
    });
  for (auto f : m.config.feeds) {  // each carries its supervisor settings (config.cpp)
    feed::callbacks cb;
    if (m.on_event) cb.on_event = m.on_event;
    if (m.observer_for) cb.on_record = m.observer_for(f);
    runtime.add_feed(std::move(f), std::move(cb));
  }
  if (m.config.files.enabled) resume_from_files(m.config, runtime);
  runtime.start();
}

void recorder::stop() {
  if (impl_->runtime) impl_->runtime->stop();
}

std::vector<feed_stats> recorder::feeds() const {
  return impl_->runtime ? impl_->runtime->feeds() : std::vector<feed_stats>{};
}

bool recorder::reconnect(std::string_view feed_id, std::size_t index, std::string reason) {
  feed* f = impl_->runtime ? impl_->runtime->find_feed(feed_id) : nullptr;
  return f && f->reconnect(index, std::move(reason));
}

bool recorder::subscribe(std::string_view feed_id, std::vector<std::string> symbols,
                         std::vector<std::string> channels) {
  feed* f = impl_->runtime ? impl_->runtime->find_feed(feed_id) : nullptr;
  if (f) f->subscribe(std::move(symbols), std::move(channels));
  return f != nullptr;
}

bool recorder::unsubscribe(std::string_view feed_id, std::vector<std::string> symbols,
                           std::vector<std::string> channels) {
  feed* f = impl_->runtime ? impl_->runtime->find_feed(feed_id) : nullptr;
  if (f) f->unsubscribe(std::move(symbols), std::move(channels));
  return f != nullptr;
}

sink_status recorder::sinks() const {
  sink_status s;
  if (!impl_->runtime) return s;
  const engine_stats st = impl_->runtime->stats();
  s.records = st.records;
  for (const auto& r : st.sinks) {
    // The files sink counts what it accepted; with it, that is the count.
    if (r.name == "files") s.records = r.stats.records;
    s.bytes_written += r.stats.bytes_written;
    s.dropped += r.stats.records_lost;
    s.errors += r.errors;
    s.each.push_back({r.name, r.stats.records, r.errors});
    if (!r.last_error.empty()) s.last_error = r.last_error;
  }
  s.queue_depth = st.queue_depth;
  s.dropped += st.lost;
  return s;
}

}  // namespace sf::daemon
