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
