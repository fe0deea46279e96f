#include "steadyfeed/net/http_client.hpp"

#include <fmt/format.h>
#include <openssl/ssl.h>

#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>
#include <optional>

#include "net/retry_after.hpp"
#include "net/transport_error.hpp"
#include "steadyfeed/core/armed_timer.hpp"
#include "steadyfeed/net/tls_context.hpp"

namespace sf {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

namespace {

struct target_url {
  bool tls = false;
  std::string host;
  std::string port;
  std::string path_prefix;
};

std::optional<target_url> parse_base(std::string_view url, std::string& error) {
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed) {
    error = fmt::format("'{}' is not a URL: {}", url, parsed.error().message());
    return std::nullopt;
  }
  target_url t;
  const auto scheme = parsed->scheme();
  if (scheme == "https") t.tls = true;
  else if (scheme != "http") {
    error = fmt::format("'{}': the scheme must be http or https", url);
    return std::nullopt;
  }
  t.host = std::string(parsed->host_address());
  if (t.host.empty()) {
    error = fmt::format("'{}' names no host", url);
    return std::nullopt;
  }
  t.port = parsed->has_port() ? std::string(parsed->port()) : (t.tls ? "443" : "80");
  t.path_prefix = std::string(parsed->encoded_path());
  while (!t.path_prefix.empty() && t.path_prefix.back() == '/') t.path_prefix.pop_back();
  return t;
}

// One request: resolve, connect, (TLS), write, read, with one deadline.
class request_op : public std::enable_shared_from_this<request_op> {
 public:
  request_op(asio::any_io_executor ex, target_url url, std::string target, http_client_options options,
             http_client::handler done)
      : resolver_(ex), socket_(ex), timer_(ex), url_(std::move(url)), target_(std::move(target)),
        options_(std::move(options)), done_(std::move(done)) {}

  // A POST instead of the GET: `body`, sent as `content_type`.
  void set_body(std::string body, std::string content_type) {
    request_.method(http::verb::post);
    request_.set(http::field::content_type, content_type);
    request_.body() = std::move(body);
  }

  void start() {
    timer_.expires_after(options_.timeout);
    timer_.async_wait([self = shared_from_this(), token = armed_timer{}](const error_code& ec) {
      if (!ec) self->timed_out();
    });
    resolver_.async_resolve(url_.host, url_.port,
                            [self = shared_from_this()](const error_code& ec, tcp::resolver::results_type r) {
                              self->on_resolve(ec, std::move(r));
                            });
  }

 private:
  std::string where() const { return fmt::format("{}:{}", url_.host, url_.port); }

  void finish(const failure* err, http_response response = {}) {
    if (finished_) return;
    finished_ = true;
    timer_.cancel();
    error_code ignored;
    socket_.close(ignored);
    done_(err, std::move(response));
  }
  void fail(failure f) { finish(&f); }

  void timed_out() {
    if (finished_) return;
    fail(failure::of(stage_ <= link_stage::connect ? errc::connect_timeout : errc::handshake_timeout,
                     fmt::format("no reply from {} within {} ms for {}", where(),
                                 std::chrono::duration_cast<milliseconds>(options_.timeout).count(), target_)));
  }

  void on_resolve(const error_code& ec, tcp::resolver::results_type results) {
    if (finished_) return;
    if (ec) return fail(transport_failure(ec, link_stage::resolve, url_.host));
    stage_ = link_stage::connect;
    asio::async_connect(socket_, results, [self = shared_from_this()](const error_code& e, const tcp::endpoint&) {
      self->on_connect(e);
    });
  }

  void on_connect(const error_code& ec) {
    if (finished_) return;
    if (ec) return fail(transport_failure(ec, link_stage::connect, where()));
    if (!url_.tls) return write(socket_);
    stage_ = link_stage::tls;
    if (!options_.tls_context) {
      failure why;
      options_.tls_context = make_tls_client_context({options_.ca_file, options_.verify_peer}, why);
      if (!options_.tls_context) return fail(why);
    }
    tls_.emplace(socket_, *options_.tls_context);
    error_code not_an_address;
    asio::ip::make_address(url_.host, not_an_address);
    // SNI carries host names only (RFC 6066).
    if (not_an_address)
      SSL_ctrl(tls_->native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
               const_cast<char*>(url_.host.c_str()));
    if (options_.verify_peer) tls_->set_verify_callback(ssl::host_name_verification(url_.host));
    tls_->async_handshake(ssl::stream_base::client, [self = shared_from_this()](const error_code& e) {
      self->on_tls(e);
    });
  }

  void on_tls(const error_code& ec) {
    if (finished_) return;
    if (ec) {
      const long verify = SSL_get_verify_result(tls_->native_handle());
      if (verify != X509_V_OK)
        return fail(failure::of(errc::tls_verify_failed, fmt::format("certificate of {} rejected: {}", where(),
                                                                     X509_verify_cert_error_string(verify))));
      return fail(transport_failure(ec, link_stage::tls, where()));
    }
    write(*tls_);
  }

  template <class Stream>
  void write(Stream& stream) {
    stage_ = link_stage::stream;
    request_.version(11);
    request_.target(url_.path_prefix + target_);
    const bool default_port = url_.port == (url_.tls ? "443" : "80");
    request_.set(http::field::host, default_port ? url_.host : url_.host + ":" + url_.port);
    request_.set(http::field::user_agent, options_.user_agent);
    request_.set(http::field::accept, "application/json");
    request_.set(http::field::connection, "close");
    request_.prepare_payload();
    http::async_write(stream, request_, [self = shared_from_this(), &stream](const error_code& ec, std::size_t) {
      if (self->finished_) return;
      if (ec) return self->fail(transport_failure(ec, link_stage::stream, self->where()));
      self->parser_.body_limit(self->options_.max_body_bytes);
      http::async_read(stream, self->buffer_, self->parser_,
                       [self](const error_code& e, std::size_t) { self->on_read(e); });
    });
  }

  void on_read(const error_code& ec) {
    if (finished_) return;
    if (ec == http::error::body_limit)
      return fail(failure::of(errc::frame_too_large, fmt::format("{}{} answered more than {} bytes", where(),
                                                                 target_, options_.max_body_bytes)));
    if (ec) return fail(transport_failure(ec, link_stage::stream, where()));
    auto& res = parser_.get();
    http_response out;
    out.status = static_cast<int>(res.result_int());
    if (auto it = res.find(http::field::retry_after); it != res.end()) {
      const auto date = res.find(http::field::date);
      out.retry_after = parse_retry_after(std::string_view(it->value().data(), it->value().size()),
                                          date == res.end() ? std::string_view{}
                                                            : std::string_view(date->value().data(), date->value().size()));
    }
    out.body = std::move(res.body());
    finish(nullptr, std::move(out));
  }

  tcp::resolver resolver_;
  tcp::socket socket_;
  std::optional<ssl::stream<tcp::socket&>> tls_;
  asio::basic_waitable_timer<mono_clock> timer_;
  target_url url_;
  std::string target_;
  http_client_options options_;
  http_client::handler done_;
  http::request<http::string_body> request_{http::verb::get, "/", 11};
  http::response_parser<http::string_body> parser_;
  beast::flat_buffer buffer_;
  link_stage stage_ = link_stage::resolve;
  bool finished_ = false;
};

}  // namespace

http_client::http_client(asio::any_io_executor executor, std::string base_url, http_client_options options)
    : executor_(std::move(executor)), base_url_(std::move(base_url)), options_(std::move(options)) {}

void http_client::get(std::string target, handler done) { send(std::move(target), std::nullopt, std::move(done)); }

void http_client::post(std::string target, std::string body, std::string content_type, handler done) {
  send(std::move(target), std::pair{std::move(body), std::move(content_type)}, std::move(done));
}

void http_client::send(std::string target, std::optional<std::pair<std::string, std::string>> body, handler done) {
  std::string error;
  auto url = parse_base(base_url_, error);
  if (!url) {
    // Posted, so the handler never runs inside get().
    asio::post(executor_, [done = std::move(done), error] {
      const failure f = failure::of(errc::bad_url, error);
      done(&f, {});
    });
    return;
  }
  if (url->tls && !options_.tls_context) {
    failure why;
    options_.tls_context = make_tls_client_context({options_.ca_file, options_.verify_peer}, why);
    if (!options_.tls_context) {
      asio::post(executor_, [done = std::move(done), why] { done(&why, {}); });
      return;
    }
  }
  auto op = std::make_shared<request_op>(executor_, std::move(*url), std::move(target), options_, std::move(done));
  if (body) op->set_body(std::move(body->first), std::move(body->second));
  op->start();
}

}  // namespace sf
