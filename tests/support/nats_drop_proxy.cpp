#include "support/nats_drop_proxy.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <charconv>
#include <mutex>
#include <stdexcept>
#include <string_view>
#include <thread>
#include <vector>

namespace sf::test {

namespace {

bool send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// The size of a PUB or HPUB line's payload: its last argument.
std::size_t payload_size(std::string_view line) {
  const auto space = line.rfind(' ');
  std::size_t n = 0;
  const auto arg = line.substr(space + 1);
  std::from_chars(arg.data(), arg.data() + arg.size(), n);
  return n;
}

}  // namespace

class nats_drop_proxy::impl {
 public:
  explicit impl(unsigned short server_port) : server_port_(server_port) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::listen(listener_, 16) != 0 || ::getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
      throw std::runtime_error("nats_drop_proxy: cannot listen on 127.0.0.1");
    port_ = ntohs(a.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
  }

  ~impl() {
    ::shutdown(listener_, SHUT_RDWR);
    ::close(listener_);
    acceptor_.join();
    {
      std::lock_guard lock(mutex_);
      for (int fd : sockets_) ::shutdown(fd, SHUT_RDWR);
    }
    for (auto& t : relays_) t.join();
    for (int fd : sockets_) ::close(fd);
  }

  unsigned short port() const { return port_; }

  void drop_once(std::string id) {
    std::lock_guard lock(mutex_);
    publish_target_ = "Nats-Msg-Id: " + id + "\r\n";
    dropped_ = false;
  }

  void drop_ack_once(std::string stream, std::uint64_t seq) {
    std::lock_guard lock(mutex_);
    ack_stream_ = "\"stream\":\"" + stream + "\"";
    ack_seq_ = "\"seq\":" + std::to_string(seq);
    dropped_ = false;
  }

  bool dropped() const {
    std::lock_guard lock(mutex_);
    return dropped_;
  }

 private:
  void accept_loop() {
    while (true) {
      const int client = ::accept(listener_, nullptr, nullptr);
      if (client < 0) return;
      const int server = ::socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      a.sin_port = htons(server_port_);
      if (::connect(server, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        ::close(server);
        ::close(client);
        continue;
      }
      std::lock_guard lock(mutex_);
      sockets_.push_back(client);
      sockets_.push_back(server);
      relays_.emplace_back([this, client, server] { client_to_server(client, server); });
      relays_.emplace_back([this, client, server] { server_to_client(server, client); });
    }
  }

  void server_to_client(int from, int to) { relay(from, to, false); }
  void client_to_server(int from, int to) { relay(from, to, true); }

  // Relays one protocol message at a time: a line, and for the messages
  // that carry a payload (PUB and HPUB from the client, MSG and HMSG from
  // the server) the payload after it.
  void relay(int from, int to, bool from_client) {
    std::string in;
    char buf[65536];
    while (true) {
      const ssize_t n = ::recv(from, buf, sizeof buf, 0);
      if (n <= 0) break;
      in.append(buf, static_cast<std::size_t>(n));
      std::size_t at = 0;
      while (true) {
        const auto eol = in.find("\r\n", at);
        if (eol == std::string::npos) break;
        const std::string_view line(in.data() + at, eol - at);
        std::size_t end = eol + 2;
        bool drop = false;
        const auto verb = line.substr(0, line.find(' '));
        const bool payload = from_client ? (verb == "PUB" || verb == "HPUB" || verb == "pub" || verb == "hpub")
                                         : (verb == "MSG" || verb == "HMSG");
        if (payload) {
          const std::size_t size = payload_size(line);
          if (in.size() < end + size + 2) break;  // the payload is still coming
          const std::string_view body(in.data() + end, size);
          drop = from_client ? (verb == "HPUB" || verb == "hpub") && should_drop_publish(body)
                             : should_drop_ack(body);
          end += size + 2;
        }
        if (!drop && !send_all(to, std::string_view(in.data() + at, end - at))) {
          ::shutdown(to, SHUT_RDWR);
          return;
        }
        at = end;
      }
      in.erase(0, at);
    }
    ::shutdown(to, SHUT_WR);
  }

  bool should_drop_publish(std::string_view message) {
    std::lock_guard lock(mutex_);
    if (publish_target_.empty() || message.find(publish_target_) == std::string_view::npos) return false;
    publish_target_.clear();
    dropped_ = true;
    return true;
  }

  bool should_drop_ack(std::string_view message) {
    std::lock_guard lock(mutex_);
    if (ack_stream_.empty() || message.find(ack_stream_) == std::string_view::npos) return false;
    if (message.find(ack_seq_ + "}") == std::string_view::npos && message.find(ack_seq_ + ",") == std::string_view::npos)
      return false;
    ack_stream_.clear();
    dropped_ = true;
    return true;
  }

  unsigned short server_port_;
  unsigned short port_ = 0;
  int listener_ = -1;
  std::thread acceptor_;
  mutable std::mutex mutex_;
  std::vector<int> sockets_;
  std::vector<std::thread> relays_;
  std::string publish_target_;  // a Nats-Msg-Id header line
  std::string ack_stream_, ack_seq_;  // an acknowledgement's fields
  bool dropped_ = false;
};

nats_drop_proxy::nats_drop_proxy(unsigned short server_port) : impl_(std::make_shared<impl>(server_port)) {}
nats_drop_proxy::~nats_drop_proxy() = default;

std::string nats_drop_proxy::url() const { return "nats://127.0.0.1:" + std::to_string(impl_->port()); }
void nats_drop_proxy::drop_once(std::string msg_id) { impl_->drop_once(std::move(msg_id)); }
void nats_drop_proxy::drop_ack_once(std::string stream, std::uint64_t seq) {
  impl_->drop_ack_once(std::move(stream), seq);
}
bool nats_drop_proxy::dropped() const { return impl_->dropped(); }

}  // namespace sf::test
