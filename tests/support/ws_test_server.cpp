#include "support/ws_test_server.hpp"

#include <condition_variable>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "support/test_certificates.hpp"

namespace sf::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

namespace {

struct write_item {
  enum class kind : std::uint8_t { text, raw, close, ping } what = kind::text;
  std::string payload;
  std::shared_ptr<const std::string> wire;
  std::size_t repeat = 0;
  int code = 1000;
};

// What the server thread asks of a connection; implemented once per stream type.
class session_base {
 public:
  virtual ~session_base() = default;
  virtual void start() = 0;
  virtual void enqueue(write_item item, bool from_hook) = 0;
  virtual void reset() = 0;
  virtual void stop_reading() = 0;
  virtual void go_silent() = 0;
  virtual void shutdown() = 0;
};

}  // namespace

class ws_test_server_core {
 public:
  explicit ws_test_server_core(ws_test_server_options options);
  ~ws_test_server_core();
  using frame_hook = ws_test_server::frame_hook;

  void start();
  void stop();

  template <class F>
  void run(F&& f) {
    asio::post(io_, std::forward<F>(f));
  }
  void open_acceptor();
  void accept();
  void notify();

  // Called from sessions on the server thread.
  connection_id on_upgraded(std::shared_ptr<session_base> s,
                            const http::request<http::string_body>& req);
  void on_frame(connection_id id, std::string text, session_base& s);
  void on_closed(connection_id id, int close_code);
  void on_pong(connection_id id, std::string payload);
  std::optional<upgrade_refusal> refusal() const {
    std::lock_guard lock(mutex_);
    return refusal_;
  }
  void count_refusal() {
    {
      std::lock_guard lock(mutex_);
      ++refused_;
    }
    notify();
  }

  ws_test_server_options options_;
  // Declared before the io_context: TLS streams that die with the io_context's
  // pending handlers still refer to it.
  std::optional<ssl::context> tls_;
  asio::io_context io_{1};
  asio::executor_work_guard<asio::io_context::executor_type> guard_{io_.get_executor()};
  tcp::acceptor acceptor_{io_};
  std::uint16_t port_ = 0;
  std::thread thread_;
  std::uint64_t accept_generation_ = 0;

  // Server thread only.
  std::map<connection_id, std::shared_ptr<session_base>> sessions_;
  connection_id next_id_ = 1;

  // Shared with test threads.
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::uint64_t generation_ = 0;
  std::map<connection_id, connection_record> records_;
  std::vector<std::pair<connection_id, std::string>> all_frames_;
  std::size_t accepted_ = 0;
  std::size_t refused_ = 0;
  std::optional<upgrade_refusal> refusal_;
  std::shared_ptr<const frame_hook> hook_;
};

namespace {

template <class WS>
class session final : public session_base, public std::enable_shared_from_this<session<WS>> {
 public:
  template <class... Args>
  session(ws_test_server_core& server, Args&&... args)
      : server_(server), ws_(std::forward<Args>(args)...) {}

  void start() override {
    if constexpr (std::is_same_v<typename WS::next_layer_type, tcp::socket>) {
      read_request();
    } else {
      ws_.next_layer().async_handshake(ssl::stream_base::server,
                                       [self = this->shared_from_this()](const error_code& ec) {
                                         if (ec) return self->drop();
                                         self->read_request();
                                       });
    }
  }

  void enqueue(write_item item, bool from_hook) override {
    if (closed_ || stopped_ || (silent_ && !from_hook)) return;
    if (close_queued_) return;
    if (item.what == write_item::kind::close) close_queued_ = true;
    writes_.push_back(std::move(item));
    if (open_ && !writing_) write_next();
  }

  void reset() override {
    if (closed_) return;
    error_code ignored;
    auto& socket = beast::get_lowest_layer(ws_);
    socket.set_option(asio::socket_base::linger(true, 0), ignored);
    socket.close(ignored);
    finish(0);
  }

  void stop_reading() override {
    if (closed_) return;
    stopped_ = true;
    writes_.clear();
    // Cancels the pending read (which would answer pings) and any write; the
    // socket itself stays open, so the peer sees a live but mute connection.
    error_code ignored;
    beast::get_lowest_layer(ws_).cancel(ignored);
  }

  void go_silent() override { silent_ = true; }

  void shutdown() override {
    error_code ignored;
    beast::get_lowest_layer(ws_).close(ignored);
  }

 private:
  void read_request() {
    http::async_read(ws_.next_layer(), buffer_, request_,
                     [self = this->shared_from_this()](const error_code& ec, std::size_t) {
                       if (ec) return self->drop();
                       self->on_request();
                     });
  }

  void on_request() {
    if (auto refusal = server_.refusal()) {
      auto res = std::make_shared<http::response<http::string_body>>();
      res->version(11);
      res->result(static_cast<unsigned>(refusal->status));
      for (const auto& [name, value] : refusal->headers) res->set(name, value);
      res->set(http::field::connection, "close");
      res->body() = refusal->body;
      res->prepare_payload();
      server_.count_refusal();
      http::async_write(
          ws_.next_layer(), *res,
          [self = this->shared_from_this(), res](const error_code&, std::size_t) { self->drop(); });
      return;
    }
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = websocket::stream_base::none();
    timeouts.idle_timeout = websocket::stream_base::none();
    timeouts.keep_alive_pings = false;
    ws_.set_option(timeouts);
    ws_.read_message_max(0);
    ws_.auto_fragment(false);
    ws_.control_callback([this](websocket::frame_type kind, beast::string_view payload) {
      if (kind == websocket::frame_type::pong && id_ != 0)
        server_.on_pong(id_, std::string(payload.data(), payload.size()));
    });
    ws_.async_accept(request_, [self = this->shared_from_this()](const error_code& ec) {
      if (ec) return self->drop();
      self->on_accepted();
    });
  }

  void on_accepted() {
    open_ = true;
    id_ = server_.on_upgraded(this->shared_from_this(), request_);
    request_ = {};
    read();
    if (!writes_.empty()) write_next();
  }

  void read() {
    ws_.async_read(buffer_, [self = this->shared_from_this()](const error_code& ec, std::size_t) {
      self->on_read(ec);
    });
  }

  void on_read(const error_code& ec) {
    if (stopped_ || closed_) return;
    if (ec) {
      const int code = ec == websocket::error::closed ? static_cast<int>(ws_.reason().code) : 0;
      shutdown();
      return finish(code);
    }
    std::string text = beast::buffers_to_string(buffer_.cdata());
    buffer_.consume(buffer_.size());
    server_.on_frame(id_, std::move(text), *this);
    if (!stopped_ && !closed_) read();
  }

  void write_next() {
    writing_ = true;
    write_item& next = writes_.front();
    auto done = [self = this->shared_from_this()](const error_code& ec, std::size_t) {
      self->on_written(ec);
    };
    switch (next.what) {
      case write_item::kind::text:
        ws_.text(true);
        ws_.async_write(asio::buffer(next.payload), std::move(done));
        return;
      case write_item::kind::raw:
        asio::async_write(ws_.next_layer(), asio::buffer(*next.wire), std::move(done));
        return;
      case write_item::kind::ping:
        ws_.async_ping(
            websocket::ping_data(next.payload.data(), next.payload.size()),
            [self = this->shared_from_this()](const error_code& ec) { self->on_written(ec); });
        return;
      case write_item::kind::close:
        ws_.async_close(close_reason_of(next), [self = this->shared_from_this()](
                                                   const error_code& ec) { self->on_written(ec); });
        return;
    }
  }

  void on_written(const error_code& ec) {
    writing_ = false;
    if (ec || closed_ || stopped_) {
      writes_.clear();
      return;
    }
    write_item& done = writes_.front();
    if (done.what == write_item::kind::raw && --done.repeat > 0) return write_next();
    writes_.pop_front();
    if (!writes_.empty()) write_next();
  }

  static websocket::close_reason close_reason_of(const write_item& item) {
    websocket::close_reason cr;
    cr.code = static_cast<std::uint16_t>(item.code);
    cr.reason = item.payload.substr(0, 123);
    return cr;
  }

  void drop() {
    shutdown();
    closed_ = true;
  }

  void finish(int close_code) {
    closed_ = true;
    writes_.clear();
    if (id_ != 0) server_.on_closed(id_, close_code);
  }

  ws_test_server_core& server_;
  WS ws_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  std::deque<write_item> writes_;
  connection_id id_ = 0;
  bool open_ = false;
  bool writing_ = false;
  bool closed_ = false;
  bool stopped_ = false;
  bool silent_ = false;
  bool close_queued_ = false;
};

using plain_session = session<websocket::stream<tcp::socket>>;
using tls_session = session<websocket::stream<ssl::stream<tcp::socket>>>;

}  // namespace

ws_test_server_core::ws_test_server_core(ws_test_server_options options)
    : options_(std::move(options)) {
  if (options_.tls) {
    if (options_.cert_pem.empty()) {
      options_.cert_pem = test_certificates().server_cert_pem;
      options_.key_pem = test_certificates().server_key_pem;
    }
    tls_.emplace(ssl::context::tls_server);
    tls_->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                      ssl::context::no_sslv3);
    tls_->use_certificate_chain(asio::buffer(options_.cert_pem));
    tls_->use_private_key(asio::buffer(options_.key_pem), ssl::context::pem);
  }
}

ws_test_server_core::~ws_test_server_core() {
  stop();
}

void ws_test_server_core::start() {
  open_acceptor();
  port_ = acceptor_.local_endpoint().port();
  accept();
  thread_ = std::thread([this] { io_.run(); });
}

void ws_test_server_core::stop() {
  if (!thread_.joinable()) return;
  run([this] {
    error_code ignored;
    acceptor_.close(ignored);
    for (auto& [id, s] : sessions_) s->shutdown();
    sessions_.clear();
    guard_.reset();
    io_.stop();
  });
  thread_.join();
}

void ws_test_server_core::open_acceptor() {
  const tcp::endpoint ep(asio::ip::make_address_v4("127.0.0.1"), port_);
  acceptor_.open(ep.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  acceptor_.bind(ep);
  acceptor_.listen();
}

void ws_test_server_core::accept() {
  acceptor_.async_accept(
      io_, [this, generation = accept_generation_](const error_code& ec, tcp::socket socket) {
        if (ec || generation != accept_generation_) return;
        std::shared_ptr<session_base> s;
        if (tls_)
          s = std::make_shared<tls_session>(*this, std::move(socket), *tls_);
        else
          s = std::make_shared<plain_session>(*this, std::move(socket));
        s->start();
        accept();
      });
}

void ws_test_server_core::notify() {
  {
    std::lock_guard lock(mutex_);
    ++generation_;
  }
  changed_.notify_all();
}

connection_id ws_test_server_core::on_upgraded(std::shared_ptr<session_base> s,
                                               const http::request<http::string_body>& req) {
  const connection_id id = next_id_++;
  sessions_.emplace(id, std::move(s));
  connection_record record;
  record.id = id;
  record.target = std::string(req.target());
  for (const auto& field : req)
    record.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  {
    std::lock_guard lock(mutex_);
    records_.emplace(id, std::move(record));
    ++accepted_;
  }
  notify();
  return id;
}

void ws_test_server_core::on_frame(connection_id id, std::string text, session_base& s) {
  std::shared_ptr<const frame_hook> hook;
  {
    std::lock_guard lock(mutex_);
    records_[id].frames.push_back(text);
    all_frames_.emplace_back(id, text);
    hook = hook_;
  }
  if (hook && *hook) {
    for (auto& reply : (*hook)(id, text)) {
      write_item item;
      item.payload = std::move(reply);
      s.enqueue(std::move(item), true);
    }
  }
  notify();
}

void ws_test_server_core::on_pong(connection_id id, std::string payload) {
  {
    std::lock_guard lock(mutex_);
    records_[id].pongs.push_back(std::move(payload));
  }
  notify();
}

void ws_test_server_core::on_closed(connection_id id, int close_code) {
  sessions_.erase(id);
  {
    std::lock_guard lock(mutex_);
    auto& record = records_[id];
    record.open = false;
    record.close_code = close_code;
  }
  notify();
}

// ---- ws_test_server -----------------------------------------------------------

ws_test_server::ws_test_server(ws_test_server_options options)
    : impl_(std::make_shared<ws_test_server_core>(std::move(options))) {
  impl_->start();
}

ws_test_server::~ws_test_server() {
  impl_->stop();
}

std::uint16_t ws_test_server::port() const noexcept {
  return impl_->port_;
}

std::string ws_test_server::url(std::string_view target) const {
  std::string out = impl_->tls_ ? "wss://127.0.0.1:" : "ws://127.0.0.1:";
  out += std::to_string(impl_->port_);
  if (target.empty() || target.front() != '/') out += '/';
  out += target;
  return out;
}

void ws_test_server::set_frame_hook(frame_hook hook) {
  auto shared = std::make_shared<const frame_hook>(std::move(hook));
  std::lock_guard lock(impl_->mutex_);
  impl_->hook_ = std::move(shared);
}

void ws_test_server::sync() {
  std::promise<void> done;
  impl_->run([&done] { done.set_value(); });
  done.get_future().wait();
}

void ws_test_server::refuse_upgrades(upgrade_refusal refusal) {
  std::lock_guard lock(impl_->mutex_);
  impl_->refusal_ = std::move(refusal);
}

void ws_test_server::accept_upgrades() {
  std::lock_guard lock(impl_->mutex_);
  impl_->refusal_.reset();
}

void ws_test_server::refuse_connections(bool refuse) {
  std::promise<void> done;
  impl_->run([this, refuse, &done] {
    auto& s = *impl_;
    error_code ignored;
    ++s.accept_generation_;
    s.acceptor_.close(ignored);
    if (!refuse) {
      s.acceptor_ = tcp::acceptor(s.io_);
      s.open_acceptor();
      s.accept();
    }
    done.set_value();
  });
  // Synchronous, so a test's next connect attempt sees the new state.
  done.get_future().wait();
}

void ws_test_server::send(connection_id id, std::string text) {
  impl_->run([s = impl_, id, text = std::move(text)]() mutable {
    if (auto it = s->sessions_.find(id); it != s->sessions_.end()) {
      write_item item;
      item.payload = std::move(text);
      it->second->enqueue(std::move(item), false);
    }
  });
}

void ws_test_server::send_all(std::string text) {
  impl_->run([s = impl_, text = std::move(text)] {
    for (auto& [id, session] : s->sessions_) {
      write_item item;
      item.payload = text;
      session->enqueue(std::move(item), false);
    }
  });
}

void ws_test_server::blast(connection_id id, std::shared_ptr<const std::string> wire,
                           std::size_t repeat) {
  if (repeat == 0) return;
  impl_->run([s = impl_, id, wire = std::move(wire), repeat] {
    if (auto it = s->sessions_.find(id); it != s->sessions_.end()) {
      write_item item;
      item.what = write_item::kind::raw;
      item.wire = wire;
      item.repeat = repeat;
      it->second->enqueue(std::move(item), false);
    }
  });
}

void ws_test_server::close(connection_id id, int code, std::string reason) {
  impl_->run([s = impl_, id, code, reason = std::move(reason)]() mutable {
    if (auto it = s->sessions_.find(id); it != s->sessions_.end()) {
      write_item item;
      item.what = write_item::kind::close;
      item.code = code;
      item.payload = std::move(reason);
      // A close goes out even on a silent connection: it is a fault, not data.
      it->second->enqueue(std::move(item), true);
    }
  });
}

void ws_test_server::reset(connection_id id) {
  impl_->run([s = impl_, id] {
    if (auto it = s->sessions_.find(id); it != s->sessions_.end()) {
      auto keep = it->second;
      keep->reset();
    }
  });
}

void ws_test_server::stop_reading(connection_id id) {
  impl_->run([s = impl_, id] {
    if (auto it = s->sessions_.find(id); it != s->sessions_.end()) it->second->stop_reading();
  });
}

void ws_test_server::go_silent(connection_id id) {
  impl_->run([s = impl_, id] {
    if (auto it = s->sessions_.find(id); it != s->sessions_.end()) it->second->go_silent();
  });
}

void ws_test_server::send_oversized(connection_id id, std::size_t bytes) {
  impl_->run([s = impl_, id, bytes] {
    if (auto it = s->sessions_.find(id); it != s->sessions_.end()) {
      write_item item;
      item.payload.assign(bytes, 'x');
      it->second->enqueue(std::move(item), false);
    }
  });
}

void ws_test_server::ping(connection_id id, std::string payload) {
  impl_->run([s = impl_, id, payload = std::move(payload)]() mutable {
    if (auto it = s->sessions_.find(id); it != s->sessions_.end()) {
      write_item item;
      item.what = write_item::kind::ping;
      item.payload = std::move(payload);
      it->second->enqueue(std::move(item), true);
    }
  });
}

std::size_t ws_test_server::connections_accepted() const {
  std::lock_guard lock(impl_->mutex_);
  return impl_->accepted_;
}

std::size_t ws_test_server::upgrades_refused() const {
  std::lock_guard lock(impl_->mutex_);
  return impl_->refused_;
}

std::vector<connection_id> ws_test_server::open_connections() const {
  std::lock_guard lock(impl_->mutex_);
  std::vector<connection_id> out;
  for (const auto& [id, record] : impl_->records_)
    if (record.open) out.push_back(id);
  return out;
}

std::optional<connection_record> ws_test_server::record(connection_id id) const {
  std::lock_guard lock(impl_->mutex_);
  auto it = impl_->records_.find(id);
  if (it == impl_->records_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> ws_test_server::frames(connection_id id) const {
  std::lock_guard lock(impl_->mutex_);
  auto it = impl_->records_.find(id);
  if (it == impl_->records_.end()) return {};
  return it->second.frames;
}

std::vector<std::pair<connection_id, std::string>> ws_test_server::all_frames() const {
  std::lock_guard lock(impl_->mutex_);
  return impl_->all_frames_;
}

bool ws_test_server::wait_until(const std::function<bool()>& condition, duration timeout) const {
  const time_point deadline = mono_clock::now() + timeout;
  std::unique_lock lock(impl_->mutex_);
  for (;;) {
    const std::uint64_t seen = impl_->generation_;
    lock.unlock();
    if (condition()) return true;
    const time_point now = mono_clock::now();
    if (now >= deadline) return false;
    lock.lock();
    // Bounded waits also catch conditions that change outside the server
    // (the client side), which never notify.
    const duration slice = std::min<duration>(deadline - now, milliseconds{10});
    impl_->changed_.wait_for(lock, slice, [&] { return impl_->generation_ != seen; });
  }
}

bool ws_test_server::wait_for_connections(std::size_t accepted, duration timeout) const {
  return wait_until([&] { return connections_accepted() >= accepted; }, timeout);
}

std::string ws_test_server::serialize_frame(std::string_view payload) {
  std::string out;
  out.reserve(payload.size() + 10);
  out.push_back(static_cast<char>(0x81));  // FIN, text
  const std::uint64_t n = payload.size();
  if (n < 126) {
    out.push_back(static_cast<char>(n));
  } else if (n <= 0xffff) {
    out.push_back(static_cast<char>(126));
    out.push_back(static_cast<char>(n >> 8));
    out.push_back(static_cast<char>(n & 0xff));
  } else {
    out.push_back(static_cast<char>(127));
    for (int shift = 56; shift >= 0; shift -= 8)
      out.push_back(static_cast<char>((n >> shift) & 0xff));
  }
  out.append(payload);
  return out;
}

}  // namespace sf::test
