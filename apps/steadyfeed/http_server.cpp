#include "http_server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <fmt/format.h>

#include <array>
#include <atomic>
#include <charconv>
#include <list>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

namespace sf::daemon {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

http_response json_error(int status, std::string_view message) {
  boost::json::object inner{{"status", status}, {"message", message}};
  return {.status = status,
          .content_type = "application/json",
          .body = boost::json::serialize(boost::json::object{{"error", std::move(inner)}}) + "\n",
          .headers = {}};
}

namespace {

tcp::endpoint parse_listen(const std::string& listen) {
  const auto colon = listen.rfind(':');
  unsigned port = 0;
  if (colon == std::string::npos ||
      std::from_chars(listen.data() + colon + 1, listen.data() + listen.size(), port).ec != std::errc{} ||
      port > 65535)
    throw std::runtime_error(fmt::format("api.listen {}: expected HOST:PORT", listen));
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host == "localhost") host = "127.0.0.1";
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) throw std::runtime_error(fmt::format("api.listen {}: '{}' is not an IP address", listen, host));
  return {address, static_cast<unsigned short>(port)};
}

}  // namespace

struct http_server::impl : std::enable_shared_from_this<http_server::impl> {
  struct session;

  http_server_config config;
  handler handle;
  // Before the io_context: handlers it destroys may end sessions, which
  // count themselves out here.
  std::atomic<std::size_t> open{0};
  std::atomic<unsigned short> port{0};
  std::string address;  // set by listen(), before the thread
  asio::io_context ioc{1};
  tcp::acceptor acceptor{ioc};
  asio::steady_timer accept_retry{ioc};
  std::thread thread;
  std::list<std::weak_ptr<session>> sessions;  // the server thread's only
  bool stopping = false;

  impl(http_server_config c, handler h) : config(std::move(c)), handle(std::move(h)) {}

  void accept();
  void close_all();
};

// One client connection: read a request, answer it, and again while the
// client keeps the connection alive.
struct http_server::impl::session : std::enable_shared_from_this<session> {
  impl& server;
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
  std::optional<http::request_parser<http::string_body>> parser;
  http::response<http::string_body> reply;
  bool first = true;

  session(impl& s, tcp::socket socket) : server(s), stream(std::move(socket)) {}
  ~session() { server.open.fetch_sub(1, std::memory_order_relaxed); }

  void read() {
    parser.emplace();
    parser->header_limit(static_cast<std::uint32_t>(server.config.max_header_bytes));
    parser->body_limit(server.config.max_body_bytes);
    // A new connection must send its request promptly; a kept-alive one
    // may idle longer between requests.
    stream.expires_after(first ? server.config.request_timeout : server.config.idle_timeout);
    first = false;
    http::async_read_header(stream, buffer, *parser,
                            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
  }

  void on_header(beast::error_code ec) {
    if (ec) return on_read_error(ec);
    // The header is in: the rest of the request gets request_timeout.
    stream.expires_after(server.config.request_timeout);
    http::async_read(stream, buffer, *parser,
                     [self = shared_from_this()](beast::error_code e, std::size_t) { self->on_request(e); });
  }

  void on_read_error(beast::error_code ec) {
    if (ec == http::error::header_limit)
      return answer(json_error(431, fmt::format("the request's header is larger than {} bytes",
                                                server.config.max_header_bytes)),
                    false);
    if (ec == http::error::body_limit)
      return answer(json_error(413, fmt::format("the request's body is larger than {} bytes",
                                                server.config.max_body_bytes)),
                    false);
    // A timeout, a closed connection or a reset: nobody to answer.
    if (ec == beast::error::timeout || ec == http::error::end_of_stream || ec == asio::error::eof ||
        ec == asio::error::connection_reset || ec == asio::error::operation_aborted || ec == http::error::partial_message)
      return close();
    answer(json_error(400, fmt::format("not an HTTP/1.1 request: {}", ec.message())), false);
  }

  void on_request(beast::error_code ec) {
    if (ec) return on_read_error(ec);
    auto& req = parser->get();
    http_request in;
    in.method = std::string(req.method_string());
    in.target = std::string(req.target());
    if (const auto it = req.find(http::field::authorization); it != req.end()) in.authorization = std::string(it->value());
    if (const auto it = req.find(http::field::content_type); it != req.end()) in.content_type = std::string(it->value());
    in.body = std::move(req.body());
    http_response out;
    try {
      out = server.handle(in);
    } catch (const std::exception& e) {
      out = json_error(500, fmt::format("internal error: {}", e.what()));
    }
    answer(std::move(out), req.keep_alive() && req.version() == 11);
  }

  void answer(http_response out, bool keep_alive) {
    reply = {};
    reply.version(11);
    reply.result(static_cast<unsigned>(out.status));
    reply.set(http::field::server, "steadyfeed");
    reply.set(http::field::content_type, out.content_type);
    reply.set(http::field::cache_control, "no-store");
    for (auto& [name, value] : out.headers) reply.set(name, value);
    reply.body() = std::move(out.body);
    reply.keep_alive(keep_alive);
    reply.prepare_payload();
    // A client that does not take its answer holds the connection no longer
    // than it may take to send a request.
    stream.expires_after(server.config.request_timeout);
    http::async_write(stream, reply, [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
      if (ec || self->server.stopping) return self->close();
      if (!keep_alive) return self->close_gracefully();
      self->read();
    });
  }

  void close() {
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream.close();
  }

  // After an answer that ends the connection: FIN first, then whatever the
  // client still sends is read and dropped for a moment, so that closing
  // with unread bytes (a refused body) does not reset the connection and
  // destroy the answer before the client reads it.
  void close_gracefully() {
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream.expires_after(std::chrono::seconds(3));
    drain();
  }
  void drain() {
    stream.async_read_some(asio::buffer(discard), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->stream.close();
      self->drain();
    });
  }
  std::array<char, 4096> discard;
};

void http_server::impl::accept() {
  acceptor.async_accept([self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
    if (self->stopping) return;
    if (!ec) {
      const auto now_open = self->open.fetch_add(1, std::memory_order_relaxed) + 1;
      auto s = std::make_shared<session>(*self, std::move(socket));
      std::erase_if(self->sessions, [](const auto& w) { return w.expired(); });
      self->sessions.push_back(s);
      if (now_open > self->config.max_connections)
        s->answer(json_error(503, fmt::format("too many connections (at most {}); try again later",
                                              self->config.max_connections)),
                  false);
      else
        s->read();
    }
    // Out of descriptors (EMFILE) and the like: try again shortly, rather
    // than spin on an acceptor that fails at once.
    if (ec && ec != asio::error::operation_aborted) {
      self->accept_retry.expires_after(std::chrono::milliseconds(100));
      self->accept_retry.async_wait([self](beast::error_code e) {
        if (!e && !self->stopping) self->accept();
      });
      return;
    }
    self->accept();
  });
}

void http_server::impl::close_all() {
  stopping = true;
  beast::error_code ignored;
  acceptor.close(ignored);
  accept_retry.cancel();
  for (auto& w : sessions)
    if (auto s = w.lock()) s->stream.close();
  sessions.clear();
}

http_server::http_server(http_server_config config, handler h)
    : impl_(std::make_shared<impl>(std::move(config), std::move(h))) {}

http_server::~http_server() { stop(); }

void http_server::listen() {
  auto& s = *impl_;
  if (s.acceptor.is_open()) return;
  const auto endpoint = parse_listen(s.config.listen);
  beast::error_code ec;
  s.acceptor.open(endpoint.protocol(), ec);
  if (!ec) s.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor.bind(endpoint, ec);
  if (!ec) s.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) throw std::runtime_error(fmt::format("api.listen {}: {}", s.config.listen, ec.message()));
  const auto bound = s.acceptor.local_endpoint();
  s.port = bound.port();
  s.address = bound.address().is_v6() ? fmt::format("[{}]:{}", bound.address().to_string(), bound.port())
                                      : fmt::format("{}:{}", bound.address().to_string(), bound.port());
}

void http_server::start() {
  auto& s = *impl_;
  listen();
  if (s.thread.joinable()) return;
  // The first accept is made on the server's thread: nothing holds the
  // server before that thread exists.
  s.thread = std::thread([&s] {
    s.accept();
    s.ioc.run();
  });
}

void http_server::stop() {
  auto& s = *impl_;
  if (!s.thread.joinable()) return;
  // Closing the acceptor and every connection cancels all that is pending;
  // the thread ends once the last handler has run.
  asio::post(s.ioc, [&s] { s.close_all(); });
  s.thread.join();
}

unsigned short http_server::port() const noexcept { return impl_->port.load(); }
std::string http_server::address() const { return impl_->address; }
std::size_t http_server::connections() const noexcept { return impl_->open.load(std::memory_order_relaxed); }

}  // namespace sf::daemon
