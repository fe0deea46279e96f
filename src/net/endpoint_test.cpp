#include "steadyfeed/net/endpoint.hpp"

#include <gtest/gtest.h>

namespace sf {
namespace {

ws_endpoint parse_ok(std::string_view url) {
  std::string error;
  auto ep = parse_ws_url(url, error);
  EXPECT_TRUE(ep.has_value()) << url << ": " << error;
  return ep.value_or(ws_endpoint{});
}

std::string parse_error(std::string_view url) {
  std::string error;
  auto ep = parse_ws_url(url, error);
  EXPECT_FALSE(ep.has_value()) << url;
  return error;
}

TEST(parse_ws_url, plain_with_default_port_and_root_target) {
  const auto ep = parse_ok("ws://example.com");
  EXPECT_FALSE(ep.tls);
  EXPECT_EQ(ep.host, "example.com");
  EXPECT_EQ(ep.port, 80);
  EXPECT_EQ(ep.target, "/");
  EXPECT_EQ(ep.host_header(), "example.com");
  EXPECT_FALSE(ep.host_is_address());
}

TEST(parse_ws_url, tls_with_path_query_and_explicit_port) {
  const auto ep =
      parse_ok("wss://stream.binance.com:9443/stream?streams=btcusdt@trade/ethusdt@trade#frag");
  EXPECT_TRUE(ep.tls);
  EXPECT_EQ(ep.host, "stream.binance.com");
  EXPECT_EQ(ep.port, 9443);
  EXPECT_EQ(ep.target, "/stream?streams=btcusdt@trade/ethusdt@trade");
  EXPECT_EQ(ep.host_header(), "stream.binance.com:9443");
}

TEST(parse_ws_url, default_tls_port_is_omitted_from_host_header) {
  const auto ep = parse_ok("wss://ws.okx.com/ws/v5/public");
  EXPECT_EQ(ep.port, 443);
  EXPECT_EQ(ep.host_header(), "ws.okx.com");
  EXPECT_EQ(ep.target, "/ws/v5/public");
}

TEST(parse_ws_url, address_literals) {
  const auto v4 = parse_ok("ws://127.0.0.1:8080/x");
  EXPECT_EQ(v4.host, "127.0.0.1");
  EXPECT_TRUE(v4.host_is_address());
  const auto v6 = parse_ok("ws://[::1]:9000/");
  EXPECT_EQ(v6.host, "::1");
  EXPECT_TRUE(v6.host_is_address());
  EXPECT_EQ(v6.host_header(), "[::1]:9000");
}

TEST(parse_ws_url, query_without_path_gets_a_slash) {
  EXPECT_EQ(parse_ok("ws://h?x=1").target, "/?x=1");
}

TEST(parse_ws_url, rejects_bad_urls_with_a_reason) {
  EXPECT_NE(parse_error("not a url").find("not a URL"), std::string::npos);
  EXPECT_NE(parse_error("").find("not a URL"), std::string::npos);
  EXPECT_NE(parse_error("http://example.com/").find("scheme must be ws or wss"), std::string::npos);
  EXPECT_NE(parse_error("ws:///path").find("no host"), std::string::npos);
  EXPECT_NE(parse_error("ws:path").find("no host"), std::string::npos);
  EXPECT_NE(parse_error("ws://h:0/").find("out of range"), std::string::npos);
  EXPECT_NE(parse_error("ws://h:65536/").find("out of range"), std::string::npos);
  EXPECT_NE(parse_error("ws://h:99999999999999999999/").find("out of range"), std::string::npos);
  EXPECT_NE(parse_error("ws://user:secret@h/").find("credentials"), std::string::npos);
}

TEST(parse_proxy_url, host_port_and_credentials) {
  std::string error;
  auto p = parse_proxy_url("http://alice:s%40cret@proxy.local:3128", error);
  ASSERT_TRUE(p) << error;
  EXPECT_EQ(p->host, "proxy.local");
  EXPECT_EQ(p->port, 3128);
  EXPECT_EQ(p->username, "alice");
  EXPECT_EQ(p->password, "s@cret");

  p = parse_proxy_url("http://127.0.0.1", error);
  ASSERT_TRUE(p) << error;
  EXPECT_EQ(p->port, 8080);
  EXPECT_TRUE(p->username.empty());
}

TEST(parse_proxy_url, rejects_other_schemes_and_missing_host) {
  std::string error;
  EXPECT_FALSE(parse_proxy_url("socks5://127.0.0.1:1080", error));
  EXPECT_NE(error.find("scheme must be http"), std::string::npos);
  EXPECT_FALSE(parse_proxy_url("http://", error));
  EXPECT_FALSE(parse_proxy_url("::", error));
}

}  // namespace
}  // namespace sf
