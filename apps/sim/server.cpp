#include "sim/server.hpp"

#include <boost/asio/ip/address.hpp>
#include <cstdio>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "sim/dialect_registry.hpp"
#include "sim/frame_cache.hpp"
#include "sim/instrument.hpp"
#include "sim/reset_socket.hpp"
#include "sim/serve.hpp"
#include "sim/server_impl.hpp"

namespace sf::sim {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

server::impl::impl(asio::io_context& io, const sf::clock& c, server_config cfg)
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
    rest_rate_limit rest_limit(r.rest_limits, r.rest_ban);
    venues.push_back(std::make_unique<served_venue>(
        served_venue{d, std::move(settings), connects, keepalive, std::move(rest_limit)}));
  }
  for (const auto* s : markets.all()) {
    auto& p = pacing[s];
    p.venue = venue_named(s->venue());
    for (const auto length : p.venue->d.book_windows()) p.windows.emplace_back(length);
  }
}

server::impl::served_venue* server::impl::venue_named(std::string_view name) {
  for (auto& v : venues)
    if (v->d.name() == name) return v.get();
  return nullptr;
}

void server::impl::log_line(const std::string& line) {
  if (config.log_to_stderr) std::cerr << line << '\n';
  if (fault_log) {
    std::fputs(line.c_str(), fault_log);
    std::fputc('\n', fault_log);
    std::fflush(fault_log);
  }
}

// --- start / stop ---

void server::impl::start_serving() {
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
  error_code ec;
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

void server::impl::stop_serving() {
  if (stopped) return;
  stopped = true;
  error_code ec;
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

void server::impl::schedule_tick() {
  tick_timer.expires_after(config.tick);
  tick_timer.async_wait([self = shared_from_this()](error_code ec) {
    if (ec || self->stopped) return;
    self->tick();
    self->schedule_tick();
  });
}

void server::impl::tick() {
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

void server::impl::on_trade(const market_stream& s, const trade_event& t) {
  if (truth) truth->on_trade(s, t);
  frame_cache cache;
  for (auto& [id, c] : conns) c->on_trade(s, t, cache, now);
}

void server::impl::on_book_update(const market_stream& s, const book_update& u) {
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
void server::impl::roll_book_windows(const market_stream& s, duration vnow) {
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
void server::impl::book_keepalive(const market_stream& s, duration vnow) {
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

std::string server::impl::connections_json() {
  std::string out = "[";
  bool first = true;
  for (auto& [id, c] : conns) {
    if (!first) out += ',';
    first = false;
    out += c->describe(clock.now());
  }
  return out + "]";
}

std::vector<std::uint64_t> server::impl::inject(const fault_spec& f) {
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

std::string server::impl::fault_log_json() {
  std::string out = "[";
  for (std::size_t i = 0; i < faults.log().size(); ++i) {
    if (i) out += ',';
    out += faults.log()[i];
  }
  return out + "]";
}

// --- HTTP ---

http_reply server::impl::handle_http(std::string_view method, std::string_view target, std::string_view body) {
  const std::string_view path = target.substr(0, target.find('?'));
  if (auto r = handle_control(*this, method, path, body)) return *r;
  for (const auto& v : venues) {
    const std::string prefix = "/" + std::string(v->d.name());
    if (!target.starts_with(prefix + "/")) continue;
    // Only GET reaches the REST endpoints; methods are case-sensitive.
    if (method != "GET") break;
    if (auto r = rest.handle(v->d, v->rest_limit, target.substr(prefix.size()), clock.now(), clock.wall_now()))
      return *r;
  }
  return {404, R"({"error":"not found"})", {}};
}

std::shared_ptr<const blast_block> server::impl::blast_block_for(blast_shape shape, const std::string& symbol) {
  auto it = blasts.find({shape, symbol});
  if (it == blasts.end()) {
    auto built = make_blast_block(shape, 4096, config.market.seed, symbol);
    if (!built) return nullptr;
    it = blasts.emplace(std::pair{shape, symbol}, std::make_shared<const blast_block>(std::move(*built))).first;
  }
  return it->second;
}

void server::impl::do_accept() {
  acceptor.async_accept([self = shared_from_this()](error_code ec, tcp::socket sock) {
    if (ec || self->stopped) return;
    sock.set_option(tcp::no_delay(true), ec);
    if (self->faults.refusing("", self->clock.now())) {  // a fault on every venue: refuse before reading
      self->faults.note(self->clock.now(), self->clock.wall_now(), R"("event":"refused","venue":"all")");
      reset_socket(sock);
      self->do_accept();
      return;
    }
    if (self->ssl_ctx) {
      serve_tls(std::move(sock), *self->ssl_ctx, self);
    } else {
      serve_plain(std::move(sock), self);
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
