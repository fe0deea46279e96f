// A NATS proxy on 127.0.0.1 that loses one chosen message: what a client
// sees when a server, or a cluster's stream leader, dies with a publish in
// flight. It relays bytes both ways between clients and a server on
// loopback, reading the client's side as NATS protocol, and leaves out the
// first publish whose Nats-Msg-Id is the one asked for.
//
// Thread safety: all public members may be called from any thread.
// Lifetime: the destructor closes every connection and joins its threads.
#pragma once

#include <memory>
#include <string>

namespace sf::test {

class nats_drop_proxy {
 public:
  explicit nats_drop_proxy(unsigned short server_port);
  ~nats_drop_proxy();
  nats_drop_proxy(const nats_drop_proxy&) = delete;
  nats_drop_proxy& operator=(const nats_drop_proxy&) = delete;

  // nats://127.0.0.1:PORT
  std::string url() const;
  // Leaves out the next publish carrying this message id (once).
  void drop_once(std::string msg_id);
  // Whether that publish came and was left out.
  bool dropped() const;

 private:
  class impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace sf::test
