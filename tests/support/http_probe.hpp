// Blocking HTTP/1.1 on loopback for tests, on plain POSIX sockets: what is
// sent is exactly what the test wrote (malformed and oversized requests reach
// the server as they are), and every read gives up after a deadline, so a
// test can fail but never hang.
//
// Thread safety: a probe is used by one thread; separate probes are
// independent.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <stdexcept>
#include <string>
#include <string_view>

namespace sf::test {

struct http_answer {
  int status = 0;  // 0: no answer
  std::string head;  // status line and headers
  std::string body;
  // A header's value ("" when absent); the name as the server spells it.
  std::string header(std::string_view name) const {
    const std::string key = "\r\n" + std::string(name) + ": ";
    const auto at = head.find(key);
    if (at == std::string::npos) return {};
    const auto end = head.find("\r\n", at + key.size());
    return head.substr(at + key.size(), end - at - key.size());
  }
};

class http_probe {
 public:
  explicit http_probe(unsigned short port, int timeout_seconds = 5) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) throw std::runtime_error("socket() failed");
    const timeval tv{timeout_seconds, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd_);
      throw std::runtime_error("cannot connect to 127.0.0.1:" + std::to_string(port));
    }
  }
  ~http_probe() { ::close(fd_); }
  http_probe(const http_probe&) = delete;
  http_probe& operator=(const http_probe&) = delete;

  // False when the server stopped taking bytes.
  bool send(std::string_view bytes) {
    while (!bytes.empty()) {
      const auto n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // Reads one answer: the head, then Content-Length bytes of body.
  http_answer answer() {
    http_answer a;
    std::size_t head_end = std::string::npos, want = std::string::npos;
    while (want == std::string::npos || buffer_.size() < want) {
      char chunk[16384];
      const auto n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) break;
      buffer_.append(chunk, static_cast<std::size_t>(n));
      if (head_end == std::string::npos && (head_end = buffer_.find("\r\n\r\n")) != std::string::npos) {
        a.head = buffer_.substr(0, head_end);
        const auto length = a.header("Content-Length");
        want = head_end + 4 + (length.empty() ? 0 : std::stoul(length));
      }
    }
    if (head_end == std::string::npos || buffer_.size() < want) return {};
    if (a.head.rfind("HTTP/1.1 ", 0) == 0) a.status = std::stoi(a.head.substr(9, 3));
    a.body = buffer_.substr(head_end + 4, want - head_end - 4);
    buffer_.erase(0, want);
    return a;
  }

  // True when the server closed the connection before the deadline.
  bool closed_by_server() {
    char c;
    const auto n = ::recv(fd_, &c, 1, 0);
    return n == 0 || (n < 0 && errno == ECONNRESET);
  }

 private:
  int fd_ = -1;
  std::string buffer_;
};

// One request on a fresh connection.
inline http_answer http_call(unsigned short port, std::string_view method, std::string_view target,
                             std::string_view body = {}, std::string_view token = {}) {
  http_probe p(port);
  std::string req = std::string(method) + " " + std::string(target) + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  if (!token.empty()) req += "Authorization: Bearer " + std::string(token) + "\r\n";
  if (!body.empty() || method == "POST" || method == "DELETE")
    req += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  req += "\r\n";
  req += body;
  p.send(req);
  return p.answer();
}

}  // namespace sf::test
