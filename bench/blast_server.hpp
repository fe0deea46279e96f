// The simulator serving blasts (apps/sim/blast.hpp) on 127.0.0.1, on its own
// thread, for benchmarks that feed a client from it.
//
// Thread safety: construct and destroy on one thread; the accessors are
// const and may be called from any.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <cstdint>
#include <string>
#include <thread>

#include "sim/server.hpp"
#include "steadyfeed/core/clock.hpp"

namespace sf::bench {

class blast_server {
 public:
  blast_server() : srv_(ioc_, system_clock_source::instance(), config()) {
    srv_.start();
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~blast_server() {
    boost::asio::post(ioc_, [this] {
      srv_.stop();
      ioc_.stop();
    });
    thread_.join();
  }
  blast_server(const blast_server&) = delete;
  blast_server& operator=(const blast_server&) = delete;

  unsigned short port() const { return srv_.port(); }
  // The base a Binance adapter appends "/stream?streams=..." to: a blast of
  // `frames` frames.
  std::string base_url(std::int64_t frames) const {
    return "ws://127.0.0.1:" + std::to_string(port()) + "/_sim/blast/" + std::to_string(frames);
  }
  std::uint64_t seed() const { return config().market.seed; }

 private:
  static sim::server_config config() {
    sim::server_config c;
    c.market.rate = 0;  // blast only: no market traffic competing for the cores
    c.log_to_stderr = false;
    return c;
  }

  boost::asio::io_context ioc_{1};
  sim::server srv_;
  std::thread thread_;
};

}  // namespace sf::bench
