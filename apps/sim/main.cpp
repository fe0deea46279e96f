// steadyfeed-sim: parses the command line, starts the server, prints the URLs
// it serves, and stops cleanly (truth files sealed) on SIGINT or SIGTERM.
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <iostream>

#include "sim/options.hpp"
#include "sim/server.hpp"

int main(int argc, char** argv) {
  const auto& clock = sf::system_clock_source::instance();
  auto parsed = sf::sim::parse_options(argc, argv, clock.wall_now());
  if (!parsed.config) {
    (parsed.exit_code == 0 ? std::cout : std::cerr) << parsed.message;
    return parsed.exit_code;
  }
  try {
    boost::asio::io_context ioc{1};
    sf::sim::server srv(ioc, clock, std::move(*parsed.config));
    srv.start();
    for (const auto& url : srv.urls()) std::cout << url << '\n';
    std::cout.flush();
    boost::asio::signal_set signals(ioc, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& ec, int) {
      if (ec) return;
      srv.stop();
      ioc.stop();
    });
    ioc.run();
    srv.stop();
  } catch (const std::exception& e) {
    std::cerr << "steadyfeed-sim: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
