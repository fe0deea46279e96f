// Transport figures on loopback:
//
//   BM_receive_frames     frames per second one ws_link receives and hands to
//                         its callback, from the in-process server writing
//                         pre-serialized ~100-byte text frames as fast as the
//                         socket takes them: the transport alone (the
//                         end-to-end figure is ingest_bench's).
//   BM_idle_connection_*  resident memory per idle open link (plain and TLS),
//                         from VmRSS before and after opening 200 of them.
//
// The receive figure is the client's core alone: the server runs on its own
// thread and blasts raw bytes, so it is never the bottleneck on two cores. For
// the memory figure the server runs in a forked child process, so the delta is
// the client's memory only.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include <benchmark/benchmark.h>

#include "bench_failure.hpp"
#include <boost/asio/io_context.hpp>

#include "steadyfeed/net/tls_context.hpp"
#include "steadyfeed/net/ws_link.hpp"
#include "support/run_until.hpp"
#include "support/test_certificates.hpp"
#include "support/test_protocol.hpp"
#include "support/ws_test_server.hpp"
#include "resident_memory.hpp"

namespace {

using namespace sf;

// A market-data-like frame of exactly `size` bytes.
std::string frame_of_size(std::uint64_t seq, std::size_t size) {
  std::string f = test::test_data_frame("btcusdt@trade", seq, "");
  if (f.size() < size) f.insert(f.size() - 2, size - f.size(), 'x');
  return f;
}

void BM_receive_frames(benchmark::State& state) {
  constexpr std::size_t frame_bytes = 100;
  constexpr std::size_t frames_per_wire = 1000;
  const std::size_t repeat = static_cast<std::size_t>(state.range(0)) / frames_per_wire;

  auto wire = std::make_shared<std::string>();
  for (std::size_t i = 0; i < frames_per_wire; ++i)
    *wire += test::ws_test_server::serialize_frame(frame_of_size(i, frame_bytes));

  test::ws_test_server server;
  // One thread drives this io_context, so Asio may skip its internal locking.
  boost::asio::io_context io{1};
  std::uint64_t received = 0;
  std::uint64_t bytes = 0;
  std::uint64_t target = 0;
  bool open = false;
  ws_link_callbacks cb;
  cb.on_open = [&] { open = true; };
  cb.on_frame = [&](std::string_view frame) {
    bytes += frame.size();
    // Stopping from the callback keeps the harness out of the measured loop.
    if (++received == target) io.stop();
  };
  ws_link link(io.get_executor(), {}, std::move(cb));
  link.open(server.url("/bench"));
  if (!test::run_until(
          io, [&] { return open; }, seconds{5}) ||
      !server.wait_for_connections(1, seconds{5})) {
    sf::bench::fail(state, "could not connect to the loopback server");
    return;
  }
  const auto id = server.open_connections().at(0);

  std::uint64_t total = 0;
  for (auto _ : state) {
    target = received + repeat * frames_per_wire;
    server.blast(id, wire, repeat);
    io.restart();
    io.run_for(seconds{60});
    if (received < target) {
      sf::bench::fail(state, "frames did not all arrive");
      return;
    }
    total += repeat * frames_per_wire;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(total));
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.counters["frames_per_s"] =
      benchmark::Counter(static_cast<double>(total), benchmark::Counter::kIsRate);
  state.counters["frame_bytes"] = static_cast<double>(frame_bytes);
}
BENCHMARK(BM_receive_frames)
    ->Arg(1'000'000)
    ->Iterations(5)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// ---- memory per idle connection ------------------------------------------------

using bench::vm_rss_kib;

// Runs a server in a child process until the parent closes `stop`; returns its
// port through the pipe.
struct child_server {
  pid_t pid = -1;
  int stop_fd = -1;
  std::uint16_t port = 0;

  explicit child_server(bool tls) {
    int port_pipe[2];
    int stop_pipe[2];
    if (pipe(port_pipe) != 0 || pipe(stop_pipe) != 0) return;
    pid = fork();
    if (pid == 0) {
      close(port_pipe[0]);
      close(stop_pipe[1]);
      {
        test::ws_test_server_options options;
        options.tls = tls;
        test::ws_test_server server(options);
        const std::uint16_t p = server.port();
        if (write(port_pipe[1], &p, sizeof p) != sizeof p) _exit(1);
        char byte;
        while (read(stop_pipe[0], &byte, 1) > 0) {
        }
      }
      _exit(0);
    }
    close(port_pipe[1]);
    close(stop_pipe[0]);
    stop_fd = stop_pipe[1];
    if (read(port_pipe[0], &port, sizeof port) != sizeof port) port = 0;
    close(port_pipe[0]);
  }
  ~child_server() {
    if (stop_fd >= 0) close(stop_fd);
    if (pid > 0) waitpid(pid, nullptr, 0);
  }
};

void idle_connections(benchmark::State& state, bool tls) {
  const auto count = static_cast<std::size_t>(state.range(0));
  // Certificates are made before the fork so both processes share the CA.
  const auto& certs = test::test_certificates();
  child_server server(tls);
  if (server.port == 0) {
    sf::bench::fail(state, "could not start the server process");
    return;
  }
  const std::string url =
      std::string(tls ? "wss" : "ws") + "://127.0.0.1:" + std::to_string(server.port) + "/idle";
  ws_link_options options;
  if (tls) {
    failure why;
    options.tls_context = make_tls_client_context({certs.ca_file.string(), true}, why);
  }
  double per_connection_kib = 0;
  for (auto _ : state) {
    boost::asio::io_context io{1};
    std::size_t opened = 0;
    std::size_t failed = 0;
    std::vector<std::unique_ptr<ws_link>> links;
    links.reserve(count);
    // One warm-up link so one-time costs (TLS context internals, the first
    // heap arenas) are not charged to the measured ones.
    ws_link_callbacks warm_cb;
    bool warm_open = false;
    warm_cb.on_open = [&] { warm_open = true; };
    ws_link warm(io.get_executor(), options, warm_cb);
    warm.open(url);
    test::run_until(
        io, [&] { return warm_open; }, seconds{5});

    const long before = vm_rss_kib();
    for (std::size_t i = 0; i < count; ++i) {
      ws_link_callbacks cb;
      cb.on_open = [&] { ++opened; };
      cb.on_open_failed = [&](const failure&) { ++failed; };
      links.push_back(std::make_unique<ws_link>(io.get_executor(), options, std::move(cb)));
      links.back()->open(url);
    }
    test::run_until(
        io, [&] { return opened + failed == count; }, seconds{30});
    // Let any queued work settle before measuring.
    test::run_for(io, milliseconds{50});
    const long after = vm_rss_kib();
    if (opened != count) {
      sf::bench::fail(state, "not every link opened");
      return;
    }
    per_connection_kib = static_cast<double>(after - before) / static_cast<double>(count);
    links.clear();
    test::run_for(io, milliseconds{50});
  }
  state.counters["connections"] = static_cast<double>(count);
  state.counters["KiB_per_connection"] = per_connection_kib;
}

void BM_idle_connection_plain(benchmark::State& state) {
  idle_connections(state, false);
}
void BM_idle_connection_tls(benchmark::State& state) {
  idle_connections(state, true);
}
BENCHMARK(BM_idle_connection_plain)
    ->Arg(200)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_idle_connection_tls)
    ->Arg(200)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

STEADYFEED_BENCHMARK_MAIN()
