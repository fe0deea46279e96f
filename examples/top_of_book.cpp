// Keeps one symbol's order book and prints the top of the book whenever it
// changes. The feed hands out book records already checked by sequence id
// (and by checksum where the venue sends one): a snapshot record replaces
// the book, an update is applied as it comes, and a gap record means the
// book is unknown until the next snapshot.
//
//   top_of_book VENUE SYMBOL [WS_URL REST_URL] [COUNT]
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <steadyfeed/book/order_book.hpp>
#include <steadyfeed/runtime/feed.hpp>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char** argv) {
  if (argc != 3 && argc != 5 && argc != 6) {
    std::fprintf(stderr, "usage: top_of_book VENUE SYMBOL [WS_URL REST_URL] [COUNT]\n");
    return 2;
  }
  sf::feed_config config;
  config.id = "book";
  config.venue = argv[1];
  config.symbols = {argv[2]};
  config.channels = {"book"};
  if (argc >= 5) {
    config.ws_url = argv[3];
    config.rest_url = argv[4];
  }
  const long limit = argc == 6 ? std::atol(argv[5]) : 0;

  boost::asio::io_context io;
  sf::feed feed(io.get_executor(), config, sf::system_clock_source::instance());
  sf::order_book book;
  bool known = false;
  std::string last;
  long printed = 0;
  sf::feed::callbacks callbacks;
  callbacks.on_record = [&](const sf::record_view& r) {
    if (r.kind == sf::record_kind::gap) {
      known = false;  // until the next snapshot
      book.clear();
      std::printf("book unknown: %s\n", r.gap->reason.c_str());
      return;
    }
    if (r.kind != sf::record_kind::book) return;
    if (r.book->snapshot) {
      book.clear();
      known = true;
    }
    if (!known) return;
    book.apply(*r.book);
    const auto bid = book.best_bid();
    const auto ask = book.best_ask();
    if (!bid || !ask) return;
    std::string top = bid->qty.to_string() + " @ " + bid->price.to_string() + " | " + ask->price.to_string() +
                      " @ " + ask->qty.to_string();
    if (top == last) return;
    last = top;
    std::printf("%.*s seq %llu  %s\n", static_cast<int>(r.symbol.size()), r.symbol.data(),
                static_cast<unsigned long long>(r.book->seq), top.c_str());
    if (limit != 0 && ++printed == limit) io.stop();
  };
  feed.set_callbacks(std::move(callbacks));

  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int) { io.stop(); });
  feed.start();
  io.run();
  std::fflush(stdout);
  return 0;
}
