// ws_link over TLS and through an HTTP CONNECT proxy, against the in-process
// server and proxy on 127.0.0.1, with a private CA generated for the run.
#include "steadyfeed/net/ws_link.hpp"

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>

#include "steadyfeed/net/tls_context.hpp"
#include "support/connect_proxy.hpp"
#include "support/link_probe.hpp"
#include "support/run_until.hpp"
#include "support/test_certificates.hpp"
#include "support/ws_test_server.hpp"

namespace sf {
namespace {

using test::link_probe;
using test::run_until;
using test::test_certificates;
using test::ws_test_server;

constexpr duration wait = seconds{5};

test::ws_test_server_options tls_server() {
  test::ws_test_server_options o;
  o.tls = true;
  return o;
}

test::ws_test_server_options wrong_host_server() {
  test::ws_test_server_options o;
  o.tls = true;
  o.cert_pem = test_certificates().wrong_host_cert_pem;
  o.key_pem = test_certificates().wrong_host_key_pem;
  return o;
}

ws_link_options trusting_test_ca() {
  ws_link_options o;
  o.ca_file = test_certificates().ca_file.string();
  return o;
}

// Opens a link and runs until it opened or failed.
void open_and_wait(boost::asio::io_context& io, ws_link& link, link_probe& probe,
                   const std::string& url) {
  link.open(url);
  ASSERT_TRUE(run_until(
      io, [&] { return probe.opened > 0 || probe.ended(); }, wait));
}

TEST(ws_link_tls, verifies_against_the_configured_ca_and_exchanges_frames) {
  boost::asio::io_context io;
  ws_test_server server(tls_server());
  link_probe probe;
  ws_link link(io.get_executor(), trusting_test_ca(), probe.callbacks());
  open_and_wait(io, link, probe, server.url("/tls"));
  ASSERT_EQ(probe.opened, 1) << probe.open_failed->to_string();
  ASSERT_TRUE(server.wait_for_connections(1, wait));
  const auto id = server.open_connections().at(0);
  link.send("over tls");
  server.send(id, "back");
  ASSERT_TRUE(run_until(
      io, [&] { return probe.frames.size() == 1; }, wait));
  EXPECT_EQ(probe.frames[0], "back");
  ASSERT_TRUE(run_until(
      io, [&] { return server.frames(id).size() == 1; }, wait));
  EXPECT_EQ(server.frames(id)[0], "over tls");
  server.close(id, 1001, "going away");
  ASSERT_TRUE(run_until(
      io, [&] { return probe.closed.has_value(); }, wait));
  EXPECT_EQ(probe.closed->code, errc::closed_by_peer);
  EXPECT_EQ(probe.closed->close_code, 1001);
}

TEST(ws_link_tls, localhost_name_verifies_too) {
  boost::asio::io_context io;
  ws_test_server server(tls_server());
  link_probe probe;
  ws_link link(io.get_executor(), trusting_test_ca(), probe.callbacks());
  open_and_wait(io, link, probe, "wss://localhost:" + std::to_string(server.port()) + "/");
  // localhost may resolve to ::1 first, where nothing listens; the link tries
  // every resolved address in turn.
  EXPECT_EQ(probe.opened, 1) << probe.open_failed->to_string();
}

TEST(ws_link_tls, a_private_ca_fails_against_the_system_store) {
  boost::asio::io_context io;
  ws_test_server server(tls_server());
  link_probe probe;
  ws_link link(io.get_executor(), {}, probe.callbacks());
  open_and_wait(io, link, probe, server.url());
  ASSERT_TRUE(probe.open_failed);
  EXPECT_EQ(probe.open_failed->code, errc::tls_verify_failed) << probe.open_failed->to_string();
  EXPECT_EQ(probe.open_failed->code, error_condition_kind::fatal);
  // The OpenSSL reason is in the detail.
  EXPECT_NE(probe.open_failed->detail.find("local issuer certificate"), std::string::npos)
      << probe.open_failed->detail;
  EXPECT_EQ(server.connections_accepted(), 0u);
}

TEST(ws_link_tls, a_certificate_for_another_host_fails_verification) {
  boost::asio::io_context io;
  ws_test_server server(wrong_host_server());
  link_probe probe;
  ws_link link(io.get_executor(), trusting_test_ca(), probe.callbacks());
  open_and_wait(io, link, probe, server.url());
  ASSERT_TRUE(probe.open_failed);
  EXPECT_EQ(probe.open_failed->code, errc::tls_verify_failed) << probe.open_failed->to_string();
  EXPECT_NE(probe.open_failed->detail.find("hostname mismatch"), std::string::npos)
      << probe.open_failed->detail;
}

TEST(ws_link_tls, verification_off_accepts_any_certificate) {
  boost::asio::io_context io;
  ws_test_server server(wrong_host_server());
  link_probe probe;
  ws_link_options options;
  options.verify_peer = false;
  ws_link link(io.get_executor(), options, probe.callbacks());
  open_and_wait(io, link, probe, server.url());
  EXPECT_EQ(probe.opened, 1);
}

TEST(ws_link_tls, a_shared_context_serves_many_links) {
  boost::asio::io_context io;
  ws_test_server server(tls_server());
  failure why;
  auto context = make_tls_client_context({test_certificates().ca_file.string(), true}, why);
  ASSERT_TRUE(context) << why.to_string();
  ws_link_options options;
  options.tls_context = context;
  std::vector<link_probe> probes(3);
  std::vector<std::unique_ptr<ws_link>> links;
  for (auto& p : probes) {
    links.push_back(std::make_unique<ws_link>(io.get_executor(), options, p.callbacks()));
    links.back()->open(server.url());
  }
  EXPECT_TRUE(run_until(
      io,
      [&] { return std::all_of(probes.begin(), probes.end(), [](auto& p) { return p.opened; }); },
      wait));
}

TEST(ws_link_tls, an_unreadable_ca_file_is_a_setup_failure) {
  boost::asio::io_context io;
  link_probe probe;
  ws_link_options options;
  options.ca_file = "/nonexistent/ca.pem";
  ws_link link(io.get_executor(), options, probe.callbacks());
  open_and_wait(io, link, probe, "wss://127.0.0.1:1/");
  ASSERT_TRUE(probe.open_failed);
  EXPECT_EQ(probe.open_failed->code, errc::tls_setup_failed);
  EXPECT_NE(probe.open_failed->detail.find("/nonexistent/ca.pem"), std::string::npos);
}

TEST(ws_link_tls, plain_peer_on_a_tls_url_is_a_handshake_failure) {
  boost::asio::io_context io;
  ws_test_server server;  // speaks HTTP, not TLS
  link_probe probe;
  ws_link link(io.get_executor(), trusting_test_ca(), probe.callbacks());
  open_and_wait(io, link, probe, "wss://127.0.0.1:" + std::to_string(server.port()) + "/");
  ASSERT_TRUE(probe.open_failed);
  EXPECT_EQ(probe.open_failed->code, errc::tls_handshake_failed) << probe.open_failed->to_string();
}

// ---- HTTP CONNECT proxy ------------------------------------------------------

TEST(ws_link_proxy, tunnels_a_plain_connection) {
  boost::asio::io_context io;
  ws_test_server server;
  test::connect_proxy proxy;
  link_probe probe;
  ws_link_options options;
  options.proxy = proxy.url();
  ws_link link(io.get_executor(), options, probe.callbacks());
  open_and_wait(io, link, probe, server.url("/via-proxy"));
  ASSERT_EQ(probe.opened, 1) << probe.open_failed->to_string();
  ASSERT_EQ(proxy.requests().size(), 1u);
  EXPECT_EQ(proxy.requests()[0].target, "127.0.0.1:" + std::to_string(server.port()));
  EXPECT_TRUE(proxy.requests()[0].proxy_authorization.empty());
  ASSERT_TRUE(server.wait_for_connections(1, wait));
  const auto id = server.open_connections().at(0);
  EXPECT_EQ(server.record(id)->target, "/via-proxy");
  server.send(id, "through the tunnel");
  ASSERT_TRUE(run_until(
      io, [&] { return probe.frames.size() == 1; }, wait));
  EXPECT_EQ(probe.frames[0], "through the tunnel");
}

TEST(ws_link_proxy, tunnels_tls_end_to_end_and_sends_credentials) {
  boost::asio::io_context io;
  ws_test_server server(tls_server());
  test::connect_proxy proxy;
  link_probe probe;
  ws_link_options options = trusting_test_ca();
  options.proxy = "http://alice:secret@127.0.0.1:" + std::to_string(proxy.port());
  ws_link link(io.get_executor(), options, probe.callbacks());
  open_and_wait(io, link, probe, server.url());
  ASSERT_EQ(probe.opened, 1) << probe.open_failed->to_string();
  ASSERT_EQ(proxy.requests().size(), 1u);
  EXPECT_EQ(proxy.requests()[0].proxy_authorization, "Basic YWxpY2U6c2VjcmV0");
}

TEST(ws_link_proxy, a_407_is_proxy_refused) {
  boost::asio::io_context io;
  ws_test_server server;
  test::connect_proxy proxy;
  proxy.refuse_with(407);
  link_probe probe;
  ws_link_options options;
  options.proxy = proxy.url();
  ws_link link(io.get_executor(), options, probe.callbacks());
  open_and_wait(io, link, probe, server.url());
  ASSERT_TRUE(probe.open_failed);
  EXPECT_EQ(probe.open_failed->code, errc::proxy_refused);
  EXPECT_EQ(probe.open_failed->code, error_condition_kind::fatal);
  EXPECT_EQ(probe.open_failed->http_status, 407);
  EXPECT_EQ(server.connections_accepted(), 0u);
}

TEST(ws_link_proxy, a_502_is_proxy_unavailable) {
  boost::asio::io_context io;
  ws_test_server server;
  test::connect_proxy proxy;
  proxy.refuse_with(502);
  link_probe probe;
  ws_link_options options;
  options.proxy = proxy.url();
  ws_link link(io.get_executor(), options, probe.callbacks());
  open_and_wait(io, link, probe, server.url());
  ASSERT_TRUE(probe.open_failed);
  EXPECT_EQ(probe.open_failed->code, errc::proxy_unavailable);
  EXPECT_TRUE(is_retryable(probe.open_failed->code));
  EXPECT_EQ(probe.open_failed->http_status, 502);
}

TEST(ws_link_proxy, an_unreachable_proxy_is_proxy_unavailable) {
  boost::asio::io_context io;
  ws_test_server server;
  std::uint16_t dead_port = 0;
  {
    test::connect_proxy gone;
    dead_port = gone.port();
  }
  link_probe probe;
  ws_link_options options;
  options.proxy = "http://127.0.0.1:" + std::to_string(dead_port);
  ws_link link(io.get_executor(), options, probe.callbacks());
  open_and_wait(io, link, probe, server.url());
  ASSERT_TRUE(probe.open_failed);
  EXPECT_EQ(probe.open_failed->code, errc::proxy_unavailable) << probe.open_failed->to_string();
}

}  // namespace
}  // namespace sf
