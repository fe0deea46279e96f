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
#include "sink_set.hpp"
#include "steadyfeed/sink/resume_point.hpp"
#include "steadyfeed/venue/channel.hpp"
#include "steadyfeed/venue/venue_adapter.hpp"

namespace sf::daemon {

struct recorder::impl {
  impl(daemon_config c, const clock& k, event_sink e) : config(std::move(c)), clk(k), on_event(std::move(e)) {}

  daemon_config config;
  const clock& clk;
  event_sink on_event;
  std::function<record_observer(const feed_config&)> observer_for;
  std::vector<std::unique_ptr<directory_lock>> locks;  // the sinks' directories, while recording
  std::optional<engine> runtime;
  std::filesystem::path file;  // reload()'s

  // Changes (subscriptions, reloads) one at a time; guards the two below.
  mutable std::mutex changes;
  // Each running feed's streams, in the venue's spelling.
  std::map<std::string, stream_set> streams;
  daemon_config running;  // config, with the feeds of the last change

  // Builds and (once the engine runs) starts feed `f`, its trades resumed
  // from the files first. Throws std::invalid_argument as engine::add_feed.
  void add_feed(const feed_config& f);

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
// already hold, so the trades missed meanwhile are fetched, not lost. Before
// the feed starts.
void resume_from_files(const daemon_config& config, const feed_config& f, feed& running) {
  const bool trades = std::any_of(f.channels.begin(), f.channels.end(),
                                  [](const std::string& c) { return parse_channel(c) == channel::trades; });
  if (!trades) return;
  for (const auto& symbol : f.symbols) {
    std::error_code ec;
    const auto point = find_trade_resume_point(config.files.dir, f.venue, symbol, ec);
    if (ec) {
      daemon_log::write(severity::warning, fmt::format("{} {} trades: cannot read the recording to resume ({}); starting afresh",
                                                       f.venue, symbol, ec.message()));
      continue;
    }
    if (!point || !running.resume_trades(symbol, point->last_id)) continue;
    daemon_log::write(severity::notice, fmt::format("{} {} trades: resuming after trade {} ({}{}{})", f.venue, symbol,
               point->last_id, point->file.string(),
               point->bad_lines ? fmt::format(", {} unreadable lines skipped", point->bad_lines) : "",
               point->damaged_bytes ? fmt::format(", {} damaged bytes skipped", point->damaged_bytes) : ""));
  }
}

}  // namespace

void recorder::impl::add_feed(const feed_config& f) {
  feed::callbacks cb;
  if (on_event) cb.on_event = on_event;
  if (observer_for) cb.on_record = observer_for(f);
  std::function<void(feed&)> resume;
  if (config.files.enabled) resume = [this, &f](feed& fd) { resume_from_files(config, f, fd); };
  runtime->add_feed(f, std::move(cb), std::move(resume));
  streams[f.id] = streams_of(f);
}

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
  sink_set built = make_sinks(m.config, m.clk);
  m.locks = std::move(built.locks);
  engine_config ec;
  ec.workers = m.config.workers;
  ec.queue_bytes = static_cast<std::size_t>(m.config.queue_bytes);
  ec.gather = std::chrono::duration_cast<std::chrono::microseconds>(m.config.gather);
  auto& runtime = m.runtime.emplace(ec, m.clk);
  for (auto& sink : built.sinks) runtime.add_sink(std::move(sink));
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
  runtime.start();
}

void recorder::reload_from(std::filesystem::path file) { impl_->file = std::move(file); }

reload_result recorder::reload() {
  if (impl_->file.empty()) return {false, {"this recording was not started from a configuration file"}, {}, false};
  daemon_config next;
  try {
    next = load_config(impl_->file);
  } catch (const config_error& e) {
    reload_result r;
    for (const auto& p : e.problems())
      r.lines.push_back(p.line > 0 ? fmt::format("{}:{}: {}: {}", impl_->file.string(), p.line, p.key, p.message)
                                   : fmt::format("{}: {}: {}", impl_->file.string(), p.key, p.message));
    if (r.lines.empty()) r.lines.emplace_back(e.what());
    return r;
  } catch (const std::exception& e) {
    return {false, {fmt::format("{}: {}", impl_->file.string(), e.what())}, {}, false};
  }
  reload_result r = apply(next);
  if (r.applied)
    for (const auto& note : next.notes) r.lines.insert(r.lines.begin(), "note: " + note);
  return r;
}

reload_result recorder::apply(const daemon_config& next) {
  auto& m = *impl_;
  std::lock_guard lock(m.changes);
  if (!m.runtime) return {false, {"the recording is not running"}, {}, false};
  const config_change change = diff(m.running, m.streams, next);

  // Refused whole, before anything changes: a feed that cannot be built (a
  // feed's constructor names every problem it refuses; tried on an idle
  // io_context), and a stream a removed feed recorded that an added one
  // would record at once, whose resume point the files do not hold yet.
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
    // A resubscribed feed: its running settings with the new streams.
    for (const auto& r : change.resubscribed)
      for (const auto& f : next.feeds)
        for (const auto& now : m.running.feeds)
          if (f.id == r.feed && now.id == r.feed) {
            feed_config trial = now;
            trial.symbols = f.symbols;
            trial.channels = f.channels;
            attempt(trial);
          }
  }
  for (const auto& f : change.added)
    for (const auto& id : change.removed)
      for (const auto& [symbol, channel] : streams_of(f))
        if (m.streams[id].contains({symbol, channel}))
          refused.lines.push_back(fmt::format(
              "feed {}: {} {} {} is recorded by feed {}, which this change removes: remove {} first, then add {} "
              "with a second reload",
              f.id, f.venue, channel, symbol, id, id, f.id));
  if (!refused.lines.empty()) return refused;

  // Each step on its own: one that fails is said, and the rest go on.
  reload_result r;
  r.applied = true;
  for (const auto& line : change.needs_restart) r.not_applied.push_back(line + " (takes a restart of the daemon)");
  auto failed = [&](std::string what) {
    r.failed_steps = true;
    r.not_applied.push_back(std::move(what));
  };
  auto running_feed = [&](const std::string& id) {
    return std::find_if(m.running.feeds.begin(), m.running.feeds.end(), [&](const feed_config& f) { return f.id == id; });
  };
  for (const auto& id : change.removed) {
    m.runtime->remove_feed(id);
    m.streams.erase(id);
    if (auto it = running_feed(id); it != m.running.feeds.end()) m.running.feeds.erase(it);
  }
  for (const auto& f : change.added) {
    try {
      m.add_feed(f);
      m.running.feeds.push_back(f);
    } catch (const std::exception& e) {
      failed(fmt::format("feed {}: not added: {}", f.id, e.what()));
    }
  }
  for (const auto& c : change.resubscribed) {
    const auto f = m.runtime->find_feed(c.feed);
    if (!f) continue;
    auto& now = m.streams[c.feed];
    try {
      for (const auto& [channel, symbols] : c.unsubscribe) {
        f->unsubscribe(symbols, {channel});
        for (const auto& s : symbols) now.erase({s, channel});
      }
      for (const auto& [channel, symbols] : c.subscribe) {
        f->subscribe(symbols, {channel});
        for (const auto& s : symbols) now.emplace(s, channel);
      }
      // Only the streams: other settings that differ wait for a restart.
      const auto it = running_feed(c.feed);
      for (const auto& n : next.feeds)
        if (n.id == c.feed && it != m.running.feeds.end()) {
          it->symbols = n.symbols;
          it->channels = n.channels;
        }
    } catch (const std::exception& e) {
      // The trial build fitted the new streams; a live feed still counts
      // the topics it is unsubscribing for a moment.
      failed(fmt::format("feed {}: not all streams changed: {}; reload again", c.feed, e.what()));
    }
  }
  r.lines = change.describe();
  return r;
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
    s.each.push_back({r.name, r.stats.records, r.errors, r.stats});
    if (!r.last_error.empty()) s.last_error = r.last_error;
  }
  s.queue_depth = st.queue_depth;
  s.dropped += st.lost;
  return s;
}

}  // namespace sf::daemon
