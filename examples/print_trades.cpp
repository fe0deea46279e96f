// Prints one venue's trades, kept alive by two redundant connections: either
// may die, reconnect or rotate without a trade missing or printed twice.
//
//   print_trades VENUE SYMBOL [WS_URL REST_URL] [COUNT]
//   print_trades binance-spot BTCUSDT
//
// With COUNT, it stops after that many trades; Ctrl-C stops it any time.
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <steadyfeed/runtime/feed.hpp>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char** argv) {
  if (argc != 3 && argc != 5 && argc != 6) {
    std::fprintf(stderr, "usage: print_trades VENUE SYMBOL [WS_URL REST_URL] [COUNT]\n");
    return 2;
  }
  sf::feed_config config;
  config.id = "trades";
  config.venue = argv[1];
  config.symbols = {argv[2]};
  config.channels = {"trades"};
  config.redundancy = 2;
  if (argc >= 5) {
    config.ws_url = argv[3];
    config.rest_url = argv[4];
  }
  const long limit = argc == 6 ? std::atol(argv[5]) : 0;

  boost::asio::io_context io;
  sf::feed feed(io.get_executor(), config, sf::system_clock_source::instance());
  long printed = 0;
  sf::feed::callbacks callbacks;
  callbacks.on_record = [&](const sf::record_view& r) {
    if (r.kind == sf::record_kind::gap) {
      std::printf("gap %s %s..%s: %s\n", r.gap->symbol.c_str(), r.gap->from.c_str(), r.gap->to.c_str(),
                  r.gap->reason.c_str());
      return;
    }
    if (r.kind != sf::record_kind::trade) return;
    const sf::trade_record& t = *r.trade;
    std::printf("%.*s %llu %.*s %s @ %s\n", static_cast<int>(r.symbol.size()), r.symbol.data(),
                static_cast<unsigned long long>(t.id), static_cast<int>(to_string(t.taker).size()),
                to_string(t.taker).data(), t.qty.to_string().c_str(), t.price.to_string().c_str());
    if (limit != 0 && ++printed == limit) io.stop();
  };
  callbacks.on_state_change = [](std::string_view connection, sf::connection_state, sf::connection_state to,
                                 std::string_view reason) {
    std::fprintf(stderr, "%.*s: %.*s (%.*s)\n", static_cast<int>(connection.size()), connection.data(),
                 static_cast<int>(to_string(to).size()), to_string(to).data(), static_cast<int>(reason.size()),
                 reason.data());
  };
  feed.set_callbacks(std::move(callbacks));

  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int) { io.stop(); });
  feed.start();
  io.run();
  std::fflush(stdout);
  return 0;
}
