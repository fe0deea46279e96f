// A WebSocket server on 127.0.0.1 that sends Binance combined-stream trade
// frames at a steady total rate, paced by its own clock, round-robin over a
// fixed number of connections: what a venue does at a given message rate,
// for benchmarks that need a rate rather than "as fast as possible".
//
// It runs in a forked child process, so that the parent's process CPU time
// (getrusage) is the client's alone, and the server's pacing is not disturbed
// by the client's threads.
//
// The frames are the simulator's pre-serialized blast frames
// (apps/sim/blast.hpp): each connection has its own copy of the block and
// its own trade id sequence, renumbered between repetitions, so the client's
// arbiter sees every connection's ids run on with no gap. Any upgrade target
// is accepted (a Binance adapter pointed at ws://127.0.0.1:port/paced asks
// for /paced/stream?streams=btcusdt@trade); the frames name that stream.
//
// Pacing: frame k (over all connections) is due at start + k / rate; the
// server sleeps until the next frame is due (absolute-time nanosleep, timer
// slack 1 ns) and then writes every frame that is due, one write per frame
// for several connections, or the due frames of the one connection in one
// write. On a busy machine a late wake-up sends the frames that fell due
// meanwhile together; frames_per_write reports how often that happened. A
// server that cannot keep up sends fewer: the report's rate says what it
// achieved. Sending starts once every expected connection is open.
//
// Thread safety: construct, stop() and destroy on one thread (before the
// process starts other threads that fork() would not copy: the child uses
// none of them).
#pragma once

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sim/blast.hpp"

namespace sf::bench {

// What the server sent, reported when it stops.
struct paced_report {
  std::uint64_t frames = 0;  // over all connections
  std::uint64_t writes = 0;
  double seconds = 0;        // from the first frame to the stop
  std::uint64_t connections = 0;
};

class paced_server {
 public:
  // `rate` frames per second in total over `connections` connections.
  paced_server(double rate, std::size_t connections) {
    int port_pipe[2], stop_pipe[2], report_pipe[2];
    if (::pipe(port_pipe) != 0 || ::pipe(stop_pipe) != 0 || ::pipe(report_pipe) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::close(port_pipe[0]);
      ::close(stop_pipe[1]);
      ::close(report_pipe[0]);
      const paced_report r = serve(rate, connections, port_pipe[1], stop_pipe[0]);
      const ssize_t ignored = ::write(report_pipe[1], &r, sizeof r);
      (void)ignored;
      ::_exit(0);
    }
    ::close(port_pipe[1]);
    ::close(stop_pipe[0]);
    ::close(report_pipe[1]);
    stop_fd_ = stop_pipe[1];
    report_fd_ = report_pipe[0];
    if (::read(port_pipe[0], &port_, sizeof port_) != sizeof port_) port_ = 0;
    ::close(port_pipe[0]);
  }
  ~paced_server() { stop(); }
  paced_server(const paced_server&) = delete;
  paced_server& operator=(const paced_server&) = delete;

  // 0 when the server could not start.
  unsigned short port() const { return port_; }
  // The base a Binance adapter appends "/stream?streams=..." to.
  std::string base_url() const { return "ws://127.0.0.1:" + std::to_string(port_) + "/paced"; }

  // Stops sending and returns what was sent (idempotent).
  paced_report stop() {
    if (pid_ <= 0) return report_;
    ::close(stop_fd_);
    if (::read(report_fd_, &report_, sizeof report_) != sizeof report_) report_ = {};
    ::close(report_fd_);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
    return report_;
  }

 private:
  struct connection {
    std::unique_ptr<boost::beast::websocket::stream<boost::asio::ip::tcp::socket>> ws;
    int fd = -1;
    std::string copy;       // this connection's block, renumbered as it goes
    std::size_t next = 0;   // next frame of the block
  };

  static std::int64_t now_ns() {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
  }

  static bool stop_requested(int stop_fd) {
    pollfd p{stop_fd, POLLIN, 0};
    return ::poll(&p, 1, 0) != 0;
  }

  static bool send_all(int fd, const char* data, std::size_t size) {
    while (size > 0) {
      const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
      if (n <= 0) return false;
      data += n;
      size -= static_cast<std::size_t>(n);
    }
    return true;
  }

  // The child's work: accept, then pace until the parent closes `stop_fd`.
  static paced_report serve(double rate, std::size_t count, int port_fd, int stop_fd) {
    namespace asio = boost::asio;
    namespace websocket = boost::beast::websocket;
    using tcp = asio::ip::tcp;
    paced_report report;
    // Wake-ups at the time asked for, not up to 50 µs later.
    ::prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
    // Fewer frames per block the more connections, to bound the copies' memory.
    const std::size_t block_frames = count > 100 ? 64 : count > 1 ? 512 : 4096;
    const auto block = sim::make_blast_block(block_frames, 7, "btcusdt@trade");
    asio::io_context ioc{1};
    tcp::acceptor acceptor(ioc);
    boost::system::error_code ec;
    acceptor.open(tcp::v4(), ec);
    acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    acceptor.bind({asio::ip::make_address("127.0.0.1"), 0}, ec);
    acceptor.listen(4096, ec);
    unsigned short port = ec || !block ? 0 : acceptor.local_endpoint().port();
    if (::write(port_fd, &port, sizeof port) != sizeof port || port == 0) return report;
    ::close(port_fd);

    std::vector<connection> conns;
    conns.reserve(count);
    while (conns.size() < count) {
      if (stop_requested(stop_fd)) return report;
      pollfd p{acceptor.native_handle(), POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      connection c;
      c.ws = std::make_unique<websocket::stream<tcp::socket>>(ioc);
      acceptor.accept(c.ws->next_layer(), ec);
      if (ec) continue;
      c.ws->accept(ec);  // anything else than an upgrade (a REST call) is dropped
      if (ec) continue;
      c.fd = c.ws->next_layer().native_handle();
      const int one = 1;
      ::setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      c.copy = block->bytes;
      conns.push_back(std::move(c));
    }
    report.connections = conns.size();

    const double ns_per_frame = 1e9 / rate;
    const std::int64_t start = now_ns();
    std::uint64_t sent = 0;
    std::size_t turn = 0;  // the connection the next frame goes to
    for (;;) {
      if (stop_requested(stop_fd)) break;
      // At most a few hundred frames between looks at the stop pipe: a server
      // that falls behind (a starved core) still stops when told.
      const auto due = std::min<std::uint64_t>(
          static_cast<std::uint64_t>(static_cast<double>(now_ns() - start) / ns_per_frame) + 1, sent + 256);
      while (sent < due) {
        connection& c = conns[turn];
        // One connection: its due frames in one write, up to the block's end.
        std::size_t n = 1;
        if (conns.size() == 1) n = std::min<std::uint64_t>(due - sent, block->frames - c.next);
        const std::size_t from = block->index[c.next].offset;
        const std::size_t to = block->prefix_bytes(c.next + n);
        if (!send_all(c.fd, c.copy.data() + from, to - from)) return report;
        ++report.writes;
        sent += n;
        c.next += n;
        if (c.next == block->frames) {
          sim::advance_repetition(*block, c.copy);
          c.next = 0;
        }
        if (++turn == conns.size()) turn = 0;
      }
      const std::int64_t next_due = start + static_cast<std::int64_t>(static_cast<double>(sent) * ns_per_frame);
      const timespec at{static_cast<time_t>(next_due / 1'000'000'000), static_cast<long>(next_due % 1'000'000'000)};
      ::clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, nullptr);
    }
    report.frames = sent;
    report.seconds = static_cast<double>(now_ns() - start) * 1e-9;
    return report;
  }

  pid_t pid_ = -1;
  int stop_fd_ = -1;
  int report_fd_ = -1;
  unsigned short port_ = 0;
  paced_report report_;
};

}  // namespace sf::bench
