#include "net/transport_error.hpp"

#include <gtest/gtest.h>
#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/websocket/error.hpp>

namespace sf {
namespace {

namespace asio = boost::asio;
namespace websocket = boost::beast::websocket;

std::error_code code_of(const boost::system::error_code& ec, link_stage stage) {
  return transport_failure(ec, stage).code;
}

TEST(transport_failure, connect_stage) {
  EXPECT_EQ(code_of(asio::error::connection_refused, link_stage::connect), errc::connect_refused);
  EXPECT_EQ(code_of(asio::error::timed_out, link_stage::connect), errc::connect_timeout);
  EXPECT_EQ(code_of(asio::error::host_unreachable, link_stage::connect), errc::connect_refused);
  EXPECT_EQ(code_of(asio::error::host_not_found, link_stage::resolve), errc::resolve_failed);
}

TEST(transport_failure, proxy_stage_is_the_proxy_being_unavailable) {
  EXPECT_EQ(code_of(asio::error::connection_refused, link_stage::proxy), errc::proxy_unavailable);
  EXPECT_EQ(code_of(asio::error::eof, link_stage::proxy), errc::proxy_unavailable);
}

TEST(transport_failure, stream_stage) {
  EXPECT_EQ(code_of(websocket::error::closed, link_stage::stream), errc::closed_by_peer);
  EXPECT_EQ(code_of(asio::error::connection_reset, link_stage::stream), errc::reset_by_peer);
  EXPECT_EQ(code_of(asio::error::broken_pipe, link_stage::stream), errc::reset_by_peer);
  EXPECT_EQ(code_of(asio::error::eof, link_stage::stream), errc::eof);
  EXPECT_EQ(code_of(asio::ssl::error::stream_truncated, link_stage::stream), errc::eof);
  EXPECT_EQ(code_of(websocket::error::message_too_big, link_stage::stream), errc::frame_too_large);
  EXPECT_EQ(code_of(websocket::error::bad_opcode, link_stage::stream), errc::protocol_violation);
  EXPECT_EQ(code_of(websocket::error::bad_frame_payload, link_stage::stream),
            errc::protocol_violation);
}

TEST(transport_failure, upgrade_stage) {
  EXPECT_EQ(code_of(asio::error::eof, link_stage::upgrade), errc::eof);
  EXPECT_EQ(code_of(boost::beast::http::error::end_of_stream, link_stage::upgrade), errc::eof);
  EXPECT_EQ(code_of(asio::error::connection_reset, link_stage::upgrade), errc::reset_by_peer);
  EXPECT_EQ(code_of(websocket::error::no_connection_upgrade, link_stage::upgrade),
            errc::protocol_violation);
}

TEST(transport_failure, classes_follow_the_codes) {
  EXPECT_TRUE(is_retryable(code_of(asio::error::connection_refused, link_stage::connect)));
  EXPECT_TRUE(is_retryable(code_of(asio::error::connection_reset, link_stage::stream)));
  EXPECT_EQ(code_of(websocket::error::bad_opcode, link_stage::stream),
            error_condition_kind::protocol);
}

TEST(transport_failure, detail_names_stage_context_and_cause) {
  const failure f =
      transport_failure(asio::error::connection_refused, link_stage::connect, "127.0.0.1:1");
  EXPECT_NE(f.detail.find("connect"), std::string::npos);
  EXPECT_NE(f.detail.find("127.0.0.1:1"), std::string::npos);
  EXPECT_NE(f.detail.find("refused"), std::string::npos) << f.detail;
}

}  // namespace
}  // namespace sf
