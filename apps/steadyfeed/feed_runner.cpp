#include "feed_runner.hpp"

#include <fmt/format.h>

#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/post.hpp>
#include <atomic>
#include <stdexcept>
#include <type_traits>

#include "steadyfeed/core/record_json.hpp"
#include "steadyfeed/feed/market_pipeline.hpp"
#include "steadyfeed/net/connection_driver.hpp"
#include "steadyfeed/net/http_client.hpp"
#include "steadyfeed/venue/venue_adapter.hpp"

namespace sf::daemon {

namespace asio = boost::asio;

struct feed_runner::state : std::enable_shared_from_this<feed_runner::state> {
  state(asio::io_context::executor_type ex, const clock& c) : executor(ex), clk(c), timer(ex) {}

  asio::io_context::executor_type executor;
  const clock& clk;
  feed_config feed;
  std::vector<std::unique_ptr<connection_driver>> drivers;
  std::vector<std::vector<std::string>> driver_topics;
  std::unique_ptr<market_pipeline> pipeline;
  std::unique_ptr<http_client> rest;
  asio::basic_waitable_timer<mono_clock> timer;
  time_point armed = never;
  record_queue* out = nullptr;
  std::string line;  // the record being written, reused
  bool stopped = false;

  // The pipeline's counts as status() reads them from other threads: relaxed
  // stores after every message, cheaper than a lock per message.
  struct published_counts {
    std::atomic<std::uint64_t> trades{0}, books{0}, gaps{0}, rest_failures{0};
  } published;

  void rearm() {
    const time_point next = pipeline->next_deadline();
    if (next == armed) return;
    armed = next;
    if (next == never) {
      timer.cancel();
      return;
    }
    timer.expires_at(next);
    timer.async_wait([self = weak_from_this()](const boost::system::error_code& ec) {
      auto s = self.lock();
      if (!s || ec || s->stopped) return;
      s->armed = never;
      s->pipeline->on_timer(s->clk.now(), s->clk.wall_now());
      s->after_pipeline();
    });
  }

  void after_pipeline() {
    const market_pipeline_stats& st = pipeline->stats();
    published.trades.store(st.trades, std::memory_order_relaxed);
    published.books.store(st.books, std::memory_order_relaxed);
    published.gaps.store(st.gaps, std::memory_order_relaxed);
    published.rest_failures.store(st.rest_failures, std::memory_order_relaxed);
    rearm();
  }

  // The files and stdout sinks take NDJSON lines (design §5).
  template <typename Record>
  void write(std::string_view channel_name, std::string_view symbol, wall_us received, const Record& r) {
    line.clear();
    if constexpr (std::is_same_v<Record, gap_record>)
      append_json(line, r);
    else
      append_json(line, feed.venue, r);
    out->push(feed.venue, channel_name, symbol, received, line);
  }

  std::size_t live_connections() const {
    std::size_t n = 0;
    for (const auto& d : drivers) n += d->is_healthy() ? 1 : 0;
    return n;
  }
};

namespace {

std::vector<channel> channels_of(const feed_config& f) {
  std::vector<channel> out;
  for (const auto& c : f.channels)
    if (auto ch = parse_channel(c)) out.push_back(*ch);
  return out;
}

}  // namespace

feed_runner::feed_runner(asio::io_context::executor_type executor, const feed_config& feed, const supervisor_config& supervision,
                         record_queue& out, const clock& clock, std::shared_ptr<connect_limiter> limiter,
                         std::string ca_file, event_sink on_event)
    : state_(std::make_shared<state>(executor, clock)) {
  auto& s = *state_;
  s.feed = feed;
  s.out = &out;
  const venue_endpoints endpoints{feed.ws_url, feed.rest_url};
  auto rest_adapter = make_venue_adapter(feed.venue, endpoints);
  if (!rest_adapter) throw std::invalid_argument(fmt::format("feed {}: unknown venue '{}'", feed.id, feed.venue));

  // Topics, sharded under the venue's per-connection limit.
  std::vector<std::string> topics;
  const auto channels = channels_of(feed);
  for (const auto& sym : feed.symbols)
    for (auto ch : channels) topics.push_back(rest_adapter->topic(ch, sym));
  const std::size_t per = rest_adapter->limits().topics_per_connection;
  std::vector<std::vector<std::string>> shards;
  for (std::size_t i = 0; i < topics.size(); i += per ? per : topics.size())
    shards.emplace_back(topics.begin() + static_cast<std::ptrdiff_t>(i),
                        topics.begin() + static_cast<std::ptrdiff_t>(std::min(topics.size(), i + (per ? per : topics.size()))));

  http_client_options rest_options;
  rest_options.ca_file = ca_file;
  s.rest = std::make_unique<http_client>(executor, rest_adapter->rest_url(), rest_options);
  s.pipeline = std::make_unique<market_pipeline>(std::move(rest_adapter), feed.symbols, channels);

  ws_link_options link_options;
  link_options.ca_file = ca_file;
  int index = 0;
  for (const auto& shard : shards) {
    for (int r = 0; r < feed.redundancy; ++r) {
      supervisor_config c = supervision;
      c.name = fmt::format("{}/{}", feed.id, index++);
      auto adapter = make_venue_adapter(feed.venue, endpoints);
      s.drivers.push_back(std::make_unique<connection_driver>(executor, c, std::shared_ptr<venue_protocol>(std::move(adapter)),
                                                              shard, clock, link_options, limiter));
      s.driver_topics.push_back(shard);
    }
  }

  std::weak_ptr<state> weak = state_;
  // The pipeline calls its record callbacks while it handles a message, a
  // REST reply or a timer, and it belongs to the state: the state outlives
  // every such call, and a plain pointer saves two atomic operations per
  // record. What arrives later (REST replies) goes through `weak`.
  state* self = &s;
  s.pipeline->set_callbacks({
      [self](const trade_record& t) { self->write("trades", t.symbol, t.ts_recv, t); },
      [self](const book_record& b) { self->write("book", b.symbol, b.ts_recv, b); },
      [self](const gap_record& g) { self->write(g.channel, g.symbol, g.ts_recv, g); },
      [weak](std::uint64_t id, const rest_request& request) {
        auto st = weak.lock();
        if (!st) return;
        st->rest->get(request.target, [weak, id](const failure* err, http_response response) {
          auto s2 = weak.lock();
          if (!s2 || s2->stopped) return;
          const auto now = s2->clk.now();
          const auto wall = s2->clk.wall_now();
          if (err)
            s2->pipeline->on_rest_failed(id, err->to_string(), now, wall);
          else
            s2->pipeline->on_rest_reply(id, response.status, response.body, now, wall);
          s2->after_pipeline();
        });
      },
      [weak](std::string_view topic) {
        auto st = weak.lock();
        if (!st) return;
        for (std::size_t i = 0; i < st->drivers.size(); ++i) {
          const auto& t = st->driver_topics[i];
          if (std::find(t.begin(), t.end(), topic) == t.end()) continue;
          std::vector<std::string> one{std::string(topic)};
          st->drivers[i]->unsubscribe(one);
          st->drivers[i]->subscribe(one);
        }
      },
  });
  for (std::size_t i = 0; i < s.drivers.size(); ++i) {
    auto& d = s.drivers[i];
    std::function<void(const event&)> events;
    if (on_event) events = [on_event, name = fmt::format("{}/{}", feed.id, i)](const event& e) { on_event(name, e); };
    d->set_callbacks({
        [weak](const message& m) {
          auto st = weak.lock();
          if (!st || st->stopped) return;
          st->pipeline->on_message(m, m.delivered);
          st->after_pipeline();
        },
        [weak](connection_state, connection_state, std::string_view) {
          auto st = weak.lock();
          if (!st) return;
          // is_healthy() of the driver that changed is already updated.
          asio::post(st->executor, [weak] {
            if (auto s2 = weak.lock()) s2->pipeline->on_live_connections(s2->live_connections());
          });
        },
        std::move(events),
    });
  }
}

feed_runner::~feed_runner() { stop(); }

bool feed_runner::resume_trades(std::string_view symbol, std::uint64_t last_id) {
  return state_->pipeline->resume_trades(symbol, last_id);
}

void feed_runner::start() {
  for (auto& d : state_->drivers) d->start();
}

void feed_runner::stop() {
  auto s = state_;
  asio::post(s->executor, [s] {
    if (s->stopped) return;
    s->stopped = true;
    s->timer.cancel();
  });
  for (auto& d : s->drivers) d->stop("shutdown");
}

feed_status feed_runner::status() const {
  feed_status st;
  st.feed = state_->feed.id;
  st.venue = state_->feed.venue;
  for (const auto& d : state_->drivers) st.connections.push_back(d->snapshot());
  const auto& p = state_->published;
  st.trades = p.trades.load(std::memory_order_relaxed);
  st.books = p.books.load(std::memory_order_relaxed);
  st.gaps = p.gaps.load(std::memory_order_relaxed);
  st.rest_failures = p.rest_failures.load(std::memory_order_relaxed);
  return st;
}

bool feed_runner::healthy() const {
  for (const auto& d : state_->drivers)
    if (d->is_healthy()) return true;
  return false;
}

}  // namespace sf::daemon
