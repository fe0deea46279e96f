// Blast-mode throughput: the simulator (one thread, one core) sends
// pre-serialized Binance trade frames to one loopback WebSocket client (a
// Beast client on another thread, reading whole messages) and the figure
// printed is frames per second as the client received them.
//
//   steadyfeed_sim_bench [frames]   (default 20,000,000)
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <thread>

#include "sim/server.hpp"

int main(int argc, char** argv) {
  namespace asio = boost::asio;
  namespace beast = boost::beast;
  namespace websocket = beast::websocket;
  using tcp = asio::ip::tcp;
  std::uint64_t frames = 20'000'000ULL;
  if (argc > 1) {
    char* end = nullptr;
    frames = std::strtoull(argv[1], &end, 10);
    if (end == argv[1] || *end != '\0' || frames == 0) {
      std::fprintf(stderr, "usage: %s [FRAMES]  (a positive count, default 20000000)\n", argv[0]);
      return 2;
    }
  }

  const auto& clock = sf::system_clock_source::instance();
  asio::io_context server_ioc{1};
  sf::sim::server_config config;
  config.market.rate = 0;  // blast only: no market traffic competing for the core
  config.log_to_stderr = false;
  sf::sim::server srv(server_ioc, clock, config);
  srv.start();
  std::thread server_thread([&] { server_ioc.run(); });

  asio::io_context ioc;
  websocket::stream<tcp::socket> ws(ioc);
  tcp::resolver resolver(ioc);
  asio::connect(beast::get_lowest_layer(ws), resolver.resolve("127.0.0.1", std::to_string(srv.port())));
  ws.read_message_max(1 << 20);
  ws.handshake("127.0.0.1", "/_sim/blast?frames=" + std::to_string(frames));

  beast::flat_buffer buffer;
  std::uint64_t received = 0, bytes = 0;
  const auto t0 = clock.now();
  beast::error_code ec;
  while (true) {
    const auto n = ws.read(buffer, ec);
    if (ec) break;
    bytes += n;
    ++received;
    buffer.consume(n);
  }
  const auto elapsed = std::chrono::duration<double>(clock.now() - t0).count();

  asio::post(server_ioc, [&] {
    srv.stop();
    server_ioc.stop();
  });
  server_thread.join();

  std::printf("blast: %llu frames (%.1f MB) in %.3f s = %.2f M frames/s, %.0f MB/s (client: Beast, loopback)\n",
              static_cast<unsigned long long>(received), static_cast<double>(bytes) / 1e6, elapsed,
              static_cast<double>(received) / elapsed / 1e6, static_cast<double>(bytes) / elapsed / 1e6);
  return received == frames ? 0 : 1;
}
