#include "steadyfeed/runtime/feed.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/post.hpp>
#include <map>
#include <mutex>
#include <stdexcept>

#include "core/same_text.hpp"
#include "steadyfeed/core/armed_timer.hpp"
#include "steadyfeed/feed/market_pipeline.hpp"
#include "steadyfeed/feed/topic_shards.hpp"
#include "steadyfeed/net/connection_driver.hpp"
#include "steadyfeed/net/http_client.hpp"
#include "steadyfeed/venue/venue_adapter.hpp"

namespace sf {

namespace asio = boost::asio;

namespace {

constexpr int max_redundancy = 8;

// One stream's counters: written on the feed's thread, read from any.
struct stream_counter {
  std::string channel, symbol;
  std::atomic<std::uint64_t> records{0}, gaps{0};
  std::atomic<wall_us> last_received{0};
};


}  // namespace

struct feed::state : std::enable_shared_from_this<feed::state> {
  state(asio::io_context::executor_type ex, feed_config c, const clock& k, std::shared_ptr<connect_limiter> l,
        std::shared_ptr<rest_limiter> r)
      : executor(ex), config(std::move(c)), clk(k), limiter(std::move(l)), rest_limits(std::move(r)), timer(ex),
        rest_timer(ex) {}

  asio::io_context::executor_type executor;
  const feed_config config;
  const clock& clk;
  std::shared_ptr<connect_limiter> limiter;
  std::shared_ptr<rest_limiter> rest_limits;
  venue_endpoints endpoints;
  std::unique_ptr<venue_adapter> topics_adapter;  // builds topics; the pipeline has its own
  std::unique_ptr<market_pipeline> pipeline;
  std::unique_ptr<http_client> rest;
  asio::basic_waitable_timer<mono_clock> timer;
  time_point armed = never;
  // REST requests waiting for their turn under the venue's limits, by the
  // time rest_limits granted them; rest_timer fires at the first.
  struct waiting_get {
    std::uint64_t fetch_id;
    rest_request request;
  };
  std::multimap<time_point, waiting_get> waiting_rest;
  asio::basic_waitable_timer<mono_clock> rest_timer;
  callbacks cb;
  bool started = false;
  bool stopped = false;

  // The layout and the connections. Changed on the feed's thread only, under
  // `layout_mutex`, which readers on other threads take too.
  mutable std::mutex layout_mutex;
  topic_shards shards{0};
  std::vector<std::unique_ptr<connection_driver>> drivers;  // shard-major

  // Per-stream counters; the map only grows, and only on the feed's thread.
  mutable std::mutex streams_mutex;
  std::map<std::string, std::unique_ptr<stream_counter>, std::less<>> streams;
  stream_counter* last_stream = nullptr;  // records come in runs per stream
  std::string key;                        // lookup key, reused

  struct published_counts {
    std::atomic<std::uint64_t> trades{0}, books{0}, gaps{0}, rest_requests{0}, rest_failures{0}, resyncs{0},
        duplicates{0}, holes_bridged{0}, backfilled{0};
  } published;

  std::string connection_name(std::size_t index) const { return fmt::format("{}/{}", config.id, index); }

  stream_counter& counter(std::string_view channel_text, std::string_view symbol) {
    if (last_stream && same_text(symbol, last_stream->symbol) && same_text(channel_text, last_stream->channel))
      return *last_stream;
    key.assign(channel_text);
    key.push_back('\0');
    key.append(symbol);
    auto it = streams.find(key);
    if (it == streams.end()) {
      auto c = std::make_unique<stream_counter>();
      c->channel = std::string(channel_text);
      c->symbol = std::string(symbol);
      std::lock_guard lock(streams_mutex);
      it = streams.emplace(key, std::move(c)).first;
    }
    last_stream = it->second.get();
    return *last_stream;
  }

  void emit(const record_view& r) {
    stream_counter& c = counter(r.channel, r.symbol);
    (r.kind == record_kind::gap ? c.gaps : c.records).fetch_add(1, std::memory_order_relaxed);
    c.last_received.store(r.received, std::memory_order_relaxed);
    if (cb.on_record) cb.on_record(r);
  }

  void rearm() {
    const time_point next = pipeline->next_deadline();
    if (next == armed) return;
    armed = next;
    if (next == never) {
      timer.cancel();
      return;
    }
    timer.expires_at(next);
    timer.async_wait([self = weak_from_this(), token = armed_timer{}](const boost::system::error_code& ec) {
      auto s = self.lock();
      if (!s || ec || s->stopped) return;
      s->armed = never;
      s->pipeline->on_timer(s->clk.now(), s->clk.wall_now());
      s->after_pipeline();
    });
  }

  // The pipeline's REST request, sent now or when the venue's limits allow.
  void request_rest(std::uint64_t fetch_id, rest_request request) {
    const time_point now = clk.now();
    const time_point at = rest_limits->reserve(request.budget, request.cost, now);
    if (at <= now) return send_rest(fetch_id, std::move(request), now);
    pipeline->on_rest_waiting(fetch_id);  // no reply is due while it waits
    const bool first = waiting_rest.empty() || at < waiting_rest.begin()->first;
    waiting_rest.emplace(at, waiting_get{fetch_id, std::move(request)});
    if (first) arm_rest_timer();
  }

  void arm_rest_timer() {
    if (waiting_rest.empty()) return;
    rest_timer.expires_at(waiting_rest.begin()->first);
    rest_timer.async_wait([self = weak_from_this(), token = armed_timer{}](const boost::system::error_code& ec) {
      auto s = self.lock();
      if (!s || ec || s->stopped) return;
      s->send_due_rest();
    });
  }

  // Sends the waiting requests whose time has come; those a refusal for
  // rate holds since they were granted wait again, each for a new grant
  // after the hold (sending them all at its end would go over again).
  void send_due_rest() {
    const time_point now = clk.now();
    std::vector<waiting_get> due;
    while (!waiting_rest.empty() && waiting_rest.begin()->first <= now)
      due.push_back(std::move(waiting_rest.extract(waiting_rest.begin()).mapped()));
    const bool held = rest_limits->held_until() > now;
    for (auto& get : due) {
      if (!pipeline->awaits(get.fetch_id)) continue;  // its stream went meanwhile
      if (held) {
        const time_point at = rest_limits->reserve(get.request.budget, get.request.cost, now);
        waiting_rest.emplace(at, std::move(get));
      } else {
        send_rest(get.fetch_id, std::move(get.request), now);
      }
    }
    arm_rest_timer();
    after_pipeline();
  }

  void send_rest(std::uint64_t fetch_id, rest_request request, time_point sent_at) {
    pipeline->on_rest_sent(fetch_id, sent_at);
    std::string target = request.target;
    rest->get(std::move(target), [weak = weak_from_this(), fetch_id, request = std::move(request)](
                                     const failure* err, http_response response) {
      auto s = weak.lock();
      if (!s || s->stopped) return;
      const auto now = s->clk.now();
      const auto wall = s->clk.wall_now();
      // Over a limit after all (another client on this IP, a limit lower
      // than we know): every feed of this venue waits as told, for a
      // second when not told. Going on would get the IP banned.
      if (!err && (response.status == 429 || response.status == 418))
        s->rest_limits->hold_until(now + std::max<duration>(response.retry_after, seconds{1}));
      if ((err || response.status != 200) && s->cb.on_event) {
        event e;
        e.time = wall;
        e.kind = event_kind::error;
        e.level = severity::warning;
        e.reason = fmt::format("REST GET {}: {}", request.target,
                               err ? err->to_string() : fmt::format("HTTP {}", response.status));
        s->cb.on_event(s->config.id, e);
      }
      if (err)
        s->pipeline->on_rest_failed(fetch_id, err->to_string(), now, wall, err->retry_after);
      else
        s->pipeline->on_rest_reply(fetch_id, response.status, response.body, now, wall, response.retry_after);
      s->after_pipeline();
    });
  }

  void after_pipeline() {
    const market_pipeline_stats& st = pipeline->stats();
    published.trades.store(st.trades, std::memory_order_relaxed);
    published.books.store(st.books, std::memory_order_relaxed);
    published.gaps.store(st.gaps, std::memory_order_relaxed);
    published.rest_requests.store(st.rest_requests, std::memory_order_relaxed);
    published.rest_failures.store(st.rest_failures, std::memory_order_relaxed);
    published.resyncs.store(st.resyncs, std::memory_order_relaxed);
    published.duplicates.store(st.duplicates_dropped, std::memory_order_relaxed);
    published.holes_bridged.store(st.book_holes_bridged, std::memory_order_relaxed);
    published.backfilled.store(st.backfilled, std::memory_order_relaxed);
    rearm();
  }

  std::size_t live_connections() const {
    std::size_t n = 0;
    for (const auto& d : drivers) n += d->is_healthy() ? 1 : 0;
    return n;
  }

  // Topics for symbols × channels, validated. Throws std::invalid_argument.
  std::vector<std::string> topics_for(const std::vector<std::string>& symbols,
                                      const std::vector<std::string>& channels,
                                      std::vector<std::pair<std::string, channel>>* streams_out) const {
    std::vector<channel> chans;
    for (const auto& c : channels) {
      const auto ch = parse_channel(c);
      if (!ch) throw std::invalid_argument(fmt::format("feed {}: unknown channel '{}' (known: trades, book)", config.id, c));
      chans.push_back(*ch);
    }
    std::vector<std::string> out;
    for (const auto& text : symbols) {
      // The venue's own spelling: a wrong one would subscribe to nothing.
      const symbol_spelling sym = topics_adapter->spell_symbol(text);
      if (!sym.ok()) throw std::invalid_argument(fmt::format("feed {}: {}", config.id, sym.problem));
      for (const channel ch : chans) {
        out.push_back(topics_adapter->topic(ch, sym.symbol));
        if (streams_out) streams_out->emplace_back(sym.symbol, ch);
      }
    }
    return out;
  }

  void check_capacity(std::size_t new_topics) const {
    const std::size_t shards_needed = shards.shards_after(new_topics);
    const std::size_t needed = shards_needed * static_cast<std::size_t>(config.redundancy);
    if (needed > config.max_connections)
      throw std::invalid_argument(fmt::format(
          "feed {}: {} topics need {} connections ({} shard(s) of at most {} topics, × redundancy {}), "
          "more than max_connections {}",
          config.id, new_topics, needed, shards_needed, shards.per_connection(), config.redundancy,
          config.max_connections));
  }

  // Opens the connections of shard `shard` (feed's thread, or before start).
  void open_shard(std::size_t shard) {
    ws_link_options link_options;
    link_options.ca_file = config.ca_file;
    // Redundant connections opened together would reach the venue's
    // lifetime together and rotate at the same moment. Each gets its own
    // phase of the rotation period, spread evenly, so that at most one of a
    // shard's connections rotates by plan at a time, however often they
    // rotate or reconnect (supervisor_config::rotation_phase).
    const duration lifetime = config.supervisor.lifetime.value_or(topics_adapter->limits().lifetime);
    const duration margin = config.supervisor.rotation_margin;
    const duration period = lifetime > margin ? lifetime - margin : lifetime / 2;
    for (int r = 0; r < config.redundancy; ++r) {
      const std::size_t index = drivers.size();
      supervisor_config c = config.supervisor;
      c.name = connection_name(index);
      if (config.redundancy > 1 && period.count() > 0) c.rotation_phase = period * r / config.redundancy;
      auto adapter = make_venue_adapter(config.venue, endpoints);
      auto driver = std::make_unique<connection_driver>(executor, c, std::shared_ptr<venue_protocol>(std::move(adapter)),
                                                        shards.topics(shard), clk, link_options, limiter);
      driver->set_callbacks(driver_callbacks(index));
      std::lock_guard lock(layout_mutex);
      drivers.push_back(std::move(driver));
    }
  }

  supervisor::callbacks driver_callbacks(std::size_t index) {
    std::weak_ptr<state> weak = weak_from_this();
    supervisor::callbacks out;
    out.on_message = [weak](const message& m) {
      auto s = weak.lock();
      if (!s || s->stopped) return;
      s->pipeline->on_message(m, m.delivered);
      s->after_pipeline();
    };
    out.on_state_change = [weak, index](connection_state from, connection_state to, std::string_view reason) {
      auto s = weak.lock();
      if (!s) return;
      if (s->cb.on_state_change) s->cb.on_state_change(s->connection_name(index), from, to, reason);
      // The driver's is_healthy() is updated after this call returns.
      asio::post(s->executor, [weak] {
        if (auto s2 = weak.lock(); s2 && !s2->stopped) s2->pipeline->on_live_connections(s2->live_connections());
      });
    };
    out.on_event = [weak, index](const event& e) {
      auto s = weak.lock();
      if (s && s->cb.on_event) s->cb.on_event(s->connection_name(index), e);
    };
    return out;
  }

  // Sends `placements` to the shards' connections; opens new shards (and
  // starts them when the feed runs).
  void apply_added(const std::vector<topic_shards::placement>& placements) {
    const std::size_t per = static_cast<std::size_t>(config.redundancy);
    for (const auto& p : placements) {
      if (p.shard * per >= drivers.size()) {
        open_shard(p.shard);
        if (started)
          for (std::size_t i = p.shard * per; i < drivers.size(); ++i) drivers[i]->start();
        continue;
      }
      for (std::size_t i = p.shard * per; i < (p.shard + 1) * per; ++i)
        drivers[i]->subscribe(p.topics, [weak = weak_from_this(), i](std::vector<std::string> refused) {
          auto s = weak.lock();
          if (!s || refused.empty() || !s->cb.on_event) return;
          event e;
          e.time = s->clk.wall_now();
          e.kind = event_kind::subscription_failed;
          e.level = severity::warning;
          e.reason = fmt::format("{} topic(s) refused: the connection is at the venue's limit", refused.size());
          s->cb.on_event(s->connection_name(i), e);
        });
    }
  }

  void resubscribe(std::string_view topic) {
    const auto shard = shards.shard_of(topic);
    if (!shard) return;
    const std::size_t per = static_cast<std::size_t>(config.redundancy);
    std::vector<std::string> one{std::string(topic)};
    for (std::size_t i = *shard * per; i < (*shard + 1) * per && i < drivers.size(); ++i) {
      drivers[i]->unsubscribe(one);
      drivers[i]->subscribe(one);
    }
  }
};

feed::feed(asio::io_context::executor_type executor, feed_config config, const clock& clock,
           std::shared_ptr<connect_limiter> limiter, std::shared_ptr<rest_limiter> rest_limits)
    : state_(std::make_shared<state>(executor, std::move(config), clock, std::move(limiter), std::move(rest_limits))) {
  auto& s = *state_;
  const feed_config& c = s.config;
  const std::string& id = c.id;
  if (c.redundancy < 1 || c.redundancy > max_redundancy)
    throw std::invalid_argument(fmt::format("feed {}: redundancy {} is out of range (1 to {})", id, c.redundancy, max_redundancy));
  if (c.symbols.empty()) throw std::invalid_argument(fmt::format("feed {}: no symbols", id));
  if (c.channels.empty()) throw std::invalid_argument(fmt::format("feed {}: no channels", id));
  s.endpoints = {c.ws_url, c.rest_url};
  s.topics_adapter = make_venue_adapter(c.venue, s.endpoints);
  if (!s.topics_adapter) throw std::invalid_argument(fmt::format("feed {}: unknown venue '{}'", id, c.venue));
  if (!s.limiter) {
    const auto& lim = s.topics_adapter->limits();
    s.limiter = std::make_shared<connect_limiter>(c.connects_per_window.value_or(lim.connects_per_window),
                                                  lim.connect_window);
  }
  if (!s.rest_limits)
    s.rest_limits = std::make_shared<rest_limiter>(c.rest_limits.value_or(s.topics_adapter->limits().rest_limits));
  std::vector<std::pair<std::string, channel>> streams;
  const auto topics = s.topics_for(c.symbols, c.channels, &streams);
  s.shards = topic_shards(s.topics_adapter->limits().topics_per_connection);
  s.check_capacity(topics.size());

  http_client_options rest_options;
  rest_options.ca_file = c.ca_file;
  auto rest_adapter = make_venue_adapter(c.venue, s.endpoints);
  s.rest = std::make_unique<http_client>(executor, rest_adapter->rest_url(), rest_options);
  s.pipeline = std::make_unique<market_pipeline>(std::move(rest_adapter), std::vector<std::string>{},
                                                 std::vector<channel>{});
  for (const auto& [sym, ch] : streams) s.pipeline->add_stream(sym, ch);

  // The pipeline calls its record callbacks while it handles a message, a
  // REST reply or a timer, and it belongs to the state: the state outlives
  // every such call, and a plain pointer saves two atomic operations per
  // record. What arrives later (REST replies) goes through `weak`.
  state* self = &s;
  std::weak_ptr<state> weak = state_;
  s.pipeline->set_callbacks({
      [self](const trade_record& t) {
        self->emit({record_kind::trade, self->config.venue, "trades", t.symbol, t.ts_recv, &t, nullptr, nullptr});
      },
      [self](const book_record& b) {
        self->emit({record_kind::book, self->config.venue, "book", b.symbol, b.ts_recv, nullptr, &b, nullptr});
      },
      [self](const gap_record& g) {
        self->emit({record_kind::gap, self->config.venue, g.channel, g.symbol, g.ts_recv, nullptr, nullptr, &g});
        // Said when it happens, not only found in the files later.
        if (!self->cb.on_event) return;
        event e;
        e.time = self->clk.wall_now();
        e.kind = event_kind::gap_detected;
        e.level = severity::warning;
        e.reason = fmt::format("gap record {} {} {}..{}: {}", g.channel, g.symbol, g.from, g.to, g.reason);
        self->cb.on_event(self->config.id, e);
      },
      [self](std::uint64_t fetch_id, const rest_request& request) { self->request_rest(fetch_id, request); },
      [self](std::string_view topic) { self->resubscribe(topic); },
      [self](std::string_view symbol, std::string_view reason) {
        if (!self->cb.on_event) return;
        event e;
        e.time = self->clk.wall_now();
        e.kind = event_kind::resync;
        e.level = severity::warning;
        e.reason = fmt::format("{} book resync: {}", symbol, reason);
        self->cb.on_event(self->config.id, e);
      },
  });

  for (const auto& p : s.shards.add(topics)) s.open_shard(p.shard);
}

feed::~feed() { stop(); }

void feed::set_callbacks(callbacks cb) {
  state_->cb = std::move(cb);
}

bool feed::resume_trades(std::string_view symbol, std::uint64_t last_id) {
  return state_->pipeline->resume_trades(symbol, last_id);
}

void feed::start() {
  auto s = state_;
  asio::post(s->executor, [s] {
    if (s->started || s->stopped) return;
    s->started = true;
    for (auto& d : s->drivers) d->start();
  });
}

void feed::stop() {
  auto s = state_;
  asio::post(s->executor, [s] {
    if (s->stopped) return;
    // Trades held for a backfill go out now, their holes as gap records.
    if (s->pipeline) s->pipeline->close(s->clk.wall_now());
    s->stopped = true;
    s->timer.cancel();
    s->rest_timer.cancel();
    s->waiting_rest.clear();
  });
  std::lock_guard lock(s->layout_mutex);
  for (auto& d : s->drivers) d->stop("shutdown");
}

void feed::subscribe(std::vector<std::string> symbols, std::vector<std::string> channels) {
  auto s = state_;
  std::vector<std::pair<std::string, channel>> streams;
  auto topics = s->topics_for(symbols, channels, &streams);  // throws on bad input
  {
    std::lock_guard lock(s->layout_mutex);
    std::vector<std::string> fresh;
    for (const auto& t : topics)
      if (!s->shards.shard_of(t) && std::find(fresh.begin(), fresh.end(), t) == fresh.end()) fresh.push_back(t);
    s->check_capacity(fresh.size());  // a moment's check; the feed's thread places them
  }
  asio::post(s->executor, [s, topics = std::move(topics), streams = std::move(streams)] {
    if (s->stopped) return;
    for (const auto& [sym, ch] : streams) s->pipeline->add_stream(sym, ch);
    std::vector<topic_shards::placement> placed;
    {
      std::lock_guard lock(s->layout_mutex);
      placed = s->shards.add(topics);
    }
    s->apply_added(placed);
    s->after_pipeline();
  });
}

void feed::unsubscribe(std::vector<std::string> symbols, std::vector<std::string> channels) {
  auto s = state_;
  std::vector<std::pair<std::string, channel>> streams;
  auto topics = s->topics_for(symbols, channels, &streams);
  asio::post(s->executor, [s, topics = std::move(topics), streams = std::move(streams)] {
    if (s->stopped) return;
    std::vector<topic_shards::placement> removed;
    {
      std::lock_guard lock(s->layout_mutex);
      removed = s->shards.remove(topics);
    }
    const std::size_t per = static_cast<std::size_t>(s->config.redundancy);
    for (const auto& p : removed)
      for (std::size_t i = p.shard * per; i < (p.shard + 1) * per && i < s->drivers.size(); ++i)
        s->drivers[i]->unsubscribe(p.topics);
    for (const auto& [sym, ch] : streams) s->pipeline->remove_stream(sym, ch);
    s->after_pipeline();
  });
}

bool feed::reconnect(std::size_t index, std::string reason) {
  std::lock_guard lock(state_->layout_mutex);
  if (index >= state_->drivers.size()) return false;
  state_->drivers[index]->request_reconnect(std::move(reason));
  return true;
}

const std::string& feed::id() const noexcept { return state_->config.id; }
const std::string& feed::venue() const noexcept { return state_->config.venue; }

const std::shared_ptr<connect_limiter>& feed::limiter() const noexcept { return state_->limiter; }
const std::shared_ptr<rest_limiter>& feed::rest_limits() const noexcept { return state_->rest_limits; }

feed_stats feed::stats() const {
  const auto& s = *state_;
  feed_stats st;
  st.id = s.config.id;
  st.venue = s.config.venue;
  {
    std::lock_guard lock(s.layout_mutex);
    for (const auto& d : s.drivers) st.connections.push_back(d->snapshot());
  }
  {
    std::lock_guard lock(s.streams_mutex);
    for (const auto& [key, c] : s.streams)
      st.streams.push_back({c->channel, c->symbol, c->records.load(std::memory_order_relaxed),
                            c->gaps.load(std::memory_order_relaxed), c->last_received.load(std::memory_order_relaxed)});
  }
  const auto& p = s.published;
  st.trades = p.trades.load(std::memory_order_relaxed);
  st.books = p.books.load(std::memory_order_relaxed);
  st.gaps = p.gaps.load(std::memory_order_relaxed);
  st.rest_requests = p.rest_requests.load(std::memory_order_relaxed);
  st.rest_failures = p.rest_failures.load(std::memory_order_relaxed);
  st.resyncs = p.resyncs.load(std::memory_order_relaxed);
  st.duplicates_dropped = p.duplicates.load(std::memory_order_relaxed);
  st.book_holes_bridged = p.holes_bridged.load(std::memory_order_relaxed);
  st.backfilled = p.backfilled.load(std::memory_order_relaxed);
  st.healthy = is_healthy();
  return st;
}

bool feed::is_healthy() const noexcept {
  const auto& s = *state_;
  std::lock_guard lock(s.layout_mutex);
  const std::size_t per = static_cast<std::size_t>(s.config.redundancy);
  bool any = false;
  for (std::size_t shard = 0; shard < s.shards.size(); ++shard) {
    if (s.shards.topics(shard).empty()) continue;  // emptied by unsubscribe: nothing to carry
    any = true;
    bool live = false;
    for (std::size_t i = shard * per; i < (shard + 1) * per && i < s.drivers.size(); ++i)
      live = live || s.drivers[i]->is_healthy();
    if (!live) return false;
  }
  return any;
}

}  // namespace sf
