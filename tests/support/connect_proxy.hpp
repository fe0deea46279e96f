// A minimal HTTP CONNECT proxy on 127.0.0.1 for transport tests.
//
// It accepts CONNECT requests, records what was asked (target, credentials),
// and either answers with a configured refusal (407, 403, 502 ...) or opens a
// TCP connection to the target and relays bytes both ways until either side
// closes. Targets other than loopback are refused with 403, so a test can never
// reach beyond this machine through it.
//
// Thread safety: all public members may be called from any thread.
// Lifetime: the destructor closes every tunnel and joins the proxy thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace sf::test {

struct connect_request {
  std::string target;               // "host:port"
  std::string proxy_authorization;  // the header's value, empty if absent
};

class connect_proxy {
 public:
  connect_proxy();
  ~connect_proxy();
  connect_proxy(const connect_proxy&) = delete;
  connect_proxy& operator=(const connect_proxy&) = delete;

  std::uint16_t port() const noexcept;
  // "http://127.0.0.1:PORT"
  std::string url() const;

  // Answer every CONNECT with `status` (0: tunnel normally).
  void refuse_with(int status);
  std::vector<connect_request> requests() const;

 private:
  class impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace sf::test
