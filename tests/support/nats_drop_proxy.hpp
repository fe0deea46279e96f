// A NATS proxy on 127.0.0.1 that loses one chosen message: what a client
// sees when a server, or a cluster's stream leader, dies with a publish or
// its acknowledgement in flight. It relays both ways between clients and a
// server on loopback, reading each side as NATS protocol, and leaves out the
// next publish with a given Nats-Msg-Id, or the next JetStream
// acknowledgement of a given stream sequence number.
//
// Thread safety: all public members may be called from any thread.
// Lifetime: the destructor closes every connection and joins its threads.
#pragma once

#include <cstdint>
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
  // Leaves out the next acknowledgement of `seq` in `stream` (once).
  void drop_ack_once(std::string stream, std::uint64_t seq);
  // Whether the message asked for came and was left out.
  bool dropped() const;

 private:
  class impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace sf::test
