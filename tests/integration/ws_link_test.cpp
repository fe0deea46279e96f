// ws_link against the in-process server on 127.0.0.1: the life of a plain
// connection, what each way of ending it reports, and refused upgrades.
#include "steadyfeed/net/ws_link.hpp"

#include <array>
#include <functional>

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>

#include "net/ws_handshake.hpp"
#include "support/link_probe.hpp"
#include "support/run_until.hpp"
#include "support/ws_test_server.hpp"

namespace sf {
namespace {

using test::link_probe;
using test::run_until;
using test::ws_test_server;

constexpr duration wait = seconds{5};

class ws_link_test : public ::testing::Test {
 protected:
  // Opens a link to the server and waits for both ends to see it.
  test::connection_id open(ws_link& link, std::string_view target = "/feed") {
    const std::size_t before = server.connections_accepted();
    link.open(server.url(target));
    EXPECT_TRUE(run_until(
        io, [&] { return probe.opened == 1 || probe.ended(); }, wait));
    EXPECT_EQ(probe.opened, 1) << (probe.open_failed ? probe.open_failed->to_string() : "");
    EXPECT_TRUE(server.wait_for_connections(before + 1, wait));
    return server.open_connections().empty() ? 0 : server.open_connections().back();
  }

  boost::asio::io_context io;
  ws_test_server server;
  link_probe probe;
};

// A scripted server on a bare TCP socket, for what the test server cannot be
// made to send: frames in the same write as the 101, broken frames, a wrong
// accept key. It runs on the test's io_context, and records every byte the
// client sends after its upgrade request.
class raw_peer {
 public:
  explicit raw_peer(boost::asio::io_context& io)
      : acceptor_(io, {boost::asio::ip::make_address_v4("127.0.0.1"), 0}), socket_(io) {}

  std::string url() const {
    return "ws://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + "/";
  }

  // Accepts one connection, reads the upgrade request and answers with
  // `reply(key)`, the client's Sec-WebSocket-Key given.
  void serve(std::function<std::string(const std::string& key)> reply) {
    acceptor_.async_accept(socket_, [this, reply](const boost::system::error_code& ec) {
      if (ec) return;
      boost::asio::async_read_until(
          socket_, boost::asio::dynamic_buffer(in_), "\r\n\r\n",
          [this, reply](const boost::system::error_code& e, std::size_t header) {
            if (e) return;
            out_ = reply(key_of(in_.substr(0, header)));
            in_.erase(0, header);
            boost::asio::async_write(socket_, boost::asio::buffer(out_),
                                     [](const boost::system::error_code&, std::size_t) {});
            read_on();
          });
    });
  }

  // What the client sent after the request; `eof` once it closed.
  const std::string& received() const { return in_; }
  bool eof() const { return eof_; }

  static std::string accept(const std::string& key) {
    return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Accept: " +
           ws_accept_for(key) + "\r\n\r\n";
  }

 private:
  static std::string key_of(const std::string& request) {
    const std::string name = "Sec-WebSocket-Key: ";
    const auto at = request.find(name);
    if (at == std::string::npos) return {};
    const auto from = at + name.size();
    return request.substr(from, request.find("\r\n", from) - from);
  }

  void read_on() {
    socket_.async_read_some(boost::asio::buffer(chunk_),
                            [this](const boost::system::error_code& ec, std::size_t n) {
                              in_.append(chunk_.data(), n);
                              if (ec) {
                                eof_ = true;
                                return;
                              }
                              read_on();
                            });
  }

  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::ip::tcp::socket socket_;
  std::string in_;
  std::string out_;
  std::array<char, 4096> chunk_{};
  bool eof_ = false;
};

// A server frame (unmasked unless told) with a payload under 126 bytes.
std::string raw_frame(unsigned first_byte, std::string_view payload, bool masked = false) {
  std::string out;
  out.push_back(static_cast<char>(first_byte));
  out.push_back(static_cast<char>((masked ? 0x80 : 0) | payload.size()));
  if (masked) out.append(4, '\0');  // a zero key: the payload reads as is
  out.append(payload);
  return out;
}

struct client_frame {
  int opcode = 0;
  std::string payload;
  bool masked = false;
};

// Decodes what a client sent (short frames only, as the tests send).
std::vector<client_frame> client_frames(std::string_view bytes) {
  std::vector<client_frame> out;
  while (bytes.size() >= 6) {
    client_frame f;
    f.opcode = bytes[0] & 0x0f;
    f.masked = (bytes[1] & 0x80) != 0;
    const std::size_t n = bytes[1] & 0x7f;
    if (n >= 126 || bytes.size() < 6 + n) break;
    const std::string_view key = bytes.substr(2, 4);
    f.payload.assign(bytes.substr(6, n));
    for (std::size_t i = 0; i < n; ++i) f.payload[i] = static_cast<char>(f.payload[i] ^ key[i % 4]);
    out.push_back(std::move(f));
    bytes.remove_prefix(6 + n);
  }
  return out;
}

int close_code_in(const client_frame& f) {
  if (f.payload.size() < 2) return 0;
  return (static_cast<unsigned char>(f.payload[0]) << 8) | static_cast<unsigned char>(f.payload[1]);
}

TEST_F(ws_link_test, opens_sends_receives_and_closes_with_a_code) {
  ws_link_options options;
  options.user_agent = "steadyfeed-test/1";
  options.headers = {{"X-Api-Key", "k1"}};
  ws_link link(io.get_executor(), options, probe.callbacks());
  const auto id = open(link, "/stream?streams=a");
  EXPECT_TRUE(link.is_open());

  const auto record = server.record(id);
  ASSERT_TRUE(record);
  EXPECT_EQ(record->target, "/stream?streams=a");
  auto header = [&](std::string_view name) {
    for (const auto& [n, v] : record->headers)
      if (n == name) return v;
    return std::string();
  };
  EXPECT_EQ(header("User-Agent"), "steadyfeed-test/1");
  EXPECT_EQ(header("X-Api-Key"), "k1");
  EXPECT_EQ(header("Host"), "127.0.0.1:" + std::to_string(server.port()));

  link.send("hello");
  link.send("again");
  ASSERT_TRUE(run_until(
      io, [&] { return server.frames(id).size() == 2; }, wait));
  EXPECT_EQ(server.frames(id), (std::vector<std::string>{"hello", "again"}));

  server.send(id, R"({"stream":"a","seq":1})");
  server.send(id, R"({"stream":"a","seq":2})");
  ASSERT_TRUE(run_until(
      io, [&] { return probe.frames.size() == 2; }, wait));
  EXPECT_EQ(probe.frames[0], R"({"stream":"a","seq":1})");
  EXPECT_EQ(link.frames_received(), 2u);

  link.close(4000, "rotation");
  EXPECT_FALSE(link.is_open());
  ASSERT_TRUE(run_until(
      io, [&] { return !server.record(id)->open; }, wait));
  EXPECT_EQ(server.record(id)->close_code, 4000);
  test::run_for(io, milliseconds{20});
  EXPECT_FALSE(probe.closed) << "close() must not be reported back";
}

TEST_F(ws_link_test, frames_are_followed_by_padding_for_in_place_parsing) {
  std::size_t checked = 0;
  ws_link padded(io.get_executor(), {}, [&] {
    auto cb = probe.callbacks();
    cb.on_frame = [&](std::string_view frame) {
      // Reading the padding must be valid (ASan would flag it otherwise).
      volatile char last = frame.data()[frame.size() + ws_frame_padding - 1];
      (void)last;
      ++checked;
    };
    return cb;
  }());
  const auto id = open(padded);
  for (std::size_t size : {1u, 100u, 4000u, 70000u, 10u}) server.send(id, std::string(size, 'p'));
  ASSERT_TRUE(run_until(
      io, [&] { return checked == 5; }, wait));
}

// Callers stamp frames with the time of the read that brought them: a read
// is reported before the frames it completes, never after.
TEST_F(ws_link_test, every_frame_follows_the_report_of_the_read_that_brought_it) {
  std::size_t reads = 0, frames = 0, unannounced = 0, read_seen_at_frame = 0;
  ws_link link(io.get_executor(), {}, [&] {
    auto cb = probe.callbacks();
    cb.on_read = [&] { ++reads; };
    cb.on_frame = [&](std::string_view) {
      if (reads == read_seen_at_frame) ++unannounced;  // no read since the last frame's
      ++frames;
    };
    return cb;
  }());
  const auto id = open(link);
  for (int i = 0; i < 3; ++i) {
    server.send(id, "frame");
    ASSERT_TRUE(run_until(
        io, [&] { return frames == static_cast<std::size_t>(i + 1); }, wait));
    EXPECT_EQ(unannounced, 0u);
    read_seen_at_frame = reads;
  }
  EXPECT_GE(reads, 3u);
}

TEST_F(ws_link_test, writes_queued_before_open_go_out_in_order) {
  ws_link link(io.get_executor(), {}, probe.callbacks());
  link.send("first");
  link.ping("p");
  link.send("second");
  const auto id = open(link);
  ASSERT_TRUE(run_until(
      io, [&] { return server.frames(id).size() == 2; }, wait));
  EXPECT_EQ(server.frames(id), (std::vector<std::string>{"first", "second"}));
  ASSERT_TRUE(run_until(
      io, [&] { return probe.pongs.size() == 1; }, wait));
  EXPECT_EQ(probe.pongs[0], "p");
}

TEST_F(ws_link_test, ping_is_answered_with_a_pong_carrying_the_payload) {
  ws_link link(io.get_executor(), {}, probe.callbacks());
  open(link);
  link.ping("rtt-1");
  link.ping(std::string(300, 'x'));  // truncated to the 125 bytes a control frame holds
  ASSERT_TRUE(run_until(
      io, [&] { return probe.pongs.size() == 2; }, wait));
  EXPECT_EQ(probe.pongs[0], "rtt-1");
  EXPECT_EQ(probe.pongs[1].size(), 125u);
}

TEST_F(ws_link_test, server_pings_are_reported_and_answered_automatically) {
  ws_link link(io.get_executor(), {}, probe.callbacks());
  const auto id = open(link);
  server.ping(id, "srv-1");
  ASSERT_TRUE(run_until(
      io, [&] { return probe.pings.size() == 1; }, wait));
  EXPECT_EQ(probe.pings[0], "srv-1");
  ASSERT_TRUE(run_until(
      io, [&] { return server.record(id)->pongs.size() == 1; }, wait));
  EXPECT_EQ(server.record(id)->pongs[0], "srv-1");
}

TEST_F(ws_link_test, server_close_reports_closed_by_peer_with_code_and_reason) {
  ws_link link(io.get_executor(), {}, probe.callbacks());
  const auto id = open(link);
  server.close(id, 4002, "maintenance");
  ASSERT_TRUE(run_until(
      io, [&] { return probe.closed.has_value(); }, wait));
  EXPECT_EQ(probe.closed->code, errc::closed_by_peer);
  EXPECT_EQ(probe.closed->close_code, 4002);
  EXPECT_NE(probe.closed->detail.find("maintenance"), std::string::npos) << probe.closed->detail;
  EXPECT_FALSE(link.is_open());
  EXPECT_TRUE(run_until(
      io, [&] { return !server.record(id)->open; }, wait));
}

TEST_F(ws_link_test, tcp_reset_reports_reset_by_peer) {
  ws_link link(io.get_executor(), {}, probe.callbacks());
  const auto id = open(link);
  server.reset(id);
  ASSERT_TRUE(run_until(
      io, [&] { return probe.closed.has_value(); }, wait));
  EXPECT_EQ(probe.closed->code, errc::reset_by_peer) << probe.closed->to_string();
}

TEST_F(ws_link_test, tcp_close_without_close_frame_reports_eof) {
  // A bare TCP server that reads the upgrade request and closes without a word.
  boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address_v4("127.0.0.1"), 0});
  const auto port = acceptor.local_endpoint().port();
  ws_link link(io.get_executor(), {}, probe.callbacks());
  link.open("ws://127.0.0.1:" + std::to_string(port) + "/");
  boost::asio::ip::tcp::socket peer(io);
  std::string request;
  acceptor.async_accept(peer, [&](const boost::system::error_code& ec) {
    if (ec) return;
    // Reading the request first makes the close a FIN, not a reset for unread data.
    boost::asio::async_read_until(
        peer, boost::asio::dynamic_buffer(request), "\r\n\r\n",
        [&](const boost::system::error_code&, std::size_t) { peer.close(); });
  });
  ASSERT_TRUE(run_until(
      io, [&] { return probe.ended(); }, wait));
  ASSERT_TRUE(probe.open_failed);
  EXPECT_EQ(probe.open_failed->code, errc::eof) << probe.open_failed->to_string();
}

TEST_F(ws_link_test, oversized_frame_reports_frame_too_large) {
  ws_link_options options;
  options.max_frame_bytes = 1024;
  ws_link link(io.get_executor(), options, probe.callbacks());
  const auto id = open(link);
  server.send(id, std::string(1024, 'a'));  // exactly the limit is fine
  server.send_oversized(id, 1025);
  ASSERT_TRUE(run_until(
      io, [&] { return probe.closed.has_value(); }, wait));
  EXPECT_EQ(probe.frames.size(), 1u);
  EXPECT_EQ(probe.closed->code, errc::frame_too_large);
  EXPECT_EQ(probe.closed->code, error_condition_kind::protocol);
  EXPECT_EQ(probe.closed->close_code, 1009);
  // The link tells the server why (close 1009) — unless the server, still
  // sending, saw the socket end before it read the close frame.
  ASSERT_TRUE(run_until(
      io, [&] { return !server.record(id)->open; }, wait));
  const int told = server.record(id)->close_code;
  EXPECT_TRUE(told == 1009 || told == 0) << told;
}

TEST_F(ws_link_test, malformed_urls_fail_with_bad_url_never_synchronously) {
  for (const char* url : {"not a url", "http://127.0.0.1/", "ws:///nohost", "ws://127.0.0.1:0/"}) {
    link_probe p;
    ws_link link(io.get_executor(), {}, p.callbacks());
    link.open(url);
    EXPECT_EQ(p.reports, 0) << "reported from inside open(): " << url;
    ASSERT_TRUE(run_until(
        io, [&] { return p.ended(); }, wait))
        << url;
    ASSERT_TRUE(p.open_failed);
    EXPECT_EQ(p.open_failed->code, errc::bad_url) << url;
    EXPECT_EQ(p.open_failed->code, error_condition_kind::fatal);
    EXPECT_FALSE(p.open_failed->detail.empty());
  }
}

TEST_F(ws_link_test, bad_proxy_url_fails_with_bad_url) {
  ws_link_options options;
  options.proxy = "socks5://127.0.0.1:1080";
  ws_link link(io.get_executor(), options, probe.callbacks());
  link.open(server.url());
  ASSERT_TRUE(run_until(
      io, [&] { return probe.ended(); }, wait));
  EXPECT_EQ(probe.open_failed->code, errc::bad_url);
}

TEST_F(ws_link_test, refused_tcp_connect_reports_connect_refused) {
  server.refuse_connections(true);
  ws_link link(io.get_executor(), {}, probe.callbacks());
  link.open(server.url());
  ASSERT_TRUE(run_until(
      io, [&] { return probe.ended(); }, wait));
  ASSERT_TRUE(probe.open_failed);
  EXPECT_EQ(probe.open_failed->code, errc::connect_refused);
  EXPECT_TRUE(is_retryable(probe.open_failed->code));

  server.refuse_connections(false);
  link_probe again;
  ws_link second(io.get_executor(), {}, again.callbacks());
  second.open(server.url());
  EXPECT_TRUE(run_until(
      io, [&] { return again.opened == 1; }, wait));
}

TEST_F(ws_link_test, upgrade_refused_with_403_is_fatal) {
  server.refuse_upgrades({403, {}, "forbidden region"});
  ws_link link(io.get_executor(), {}, probe.callbacks());
  link.open(server.url());
  ASSERT_TRUE(run_until(
      io, [&] { return probe.ended(); }, wait));
  ASSERT_TRUE(probe.open_failed);
  EXPECT_EQ(probe.open_failed->http_status, 403);
  EXPECT_EQ(probe.open_failed->code, error_condition_kind::fatal);
  EXPECT_FALSE(is_retryable(probe.open_failed->code));
  EXPECT_NE(probe.open_failed->detail.find("forbidden region"), std::string::npos);
}

TEST_F(ws_link_test, upgrade_refused_with_429_carries_retry_after) {
  server.refuse_upgrades({429, {{"Retry-After", "7"}}, {}});
  ws_link link(io.get_executor(), {}, probe.callbacks());
  link.open(server.url());
  ASSERT_TRUE(run_until(
      io, [&] { return probe.ended(); }, wait));
  ASSERT_TRUE(probe.open_failed);
  EXPECT_EQ(probe.open_failed->code, errc::rate_limited);
  EXPECT_EQ(probe.open_failed->code, error_condition_kind::rate_limited);
  EXPECT_EQ(probe.open_failed->http_status, 429);
  EXPECT_EQ(probe.open_failed->retry_after, seconds{7});
}

TEST_F(ws_link_test, upgrade_refused_with_an_http_date_retry_after) {
  server.refuse_upgrades({418,
                          {{"Date", "Tue, 14 Nov 2023 22:13:20 GMT"},
                           {"Retry-After", "Tue, 14 Nov 2023 22:15:20 GMT"}},
                          {}});
  ws_link link(io.get_executor(), {}, probe.callbacks());
  link.open(server.url());
  ASSERT_TRUE(run_until(
      io, [&] { return probe.ended(); }, wait));
  EXPECT_EQ(probe.open_failed->code, errc::banned);
  EXPECT_EQ(probe.open_failed->retry_after, seconds{120});
}

TEST_F(ws_link_test, upgrade_refused_with_503_is_transient) {
  server.refuse_upgrades({503, {}, {}});
  ws_link link(io.get_executor(), {}, probe.callbacks());
  link.open(server.url());
  ASSERT_TRUE(run_until(
      io, [&] { return probe.ended(); }, wait));
  EXPECT_EQ(probe.open_failed->code, errc::server_error);
  EXPECT_TRUE(is_retryable(probe.open_failed->code));
}

TEST_F(ws_link_test, destroying_a_link_mid_handshake_is_safe_and_silent) {
  // A TCP peer that accepts and never answers: the link waits in the upgrade.
  boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address_v4("127.0.0.1"), 0});
  const auto url = "ws://127.0.0.1:" + std::to_string(acceptor.local_endpoint().port()) + "/";
  boost::asio::ip::tcp::socket peer(io);
  bool accepted = false;
  acceptor.async_accept(peer, [&](const boost::system::error_code& ec) { accepted = !ec; });
  {
    ws_link link(io.get_executor(), {}, probe.callbacks());
    link.open(url);
    ASSERT_TRUE(run_until(
        io, [&] { return accepted; }, wait));
    test::run_for(io, milliseconds{10});
  }
  // The pending handshake is aborted; nothing is reported and nothing hangs.
  char byte;
  boost::system::error_code ec;
  ASSERT_TRUE(run_until(
      io,
      [&] {
        peer.non_blocking(true);
        peer.read_some(boost::asio::buffer(&byte, 1), ec);
        return ec && ec != boost::asio::error::would_block;
      },
      wait))
      << "the link's socket must be closed";
  EXPECT_EQ(probe.reports, 0);
}

TEST_F(ws_link_test, close_during_connect_reports_nothing) {
  ws_link link(io.get_executor(), {}, probe.callbacks());
  link.open(server.url());
  link.close();
  test::run_for(io, milliseconds{50});
  EXPECT_EQ(probe.reports, 0);
  EXPECT_FALSE(link.is_open());
}

TEST_F(ws_link_test, close_against_a_half_open_peer_finishes_within_the_close_timeout) {
  ws_link_options options;
  options.close_timeout = milliseconds{100};
  auto link = std::make_unique<ws_link>(io.get_executor(), options, probe.callbacks());
  const auto id = open(*link);
  server.stop_reading(id);
  link->close(1000, "bye");
  link.reset();
  // The closing handshake cannot complete; the timer cuts it off and the
  // connection state is freed (the io_context runs out of work).
  test::run_for(io, milliseconds{500});
  EXPECT_TRUE(io.stopped()) << "operations still pending after the close timeout";
  EXPECT_EQ(probe.reports, 1);  // only on_open
}

// ---- against a scripted peer ------------------------------------------------------

TEST_F(ws_link_test, frames_sent_along_with_the_101_are_delivered_after_on_open) {
  raw_peer peer(io);
  peer.serve([](const std::string& key) {
    return raw_peer::accept(key) + ws_test_server::serialize_frame("early-1") +
           ws_test_server::serialize_frame("early-2");
  });
  bool open_first = true;
  std::size_t reads = 0;
  bool read_first = true;
  ws_link link(io.get_executor(), {}, [&] {
    auto cb = probe.callbacks();
    auto record = cb.on_frame;
    cb.on_read = [&] { ++reads; };
    cb.on_frame = [&, record](std::string_view frame) {
      open_first = open_first && probe.opened == 1;
      read_first = read_first && reads > 0;
      record(frame);
    };
    return cb;
  }());
  link.open(peer.url());
  ASSERT_TRUE(run_until(
      io, [&] { return probe.frames.size() == 2 || probe.ended(); }, wait));
  EXPECT_EQ(probe.frames, (std::vector<std::string>{"early-1", "early-2"}));
  EXPECT_TRUE(open_first);
  EXPECT_TRUE(read_first);
}

TEST_F(ws_link_test, a_wrong_accept_key_fails_the_upgrade) {
  raw_peer peer(io);
  peer.serve([](const std::string&) { return raw_peer::accept("not the client's key"); });
  ws_link link(io.get_executor(), {}, probe.callbacks());
  link.open(peer.url());
  ASSERT_TRUE(run_until(
      io, [&] { return probe.ended(); }, wait));
  ASSERT_TRUE(probe.open_failed);
  EXPECT_EQ(probe.open_failed->code, errc::protocol_violation) << probe.open_failed->to_string();
  EXPECT_NE(probe.open_failed->detail.find("Sec-WebSocket-Accept"), std::string::npos);
  EXPECT_EQ(probe.opened, 0);
}

TEST_F(ws_link_test, fragments_are_reassembled_and_pings_between_them_answered) {
  raw_peer peer(io);
  peer.serve([](const std::string& key) {
    return raw_peer::accept(key) + raw_frame(0x01, "frag") + raw_frame(0x89, "mid") +
           raw_frame(0x00, "men") + raw_frame(0x80, "ted") + raw_frame(0x82, "\x01\x02");
  });
  ws_link link(io.get_executor(), {}, probe.callbacks());
  link.open(peer.url());
  ASSERT_TRUE(run_until(
      io, [&] { return probe.frames.size() == 2 || probe.ended(); }, wait));
  EXPECT_EQ(probe.frames, (std::vector<std::string>{"fragmented", "\x01\x02"}));
  EXPECT_EQ(probe.pings, (std::vector<std::string>{"mid"}));
  ASSERT_TRUE(run_until(
      io, [&] { return !client_frames(peer.received()).empty(); }, wait));
  const auto sent = client_frames(peer.received());
  EXPECT_EQ(sent[0].opcode, 0xa);
  EXPECT_EQ(sent[0].payload, "mid");
  EXPECT_TRUE(sent[0].masked);
}

TEST_F(ws_link_test, a_masked_server_frame_fails_the_link_and_says_1002) {
  raw_peer peer(io);
  peer.serve([](const std::string& key) {
    return raw_peer::accept(key) + raw_frame(0x81, "fine") + raw_frame(0x81, "masked", true);
  });
  ws_link link(io.get_executor(), {}, probe.callbacks());
  link.open(peer.url());
  ASSERT_TRUE(run_until(
      io, [&] { return probe.ended(); }, wait));
  EXPECT_EQ(probe.frames, (std::vector<std::string>{"fine"}));
  ASSERT_TRUE(probe.closed);
  EXPECT_EQ(probe.closed->code, errc::protocol_violation);
  EXPECT_EQ(probe.closed->code, error_condition_kind::protocol);
  EXPECT_NE(probe.closed->detail.find("masked"), std::string::npos) << probe.closed->detail;
  // The peer is told why, then the connection ends.
  ASSERT_TRUE(run_until(
      io, [&] { return peer.eof(); }, wait));
  const auto sent = client_frames(peer.received());
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].opcode, 0x8);
  EXPECT_EQ(close_code_in(sent[0]), 1002);
}

TEST_F(ws_link_test, a_close_frame_is_echoed_before_the_connection_ends) {
  raw_peer peer(io);
  peer.serve([](const std::string& key) {
    return raw_peer::accept(key) + raw_frame(0x88, std::string("\x0f\xa2"
                                                               "bye",
                                                               5));
  });
  ws_link link(io.get_executor(), {}, probe.callbacks());
  link.open(peer.url());
  ASSERT_TRUE(run_until(
      io, [&] { return probe.ended(); }, wait));
  ASSERT_TRUE(probe.closed);
  EXPECT_EQ(probe.closed->code, errc::closed_by_peer);
  EXPECT_EQ(probe.closed->close_code, 4002);
  EXPECT_EQ(probe.closed->detail, "peer closed with code 4002: bye");
  ASSERT_TRUE(run_until(
      io, [&] { return peer.eof(); }, wait));
  const auto sent = client_frames(peer.received());
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].opcode, 0x8);
  EXPECT_EQ(sent[0].payload, std::string("\x0f\xa2"
                                         "bye",
                                         5));
}

TEST_F(ws_link_test, destroying_an_open_link_mid_stream_is_safe_and_silent) {
  // Destroyed from inside on_frame, with a read just completed and a write
  // (the send) and the close frame queued behind it.
  std::unique_ptr<ws_link> link;
  ws_link_callbacks cb = probe.callbacks();
  auto record = cb.on_frame;
  cb.on_frame = [&, record](std::string_view frame) {
    record(frame);
    if (probe.frames.size() == 2) {
      link->send(std::string(4000, 's'));
      link.reset();
    }
  };
  link = std::make_unique<ws_link>(io.get_executor(), ws_link_options{}, cb);
  const auto id = open(*link);
  for (int i = 0; i < 50; ++i) server.send(id, "tick " + std::to_string(i));
  ASSERT_TRUE(run_until(
      io, [&] { return !link; }, wait));
  ASSERT_TRUE(run_until(
      io, [&] { return !server.record(id)->open; }, wait));
  test::run_for(io, milliseconds{20});
  EXPECT_EQ(probe.frames.size(), 2u);
  EXPECT_FALSE(probe.closed);
}

}  // namespace
}  // namespace sf
