// The simulator's server (apps/sim/server.hpp) in a forked child process, on
// 127.0.0.1: its market generation and serialization stay out of the
// parent's process CPU time, which is then the client's alone.
//
// Thread safety: construct, stop() and destroy on one thread, before the
// parent starts threads the child would need (fork() copies only the caller).
#pragma once

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>

#include "process_cpu.hpp"
#include "sim/server.hpp"
#include "steadyfeed/core/clock.hpp"

namespace sf::bench {

class sim_process {
 public:
  explicit sim_process(sim::server_config config) {
    config.log_to_stderr = false;
    int port_pipe[2], stop_pipe[2];
    if (::pipe(port_pipe) != 0 || ::pipe(stop_pipe) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::close(port_pipe[0]);
      ::close(stop_pipe[1]);
      unsigned short port = 0;
      try {
        boost::asio::io_context ioc{1};
        sim::server srv(ioc, system_clock_source::instance(), config);
        srv.start();
        port = srv.port();
        if (::write(port_pipe[1], &port, sizeof port) != sizeof port) ::_exit(1);
        // The parent closing its end of the pipe is the signal to stop.
        std::thread watch([&] {
          char byte;
          while (::read(stop_pipe[0], &byte, 1) > 0) {
          }
          boost::asio::post(ioc, [&] {
            srv.stop();
            ioc.stop();
          });
        });
        ioc.run();
        watch.join();
      } catch (...) {
        if (port == 0) {
          const ssize_t ignored = ::write(port_pipe[1], &port, sizeof port);
          (void)ignored;
        }
        ::_exit(1);
      }
      ::_exit(0);
    }
    ::close(port_pipe[1]);
    ::close(stop_pipe[0]);
    stop_fd_ = stop_pipe[1];
    if (::read(port_pipe[0], &port_, sizeof port_) != sizeof port_) port_ = 0;
    ::close(port_pipe[0]);
  }
  ~sim_process() { stop(); }
  sim_process(const sim_process&) = delete;
  sim_process& operator=(const sim_process&) = delete;

  // 0 when the server did not start.
  unsigned short port() const { return port_; }
  // The child's CPU time so far (user + system, from /proc), in seconds.
  double cpu_seconds() const { return process_cpu_seconds(pid_); }

  void stop() {
    if (pid_ <= 0) return;
    ::close(stop_fd_);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
  int stop_fd_ = -1;
  unsigned short port_ = 0;
};

}  // namespace sf::bench
