// The simulator with --tls serving wss:// and https:// on 127.0.0.1, checked
// by Beast clients that verify the certificate for real against a private CA
// made at test time (see testing/test_ca.hpp for how the certificates are
// made), for the IP address and for "localhost" (SNI + host name check).
#include <gtest/gtest.h>
#include <unistd.h>

#include "sim/testing/loopback.hpp"
#include "sim/testing/test_ca.hpp"

namespace sf::sim {
namespace {

using namespace sf::sim::testing;
namespace ssl = asio::ssl;

class TlsLoopback : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // Per process: ctest runs each test as its own process, several at once.
    dir_ = new std::filesystem::path(std::filesystem::path(::testing::TempDir()) /
                                     ("sim_tls_ca_" + std::to_string(::getpid())));
    std::filesystem::remove_all(*dir_);
    ca_ = new test_ca(make_test_ca(*dir_));
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(*dir_);
    delete ca_;
    delete dir_;
  }
  static server_config tls_config() {
    auto cfg = fast_config();
    cfg.tls = tls_files{ca_->server_cert.string(), ca_->server_key.string()};
    return cfg;
  }
  static ssl::context trusting_ca() {
    ssl::context ctx(ssl::context::tls_client);
    ctx.set_verify_mode(ssl::verify_peer);
    ctx.load_verify_file(ca_->ca_cert.string());
    return ctx;
  }
  static inline std::filesystem::path* dir_ = nullptr;
  static inline test_ca* ca_ = nullptr;
};

TEST_F(TlsLoopback, WssAndHttpsVerifyAgainstThePrivateCa) {
  running_server srv(tls_config());
  auto ctx = trusting_ca();
  for (const std::string host : {"127.0.0.1", "localhost"}) {
    wss_client c(ctx);
    const auto ec = c.connect(srv.port(), "/binance-spot/ws/btcusdt@trade", host);
    ASSERT_FALSE(ec) << host << ": " << ec.message();
    const auto trade = c.next_json([](const json::value& v) { return v.at("e") == "trade"; });
    ASSERT_TRUE(trade) << host;
    EXPECT_EQ(trade->at("s"), "BTCUSDT");
  }
  wss_client okx(ctx);
  ASSERT_FALSE(okx.connect(srv.port(), "/okx/ws/v5/public"));
  okx.send("ping");
  const auto pong = okx.next();
  ASSERT_TRUE(pong);
  EXPECT_EQ(pong->text, "pong");

  const auto r = https_request(srv.port(), ctx, "localhost", "/binance-spot/api/v3/depth?symbol=BTCUSDT&limit=5");
  ASSERT_FALSE(r.error) << r.error.message();
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(json::parse(r.body).as_object().contains("lastUpdateId"));
}

TEST_F(TlsLoopback, VerificationFailsWithoutTheCaOrForAnotherName) {
  running_server srv(tls_config());
  ssl::context untrusting(ssl::context::tls_client);
  untrusting.set_verify_mode(ssl::verify_peer);  // no CA loaded: nothing is trusted
  wss_client a(untrusting);
  const auto ec = a.connect(srv.port(), "/binance-spot/ws/btcusdt@trade");
  ASSERT_TRUE(ec);
  EXPECT_EQ(ec.category(), asio::error::get_ssl_category()) << ec.message();

  auto ctx = trusting_ca();
  wss_client b(ctx);
  const auto wrong_name = b.connect(srv.port(), "/binance-spot/ws/btcusdt@trade", "exchange.example");
  ASSERT_TRUE(wrong_name);
  EXPECT_EQ(wrong_name.category(), asio::error::get_ssl_category()) << wrong_name.message();

  ws_client plain;  // ws:// to a wss:// port
  EXPECT_TRUE(plain.connect(srv.port(), "/binance-spot/ws/btcusdt@trade", "127.0.0.1", seconds{1}));
}

}  // namespace
}  // namespace sf::sim
