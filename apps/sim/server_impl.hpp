// server::impl, the server's state: markets, ticking, faults, the control
// API, REST routing and the accept loop. Private to the simulator's server:
// the Beast sessions (http_session.hpp) read and update it.
//
// It names no Beast session type, so that server.cpp compiles without the
// WebSocket and HTTP templates; those are compiled once per stream type, in
// plain_sessions.cpp and tls_sessions.cpp (serve.hpp).
//
// Thread safety and lifetime: as server's (server.hpp).
#pragma once

#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/blast.hpp"
#include "sim/connection.hpp"
#include "sim/control_api.hpp"
#include "sim/depth_window.hpp"
#include "sim/dialect.hpp"
#include "sim/fault_injector.hpp"
#include "sim/http_reply.hpp"
#include "sim/market_registry.hpp"
#include "sim/market_stream.hpp"
#include "sim/rest_api.hpp"
#include "sim/server.hpp"
#include "sim/server_config.hpp"
#include "sim/truth_writer.hpp"
#include "steadyfeed/core/clock.hpp"
#include "steadyfeed/core/token_bucket.hpp"

namespace sf::sim {

struct server::impl : std::enable_shared_from_this<server::impl>, market_stream::listener, control_target {
  // Throws as server's constructor does.
  impl(boost::asio::io_context& io, const sf::clock& c, server_config cfg);

  // A venue being served: its dialect, its settings as run, its
  // connection-rate bucket and REST rate limit.
  struct served_venue {
    const dialect& d;  // the venue's dialect
    venue_settings settings;
    token_bucket connects;
    duration keepalive;  // dialect::book_keepalive
    rest_rate_limit rest_limit;
  };

  // What the server does for one market's books besides passing updates on:
  // the venue's push windows and keep-alive updates.
  struct market_pacing {
    served_venue* venue = nullptr;
    std::vector<depth_window> windows;
    duration last_change{0};  // virtual time of the last update
  };

  served_venue* venue_named(std::string_view name);
  void log_line(const std::string& line);

  // --- start / stop ---
  void start_serving();
  void stop_serving();

  // --- ticking ---
  void schedule_tick();
  void tick();
  void on_trade(const market_stream& s, const trade_event& t) override;
  void on_book_update(const market_stream& s, const book_update& u) override;
  void roll_book_windows(const market_stream& s, duration vnow);
  void book_keepalive(const market_stream& s, duration vnow);

  // --- control ---
  std::string connections_json() override;
  std::vector<std::uint64_t> inject(const fault_spec& f) override;
  std::string fault_log_json() override;

  // --- HTTP ---
  // A request that is not a WebSocket upgrade: the control API, then the
  // venues' REST endpoints under their prefixes; 404 otherwise.
  http_reply handle_http(std::string_view method, std::string_view target, std::string_view body);

  void do_accept();

  std::vector<std::string> urls() const;

  boost::asio::io_context& ioc;
  const sf::clock& clock;
  server_config config;
  boost::asio::ip::tcp::acceptor acceptor;
  std::optional<boost::asio::ssl::context> ssl_ctx;
  market_registry markets;
  std::unique_ptr<truth_writer> truth;
  std::FILE* fault_log = nullptr;
  fault_injector faults;
  rest_api rest;
  connection_context ctx;
  std::map<std::uint64_t, std::shared_ptr<connection>> conns;
  std::uint64_t next_id = 1;
  boost::asio::basic_waitable_timer<mono_clock> tick_timer;
  time_point start;
  time_point now{};
  std::vector<std::unique_ptr<served_venue>> venues;  // in config.venues order
  std::map<const market_stream*, market_pacing> pacing;
  // Blast blocks by shape and stream (or instId), built on first use; null
  // when the symbol names no instrument.
  std::map<std::pair<blast_shape, std::string>, std::shared_ptr<const blast_block>> blasts;
  std::shared_ptr<const blast_block> blast_block_for(blast_shape shape, const std::string& symbol);
  bool stopped = false;
};

}  // namespace sf::sim
