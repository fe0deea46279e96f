#include "support/connect_proxy.hpp"

#include <array>
#include <mutex>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace sf::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

class connect_proxy::impl {
 public:
  impl() {
    const tcp::endpoint ep(asio::ip::make_address_v4("127.0.0.1"), 0);
    acceptor_.open(ep.protocol());
    acceptor_.bind(ep);
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    accept();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~impl() {
    asio::post(io_, [this] { io_.stop(); });
    thread_.join();
  }

  asio::io_context io_{1};
  tcp::acceptor acceptor_{io_};
  std::uint16_t port_ = 0;
  std::thread thread_;
  mutable std::mutex mutex_;
  int refuse_status_ = 0;
  std::vector<connect_request> requests_;

 private:
  struct tunnel : std::enable_shared_from_this<tunnel> {
    tunnel(impl& owner, tcp::socket s) : proxy(owner), client(std::move(s)), upstream(owner.io_) {}

    void start() {
      http::async_read(client, buffer, request,
                       [self = shared_from_this()](const error_code& ec, std::size_t) {
                         if (!ec) self->on_request();
                       });
    }

    void on_request() {
      connect_request seen;
      seen.target = std::string(request.target());
      seen.proxy_authorization = std::string(request[http::field::proxy_authorization]);
      int status = 0;
      {
        std::lock_guard lock(proxy.mutex_);
        proxy.requests_.push_back(seen);
        status = proxy.refuse_status_;
      }
      const auto colon = seen.target.rfind(':');
      const std::string host = seen.target.substr(0, colon);
      if (request.method() != http::verb::connect || colon == std::string::npos)
        status = 400;
      else if (host != "127.0.0.1" && host != "localhost")
        status = 403;
      if (status != 0) return refuse(status);
      tcp::endpoint target(asio::ip::make_address_v4("127.0.0.1"),
                           static_cast<std::uint16_t>(std::stoi(seen.target.substr(colon + 1))));
      upstream.async_connect(target, [self = shared_from_this()](const error_code& ec) {
        if (ec) return self->refuse(502);
        static const std::string ok = "HTTP/1.1 200 Connection established\r\n\r\n";
        asio::async_write(self->client, asio::buffer(ok), [self](const error_code& e, std::size_t) {
          if (e) return self->stop();
          self->start_relay();
        });
      });
    }

    void refuse(int status) {
      auto res = std::make_shared<http::response<http::string_body>>();
      res->version(11);
      res->result(static_cast<unsigned>(status));
      if (status == 407) res->set(http::field::proxy_authenticate, "Basic realm=\"test\"");
      res->body() = "refused by test proxy";
      res->prepare_payload();
      http::async_write(
          client, *res,
          [self = shared_from_this(), res](const error_code&, std::size_t) { self->stop(); });
    }

    void start_relay() {
      // Bytes read past the CONNECT request already belong to the tunnel.
      if (buffer.size() != 0) {
        auto early = std::make_shared<std::string>(static_cast<const char*>(buffer.cdata().data()),
                                                   buffer.size());
        buffer.consume(buffer.size());
        asio::async_write(upstream, asio::buffer(*early),
                          [self = shared_from_this(), early](const error_code& ec, std::size_t) {
                            if (ec) return self->stop();
                            self->start_relay();
                          });
        return;
      }
      relay(client, upstream, up);
      relay(upstream, client, down);
    }

    void relay(tcp::socket& from, tcp::socket& to, std::array<char, 16384>& chunk) {
      from.async_read_some(asio::buffer(chunk), [self = shared_from_this(), &from, &to, &chunk](
                                                    const error_code& ec, std::size_t n) {
        if (ec) return self->stop();
        asio::async_write(to, asio::buffer(chunk.data(), n),
                          [self, &from, &to, &chunk](const error_code& e, std::size_t) {
                            if (e) return self->stop();
                            self->relay(from, to, chunk);
                          });
      });
    }

    void stop() {
      error_code ignored;
      client.close(ignored);
      upstream.close(ignored);
    }

    impl& proxy;
    tcp::socket client;
    tcp::socket upstream;
    beast::flat_buffer buffer;
    http::request<http::empty_body> request;
    std::array<char, 16384> up{};
    std::array<char, 16384> down{};
  };

  void accept() {
    acceptor_.async_accept([this](const error_code& ec, tcp::socket socket) {
      if (ec) return;
      std::make_shared<tunnel>(*this, std::move(socket))->start();
      accept();
    });
  }
};

connect_proxy::connect_proxy() : impl_(std::make_shared<impl>()) {}
connect_proxy::~connect_proxy() = default;

std::uint16_t connect_proxy::port() const noexcept {
  return impl_->port_;
}

std::string connect_proxy::url() const {
  return "http://127.0.0.1:" + std::to_string(impl_->port_);
}

void connect_proxy::refuse_with(int status) {
  std::lock_guard lock(impl_->mutex_);
  impl_->refuse_status_ = status;
}

std::vector<connect_request> connect_proxy::requests() const {
  std::lock_guard lock(impl_->mutex_);
  return impl_->requests_;
}

}  // namespace sf::test
