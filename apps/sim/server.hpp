// steadyfeed-sim's server: one loopback port serving every venue's WebSocket
// and REST dialect under its path prefix (/<venue>/..., the dialect's name),
// the control API (/_sim/...) and blast mode, over plain TCP or TLS.
//
// A thin Beast layer: markets are advanced on a periodic tick from the
// injected clock, every generated event goes to the truth writer and then to
// the subscribed connections; protocol, rules and faults are decided by the
// venues' dialects, `connection`, `rest_api` and `fault_injector`, which hold
// no sockets and no venue's name but the dialects'.
//
// Thread safety: everything runs on the io_context's thread(s); run the
// io_context on one thread. `stop()` must be called on that thread (post it).
// Lifetime: the server must outlive the io_context's run().
#pragma once

#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>
#include <vector>

#include "sim/server_config.hpp"
#include "steadyfeed/core/clock.hpp"

namespace sf::sim {

class server {
 public:
  // Throws std::invalid_argument for a venue no dialect speaks, a symbol with
  // no known quote currency, or options a venue's dialect refuses.
  server(boost::asio::io_context& ioc, const sf::clock& clock, server_config config);
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  // Binds and starts accepting and ticking. Throws std::runtime_error with the
  // address on failure (port in use, bad certificate ...).
  void start();
  unsigned short port() const;
  // The URLs served, a line each, as the venues' dialects and the control API list them.
  std::vector<std::string> urls() const;
  // Stops accepting, writes the final truth checkpoints and flushes, closes
  // every connection. Idempotent.
  void stop();
  std::size_t connection_count() const;

 // The Beast layer's state; defined in server_impl.hpp.
  struct impl;

 private:
  std::shared_ptr<impl> impl_;
};

}  // namespace sf::sim
