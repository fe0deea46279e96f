#include "recorder.hpp"

#include "daemon_log.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <cstdio>
#include <mutex>
#include <optional>
#include <stdexcept>

#include "config_change.hpp"
#include "steadyfeed/sink/directory_lock.hpp"
#include "steadyfeed/sink/file_sink.hpp"
#include "steadyfeed/sink/resume_point.hpp"
#include "steadyfeed/sink/stdout_sink.hpp"
#include "steadyfeed/venue/channel.hpp"
#include "steadyfeed/venue/venue_adapter.hpp"

namespace sf::daemon {

struct recorder::impl {
  impl(daemon_config c, const clock& k, event_sink e) : config(std::move(c)), clk(k), on_event(std::move(e)) {}

  daemon_config config;
  const clock& clk;
  event_sink on_event;
  std::function<record_observer(const feed_config&)> observer_for;
  std::unique_ptr<directory_lock> lock;  // the data directory, while recording
  std::optional<engine> runtime;
  std::filesystem::path file;  // reload()'s

  // Changes (subscriptions, reloads) one at a time; guards the two below.
  mutable std::mutex changes;
  // Each running feed's streams, in the venue's spelling.
  std::map<std::string, stream_set> streams;
  daemon_config running;  // config, with the feeds of the last change

  void add_feed(const feed_config& f) {
    feed::callbacks cb;
    if (on_event) cb.on_event = on_event;
    if (observer_for) cb.on_record = observer_for(f);
    runtime->add_feed(f, std::move(cb));
    streams[f.id] = streams_of(f);
  }

  // `symbols` as the feed's venue spells them (feed::subscribe refuses the
  // ones it cannot spell).
  static std::vector<std::string> spelt(const std::string& venue, const std::vector<std::string>& symbols) {
    const auto adapter = make_venue_adapter(venue);
    std::vector<std::string> out;
    for (const auto& s : symbols) {
      if (!adapter) {
        out.push_back(s);
        continue;
      }
      const auto sp = adapter->spell_symbol(s);
      out.push_back(sp.ok() ? sp.symbol : s);
    }
    return out;
  }
};

namespace {

// After a crash or a restart, each trade stream continues from what its files
// already hold, so the trades missed meanwhile are fetched, not lost.
void resume_from_files(const daemon_config& config, const std::vector<feed_config>& feeds, engine& runtime) {
  for (const auto& f : feeds) {
    const bool trades = std::any_of(f.channels.begin(), f.channels.end(),
                                    [](const std::string& c) { return parse_channel(c) == channel::trades; });
    const auto running = runtime.find_feed(f.id);
    if (!trades || !running) continue;
    for (const auto& symbol : f.symbols) {
      std::error_code ec;
      const auto point = find_trade_resume_point(config.files.dir, f.venue, symbol, ec);
      if (ec) {
        daemon_log::write(severity::warning, fmt::format("{} {} trades: cannot read the recording to resume ({}); starting afresh",
                                                         f.venue, symbol, ec.message()));
        continue;
      }
      if (!point || !running->resume_trades(symbol, point->last_id)) continue;
      daemon_log::write(severity::notice, fmt::format("{} {} trades: resuming after trade {} ({}{}{})", f.venue, symbol,
                 point->last_id, point->file.string(),
                 point->bad_lines ? fmt::format(", {} unreadable lines skipped", point->bad_lines) : "",
                 point->damaged_bytes ? fmt::format(", {} damaged bytes skipped", point->damaged_bytes) : ""));
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
  {
    std::lock_guard lock(m.changes);
    m.running = m.config;
    for (const auto& f : m.config.feeds) m.add_feed(f);  // each carries its supervisor settings (config.cpp)
  }
  if (m.config.files.enabled) resume_from_files(m.config, m.config.feeds, runtime);
  runtime.start();
}

void recorder::reload_from(std::filesystem::path file) { impl_->file = std::move(file); }

reload_result recorder::reload() {
  if (impl_->file.empty()) return {false, {"this recording was not started from a configuration file"}};
  try {
    return apply(load_config(impl_->file));
  } catch (const config_error& e) {
    reload_result r;
    for (const auto& p : e.problems())
      r.lines.push_back(p.line > 0 ? fmt::format("{}:{}: {}: {}", impl_->file.string(), p.line, p.key, p.message)
                                   : fmt::format("{}: {}: {}", impl_->file.string(), p.key, p.message));
    if (r.lines.empty()) r.lines.emplace_back(e.what());
    return r;
  }
}

reload_result recorder::apply(const daemon_config& next) {
  auto& m = *impl_;
  std::lock_guard lock(m.changes);
  if (!m.runtime) return {false, {"the recording is not running"}};
  const config_change change = diff(m.running, m.streams, next);
  // Try every feed to build (added, restarted, resubscribed: its new
  // streams must fit) on an idle io_context: a feed's constructor names
  // every problem it refuses.
  reload_result refused;
  {
    boost::asio::io_context idle;
    auto attempt = [&](const feed_config& f) {
      try {
        feed probe(idle.get_executor(), f, m.clk);
      } catch (const std::invalid_argument& e) {
        refused.lines.emplace_back(e.what());
      }
    };
    for (const auto& f : change.added) attempt(f);
    for (const auto& f : change.restarted) attempt(f);
    for (const auto& r : change.resubscribed)
      for (const auto& f : next.feeds)
        if (f.id == r.feed) attempt(f);
  }
  if (!refused.lines.empty()) return refused;

  for (const auto& id : change.removed) {
    m.runtime->remove_feed(id);
    m.streams.erase(id);
  }
  for (const auto& f : change.restarted) {
    m.runtime->remove_feed(f.id);
    m.streams.erase(f.id);
  }
  std::vector<feed_config> built;
  for (const auto& f : change.restarted) built.push_back(f);
  for (const auto& f : change.added) built.push_back(f);
  for (const auto& f : built) m.add_feed(f);
  // Their trades continue from the recording, the gap backfilled.
  if (m.config.files.enabled) resume_from_files(m.config, built, *m.runtime);
  for (const auto& r : change.resubscribed) {
    const auto f = m.runtime->find_feed(r.feed);
    if (!f) continue;
    auto& now = m.streams[r.feed];
    for (const auto& [channel, symbols] : r.unsubscribe) {
      f->unsubscribe(symbols, {channel});
      for (const auto& s : symbols) now.erase({s, channel});
    }
    for (const auto& [channel, symbols] : r.subscribe) {
      f->subscribe(symbols, {channel});  // fits: tried above
      for (const auto& s : symbols) now.emplace(s, channel);
    }
  }
  m.running.feeds = next.feeds;
  return {true, change.describe()};
}

daemon_config recorder::running() const {
  std::lock_guard lock(impl_->changes);
  return impl_->running;
}

void recorder::stop() {
  if (impl_->runtime) impl_->runtime->stop();
}

std::vector<feed_stats> recorder::feeds() const {
  return impl_->runtime ? impl_->runtime->feeds() : std::vector<feed_stats>{};
}

bool recorder::reconnect(std::string_view feed_id, std::size_t index, std::string reason) {
  const auto f = impl_->runtime ? impl_->runtime->find_feed(feed_id) : nullptr;
  return f && f->reconnect(index, std::move(reason));
}

bool recorder::subscribe(std::string_view feed_id, std::vector<std::string> symbols,
                         std::vector<std::string> channels) {
  auto& m = *impl_;
  std::lock_guard lock(m.changes);
  const auto f = m.runtime ? m.runtime->find_feed(feed_id) : nullptr;
  if (!f) return false;
  const auto names = impl::spelt(f->venue(), symbols);
  f->subscribe(std::move(symbols), channels);  // throws, changing nothing, on bad input
  auto& now = m.streams[std::string(feed_id)];
  for (const auto& s : names)
    for (const auto& c : channels) now.emplace(s, c);
  return true;
}

bool recorder::unsubscribe(std::string_view feed_id, std::vector<std::string> symbols,
                           std::vector<std::string> channels) {
  auto& m = *impl_;
  std::lock_guard lock(m.changes);
  const auto f = m.runtime ? m.runtime->find_feed(feed_id) : nullptr;
  if (!f) return false;
  const auto names = impl::spelt(f->venue(), symbols);
  f->unsubscribe(std::move(symbols), channels);
  auto& now = m.streams[std::string(feed_id)];
  for (const auto& s : names)
    for (const auto& c : channels) now.erase({s, c});
  return true;
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
