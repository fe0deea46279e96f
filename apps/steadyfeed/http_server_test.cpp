#include "http_server.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support/http_probe.hpp"

namespace sf::daemon {
namespace {

using test::http_probe;

http_server_config test_config() {
  http_server_config c;
  c.listen = "127.0.0.1:0";
  c.max_connections = 4;
  c.max_header_bytes = 1024;
  c.max_body_bytes = 256;
  // Long enough that no test depends on the machine being quick; the slow
  // client's test shortens them itself.
  c.request_timeout = std::chrono::seconds(10);
  c.idle_timeout = std::chrono::seconds(30);
  return c;
}

http_response echo(const http_request& r) {
  if (r.target == "/throw") throw std::runtime_error("boom");
  return {.status = 200, .content_type = "text/plain", .body = r.method + " " + r.target + " " + r.body, .headers = {}};
}

TEST(HttpServer, AnswersAndKeepsTheConnectionAlive) {
  http_server server(test_config(), echo);
  server.start();
  ASSERT_NE(server.port(), 0);
  http_probe c(server.port());
  c.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
  auto a = c.answer();
  EXPECT_EQ(a.status, 200) << a.head << a.body;
  EXPECT_NE(a.body.find("GET /a "), std::string::npos);
  c.send("POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
  a = c.answer();
  EXPECT_NE(a.body.find("POST /b hello"), std::string::npos) << a.head << a.body;
}

TEST(HttpServer, OversizedHeaderAndBodyAreRefusedInJson) {
  http_server server(test_config(), echo);
  server.start();
  {
    http_probe c(server.port());
    c.send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(2000, 'a') + "\r\n\r\n");
    const auto a = c.answer();
    EXPECT_EQ(a.status, 431) << a.head << a.body;
    EXPECT_NE(a.body.find("\"error\""), std::string::npos);
    EXPECT_TRUE(c.closed_by_server());
  }
  {
    http_probe c(server.port());
    c.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n" + std::string(1000, 'b'));
    const auto a = c.answer();
    EXPECT_EQ(a.status, 413) << a.head << a.body;
    EXPECT_NE(a.body.find("256 bytes"), std::string::npos);
  }
  {
    http_probe c(server.port());
    c.send("HELLO\r\n\r\n");
    EXPECT_EQ(c.answer().status, 400);
  }
}

TEST(HttpServer, HandlerExceptionIs500AndTheServerGoesOn) {
  http_server server(test_config(), echo);
  server.start();
  http_probe c(server.port());
  c.send("GET /throw HTTP/1.1\r\nHost: x\r\n\r\n");
  const auto a = c.answer();
  EXPECT_EQ(a.status, 500);
  EXPECT_NE(a.body.find("boom"), std::string::npos);
  http_probe d(server.port());
  d.send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(d.answer().status, 200);
}

TEST(HttpServer, ASlowClientIsCutAndHoldsNobodyElse) {
  auto config = test_config();
  config.request_timeout = std::chrono::milliseconds(300);
  http_server server(config, echo);
  server.start();
  http_probe slow(server.port());
  slow.send("GET / HTTP/1.1\r\nHo");  // and nothing more
  http_probe quick(server.port());
  quick.send("GET /q HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(quick.answer().status, 200);
  // The slow one is closed after request_timeout (300 ms; the probe's read
  // gives up after 5 s, so a server that never cuts it fails here).
  EXPECT_TRUE(slow.closed_by_server());
}

TEST(HttpServer, ConnectionsBeyondTheLimitGet503) {
  http_server server(test_config(), echo);
  server.start();
  std::vector<std::unique_ptr<http_probe>> held;
  for (int i = 0; i < 4; ++i) {
    held.push_back(std::make_unique<http_probe>(server.port()));
    held.back()->send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(held.back()->answer().status, 200);  // kept alive: each holds a place
  }
  http_probe extra(server.port());
  const auto a = extra.answer();
  EXPECT_EQ(a.status, 503) << a.head << a.body;
  EXPECT_NE(a.body.find("too many connections"), std::string::npos);
  held.clear();  // the places free up, once the server has seen the closes
  int status = 0;
  for (int tries = 0; tries < 100 && status != 200; ++tries) {
    http_probe probe(server.port());
    probe.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    status = probe.answer().status;
    if (status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(status, 200);
}

TEST(HttpServer, AnAddressInUseIsNamed) {
  http_server first(test_config(), echo);
  first.start();
  auto c = test_config();
  c.listen = "127.0.0.1:" + std::to_string(first.port());
  http_server second(c, echo);
  try {
    second.start();
    FAIL() << "a second server bound the same port";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(c.listen), std::string::npos) << e.what();
  }
  c.listen = "nowhere:80";
  http_server third(c, echo);
  EXPECT_THROW(third.start(), std::runtime_error);
}

TEST(HttpServer, StopClosesOpenConnections) {
  http_server server(test_config(), echo);
  server.start();
  http_probe c(server.port());
  c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(c.answer().status, 200);
  // The connection would idle for 30 s: stop() itself must close it.
  const auto before = std::chrono::steady_clock::now();
  server.stop();
  EXPECT_TRUE(c.closed_by_server());
  EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(5));
}

}  // namespace
}  // namespace sf::daemon
