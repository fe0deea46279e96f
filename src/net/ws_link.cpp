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
#include <boost/asio/write.hpp>
#include <boost/beast/core/detail/base64.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "net/transport_error.hpp"
#include "net/ws_frame_reader.hpp"
#include "net/ws_frame_writer.hpp"
#include "net/ws_handshake.hpp"
#include "steadyfeed/core/armed_timer.hpp"
#include "steadyfeed/net/endpoint.hpp"
#include "steadyfeed/net/tls_context.hpp"

namespace sf {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
// Every I/O object names the io_context's executor type (see ws_link.hpp).
using executor_type = asio::io_context::executor_type;
using socket_type = asio::basic_stream_socket<tcp, executor_type>;
using resolver_type = asio::ip::basic_resolver<tcp, executor_type>;
using timer_type =
    asio::basic_waitable_timer<mono_clock, asio::wait_traits<mono_clock>, executor_type>;
using tls_stream = ssl::stream<socket_type>;

// The link reads WebSocket frames itself (see ws_frame_reader.hpp) from the
// raw socket or the TLS stream over it, with no Beast WebSocket stream on top:
// an asynchronous read per message costs several times what decoding the
// message does.
static_assert(ws_frame_reader::padding >= ws_frame_padding);

namespace {

// A ping's payload, like any control frame's, is at most 125 bytes.
constexpr std::size_t max_ping_payload = 125;
// The most of a refused upgrade's body read to quote it; the rest is left.
constexpr std::uint64_t max_refusal_body = 64 * 1024;

// State needed only until the link is open; freed then so an idle link keeps
// only its stream and buffer.
struct handshake_state {
  ws_endpoint endpoint;
  std::optional<proxy_endpoint> proxy;
  resolver_type resolver;
  // CONNECT exchange
  http::request<http::empty_body> proxy_request;
  std::optional<http::response_parser<http::empty_body>> proxy_response;
  // Upgrade exchange. The buffer is shared with the CONNECT exchange, which
  // must leave it empty; after a 101 it holds the first frames, if any.
  ws_upgrade_request upgrade_request;
  std::string upgrade_key;
  std::optional<http::response_parser<http::string_body>> upgrade_response;
  beast::flat_buffer buffer;

  explicit handshake_state(const executor_type& ex) : resolver(ex) {}
};

// A frame ready for the wire. Frames are masked when queued, so a write only
// moves bytes.
struct queued_frame {
  std::string bytes;
  bool close = false;
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
        close_timer_(ex_),
        reader_(options_.max_frame_bytes) {}

  void open(std::string_view url);
  void send(ws_opcode opcode, std::string_view payload);
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
    // Reading frames. After close() still reading, for the peer's answer.
    open,
    // The link ended (peer's close frame, protocol error) and its own close
    // frame is going out; nothing is read any more.
    closing,
    done
  };

  template <class F>
  void with_stream(F&& f) {
    if (tls_)
      f(*tls_);
    else
      f(*plain_);
  }
  socket_type& socket() { return tls_ ? tls_->next_layer() : *plain_; }

  void fail_later(failure why);
  void fail_open(failure why);
  void end(failure why);
  void report_closed(const failure& why);
  void drop_queued_writes();
  void shut_socket();

  void on_resolved(const error_code& ec, const resolver_type::results_type& results);
  void on_connected(const error_code& ec);
  void start_proxy();
  void on_proxy_written(const error_code& ec);
  void on_proxy_answered(const error_code& ec);
  void start_tls();
  void on_tls(const error_code& ec);
  template <class Stream>
  void start_upgrade(Stream& stream);
  void on_upgrade_written(const error_code& ec);
  void on_upgrade_answered(const error_code& ec);
  void on_refusal_body(const error_code& ec);
  void on_upgrade_response();
  void start_frames();

  template <class Stream>
  void read(Stream& stream);
  void on_read(const error_code& ec, std::size_t bytes);
  void take_frames();
  void on_control(const ws_frame_event& event);
  void on_close_frame(const ws_frame_event& event);
  void on_bad_frame();

  void queue(ws_opcode opcode, std::string_view payload);
  template <class Stream>
  void write_next(Stream& stream);
  void on_written(const error_code& ec);
  void start_close(int code, std::string_view reason);
  void close_after_frame(int code, std::string_view reason);
  void arm_close_timer();
  void finish_close();

  executor_type ex_;
  ws_link_options options_;
  ws_link_callbacks callbacks_;
  std::shared_ptr<ssl::context> tls_context_;
  std::optional<socket_type> plain_;
  std::optional<tls_stream> tls_;
  std::unique_ptr<handshake_state> hs_;
  std::deque<queued_frame> writes_;
  timer_type close_timer_;
  ws_frame_reader reader_;
  std::uint64_t frames_ = 0;
  phase phase_ = phase::idle;
  bool writing_ = false;
  // A close frame is queued: nothing may follow it (RFC 6455 §5.5.1).
  bool close_queued_ = false;
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
  // the socket is still reading from it.
  if (!writing_) {
    writes_.clear();
  } else if (!writes_.empty()) {
    writes_.erase(writes_.begin() + 1, writes_.end());
  }
  close_queued_ = writing_ && !writes_.empty() && writes_.front().close;
}

void ws_link_state::end(failure why) {
  phase_ = phase::done;
  drop_queued_writes();
  close_timer_.cancel();
  shut_socket();
  report_closed(why);
}

void ws_link_state::report_closed(const failure& why) {
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
  http::async_read_header(socket(), hs_->buffer, *hs_->proxy_response,
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
  if (hs_->buffer.size() != 0) {
    // The server cannot have spoken first in either TLS or WebSocket, so bytes
    // here mean the proxy is not a transparent tunnel.
    return fail_open(make_failure(errc::protocol_violation,
                                  fmt::format("proxy sent {} unexpected bytes after CONNECT {}",
                                              hs_->buffer.size(), target)));
  }
  start_tls();
}

void ws_link_state::start_tls() {
  if (!tls_) {
    start_upgrade(*plain_);
    return;
  }
  phase_ = phase::tls;
  auto& stream = *tls_;
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
    SSL* ssl_handle = tls_->native_handle();
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

// ---- upgrade --------------------------------------------------------------------

template <class Stream>
void ws_link_state::start_upgrade(Stream& stream) {
  phase_ = phase::upgrading;
  hs_->upgrade_key = make_ws_key();
  hs_->upgrade_request =
      make_upgrade_request(hs_->endpoint, hs_->upgrade_key, options_.user_agent, options_.headers);
  http::async_write(stream, hs_->upgrade_request,
                    [self = shared_from_this()](const error_code& ec, std::size_t) {
                      self->on_upgrade_written(ec);
                    });
}

void ws_link_state::on_upgrade_written(const error_code& ec) {
  if (closed_) return;
  if (ec) return fail_open(transport_failure(ec, link_stage::upgrade, hs_->endpoint.host_header()));
  hs_->upgrade_response.emplace();
  hs_->upgrade_response->body_limit(max_refusal_body);
  // Only the header: after a 101 the bytes that follow are frames, and they
  // must stay in the buffer for the frame reader.
  with_stream([this](auto& stream) {
    http::async_read_header(stream, hs_->buffer, *hs_->upgrade_response,
                            [self = shared_from_this()](const error_code& e, std::size_t) {
                              self->on_upgrade_answered(e);
                            });
  });
}

void ws_link_state::on_upgrade_answered(const error_code& ec) {
  if (closed_) return;
  if (ec) return fail_open(transport_failure(ec, link_stage::upgrade, hs_->endpoint.host_header()));
  auto& parser = *hs_->upgrade_response;
  if (parser.get().result() == http::status::switching_protocols || parser.is_done())
    return on_upgrade_response();
  // A refusal: venues say why in the body.
  with_stream([this](auto& stream) {
    http::async_read(stream, hs_->buffer, *hs_->upgrade_response,
                     [self = shared_from_this()](const error_code& e, std::size_t) {
                       self->on_refusal_body(e);
                     });
  });
}

void ws_link_state::on_refusal_body(const error_code&) {
  if (closed_) return;
  // A body that could not be read whole only shortens the detail: the status
  // and Retry-After are what the supervisor acts on.
  on_upgrade_response();
}

void ws_link_state::on_upgrade_response() {
  const std::string where = hs_->endpoint.host_header() + hs_->endpoint.target;
  if (auto why = check_upgrade_response(hs_->upgrade_response->get(), hs_->upgrade_key, where))
    return fail_open(std::move(*why));
  start_frames();
}

void ws_link_state::start_frames() {
  phase_ = phase::open;
  // A server may send its first frames right behind the 101, so they arrive
  // in the same read as the response's header.
  const auto early = hs_->buffer.cdata();
  reader_.append({static_cast<const char*>(early.data()), early.size()});
  const bool early_bytes = early.size() != 0;
  hs_.reset();
  if (callbacks_.on_open) callbacks_.on_open();
  if (early_bytes && !closed_ && callbacks_.on_read) callbacks_.on_read();
  take_frames();
  // on_open or a frame's callback may have closed the link; reading goes on
  // regardless, for the peer's answer to the close frame.
  if (phase_ != phase::open) return;
  with_stream([this](auto& stream) {
    read(stream);
    if (!writing_ && !writes_.empty()) write_next(stream);
  });
}

// ---- reading --------------------------------------------------------------------

template <class Stream>
void ws_link_state::read(Stream& stream) {
  const std::span<char> space = reader_.prepare();
  stream.async_read_some(asio::buffer(space.data(), space.size()),
                         [self = shared_from_this()](const error_code& ec, std::size_t bytes) {
                           self->on_read(ec, bytes);
                         });
}

void ws_link_state::on_read(const error_code& ec, std::size_t bytes) {
  // Reads stop in `closing`; in `done` the socket was shut under this one.
  if (phase_ != phase::open) return;
  if (bytes != 0) {
    reader_.commit(bytes);
    if (!closed_ && callbacks_.on_read) callbacks_.on_read();
    take_frames();
    if (phase_ != phase::open) return;
  }
  if (ec) {
    // After close(), a peer that ends TCP instead of answering also ends the
    // closing handshake.
    if (closed_) return finish_close();
    return end(transport_failure(ec, link_stage::stream));
  }
  with_stream([this](auto& stream) { read(stream); });
}

void ws_link_state::take_frames() {
  for (;;) {
    const ws_frame_event event = reader_.next();
    switch (event.what) {
      case ws_frame_event::kind::need_more:
        return;
      case ws_frame_event::kind::message:
        ++frames_;
        if (!closed_ && callbacks_.on_frame) callbacks_.on_frame(event.payload);
        break;
      case ws_frame_event::kind::ping:
      case ws_frame_event::kind::pong:
        on_control(event);
        break;
      case ws_frame_event::kind::close:
        return on_close_frame(event);
      case ws_frame_event::kind::error:
        return on_bad_frame();
    }
  }
}

void ws_link_state::on_control(const ws_frame_event& event) {
  if (event.what == ws_frame_event::kind::ping) {
    // Answered first, so the pong goes out ahead of anything the callback sends.
    queue(ws_opcode::pong, event.payload);
    if (!closed_ && callbacks_.on_ping) callbacks_.on_ping(event.payload);
  } else if (!closed_ && callbacks_.on_pong) {
    callbacks_.on_pong(event.payload);
  }
}

void ws_link_state::on_close_frame(const ws_frame_event& event) {
  // The answer to our own close frame: the closing handshake is complete.
  if (closed_) return finish_close();
  failure why = failure::of(errc::closed_by_peer);
  why.close_code = event.close_code;
  why.detail = event.close_code == 0
                   ? std::string("peer closed without a code")
                   : fmt::format("peer closed with code {}{}{}", event.close_code,
                                 event.payload.empty() ? "" : ": ", event.payload);
  // The peer's close is echoed (RFC 6455 §5.5.1) before anyone hears of it.
  close_after_frame(event.close_code, event.payload);
  report_closed(why);
}

void ws_link_state::on_bad_frame() {
  if (closed_) return finish_close();
  const ws_frame_error& error = reader_.error();
  failure why = failure::of(error.code, error.detail);
  // 1009 tells the supervisor the limit was hit (the venue may need a larger
  // one); a plain protocol error carries no code, as before.
  if (error.code == errc::frame_too_large) why.close_code = error.close_code;
  close_after_frame(error.close_code, {});
  report_closed(why);
}

// ---- writing --------------------------------------------------------------------

void ws_link_state::send(ws_opcode opcode, std::string_view payload) {
  if (closed_ || ended_ || phase_ == phase::closing || phase_ == phase::done) return;
  if (opcode == ws_opcode::ping && payload.size() > max_ping_payload)
    payload = payload.substr(0, max_ping_payload);
  queue(opcode, payload);
}

void ws_link_state::queue(ws_opcode opcode, std::string_view payload) {
  if (close_queued_) return;
  const bool close = opcode == ws_opcode::close;
  writes_.push_back({encode_client_frame(opcode, payload, random_mask_key()), close});
  close_queued_ = close;
  // Before the upgrade, writes wait for start_frames().
  if (!writing_ && (phase_ == phase::open || phase_ == phase::closing))
    with_stream([this](auto& stream) { write_next(stream); });
}

template <class Stream>
void ws_link_state::write_next(Stream& stream) {
  writing_ = true;
  asio::async_write(
      stream, asio::buffer(writes_.front().bytes),
      [self = shared_from_this()](const error_code& ec, std::size_t) { self->on_written(ec); });
}

void ws_link_state::on_written(const error_code& ec) {
  writing_ = false;
  const bool sent_close = !writes_.empty() && writes_.front().close;
  if (!writes_.empty()) writes_.pop_front();
  if (phase_ == phase::done) return;
  if (ec) {
    // While winding down, a failed write only ends it sooner.
    if (closed_ || phase_ == phase::closing) return finish_close();
    return end(transport_failure(ec, link_stage::stream, "write"));
  }
  // The link ended and has told the peer why: nothing is left to wait for.
  if (sent_close && phase_ == phase::closing) return finish_close();
  if (!writes_.empty()) with_stream([this](auto& stream) { write_next(stream); });
}

// ---- closing --------------------------------------------------------------------

void ws_link_state::close(int code, std::string_view reason) {
  if (closed_) return;
  closed_ = true;
  switch (phase_) {
    case phase::idle:
    case phase::done:
      phase_ = phase::done;
      drop_queued_writes();
      return;
    case phase::resolving:
      drop_queued_writes();
      hs_->resolver.cancel();
      phase_ = phase::done;
      return;
    case phase::connecting:
    case phase::proxying:
    case phase::tls:
    case phase::upgrading:
      // Closing the socket aborts whatever is in flight on it; the handlers see
      // closed_ and stop.
      drop_queued_writes();
      shut_socket();
      phase_ = phase::done;
      return;
    case phase::open:
      drop_queued_writes();
      start_close(code, reason);
      return;
    case phase::closing:
      // Already ended; its close frame is on the way and the timer bounds it.
      return;
  }
}

void ws_link_state::start_close(int code, std::string_view reason) {
  queue(ws_opcode::close, close_payload(code, reason));
  // The read loop receives the peer's close frame and ends the connection; a
  // peer that never answers (half-open) is cut off by the timer.
  arm_close_timer();
}

void ws_link_state::close_after_frame(int code, std::string_view reason) {
  phase_ = phase::closing;
  drop_queued_writes();
  queue(ws_opcode::close, close_payload(code, reason));
  arm_close_timer();
}

void ws_link_state::arm_close_timer() {
  close_timer_.expires_after(options_.close_timeout);
  close_timer_.async_wait([self = shared_from_this(), token = armed_timer{}](const error_code& ec) {
    if (!ec) self->finish_close();
  });
}

void ws_link_state::finish_close() {
  if (phase_ == phase::done) return;
  phase_ = phase::done;
  drop_queued_writes();
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
  state_->send(ws_opcode::text, text);
}
void ws_link::ping(std::string payload) {
  state_->send(ws_opcode::ping, payload);
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
