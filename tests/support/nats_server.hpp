// A real `nats-server -js` for tests, on loopback: started on a free port (or
// a given one, to come back where it was), storing in its own directory, and
// stopped, killed or started again at will. Cluster members get routes to
// each other.
//
// Thread safety: none. Lifetime: the server is killed when this goes.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "support/child_process.hpp"

namespace sf::test {

class nats_server {
 public:
  struct cluster_member {
    std::string name;                 // server and cluster node name
    unsigned short cluster_port = 0;  // this member's route port
    std::vector<unsigned short> routes;  // every member's route port
  };

  // Starts it; throws std::runtime_error when it is not ready within 10 s.
  // `extra`: more arguments for nats-server ("--auth", "TOKEN").
  explicit nats_server(std::filesystem::path dir, unsigned short port = 0,
                       std::optional<cluster_member> member = std::nullopt, std::vector<std::string> extra = {});
  ~nats_server();
  nats_server(const nats_server&) = delete;
  nats_server& operator=(const nats_server&) = delete;

  std::string url() const;
  unsigned short port() const noexcept { return port_; }
  // The server process's id; -1 while it is not running.
  int pid() const noexcept;
  bool running() const noexcept { return process_ != nullptr; }
  void stop();   // SIGTERM, and waits
  void kill();   // SIGKILL, and waits
  void start();  // again: same port, same store
  void pause();   // SIGSTOP, and waits until it is stopped: connections stay open, nothing is answered
  void resume();  // SIGCONT

 private:
  std::filesystem::path dir_;
  unsigned short port_ = 0;
  std::optional<cluster_member> member_;
  std::vector<std::string> extra_;
  int starts_ = 0;
  std::unique_ptr<child_process> process_;
};

// A loopback TCP port nobody listens on right now.
unsigned short free_port();

}  // namespace sf::test
