#include "net/ws_handshake.hpp"

#include <gtest/gtest.h>

#include <boost/beast/core/detail/base64.hpp>

namespace sf {
namespace {

namespace http = boost::beast::http;

// The example handshake of RFC 6455 §1.3.
constexpr std::string_view rfc_key = "dGhlIHNhbXBsZSBub25jZQ==";
constexpr std::string_view rfc_accept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

ws_upgrade_response switching(std::string_view accept = rfc_accept) {
  ws_upgrade_response res{http::status::switching_protocols, 11};
  res.set(http::field::upgrade, "websocket");
  res.set(http::field::connection, "Upgrade");
  res.set(http::field::sec_websocket_accept, accept);
  return res;
}

ws_upgrade_response refused(unsigned status, std::string body = {}) {
  ws_upgrade_response res{static_cast<http::status>(status), 11};
  res.body() = std::move(body);
  return res;
}

TEST(ws_handshake, accept_key_matches_the_rfc_example) {
  EXPECT_EQ(ws_accept_for(rfc_key), rfc_accept);
}

TEST(ws_handshake, keys_are_16_random_bytes_in_base64) {
  const std::string a = make_ws_key();
  const std::string b = make_ws_key();
  EXPECT_EQ(a.size(), 24u);
  EXPECT_NE(a, b);
  std::string decoded(16, '\0');
  EXPECT_TRUE(a.ends_with("==")) << a;
  const auto decoded_size =
      boost::beast::detail::base64::decode(decoded.data(), a.data(), a.size()).first;
  EXPECT_EQ(decoded_size, 16u);
}

TEST(ws_handshake, request_carries_the_upgrade_headers_then_ours) {
  ws_endpoint ep;
  ep.host = "stream.example.com";
  ep.port = 9443;
  ep.tls = true;
  ep.target = "/ws?streams=a";
  const auto req = make_upgrade_request(ep, rfc_key, "steadyfeed-test/1",
                                        {{"X-Api-Key", "k1"}, {"User-Agent", "override"}});
  EXPECT_EQ(req.method(), http::verb::get);
  EXPECT_EQ(req.target(), "/ws?streams=a");
  EXPECT_EQ(req.version(), 11u);
  EXPECT_EQ(req[http::field::host], "stream.example.com:9443");
  EXPECT_EQ(req[http::field::upgrade], "websocket");
  EXPECT_EQ(req[http::field::connection], "Upgrade");
  EXPECT_EQ(req[http::field::sec_websocket_key], rfc_key);
  EXPECT_EQ(req[http::field::sec_websocket_version], "13");
  EXPECT_EQ(req["X-Api-Key"], "k1");
  // An extra header replaces a default of the same name.
  EXPECT_EQ(req.count(http::field::user_agent), 1u);
  EXPECT_EQ(req[http::field::user_agent], "override");
}

TEST(ws_handshake, a_proper_101_is_accepted) {
  EXPECT_FALSE(check_upgrade_response(switching(), rfc_key, "h/"));
  // Header values are tokens, compared without case.
  auto res = switching();
  res.set(http::field::upgrade, "WebSocket");
  res.set(http::field::connection, "keep-alive, upgrade");
  EXPECT_FALSE(check_upgrade_response(res, rfc_key, "h/"));
}

void expect_broken(const ws_upgrade_response& res, std::string_view in_detail) {
  const auto why = check_upgrade_response(res, rfc_key, "h/feed");
  ASSERT_TRUE(why);
  EXPECT_EQ(why->code, errc::protocol_violation);
  EXPECT_NE(why->detail.find(in_detail), std::string::npos) << why->detail;
  EXPECT_NE(why->detail.find("h/feed"), std::string::npos) << why->detail;
}

TEST(ws_handshake, a_101_that_does_not_complete_the_handshake_is_a_protocol_violation) {
  expect_broken(switching("d3JvbmcgYWNjZXB0IGtleQ=="), "Sec-WebSocket-Accept");
  auto missing_accept = switching();
  missing_accept.erase(http::field::sec_websocket_accept);
  expect_broken(missing_accept, "Sec-WebSocket-Accept");
  auto no_upgrade = switching();
  no_upgrade.erase(http::field::upgrade);
  expect_broken(no_upgrade, "Upgrade: websocket");
  auto no_connection = switching();
  no_connection.set(http::field::connection, "keep-alive");
  expect_broken(no_connection, "Connection: upgrade");
  auto old_http = switching();
  old_http.version(10);
  expect_broken(old_http, "HTTP/1.1");
  auto extension = switching();
  extension.set(http::field::sec_websocket_extensions, "permessage-deflate");
  expect_broken(extension, "extension");
  auto subprotocol = switching();
  subprotocol.set(http::field::sec_websocket_protocol, "chat");
  expect_broken(subprotocol, "subprotocol");
}

TEST(ws_handshake, refusals_are_classified_by_status) {
  const auto forbidden = check_upgrade_response(refused(403, "forbidden region"), rfc_key, "h/");
  ASSERT_TRUE(forbidden);
  EXPECT_EQ(forbidden->code, errc::auth_rejected);
  EXPECT_EQ(forbidden->http_status, 403);
  EXPECT_EQ(forbidden->detail, "upgrade to h/ refused: 403 Forbidden: forbidden region");

  EXPECT_EQ(check_upgrade_response(refused(503), rfc_key, "h/")->code, errc::server_error);
  EXPECT_EQ(check_upgrade_response(refused(429), rfc_key, "h/")->code, errc::rate_limited);
  EXPECT_EQ(check_upgrade_response(refused(418), rfc_key, "h/")->code, errc::banned);
  EXPECT_EQ(check_upgrade_response(refused(404), rfc_key, "h/")->code, errc::upgrade_rejected);
  // A 200 is no upgrade either.
  EXPECT_TRUE(check_upgrade_response(refused(200), rfc_key, "h/"));
}

TEST(ws_handshake, a_refusal_carries_retry_after) {
  auto res = refused(429);
  res.set(http::field::retry_after, "7");
  EXPECT_EQ(check_upgrade_response(res, rfc_key, "h/")->retry_after, seconds{7});
  auto dated = refused(418);
  dated.set(http::field::date, "Tue, 14 Nov 2023 22:13:20 GMT");
  dated.set(http::field::retry_after, "Tue, 14 Nov 2023 22:15:20 GMT");
  EXPECT_EQ(check_upgrade_response(dated, rfc_key, "h/")->retry_after, seconds{120});
}

TEST(ws_handshake, only_the_start_of_a_long_body_is_quoted) {
  const auto why = check_upgrade_response(refused(403, std::string(5000, 'b')), rfc_key, "h/");
  ASSERT_TRUE(why);
  EXPECT_LT(why->detail.size(), 300u);
  EXPECT_NE(why->detail.find(std::string(200, 'b')), std::string::npos);
}

}  // namespace
}  // namespace sf
