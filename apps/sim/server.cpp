#include "sim/server.hpp"

#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <array>
#include <charconv>
#include <cstdio>
#include <iostream>
#include <map>
#include <stdexcept>

#include "sim/blast.hpp"
#include "sim/connection.hpp"
#include "sim/control_api.hpp"
#include "sim/depth_window.hpp"
#include "sim/dialect_registry.hpp"
#include "sim/fault_injector.hpp"
#include "sim/market_registry.hpp"
#include "sim/okx_dialect.hpp"
#include "sim/rest_api.hpp"
#include "sim/truth_writer.hpp"
#include "steadyfeed/core/token_bucket.hpp"

namespace sf::sim {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using plain_stream = beast::tcp_stream;
using tls_stream = beast::ssl_stream<beast::tcp_stream>;
using request = http::request<http::string_body>;

namespace {

void reset_socket(tcp::socket& sock) {
  beast::error_code ec;
  sock.set_option(asio::socket_base::linger(true, 0), ec);
  sock.close(ec);
}

template <class Stream>
void reset_socket(Stream& s) {
  reset_socket(beast::get_lowest_layer(s).socket());
}

}  // namespace

struct server::impl : std::enable_shared_from_this<server::impl>, market_stream::listener, control_target {
  impl(asio::io_context& io, const sf::clock& c, server_config cfg)
      : ioc(io), clock(c), config(std::move(cfg)), acceptor(io),
        markets(config.venues, config.symbols, config.market),
        faults(config.chaos, c.now(),
               [this](const std::string& line) { log_line(line); }),
        rest(markets, faults),
        ctx{markets, config.max_queued_bytes, config.market.seed,
            [this] { return clock.wall_now(); }, [this] { return clock.now(); },
            [this](const std::string& fields) { faults.note(clock.now(), clock.wall_now(), fields); }},
        tick_timer(io), start(c.now()) {
    for (const auto& v : config.venues) {
      const auto& d = dialect_of(v);
      const auto it = config.per_venue.find(v);
      auto settings = it != config.per_venue.end() ? it->second : d.defaults();
      if (const auto problems = d.check(settings); !problems.empty()) {
        std::string message = v + ":";
        for (std::size_t i = 0; i < problems.size(); ++i) message += (i == 0 ? " " : "; ") + problems[i];
        throw std::invalid_argument(message);
      }
      const auto& r = settings.rules;
      auto connects = r.connects_per_window > 0
                          ? token_bucket(r.connects_per_window, r.connect_window, r.connects_per_window, start)
                          : token_bucket::unlimited();
      const auto keepalive = d.book_keepalive(settings);
      venues.push_back(std::make_unique<served_venue>(served_venue{d, std::move(settings), connects, keepalive}));
    }
    for (const auto* s : markets.all()) {
      auto& p = pacing[s];
      p.venue = venue_named(s->venue());
      for (const auto length : p.venue->d.book_windows()) p.windows.emplace_back(length);
    }
  }

  // A venue being served: its dialect, its settings as run, its
  // connection-rate bucket.
  struct served_venue {
    const dialect& d;  // the venue's dialect
    venue_settings settings;
    token_bucket connects;
    duration keepalive;  // dialect::book_keepalive
  };

  // What the server does for one market's books besides passing updates on:
  // the venue's push windows and keep-alive updates.
  struct market_pacing {
    served_venue* venue = nullptr;
    std::vector<depth_window> windows;
    duration last_change{0};  // virtual time of the last update
  };

  served_venue* venue_named(std::string_view name) {
    for (auto& v : venues)
      if (v->d.name() == name) return v.get();
    return nullptr;
  }

  void log_line(const std::string& line) {
    if (config.log_to_stderr) std::cerr << line << '\n';
    if (fault_log) {
      std::fputs(line.c_str(), fault_log);
      std::fputc('\n', fault_log);
      std::fflush(fault_log);
    }
  }

  // --- start / stop ---
  void start_serving() {
    if (config.truth_dir) {
      truth = std::make_unique<truth_writer>(*config.truth_dir, markets.all(), config.checkpoint_every);
      fault_log = std::fopen((*config.truth_dir / "faults.ndjson").c_str(), "w");
    }
    if (config.tls) {
      ssl_ctx.emplace(ssl::context::tls_server);
      try {
        ssl_ctx->use_certificate_chain_file(config.tls->cert);
        ssl_ctx->use_private_key_file(config.tls->key, ssl::context::pem);
      } catch (const std::exception& e) {
        throw std::runtime_error("TLS: cannot load certificate " + config.tls->cert + " / key " + config.tls->key +
                                 ": " + e.what());
      }
    }
    beast::error_code ec;
    const auto address = asio::ip::make_address(config.host, ec);
    if (ec) throw std::runtime_error("--listen: bad address '" + config.host + "'");
    const tcp::endpoint ep(address, config.port);
    acceptor.open(ep.protocol(), ec);
    if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(ep, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) throw std::runtime_error("cannot listen on " + config.host + ":" + std::to_string(config.port) + ": " + ec.message());
    do_accept();
    schedule_tick();
  }

  void stop_serving() {
    if (stopped) return;
    stopped = true;
    beast::error_code ec;
    acceptor.close(ec);
    tick_timer.cancel();
    // Everything generated so far is already in the truth files; seal them.
    if (truth) truth->close();
    for (auto& [id, c] : conns) c->shutdown();
    conns.clear();
    if (fault_log) {
      std::fclose(fault_log);
      fault_log = nullptr;
    }
  }

  // --- ticking ---
  void schedule_tick() {
    tick_timer.expires_after(config.tick);
    tick_timer.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec || self->stopped) return;
      self->tick();
      self->schedule_tick();
    });
  }

  void tick() {
    now = clock.now();
    const duration vnow = now - start;
    markets.advance_to(vnow, *this);
    for (const auto* s : markets.all()) {
      roll_book_windows(*s, vnow);
      book_keepalive(*s, vnow);
    }
    for (const auto& f : faults.take_due(now)) inject(f);
    for (auto it = conns.begin(); it != conns.end();) {
      it->second->on_tick(now);
      if (it->second->finished()) {
        it = conns.erase(it);
      } else {
        ++it;
      }
    }
  }

  void on_trade(const market_stream& s, const trade_event& t) override {
    if (truth) truth->on_trade(s, t);
    frame_cache cache;
    for (auto& [id, c] : conns) c->on_trade(s, t, cache, now);
  }

  void on_book_update(const market_stream& s, const book_update& u) override {
    if (truth) truth->on_book_update(s, u);
    frame_cache cache;
    for (auto& [id, c] : conns) c->on_book_update(s, u, cache, now);
    auto& p = pacing.at(&s);
    roll_book_windows(s, s.now());
    for (auto& w : p.windows) w.add(s.now(), u);
    p.last_change = s.now();
  }

  // Books pushed per window (dialect::book_windows): each window that
  // closed goes to every connection.
  void roll_book_windows(const market_stream& s, duration vnow) {
    for (auto& w : pacing.at(&s).windows) {
      w.roll(vnow, s, [&](const depth_window::closed& closed) {
        frame_cache cache;
        for (auto& [id, c] : conns) c->on_book_window(s, closed, w.length(), cache, now);
      });
    }
  }

  // A keep-alive update (no levels, seq == prev_seq) after the venue's
  // keep-alive period without a change (dialect::book_keepalive); it is part
  // of what the venue publishes, so it goes to the truth as well.
  void book_keepalive(const market_stream& s, duration vnow) {
    auto& p = pacing.at(&s);
    const auto every = p.venue->keepalive;
    if (every.count() <= 0) return;
    if (vnow - p.last_change < every) return;
    p.last_change = vnow;
    book_update u;
    u.first_seq = u.last_seq = u.prev_seq = s.last_seq();
    u.ts = s.wall_at(vnow);
    if (truth) truth->on_book_update(s, u);
    frame_cache cache;
    for (auto& [id, c] : conns) c->on_book_update(s, u, cache, now);
  }

  // --- control ---
  std::string connections_json() override {
    std::string out = "[";
    bool first = true;
    for (auto& [id, c] : conns) {
      if (!first) out += ',';
      first = false;
      out += c->describe(clock.now());
    }
    return out + "]";
  }

  std::vector<std::uint64_t> inject(const fault_spec& f) override {
    const auto t = clock.now();
    std::vector<std::uint64_t> hit;
    std::string detail;
    if (is_market_fault(f.kind)) {
      // sequence_reset: the venue's engine restarts its book ids.
      for (const auto& sym : config.symbols) {
        const auto inst = make_instrument(sym);
        if (!inst) continue;
        for (const auto& v : venues) {
          if (!v->d.restarts_sequences() || (!f.venue.empty() && f.venue != v->d.name())) continue;
          auto* s = markets.find(v->d.name(), v->d.symbol_of(*inst));
          if (!s || (!f.symbol.empty() && f.symbol != sym && f.symbol != s->venue_symbol())) continue;
          s->restart_sequence(1);
          detail += (detail.empty() ? "markets " : ",") + s->venue_symbol();
        }
      }
      if (detail.empty()) detail = "no matching market";
    } else if (is_connection_fault(f.kind)) {
      for (auto& [id, c] : conns) {
        if (!c->targeted_by(f)) continue;
        hit.push_back(id);
        detail += (detail.empty() ? "connections " : ",") + std::to_string(id);
      }
      if (hit.empty()) detail = "no matching connection";
    }
    faults.apply(f, t, clock.wall_now(), detail);
    for (const auto id : hit) {
      if (auto it = conns.find(id); it != conns.end()) it->second->apply_fault(f, t);
    }
    return hit;
  }

  std::string fault_log_json() override {
    std::string out = "[";
    for (std::size_t i = 0; i < faults.log().size(); ++i) {
      if (i) out += ',';
      out += faults.log()[i];
    }
    return out + "]";
  }

  // --- HTTP ---
  http_reply handle_http(const request& req) {
    const std::string_view target = req.target();
    const std::string_view path = target.substr(0, target.find('?'));
    if (auto r = handle_control(*this, req.method_string(), path, req.body())) return *r;
    for (const auto& v : venues) {
      const std::string prefix = "/" + std::string(v->d.name());
      if (!target.starts_with(prefix + "/")) continue;
      if (req.method() != http::verb::get) break;
      if (auto r = rest.handle(v->d, target.substr(prefix.size()), clock.now(), clock.wall_now())) return *r;
    }
    return {404, R"({"error":"not found"})", {}};
  }

  template <class Stream>
  void on_request(std::shared_ptr<void> keep, Stream& stream, beast::flat_buffer& buffer, request& req,
                  std::function<void(http::response<http::string_body>)> respond);

  void do_accept();

  std::vector<std::string> urls() const;

  asio::io_context& ioc;
  const sf::clock& clock;
  server_config config;
  tcp::acceptor acceptor;
  std::optional<ssl::context> ssl_ctx;
  market_registry markets;
  std::unique_ptr<truth_writer> truth;
  std::FILE* fault_log = nullptr;
  fault_injector faults;
  rest_api rest;
  connection_context ctx;
  std::map<std::uint64_t, std::shared_ptr<connection>> conns;
  std::uint64_t next_id = 1;
  asio::basic_waitable_timer<mono_clock> tick_timer;
  time_point start;
  time_point now{};
  std::vector<std::unique_ptr<served_venue>> venues;  // in config.venues order
  std::map<const market_stream*, market_pacing> pacing;
  // Blast blocks by shape and stream (or instId), built on first use; null
  // when the symbol names no instrument.
  std::map<std::pair<blast_shape, std::string>, std::shared_ptr<const blast_block>> blasts;
  std::shared_ptr<const blast_block> blast_block_for(blast_shape shape, const std::string& symbol) {
    auto it = blasts.find({shape, symbol});
    if (it == blasts.end()) {
      auto built = make_blast_block(shape, 4096, config.market.seed, symbol);
      if (!built) return nullptr;
      it = blasts.emplace(std::pair{shape, symbol}, std::make_shared<const blast_block>(std::move(*built))).first;
    }
    return it->second;
  }
  bool stopped = false;
};

// ---------------------------------------------------------------------------
// A WebSocket connection over Stream (plain TCP or TLS).

template <class Stream>
class ws_connection final : public connection {
 public:
  ws_connection(Stream&& stream, std::uint64_t id, const server::impl::served_venue& venue, std::string target,
                std::shared_ptr<server::impl> srv)
      : connection(id, venue.d, std::move(target), venue.settings, srv->ctx, srv->clock.now()),
        ws_(std::move(stream)), srv_(std::move(srv)) {}

  void start(request req) {
    beast::get_lowest_layer(ws_).expires_never();
    // Beast's own timers stay off: pings and deadlines are the venue rules'.
    websocket::stream_base::timeout t{};
    t.handshake_timeout = websocket::stream_base::none();
    t.idle_timeout = websocket::stream_base::none();
    t.keep_alive_pings = false;
    ws_.set_option(t);
    ws_.read_message_max(4u << 20);
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(http::field::server, "steadyfeed-sim"); }));
    ws_.control_callback([this](websocket::frame_type kind, beast::string_view) {
      if (kind == websocket::frame_type::ping) on_ping_frame(srv_->clock.now());
      if (kind == websocket::frame_type::pong) on_pong_frame(srv_->clock.now());
    });
    ws_.async_accept(req, [self = shared()](beast::error_code ec) {
      if (ec) {
        self->on_io_closed();
        return;
      }
      self->on_open(self->srv_->clock.now());
      self->do_read();
    });
  }

 private:
  std::shared_ptr<ws_connection> shared() { return std::static_pointer_cast<ws_connection>(shared_from_this()); }

  void do_read() {
    ws_.async_read(buffer_, [self = shared()](beast::error_code ec, std::size_t) {
      if (self->silent()) return;  // half-open: the read was cancelled on purpose
      if (ec) {
        self->on_io_closed();
        return;
      }
      const auto data = self->buffer_.cdata();
      self->on_text(std::string_view(static_cast<const char*>(data.data()), data.size()), self->srv_->clock.now());
      self->buffer_.consume(self->buffer_.size());
      self->do_read();
    });
  }

  void io_write(const outbound_frame& f) override {
    ws_.binary(f.binary);
    ws_.async_write(asio::buffer(*f.data), [self = shared(), keep = f.data](beast::error_code ec, std::size_t) {
      self->on_write_done(!ec, self->srv_->clock.now());
    });
  }

  void io_ping() override {
    if (pinging_) return;
    pinging_ = true;
    ws_.async_ping({}, [self = shared()](beast::error_code) { self->pinging_ = false; });
  }

  void io_close(int code, const std::string& reason) override {
    ws_.async_close(websocket::close_reason(static_cast<websocket::close_code>(code), reason),
                    [self = shared()](beast::error_code) {});
  }

  void io_reset() override { reset_socket(ws_.next_layer()); }

  void io_go_silent() override {
    beast::error_code ec;
    beast::get_lowest_layer(ws_).socket().cancel(ec);
  }

 public:
  void shutdown() override { reset_socket(ws_.next_layer()); }

 private:
  websocket::stream<Stream> ws_;
  beast::flat_buffer buffer_;
  std::shared_ptr<server::impl> srv_;
  bool pinging_ = false;
};

// Blast mode: pre-serialized frames written straight to the stream, from the
// session's own copy of the block, renumbered between repetitions so that ids
// and times run on (blast.hpp). An OKX session first reads the client's
// subscribe, answers it as the venue does and then blasts that instId's
// trades; after that it reads nothing (a client's pings go unanswered).
template <class Stream>
class blast_session : public std::enable_shared_from_this<blast_session<Stream>> {
 public:
  // A Binance-shaped blast of `frames` frames of `block`.
  blast_session(Stream&& stream, std::shared_ptr<const blast_block> block, std::uint64_t frames)
      : ws_(std::move(stream)), block_(std::move(block)), bytes_(block_->bytes), remaining_(frames) {}
  // An OKX blast: the block comes with the subscription.
  blast_session(Stream&& stream, std::shared_ptr<server::impl> srv) : ws_(std::move(stream)), srv_(std::move(srv)) {}

  void start(request req) {
    beast::get_lowest_layer(ws_).expires_never();
    // Best effort: without the limit the blast runs as before, only with
    // more of its cost on the client's core (blast.hpp).
    limit_unsent_bytes(beast::get_lowest_layer(ws_).socket().native_handle());
    ws_.async_accept(req, [self = this->shared_from_this()](beast::error_code ec) {
      if (ec) return;
      if (self->block_) return self->write_more();
      self->ws_.text(true);
      self->read_subscription();
    });
  }

 private:
  void read_subscription() {
    ws_.async_read(buffer_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return;
      self->on_subscription(beast::buffers_to_string(self->buffer_.data()));
    });
  }

  void on_subscription(const std::string& text) {
    buffer_.consume(buffer_.size());
    // Each attempt on its own: a refused one leaves nothing subscribed.
    okx_ws::control_protocol protocol("blast", [](std::string_view) { return true; }, 1);
    auto result = protocol.handle(text);
    std::shared_ptr<const blast_block> block;
    if (result.subscribed.size() == 1 && result.subscribed.front().channel == "trades" && !result.close)
      block = srv_->blast_block_for(blast_shape::okx_trades, result.subscribed.front().inst_id);
    if (!block) {
      // The venue's answer to a malformed op; a refusal for anything but
      // one known instId's trades. Then wait for another subscribe.
      if (result.subscribed.empty() && !result.close)
        replies_ = std::move(result.replies);
      else
        replies_ = {okx_ws::control_protocol::error_frame("", "60012", "blast mode serves one trades channel",
                                                          protocol.conn_id())};
      return write_replies([self = this->shared_from_this()] { self->read_subscription(); });
    }
    block_ = std::move(block);
    bytes_ = block_->bytes;
    remaining_ = block_->max_frames();
    replies_ = std::move(result.replies);
    write_replies([self = this->shared_from_this()] { self->write_more(); });
  }

  template <class Then>
  void write_replies(Then then) {
    if (replies_.empty()) return then();
    ws_.async_write(asio::buffer(replies_.front()),
                    [self = this->shared_from_this(), then](beast::error_code ec, std::size_t) {
                      if (ec) return;
                      self->replies_.erase(self->replies_.begin());
                      self->write_replies(then);
                    });
  }

  void write_more() {
    if (remaining_ == 0) {
      ws_.async_close(websocket::close_code::normal, [self = this->shared_from_this()](beast::error_code) {});
      return;
    }
    // Whole blocks while possible, then the exact tail.
    const std::uint64_t frames = std::min<std::uint64_t>(remaining_, block_->frames);
    const asio::const_buffer buf(bytes_.data(), block_->prefix_bytes(frames));
    asio::async_write(ws_.next_layer(), buf,
                      [self = this->shared_from_this(), frames](beast::error_code ec, std::size_t) {
                        if (ec) return;
                        self->remaining_ -= frames;
                        // The write is complete, so the copy is free to change.
                        if (self->remaining_ > 0) advance_repetition(*self->block_, self->bytes_);
                        self->write_more();
                      });
  }

  websocket::stream<Stream> ws_;
  std::shared_ptr<server::impl> srv_;
  beast::flat_buffer buffer_;
  std::vector<std::string> replies_;
  std::shared_ptr<const blast_block> block_;
  std::string bytes_;
  std::uint64_t remaining_ = 0;
};

// ---------------------------------------------------------------------------
// HTTP: REST, control API, and the WebSocket upgrade routing.

template <class Stream>
class http_session : public std::enable_shared_from_this<http_session<Stream>> {
 public:
  http_session(Stream&& stream, std::shared_ptr<server::impl> srv) : stream_(std::move(stream)), srv_(std::move(srv)) {}

  void run() {
    if constexpr (std::is_same_v<Stream, tls_stream>) {
      stream_.async_handshake(ssl::stream_base::server, [self = this->shared_from_this()](beast::error_code ec) {
        if (!ec) self->read();
      });
    } else {
      read();
    }
  }

 private:
  void read() {
    req_ = {};
    http::async_read(stream_, buffer_, req_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return;
      self->on_read();
    });
  }

  void on_read() {
    auto& srv = *srv_;
    if (srv.stopped) return;
    if (websocket::is_upgrade(req_)) {
      upgrade();
      return;
    }
    const http_reply r = srv.handle_http(req_);
    auto res = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(r.status), req_.version());
    res->set(http::field::server, "steadyfeed-sim");
    res->set(http::field::content_type, "application/json");
    for (const auto& [k, v] : r.headers) res->set(k, v);
    res->keep_alive(req_.keep_alive());
    res->body() = r.body;
    res->prepare_payload();
    http::async_write(stream_, *res, [self = this->shared_from_this(), res](beast::error_code ec, std::size_t) {
      if (ec || !res->keep_alive()) {
        beast::error_code ignored;
        beast::get_lowest_layer(self->stream_).socket().shutdown(tcp::socket::shutdown_send, ignored);
        return;
      }
      self->read();
    });
  }

  void reply(http::status status, std::string body, std::vector<std::pair<std::string, std::string>> headers = {}) {
    auto res = std::make_shared<http::response<http::string_body>>(status, req_.version());
    res->set(http::field::server, "steadyfeed-sim");
    res->set(http::field::content_type, "application/json");
    for (const auto& [k, v] : headers) res->set(k, v);
    res->keep_alive(false);
    res->body() = std::move(body);
    res->prepare_payload();
    http::async_write(stream_, *res, [self = this->shared_from_this(), res](beast::error_code, std::size_t) {
      beast::error_code ignored;
      beast::get_lowest_layer(self->stream_).socket().shutdown(tcp::socket::shutdown_send, ignored);
    });
  }

  void upgrade() {
    auto& srv = *srv_;
    const std::string target(req_.target());
    if (target.starts_with("/_sim/blast")) {
      blast(target);
      return;
    }
    if (srv.config.blast) {
      venue_blast(target);
      return;
    }
    for (auto& venue : srv.venues) {
      const std::string v(venue->d.name());
      const std::string prefix = "/" + v;
      if (!target.starts_with(prefix + "/")) continue;
      const auto now = srv.clock.now();
      if (srv.faults.refusing(v, now)) {
        srv.faults.note(now, srv.clock.wall_now(), R"("event":"refused","venue":")" + v + "\"");
        reset_socket(stream_);
        return;
      }
      if (!venue->connects.try_take(now)) {
        srv.faults.note(now, srv.clock.wall_now(), R"("event":"connect_rate_limited","venue":")" + v + "\"");
        auto refusal = venue->d.too_many_connections();
        reply(static_cast<http::status>(refusal.status), std::move(refusal.body), std::move(refusal.headers));
        return;
      }
      auto conn = std::make_shared<ws_connection<Stream>>(std::move(stream_), srv.next_id, *venue,
                                                          target.substr(prefix.size()), srv_);
      if (!conn->valid()) {
        reply(http::status::not_found, R"({"error":"no such stream endpoint"})");
        return;
      }
      ++srv.next_id;
      srv.conns.emplace(conn->id(), conn);
      conn->start(std::move(req_));
      return;
    }
    reply(http::status::not_found, R"({"error":"unknown venue path"})");
  }

  void blast(const std::string& target) {
    const auto what = parse_blast_target(target);
    if (!what) {
      reply(http::status::not_found, R"({"error":"no such blast endpoint"})");
      return;
    }
    const auto block = what->stream.empty()
                           ? srv_->blast_block_for(blast_shape::binance_raw, "btcusdt@trade")
                           : srv_->blast_block_for(blast_shape::binance_combined, what->stream);
    if (!block) {
      reply(http::status::not_found, R"({"error":"no such blast stream"})");
      return;
    }
    if (what->frames > block->max_frames()) {
      reply(http::status::bad_request,
            R"({"error":"too many frames: ids would outgrow their digits; at most )" +
                std::to_string(block->max_frames()) + "\"}");
      return;
    }
    std::make_shared<blast_session<Stream>>(std::move(stream_), block, what->frames)
        ->start(std::move(req_));
  }

  // --blast: a venue's own trade URL, blasted (blast.hpp).
  void venue_blast(const std::string& target) {
    const auto what = parse_venue_blast_target(target);
    if (!what) {
      reply(http::status::not_found, R"({"error":"blast mode serves one trade stream per connection"})");
      return;
    }
    if (what->shape == blast_shape::okx_trades) {
      std::make_shared<blast_session<Stream>>(std::move(stream_), srv_)->start(std::move(req_));
      return;
    }
    const auto block = srv_->blast_block_for(what->shape, what->stream);
    if (!block) {
      reply(http::status::not_found, R"({"error":"no such blast stream"})");
      return;
    }
    std::make_shared<blast_session<Stream>>(std::move(stream_), block, block->max_frames())->start(std::move(req_));
  }

  Stream stream_;
  beast::flat_buffer buffer_;
  request req_;
  std::shared_ptr<server::impl> srv_;
};

void server::impl::do_accept() {
  acceptor.async_accept([self = shared_from_this()](beast::error_code ec, tcp::socket sock) {
    if (ec || self->stopped) return;
    sock.set_option(tcp::no_delay(true), ec);
    if (self->faults.refusing("", self->clock.now())) {  // a fault on every venue: refuse before reading
      self->faults.note(self->clock.now(), self->clock.wall_now(), R"("event":"refused","venue":"all")");
      reset_socket(sock);
      self->do_accept();
      return;
    }
    if (self->ssl_ctx) {
      std::make_shared<http_session<tls_stream>>(tls_stream(plain_stream(std::move(sock)), *self->ssl_ctx), self)->run();
    } else {
      std::make_shared<http_session<plain_stream>>(plain_stream(std::move(sock)), self)->run();
    }
    self->do_accept();
  });
}

std::vector<std::string> server::impl::urls() const {
  const std::string host = config.host + ":" + std::to_string(acceptor.local_endpoint().port());
  const std::string ws = (ssl_ctx ? "wss://" : "ws://") + host;
  const std::string http_base = (ssl_ctx ? "https://" : "http://") + host;
  std::vector<std::string> out;
  for (const auto& v : venues)
    for (auto& line : v->d.urls(ws, http_base)) out.push_back(std::move(line));
  out.push_back("control              " + http_base + "/_sim/connections  " + http_base + "/_sim/faults");
  out.push_back("blast                " + ws + "/_sim/blast?frames=N");
  out.push_back("blast (combined)     " + ws + "/_sim/blast/N/stream?streams=btcusdt@trade");
  if (config.blast)
    out.push_back("blast (--blast)      " + ws + "/binance-spot/ws/btcusdt@trade  " + ws +
                  "/okx/ws/v5/public (subscribe to one trades instId)");
  return out;
}

server::server(asio::io_context& ioc, const sf::clock& clock, server_config config)
    : impl_(std::make_shared<impl>(ioc, clock, std::move(config))) {}

server::~server() { impl_->stop_serving(); }

void server::start() { impl_->start_serving(); }
unsigned short server::port() const { return impl_->acceptor.local_endpoint().port(); }
std::vector<std::string> server::urls() const { return impl_->urls(); }
void server::stop() { impl_->stop_serving(); }
std::size_t server::connection_count() const { return impl_->conns.size(); }

}  // namespace sf::sim
