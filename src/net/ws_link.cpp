#include "steadyfeed/net/ws_link.hpp"

#include <deque>
#include <optional>

#include <fmt/format.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/detail/base64.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "net/retry_after.hpp"
#include "net/transport_error.hpp"
#include "steadyfeed/net/endpoint.hpp"
#include "steadyfeed/net/tls_context.hpp"

namespace sf {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
// Every I/O object names the io_context's executor type (see ws_link.hpp).
using executor_type = asio::io_context::executor_type;
using socket_type = asio::basic_stream_socket<tcp, executor_type>;
using resolver_type = asio::ip::basic_resolver<tcp, executor_type>;
using timer_type =
    asio::basic_waitable_timer<mono_clock, asio::wait_traits<mono_clock>, executor_type>;

// Raw sockets under the WebSocket stream rather than beast::tcp_stream: the
// link uses no Beast timeouts, and tcp_stream's timer machinery would cost
// memory on every idle connection for nothing.
using plain_ws = websocket::stream<socket_type>;
using tls_ws = websocket::stream<ssl::stream<socket_type>>;

namespace {

// State needed only until the link is open; freed then so an idle link keeps
// only its stream and buffer.
struct handshake_state {
  ws_endpoint endpoint;
  std::optional<proxy_endpoint> proxy;
  resolver_type resolver;
  // CONNECT exchange
  http::request<http::empty_body> proxy_request;
  std::optional<http::response_parser<http::empty_body>> proxy_response;
  beast::flat_buffer proxy_buffer;
  // The upgrade response, kept so a refusal can report its status, Retry-After
  // and body.
  websocket::response_type upgrade_response;
  // Why certificate verification failed, when it was the host name.
  std::string verify_detail;

  explicit handshake_state(const executor_type& ex) : resolver(ex) {}
};

struct queued_write {
  bool ping = false;
  std::string payload;
};

std::string basic_credentials(const proxy_endpoint& proxy) {
  const std::string plain = proxy.username + ":" + proxy.password;
  std::string out(beast::detail::base64::encoded_size(plain.size()), '\0');
  out.resize(beast::detail::base64::encode(out.data(), plain.data(), plain.size()));
  return "Basic " + out;
}

failure make_failure(errc code, std::string detail, int http_status = 0) {
  failure f;
  f.code = make_error_code(code);
  f.detail = std::move(detail);
  f.http_status = http_status;
  return f;
}

}  // namespace

class ws_link_state : public std::enable_shared_from_this<ws_link_state> {
 public:
  ws_link_state(executor_type ex, ws_link_options options, ws_link_callbacks callbacks)
      : ex_(std::move(ex)),
        options_(std::move(options)),
        callbacks_(std::move(callbacks)),
        close_timer_(ex_) {}

  void open(std::string_view url);
  void send(bool ping, std::string payload);
  void close(int code, std::string_view reason);
  bool is_open() const noexcept { return phase_ == phase::open && !closed_; }
  std::uint64_t frames() const noexcept { return frames_; }

 private:
  enum class phase : std::uint8_t {
    idle,
    resolving,
    connecting,
    proxying,
    tls,
    upgrading,
    open,
    done
  };

  template <class F>
  void with_stream(F&& f) {
    if (tls_)
      f(*tls_);
    else
      f(*plain_);
  }
  socket_type& socket() { return tls_ ? tls_->next_layer().next_layer() : plain_->next_layer(); }

  void fail_later(failure why);
  void fail_open(failure why);
  void end(failure why);
  void drop_queued_writes();
  void shut_socket();

  void on_resolved(const error_code& ec, const resolver_type::results_type& results);
  void on_connected(const error_code& ec);
  void start_proxy();
  void on_proxy_written(const error_code& ec);
  void on_proxy_answered(const error_code& ec);
  void start_tls();
  void on_tls(const error_code& ec);
  template <class WS>
  void start_upgrade(WS& ws);
  void on_upgraded(const error_code& ec);
  template <class WS>
  void read(WS& ws);
  void on_read(const error_code& ec);
  template <class WS>
  void write_next(WS& ws);
  void on_written(const error_code& ec);
  template <class WS>
  void start_close(WS& ws, int code, std::string_view reason);
  void finish_close();

  executor_type ex_;
  ws_link_options options_;
  ws_link_callbacks callbacks_;
  std::shared_ptr<ssl::context> tls_context_;
  std::optional<plain_ws> plain_;
  std::optional<tls_ws> tls_;
  std::unique_ptr<handshake_state> hs_;
  beast::flat_buffer buffer_;
  std::deque<queued_write> writes_;
  timer_type close_timer_;
  std::uint64_t frames_ = 0;
  phase phase_ = phase::idle;
  bool writing_ = false;
  // close() was called: report nothing more, only wind down.
  bool closed_ = false;
  // on_open_failed or on_closed was reported.
  bool ended_ = false;
};

void ws_link_state::open(std::string_view url) {
  if (phase_ != phase::idle || closed_) return;
  std::string error;
  auto endpoint = parse_ws_url(url, error);
  if (!endpoint) return fail_later(make_failure(errc::bad_url, std::move(error)));
  std::optional<proxy_endpoint> proxy;
  if (!options_.proxy.empty()) {
    proxy = parse_proxy_url(options_.proxy, error);
    if (!proxy) return fail_later(make_failure(errc::bad_url, std::move(error)));
  }
  if (endpoint->tls) {
    tls_context_ = options_.tls_context;
    if (!tls_context_) {
      failure why;
      tls_context_ = make_tls_client_context({options_.ca_file, options_.verify_peer}, why);
      if (!tls_context_) return fail_later(std::move(why));
    }
    tls_.emplace(ex_, *tls_context_);
  } else {
    plain_.emplace(ex_);
  }
  hs_ = std::make_unique<handshake_state>(ex_);
  hs_->endpoint = std::move(*endpoint);
  hs_->proxy = std::move(proxy);
  phase_ = phase::resolving;
  const std::string& host = hs_->proxy ? hs_->proxy->host : hs_->endpoint.host;
  const std::uint16_t port = hs_->proxy ? hs_->proxy->port : hs_->endpoint.port;
  hs_->resolver.async_resolve(
      host, std::to_string(port), resolver_type::numeric_service,
      [self = shared_from_this()](const error_code& ec, resolver_type::results_type results) {
        self->on_resolved(ec, results);
      });
}

void ws_link_state::fail_later(failure why) {
  // Reported from the executor, never from inside open(): the caller may be in
  // the middle of carrying out a list of actions.
  phase_ = phase::done;
  asio::post(ex_, [self = shared_from_this(), why = std::move(why)]() mutable {
    self->fail_open(std::move(why));
  });
}

void ws_link_state::fail_open(failure why) {
  phase_ = phase::done;
  hs_.reset();
  if (plain_ || tls_) shut_socket();
  if (closed_ || ended_) return;
  ended_ = true;
  if (callbacks_.on_open_failed) callbacks_.on_open_failed(why);
}

void ws_link_state::drop_queued_writes() {
  // The write in flight (the front) keeps its buffer until its handler runs:
  // Beast is still reading from it.
  if (!writing_) {
    writes_.clear();
  } else if (!writes_.empty()) {
    writes_.erase(writes_.begin() + 1, writes_.end());
  }
}

void ws_link_state::end(failure why) {
  phase_ = phase::done;
  drop_queued_writes();
  close_timer_.cancel();
  shut_socket();
  if (closed_ || ended_) return;
  ended_ = true;
  if (callbacks_.on_closed) callbacks_.on_closed(why);
}

void ws_link_state::shut_socket() {
  error_code ignored;
  socket().shutdown(socket_type::shutdown_both, ignored);
  socket().close(ignored);
}

void ws_link_state::on_resolved(const error_code& ec, const resolver_type::results_type& results) {
  if (closed_) return;
  const bool via_proxy = hs_->proxy.has_value();
  const std::string what =
      via_proxy ? fmt::format("proxy {}", hs_->proxy->host) : hs_->endpoint.host;
  if (ec)
    return fail_open(
        transport_failure(ec, via_proxy ? link_stage::proxy : link_stage::resolve, what));
  phase_ = phase::connecting;
  asio::async_connect(socket(), results,
                      [self = shared_from_this()](const error_code& e, const tcp::endpoint&) {
                        self->on_connected(e);
                      });
}

void ws_link_state::on_connected(const error_code& ec) {
  if (closed_) return;
  if (ec) {
    const bool via_proxy = hs_->proxy.has_value();
    const std::string what = via_proxy
                                 ? fmt::format("proxy {}:{}", hs_->proxy->host, hs_->proxy->port)
                                 : fmt::format("{}:{}", hs_->endpoint.host, hs_->endpoint.port);
    return fail_open(
        transport_failure(ec, via_proxy ? link_stage::proxy : link_stage::connect, what));
  }
  error_code ignored;
  // Market data is many small frames each way (pings, subscribe requests):
  // Nagle's delay would only add latency.
  socket().set_option(tcp::no_delay(true), ignored);
  if (hs_->proxy) return start_proxy();
  start_tls();
}

void ws_link_state::start_proxy() {
  phase_ = phase::proxying;
  const ws_endpoint& ep = hs_->endpoint;
  const std::string authority = ep.host.find(':') != std::string::npos
                                    ? fmt::format("[{}]:{}", ep.host, ep.port)
                                    : fmt::format("{}:{}", ep.host, ep.port);
  auto& req = hs_->proxy_request;
  req.method(http::verb::connect);
  req.target(authority);
  req.version(11);
  req.set(http::field::host, authority);
  req.set(http::field::user_agent, options_.user_agent);
  if (!hs_->proxy->username.empty())
    req.set(http::field::proxy_authorization, basic_credentials(*hs_->proxy));
  http::async_write(socket(), req, [self = shared_from_this()](const error_code& ec, std::size_t) {
    self->on_proxy_written(ec);
  });
}

void ws_link_state::on_proxy_written(const error_code& ec) {
  if (closed_) return;
  if (ec) return fail_open(transport_failure(ec, link_stage::proxy, "CONNECT request"));
  hs_->proxy_response.emplace();
  // A CONNECT response has no body however its headers read (RFC 9110 §9.3.6),
  // and anything after the header already belongs to the tunnel.
  hs_->proxy_response->skip(true);
  http::async_read_header(socket(), hs_->proxy_buffer, *hs_->proxy_response,
                          [self = shared_from_this()](const error_code& e, std::size_t) {
                            self->on_proxy_answered(e);
                          });
}

void ws_link_state::on_proxy_answered(const error_code& ec) {
  if (closed_) return;
  if (ec) return fail_open(transport_failure(ec, link_stage::proxy, "CONNECT response"));
  const auto& res = hs_->proxy_response->get();
  const int status = static_cast<int>(res.result_int());
  const std::string target = fmt::format("{}:{}", hs_->endpoint.host, hs_->endpoint.port);
  if (status / 100 != 2) {
    // 5xx: the proxy could not reach the target (502) or is overloaded (503),
    // worth retrying. 4xx (407 credentials, 403 policy): retrying cannot help.
    const errc code = status >= 500 ? errc::proxy_unavailable : errc::proxy_refused;
    return fail_open(make_failure(code,
                                  fmt::format("proxy answered CONNECT {} with {} {}", target,
                                              status, std::string_view(res.reason())),
                                  status));
  }
  if (hs_->proxy_buffer.size() != 0) {
    // The server cannot have spoken first in either TLS or WebSocket, so bytes
    // here mean the proxy is not a transparent tunnel.
    return fail_open(make_failure(errc::protocol_violation,
                                  fmt::format("proxy sent {} unexpected bytes after CONNECT {}",
                                              hs_->proxy_buffer.size(), target)));
  }
  start_tls();
}

void ws_link_state::start_tls() {
  if (!tls_) {
    start_upgrade(*plain_);
    return;
  }
  phase_ = phase::tls;
  auto& stream = tls_->next_layer();
  const ws_endpoint& ep = hs_->endpoint;
  // SNI carries host names only (RFC 6066 forbids address literals); without
  // it, CDN-fronted venues present a default certificate and verification fails.
  // (SSL_set_tlsext_host_name spelled out: the macro casts C-style.)
  if (!ep.host_is_address() &&
      SSL_ctrl(stream.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
               const_cast<char*>(ep.host.c_str())) != 1)
    return fail_open(
        make_failure(errc::tls_setup_failed, fmt::format("cannot set SNI to {}", ep.host)));
  if (tls_context_ && SSL_CTX_get_verify_mode(tls_context_->native_handle()) != SSL_VERIFY_NONE) {
    // Asio's host_name_verification rejects a wrong name without saying why;
    // recording X509_V_ERR_HOSTNAME_MISMATCH makes the failure name the cause.
    stream.set_verify_callback([verify = ssl::host_name_verification(ep.host)](
                                   bool preverified, ssl::verify_context& ctx) {
      const bool ok = verify(preverified, ctx);
      if (preverified && !ok)
        X509_STORE_CTX_set_error(ctx.native_handle(), X509_V_ERR_HOSTNAME_MISMATCH);
      return ok;
    });
  }
  stream.async_handshake(ssl::stream_base::client,
                         [self = shared_from_this()](const error_code& ec) { self->on_tls(ec); });
}

void ws_link_state::on_tls(const error_code& ec) {
  if (closed_) return;
  if (ec) {
    SSL* ssl_handle = tls_->next_layer().native_handle();
    const long verify = SSL_get_verify_result(ssl_handle);
    const std::string where = fmt::format("{}:{}", hs_->endpoint.host, hs_->endpoint.port);
    if (verify != X509_V_OK) {
      return fail_open(make_failure(errc::tls_verify_failed,
                                    fmt::format("certificate of {} rejected: {}", where,
                                                X509_verify_cert_error_string(verify))));
    }
    return fail_open(transport_failure(ec, link_stage::tls, where));
  }
  start_upgrade(*tls_);
}

template <class WS>
void ws_link_state::start_upgrade(WS& ws) {
  phase_ = phase::upgrading;
  // The supervisor owns every deadline: with Beast's timers on, a link could
  // close itself under a policy nobody configured.
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = websocket::stream_base::none();
  timeouts.idle_timeout = websocket::stream_base::none();
  timeouts.keep_alive_pings = false;
  ws.set_option(timeouts);
  ws.set_option(websocket::stream_base::decorator(
      [ua = options_.user_agent, headers = options_.headers](websocket::request_type& req) {
        req.set(http::field::user_agent, ua);
        for (const auto& [name, value] : headers) req.set(name, value);
      }));
  ws.read_message_max(options_.max_frame_bytes);
  // Outgoing messages are small control frames: send each as one frame.
  ws.auto_fragment(false);
  ws.control_callback([this](websocket::frame_type kind, beast::string_view payload) {
    if (closed_ || ended_) return;
    const std::string_view view(payload.data(), payload.size());
    if (kind == websocket::frame_type::ping && callbacks_.on_ping) callbacks_.on_ping(view);
    if (kind == websocket::frame_type::pong && callbacks_.on_pong) callbacks_.on_pong(view);
  });
  ws.async_handshake(hs_->upgrade_response, hs_->endpoint.host_header(), hs_->endpoint.target,
                     [self = shared_from_this()](const error_code& ec) { self->on_upgraded(ec); });
}

void ws_link_state::on_upgraded(const error_code& ec) {
  if (closed_) return;
  if (ec == websocket::error::upgrade_declined) {
    const auto& res = hs_->upgrade_response;
    const int status = static_cast<int>(res.result_int());
    failure why = make_failure(classify_upgrade_status(status), {}, status);
    why.retry_after = parse_retry_after(res[http::field::retry_after], res[http::field::date]);
    // Venues explain refusals in the body ("IP banned until ..."); a bounded
    // excerpt keeps the event readable.
    std::string_view body = res.body();
    if (body.size() > 200) body = body.substr(0, 200);
    why.detail = fmt::format("upgrade to {}{} refused: {} {}{}{}", hs_->endpoint.host_header(),
                             hs_->endpoint.target, status, std::string_view(res.reason()),
                             body.empty() ? "" : ": ", body);
    return fail_open(std::move(why));
  }
  if (ec) return fail_open(transport_failure(ec, link_stage::upgrade, hs_->endpoint.host_header()));
  phase_ = phase::open;
  hs_.reset();
  if (callbacks_.on_open) callbacks_.on_open();
  // on_open may have closed the link; the read must start anyway so that the
  // closing handshake (which needs a reader) completes.
  with_stream([this](auto& ws) {
    read(ws);
    if (!closed_ && !writing_ && !writes_.empty()) write_next(ws);
  });
}

template <class WS>
void ws_link_state::read(WS& ws) {
  ws.async_read(buffer_, [self = shared_from_this()](const error_code& ec, std::size_t) {
    self->on_read(ec);
  });
}

void ws_link_state::on_read(const error_code& ec) {
  if (ec) {
    // Our close completed (error::closed) or was cut short; either way done.
    if (closed_) return finish_close();
    failure why = transport_failure(ec, link_stage::stream);
    if (ec == websocket::error::closed) {
      with_stream([&why](auto& ws) {
        const auto& reason = ws.reason();
        why.close_code = static_cast<int>(reason.code);
        why.detail = fmt::format("peer closed with code {}{}{}", why.close_code,
                                 reason.reason.empty() ? "" : ": ",
                                 std::string_view(reason.reason.data(), reason.reason.size()));
      });
    } else if (ec == websocket::error::message_too_big) {
      why.close_code = static_cast<int>(websocket::close_code::too_big);
      why.detail = fmt::format("message larger than {} bytes", options_.max_frame_bytes);
    }
    return end(std::move(why));
  }
  ++frames_;
  // The padding promise: make room past the message once; the buffer is reused,
  // so this copies only when a message larger than any before arrives.
  if (buffer_.capacity() - buffer_.size() < ws_frame_padding)
    buffer_.reserve(buffer_.size() + ws_frame_padding);
  if (!closed_ && callbacks_.on_frame) {
    const auto data = buffer_.cdata();
    callbacks_.on_frame(std::string_view(static_cast<const char*>(data.data()), data.size()));
  }
  buffer_.consume(buffer_.size());
  // After close() the closing handshake reads for itself: Beast's close
  // operation takes over the stream's read side once this read has finished,
  // and a new read queued behind it can leave both waiting on each other
  // until the close timer fires.
  if (phase_ == phase::done || closed_) return;
  with_stream([this](auto& ws) { read(ws); });
}

void ws_link_state::send(bool ping, std::string payload) {
  if (closed_ || ended_ || phase_ == phase::done) return;
  if (ping && payload.size() > websocket::ping_data::static_capacity)
    payload.resize(websocket::ping_data::static_capacity);
  writes_.push_back({ping, std::move(payload)});
  if (phase_ == phase::open && !writing_) with_stream([this](auto& ws) { write_next(ws); });
}

template <class WS>
void ws_link_state::write_next(WS& ws) {
  writing_ = true;
  queued_write& next = writes_.front();
  auto done = [self = shared_from_this()](const error_code& ec, auto&&...) {
    self->on_written(ec);
  };
  if (next.ping) {
    ws.async_ping(websocket::ping_data(next.payload.data(), next.payload.size()), std::move(done));
  } else {
    ws.text(true);
    ws.async_write(asio::buffer(next.payload), std::move(done));
  }
}

void ws_link_state::on_written(const error_code& ec) {
  writing_ = false;
  if (!writes_.empty()) writes_.pop_front();
  if (closed_ || phase_ != phase::open) return;
  // An aborted write or one cut by the peer's close frame: the read loop sees
  // the same end with its cause (close code, reason) and reports it.
  if (ec == asio::error::operation_aborted || ec == websocket::error::closed) return;
  if (ec) return end(transport_failure(ec, link_stage::stream, "write"));
  if (!writes_.empty()) with_stream([this](auto& ws) { write_next(ws); });
}

void ws_link_state::close(int code, std::string_view reason) {
  if (closed_) return;
  closed_ = true;
  drop_queued_writes();
  switch (phase_) {
    case phase::idle:
    case phase::done:
      phase_ = phase::done;
      return;
    case phase::resolving:
      hs_->resolver.cancel();
      phase_ = phase::done;
      return;
    case phase::connecting:
    case phase::proxying:
    case phase::tls:
    case phase::upgrading:
      // Closing the socket aborts whatever is in flight on it; the handlers see
      // closed_ and stop.
      shut_socket();
      phase_ = phase::done;
      return;
    case phase::open:
      with_stream([&](auto& ws) { start_close(ws, code, reason); });
      return;
  }
}

template <class WS>
void ws_link_state::start_close(WS& ws, int code, std::string_view reason) {
  websocket::close_reason why(static_cast<std::uint16_t>(code));
  // A close frame's payload is at most 125 bytes, 2 of them the code.
  why.reason = std::string(reason.substr(0, 123));
  ws.async_close(why, [self = shared_from_this()](const error_code&) { self->finish_close(); });
  // Either the pending read or the close operation itself receives the peer's
  // close frame and tears the connection down; a peer that never answers
  // (half-open) is cut off by the timer.
  close_timer_.expires_after(options_.close_timeout);
  close_timer_.async_wait([self = shared_from_this()](const error_code& ec) {
    if (!ec) self->finish_close();
  });
}

void ws_link_state::finish_close() {
  if (phase_ == phase::done) return;
  phase_ = phase::done;
  close_timer_.cancel();
  shut_socket();
}

// ---- ws_link ----------------------------------------------------------------

ws_link::ws_link(executor_type executor, ws_link_options options, ws_link_callbacks callbacks)
    : state_(std::make_shared<ws_link_state>(std::move(executor), std::move(options),
                                             std::move(callbacks))) {}

ws_link::~ws_link() {
  state_->close(1000, {});
}

void ws_link::open(std::string_view url) {
  state_->open(url);
}
void ws_link::send(std::string text) {
  state_->send(false, std::move(text));
}
void ws_link::ping(std::string payload) {
  state_->send(true, std::move(payload));
}
void ws_link::close(int code, std::string_view reason) {
  state_->close(code, reason);
}
bool ws_link::is_open() const noexcept {
  return state_->is_open();
}
std::uint64_t ws_link::frames_received() const noexcept {
  return state_->frames();
}

}  // namespace sf
