// Blast-mode throughput: the simulator (one thread, one core) sends
// pre-serialized trade frames to one loopback WebSocket client (a Beast
// client on another thread, reading whole messages), per venue:
//
//   binance-spot   /_sim/blast?frames=N (raw payloads; the server closes after N)
//   okx            /okx/ws/v5/public under --blast, after a `trades` subscribe
//                  (the client stops reading after N)
//
// Printed per venue: frames per second as the client received them, and the
// server thread's own CPU time per frame (what it would sustain alone: the
// client, not the server, is the bottleneck when this is well below the
// client's wall time per frame). Each venue runs three times; the median run
// is printed with (min–max).
//
//   steadyfeed_sim_bench [frames]   (per run, default 2,000,000)
#include <pthread.h>
#include <time.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "sim/server.hpp"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

double thread_cpu_seconds(clockid_t id) {
  timespec ts{};
  ::clock_gettime(id, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct run {
  std::uint64_t frames = 0, bytes = 0;
  double seconds = 0, server_cpu = 0;
  double rate() const { return seconds > 0 ? static_cast<double>(frames) / seconds : 0; }
  double server_ns_per_frame() const { return frames ? server_cpu * 1e9 / static_cast<double>(frames) : 0; }
};

// Reads `frames` frames from `target` (after sending `subscribe`, if any).
run measure(unsigned short port, const std::string& target, const std::string& subscribe, std::uint64_t frames,
            clockid_t server_cpu) {
  asio::io_context ioc;
  websocket::stream<tcp::socket> ws(ioc);
  tcp::resolver resolver(ioc);
  asio::connect(beast::get_lowest_layer(ws), resolver.resolve("127.0.0.1", std::to_string(port)));
  ws.read_message_max(1 << 20);
  ws.handshake("127.0.0.1", target);
  beast::flat_buffer buffer;
  if (!subscribe.empty()) {
    ws.write(asio::buffer(subscribe));
    ws.read(buffer);  // the acknowledgement
    buffer.consume(buffer.size());
  }
  run r;
  const double cpu0 = thread_cpu_seconds(server_cpu);
  const auto t0 = std::chrono::steady_clock::now();
  beast::error_code ec;
  while (r.frames < frames) {
    const auto n = ws.read(buffer, ec);
    if (ec) break;
    r.bytes += n;
    ++r.frames;
    buffer.consume(n);
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.server_cpu = thread_cpu_seconds(server_cpu) - cpu0;
  beast::get_lowest_layer(ws).close(ec);
  return r;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t frames = 2'000'000ULL;
  if (argc > 1) {
    char* end = nullptr;
    frames = std::strtoull(argv[1], &end, 10);
    if (end == argv[1] || *end != '\0' || frames == 0) {
      std::fprintf(stderr, "usage: %s [FRAMES]  (a positive count per run, default 2000000)\n", argv[0]);
      return 2;
    }
  }

  asio::io_context server_ioc{1};
  sf::sim::server_config config;
  config.market.rate = 0;  // blast only: no market traffic competing for the core
  config.log_to_stderr = false;
  config.blast = true;
  sf::sim::server srv(server_ioc, sf::system_clock_source::instance(), config);
  srv.start();
  std::thread server_thread([&] { server_ioc.run(); });
  clockid_t server_cpu{};
  pthread_getcpuclockid(server_thread.native_handle(), &server_cpu);

  struct venue {
    const char* name;
    std::string target, subscribe;
  };
  const std::vector<venue> venues = {
      {"binance-spot", "/_sim/blast?frames=" + std::to_string(frames), ""},
      {"okx", "/okx/ws/v5/public", R"({"op":"subscribe","args":[{"channel":"trades","instId":"BTC-USDT"}]})"},
  };
  int status = 0;
  std::printf("blast (client: Beast, loopback; median run (min–max) of 3, %llu frames each):\n",
              static_cast<unsigned long long>(frames));
  for (const auto& v : venues) {
    std::vector<double> rates, server_ns, mb;
    for (int i = 0; i < 3; ++i) {
      const run r = measure(srv.port(), v.target, v.subscribe, frames, server_cpu);
      if (r.frames != frames) {
        std::printf("  %s: %llu frames of %llu\n", v.name, static_cast<unsigned long long>(r.frames),
                    static_cast<unsigned long long>(frames));
        status = 1;
        break;
      }
      rates.push_back(r.rate() / 1e6);
      server_ns.push_back(r.server_ns_per_frame());
      mb.push_back(static_cast<double>(r.bytes) / r.seconds / 1e6);
    }
    if (rates.empty()) continue;
    const auto [rlo, rhi] = std::minmax_element(rates.begin(), rates.end());
    const auto [slo, shi] = std::minmax_element(server_ns.begin(), server_ns.end());
    std::printf("  %-12s %.2f (%.2f–%.2f) M frames/s, %.0f MB/s; server CPU %.0f (%.0f–%.0f) ns/frame\n", v.name,
                median(rates), *rlo, *rhi, median(mb), median(server_ns), *slo, *shi);
  }

  asio::post(server_ioc, [&] {
    srv.stop();
    server_ioc.stop();
  });
  server_thread.join();
  return status;
}
