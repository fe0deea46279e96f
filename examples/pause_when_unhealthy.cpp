// A toy strategy that trades only while its market data is healthy.
//
// The feed runs on its own thread; the strategy's loop, on the main thread,
// polls feed::is_healthy() (safe from any thread) before every decision and
// pauses while it is false: while every connection of a shard is down, the
// strategy's view of the market is stale, and acting on it is how losses
// happen.
//
//   pause_when_unhealthy VENUE SYMBOL [WS_URL REST_URL] [SECONDS]
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <steadyfeed/runtime/feed.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

int main(int argc, char** argv) {
  if (argc != 3 && argc != 5 && argc != 6) {
    std::fprintf(stderr, "usage: pause_when_unhealthy VENUE SYMBOL [WS_URL REST_URL] [SECONDS]\n");
    return 2;
  }
  sf::feed_config config;
  config.id = "strategy";
  config.venue = argv[1];
  config.symbols = {argv[2]};
  config.channels = {"trades"};
  if (argc >= 5) {
    config.ws_url = argv[3];
    config.rest_url = argv[4];
  }
  const int seconds = argc == 6 ? std::atoi(argv[5]) : 60;

  boost::asio::io_context io;
  auto work = boost::asio::make_work_guard(io);
  sf::feed feed(io.get_executor(), config, sf::system_clock_source::instance());
  std::atomic<long> trades{0};
  sf::feed::callbacks callbacks;
  callbacks.on_record = [&](const sf::record_view& r) {
    if (r.kind == sf::record_kind::trade) trades.fetch_add(1, std::memory_order_relaxed);
  };
  feed.set_callbacks(std::move(callbacks));
  feed.start();
  std::thread feed_thread([&] { io.run(); });

  int trading = -1;  // not known yet
  long decisions = 0;
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds{seconds};
  while (std::chrono::steady_clock::now() < end) {
    const int healthy = feed.is_healthy() ? 1 : 0;
    if (healthy != trading) {
      trading = healthy;
      std::printf(trading ? "trading: the feed is healthy (%ld trades seen)\n"
                          : "paused: the feed is down (%ld trades seen)\n",
                  trades.load());
      std::fflush(stdout);
    }
    if (trading == 1) ++decisions;  // the strategy's work would go here
    std::this_thread::sleep_for(std::chrono::milliseconds{100});
  }
  std::printf("done: %ld decisions, %ld trades seen, %s at the end\n", decisions, trades.load(),
              trading == 1 ? "trading" : "paused");
  feed.stop();
  work.reset();
  io.stop();
  feed_thread.join();
  return 0;
}
