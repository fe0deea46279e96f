// The REST client against the simulator's REST dialects on loopback.
#include "steadyfeed/net/http_client.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <optional>

#include "sim/server.hpp"

namespace sf {
namespace {

struct sim_fixture {
  boost::asio::io_context ioc;
  std::optional<sim::server> server;
  sim_fixture() {
    sim::server_config c;
    c.log_to_stderr = false;
    c.market.seed = 7;
    server.emplace(ioc, system_clock_source::instance(), c);
    server->start();
  }
  ~sim_fixture() { server->stop(); }
  std::string base(std::string_view venue) const {
    return "http://127.0.0.1:" + std::to_string(server->port()) + "/" + std::string(venue);
  }
  // Runs the io_context until `done` or 5 s.
  template <class Pred>
  bool run_until(Pred done) {
    for (int i = 0; i < 500 && !done(); ++i) ioc.run_for(std::chrono::milliseconds(10));
    return done();
  }
};

TEST(HttpClient, FetchesABinanceDepthSnapshotFromTheSimulator) {
  sim_fixture sim;
  http_client client(sim.ioc.get_executor(), sim.base("binance-spot"));
  std::optional<http_response> got;
  std::string error;
  client.get("/api/v3/depth?symbol=BTCUSDT&limit=5", [&](const failure* f, http_response r) {
    if (f) error = f->to_string();
    got = std::move(r);
  });
  ASSERT_TRUE(sim.run_until([&] { return got.has_value(); }));
  ASSERT_TRUE(error.empty()) << error;
  EXPECT_EQ(got->status, 200);
  EXPECT_NE(got->body.find("\"lastUpdateId\""), std::string::npos) << got->body;
}

TEST(HttpClient, ReportsStatusesAndUnknownPaths) {
  sim_fixture sim;
  http_client client(sim.ioc.get_executor(), sim.base("okx"));
  std::optional<http_response> got;
  client.get("/api/v5/market/no-such-endpoint", [&](const failure*, http_response r) { got = std::move(r); });
  ASSERT_TRUE(sim.run_until([&] { return got.has_value(); }));
  EXPECT_GE(got->status, 400);
}

TEST(HttpClient, ConnectionRefusedIsATransientFailure) {
  boost::asio::io_context ioc;
  // A port nobody listens on: bind one, note it, close it.
  boost::asio::ip::tcp::acceptor probe(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
  const auto port = probe.local_endpoint().port();
  probe.close();
  http_client client(ioc.get_executor(), "http://127.0.0.1:" + std::to_string(port));
  std::optional<failure> err;
  bool called = false;
  client.get("/x", [&](const failure* f, http_response) {
    called = true;
    if (f) err = *f;
  });
  ioc.run_for(std::chrono::seconds(5));
  ASSERT_TRUE(called);
  ASSERT_TRUE(err.has_value());
  EXPECT_TRUE(is_retryable(err->code)) << err->to_string();
}

TEST(HttpClient, ABadBaseUrlIsAFatalError) {
  boost::asio::io_context ioc;
  http_client client(ioc.get_executor(), "ftp://example/");
  std::optional<failure> err;
  client.get("/x", [&](const failure* f, http_response) { err = *f; });
  ioc.run_for(std::chrono::seconds(1));
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->code, make_error_code(errc::bad_url));
  EXPECT_FALSE(is_retryable(err->code));
}

}  // namespace
}  // namespace sf
