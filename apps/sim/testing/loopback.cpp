#include "sim/testing/loopback.hpp"

#include <boost/asio/post.hpp>
#include <future>

namespace sf::sim::testing {

running_server::running_server(server_config config)
    : srv_(ioc_, system_clock_source::instance(), std::move(config)) {
  srv_.start();
  port_ = srv_.port();
  thread_ = std::thread([this] { ioc_.run(); });
}

running_server::~running_server() {
  stop();
  thread_.join();
}

void running_server::stop() {
  if (stopped_) return;
  stopped_ = true;
  std::promise<void> done;
  auto f = done.get_future();
  asio::post(ioc_, [&] {
    srv_.stop();
    ioc_.stop();
    done.set_value();
  });
  f.wait_for(std::chrono::seconds(5));
}

server_config fast_config() {
  server_config c;
  c.market.rate = 200;
  c.market.depth = 60;
  c.symbols = {"BTCUSDT", "ETHUSDT"};
  c.tick = milliseconds{2};
  c.log_to_stderr = false;
  return c;
}

// basic_ws_client, compiled here once per stream.

template <class NextLayer>
basic_ws_client<NextLayer>::basic_ws_client() requires(!is_tls) : ws_(ioc_) {}

template <class NextLayer>
basic_ws_client<NextLayer>::basic_ws_client(asio::ssl::context& ctx) requires(is_tls) : ws_(ioc_, ctx) {}

template <class NextLayer>
beast::error_code basic_ws_client<NextLayer>::connect(unsigned short port, const std::string& target,
                                                      const std::string& host, duration timeout) {
  auto& result = connect_result_;
  auto& done = connect_done_;
  result = {};
  done = false;
  auto& lowest = beast::get_lowest_layer(ws_);
  const tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), port);
  lowest.async_connect(ep, [&, host, target](beast::error_code ec) {
    if (ec) {
      result = ec;
      done = true;
      return;
    }
    if constexpr (is_tls) {
      auto& tls = ws_.next_layer();
      beast::error_code ignored;
      const auto addr = asio::ip::make_address(host, ignored);
      if (ignored) set_sni(tls.native_handle(), host);
      if (ignored) {
        tls.set_verify_callback(asio::ssl::host_name_verification(host));
      } else {
        X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(tls.native_handle()), host.c_str());
      }
      tls.async_handshake(asio::ssl::stream_base::client, [&, host, target](beast::error_code ec2) {
        if (ec2) {
          result = ec2;
          done = true;
          return;
        }
        ws_handshake(host, target, result, done);
      });
    } else {
      ws_handshake(host, target, result, done);
    }
  });
  if (!run_until(ioc_, [&] { return done; }, timeout)) return asio::error::timed_out;
  if (!result) start_read();
  return result;
}

template <class NextLayer>
std::optional<ws_frame> basic_ws_client<NextLayer>::next(duration timeout) {
  run_until(ioc_, [&] { return !frames_.empty() || error_; }, timeout);
  if (frames_.empty()) return std::nullopt;
  auto f = std::move(frames_.front());
  frames_.pop_front();
  return f;
}

template <class NextLayer>
std::optional<beast::error_code> basic_ws_client<NextLayer>::wait_closed(duration timeout) {
  run_until(ioc_, [&] { return error_.has_value(); }, timeout);
  return error_;
}

template <class NextLayer>
void basic_ws_client<NextLayer>::pump_for(duration d) {
  run_until(ioc_, [] { return false; }, d);
}

template <class NextLayer>
void basic_ws_client<NextLayer>::send(std::string text, duration timeout) {
  auto done = std::make_shared<bool>(false);
  auto keep = std::make_shared<std::string>(std::move(text));
  ws_.async_write(asio::buffer(*keep), [done, keep](beast::error_code, std::size_t) { *done = true; });
  run_until(ioc_, [&] { return *done; }, timeout);
}

template <class NextLayer>
void basic_ws_client<NextLayer>::ping(duration timeout) {
  auto done = std::make_shared<bool>(false);
  ws_.async_ping({}, [done](beast::error_code) { *done = true; });
  run_until(ioc_, [&] { return *done; }, timeout);
}

template <class NextLayer>
bool basic_ws_client<NextLayer>::wait_pong(duration timeout) {
  const auto before = pongs_;
  return run_until(ioc_, [&] { return pongs_ > before || error_; }, timeout) && pongs_ > before;
}

template <class NextLayer>
websocket::close_reason basic_ws_client<NextLayer>::close_reason() const {
  return ws_.reason();
}

template <class NextLayer>
void basic_ws_client<NextLayer>::read_message_max(std::size_t n) {
  ws_.read_message_max(n);
}

template <class NextLayer>
void basic_ws_client<NextLayer>::ws_handshake(const std::string& host, const std::string& target,
                                              beast::error_code& result, bool& done) {
  ws_.control_callback([this](websocket::frame_type kind, beast::string_view) {
    if (kind == websocket::frame_type::pong) ++pongs_;
  });
  ws_.async_handshake(host, target, [&](beast::error_code ec) {
    result = ec;
    done = true;
  });
}

template <class NextLayer>
void basic_ws_client<NextLayer>::start_read() {
  ws_.async_read(buffer_, [this](beast::error_code ec, std::size_t) {
    if (ec) {
      error_ = ec;
      return;
    }
    frames_.push_back({beast::buffers_to_string(buffer_.data()), ws_.got_binary(), std::chrono::steady_clock::now()});
    buffer_.consume(buffer_.size());
    start_read();
  });
}

template class basic_ws_client<beast::tcp_stream>;
template class basic_ws_client<beast::ssl_stream<beast::tcp_stream>>;

std::string http_result::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (beast::iequals(k, name)) return v;
  return {};
}

namespace {

template <class Stream>
void exchange(asio::io_context& ioc, Stream& stream, http::request<http::string_body>& req, http_result& out,
              duration timeout) {
  auto res = std::make_shared<http::response<http::string_body>>();
  auto buffer = std::make_shared<beast::flat_buffer>();
  bool done = false;
  http::async_write(stream, req, [&, res, buffer](beast::error_code ec, std::size_t) {
    if (ec) {
      out.error = ec;
      done = true;
      return;
    }
    http::async_read(stream, *buffer, *res, [&, res, buffer](beast::error_code ec2, std::size_t) {
      out.error = ec2;
      if (!ec2) {
        out.status = res->result_int();
        out.body = res->body();
        for (const auto& field : *res) out.headers.emplace_back(field.name_string(), field.value());
      }
      done = true;
    });
  });
  if (!run_until(ioc, [&] { return done; }, timeout)) out.error = asio::error::timed_out;
}

http::request<http::string_body> make_request(http::verb verb, const std::string& target, const std::string& body) {
  http::request<http::string_body> req{verb, target, 11};
  req.set(http::field::host, "127.0.0.1");
  req.body() = body;
  req.prepare_payload();
  return req;
}

}  // namespace

http_result http_request(unsigned short port, http::verb verb, const std::string& target, const std::string& body,
                         duration timeout) {
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  http_result out;
  bool connected = false;
  stream.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), [&](beast::error_code ec) {
    out.error = ec;
    connected = true;
  });
  if (!run_until(ioc, [&] { return connected; }, timeout)) out.error = asio::error::timed_out;
  if (out.error) return out;
  auto req = make_request(verb, target, body);
  exchange(ioc, stream, req, out, timeout);
  return out;
}

http_result https_request(unsigned short port, asio::ssl::context& tls, const std::string& host,
                          const std::string& target, duration timeout) {
  asio::io_context ioc;
  beast::ssl_stream<beast::tcp_stream> stream(ioc, tls);
  http_result out;
  beast::error_code bad_ip;
  asio::ip::make_address(host, bad_ip);
  if (bad_ip) {
    set_sni(stream.native_handle(), host);
    stream.set_verify_callback(asio::ssl::host_name_verification(host));
  } else {
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(stream.native_handle()), host.c_str());
  }
  bool ready = false;
  beast::get_lowest_layer(stream).async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                                                [&](beast::error_code ec) {
                                                  if (ec) {
                                                    out.error = ec;
                                                    ready = true;
                                                    return;
                                                  }
                                                  stream.async_handshake(asio::ssl::stream_base::client,
                                                                         [&](beast::error_code ec2) {
                                                                           out.error = ec2;
                                                                           ready = true;
                                                                         });
                                                });
  if (!run_until(ioc, [&] { return ready; }, timeout)) out.error = asio::error::timed_out;
  if (out.error) return out;
  auto req = make_request(http::verb::get, target, {});
  exchange(ioc, stream, req, out, timeout);
  return out;
}

std::vector<json::object> fault_log(unsigned short port) {
  std::vector<json::object> out;
  const auto r = http_request(port, http::verb::get, "/_sim/faults");
  if (r.status != 200) return out;
  const auto doc = json::parse(r.body);
  for (const auto& v : doc.as_array()) out.push_back(v.as_object());
  return out;
}

std::vector<json::object> log_entries(const std::vector<json::object>& log, std::string_view name) {
  std::vector<json::object> out;
  for (const auto& o : log) {
    const auto* fault = o.if_contains("fault");
    const auto* event = o.if_contains("event");
    if ((fault && fault->is_string() && fault->get_string() == name) ||
        (!fault && event && event->is_string() && event->get_string() == name))
      out.push_back(o);
  }
  return out;
}

std::vector<std::uint64_t> connection_ids(unsigned short port) {
  std::vector<std::uint64_t> out;
  const auto r = http_request(port, http::verb::get, "/_sim/connections");
  if (r.status != 200) return out;
  const auto doc = json::parse(r.body);
  for (const auto& c : doc.as_array()) out.push_back(c.at("id").to_number<std::uint64_t>());
  return out;
}

wall_us wall_now() { return system_clock_source::instance().wall_now(); }

}  // namespace sf::sim::testing
