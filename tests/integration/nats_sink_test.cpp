// The nats sink against a real `nats-server -js` on loopback: every record
// stored once, in order, with its identity; duplicates from a second
// publisher dropped; an outage, a start while NATS is down, a full spool and
// a close with records unsent, each judged by reading the stream back.
#include "steadyfeed/sink/nats_sink.hpp"

#include <gtest/gtest.h>

#include <nats/nats.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <stdexcept>
#include <vector>

#include "steadyfeed/sink/nats_stream_reader.hpp"
#include "support/child_process.hpp"
#include "support/nats_drop_proxy.hpp"
#include "support/nats_server.hpp"
#include "support/nkey_pair.hpp"
#include "support/temp_dir.hpp"
#include "support/test_certificates.hpp"

namespace sf {
namespace {

using test::nats_server;
using test::poll_until;
using test::temp_dir;

// Sanitized builds run the same scenarios with fewer records.
#ifdef STEADYFEED_SANITIZED_BUILD
constexpr int volume = 4;
#else
constexpr int volume = 1;
#endif

struct test_record {
  std::string venue = "okx", channel = "trades", symbol;
  std::string id;
  std::string line;
};

test_record trade(const std::string& symbol, int id) {
  test_record r;
  r.symbol = symbol;
  r.id = std::to_string(id);
  r.line = R"({"type":"trade","venue":"okx","symbol":")" + symbol + R"(","id":")" + r.id + "\"}\n";
  return r;
}

std::error_code write(nats_sink& s, const test_record& r) {
  return s.write(sink_record{record_kind::trade, r.venue, r.channel, r.symbol, r.id, 1'700'000'000'000'000, r.line});
}

nats_sink_config config_for(const nats_server& server, std::string stream = "TEST") {
  nats_sink_config c;
  c.servers = {server.url()};
  c.stream.name = std::move(stream);
  c.ack_timeout = std::chrono::milliseconds{1000};
  c.drain_timeout = std::chrono::milliseconds{10'000};
  return c;
}

std::string describe(const nats_sink_stats& st) {
  return "in flight " + std::to_string(st.in_flight) + ", queued " + std::to_string(st.queued) + ", spool unread " +
         std::to_string(st.spool.unread) + ", acked " + std::to_string(st.acked) + ", failures " +
         std::to_string(st.failures) + ", connected " + std::to_string(st.connected) + ", last error: " + st.last_error;
}

// Ticks until everything written is acked (or 20 s pass).
bool settle(nats_sink& s) {
  return poll_until(
      [&] {
        s.tick(time_point{});
        const auto st = s.nats_stats();
        return st.in_flight == 0 && st.queued == 0 && st.spool.unread == 0;
      },
      std::chrono::seconds{20});
}

std::vector<nats_stored_message> stored(const nats_sink_config& c) {
  std::vector<nats_stored_message> out;
  nats_stream_reader reader(c);
  reader.read([&](const nats_stored_message& m) { out.push_back(m); });
  return out;
}

// The ids stored per subject, in stream order.
std::map<std::string, std::vector<std::string>> ids_by_subject(const std::vector<nats_stored_message>& ms) {
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& m : ms) out[m.subject].push_back(m.message_id.substr(m.message_id.rfind('.') + 1));
  return out;
}

// A plain JetStream client beside the sink, for what a test does to a
// stream itself: make it with settings the sink would not choose, delete it,
// look at it.
class jetstream_client {
 public:
  explicit jetstream_client(const nats_server& server) {
    if (natsConnection_ConnectTo(&nc_, server.url().c_str()) != NATS_OK ||
        natsConnection_JetStream(&js_, nc_, nullptr) != NATS_OK)
      throw std::runtime_error("jetstream_client: cannot connect to " + server.url());
  }
  ~jetstream_client() {
    jsCtx_Destroy(js_);
    natsConnection_Destroy(nc_);
  }
  jetstream_client(const jetstream_client&) = delete;
  jetstream_client& operator=(const jetstream_client&) = delete;

  // A file-stored stream taking `subjects`; `max_msg_size` -1: no limit.
  natsStatus add_stream(const std::string& name, std::vector<const char*> subjects, std::int32_t max_msg_size = -1) {
    jsStreamConfig sc;
    jsStreamConfig_Init(&sc);
    sc.Name = name.c_str();
    sc.Subjects = subjects.data();
    sc.SubjectsLen = static_cast<int>(subjects.size());
    sc.MaxMsgSize = max_msg_size;
    return js_AddStream(nullptr, js_, &sc, nullptr, nullptr);
  }
  natsStatus delete_stream(const std::string& name) { return js_DeleteStream(js_, name.c_str(), nullptr, nullptr); }
  // The stream's consumers now; -1 when there is no such stream.
  std::int64_t consumers(const std::string& name) {
    jsStreamInfo* si = nullptr;
    if (js_GetStreamInfo(&si, js_, name.c_str(), nullptr, nullptr) != NATS_OK) return -1;
    const std::int64_t n = si->State.Consumers;
    jsStreamInfo_Destroy(si);
    return n;
  }

 private:
  natsConnection* nc_ = nullptr;
  jsCtx* js_ = nullptr;
};

std::vector<std::string> ids(int from, int to) {
  std::vector<std::string> out;
  for (int i = from; i <= to; ++i) out.push_back(std::to_string(i));
  return out;
}

TEST(NatsSink, EveryRecordIsStoredOnceInOrderWithItsIdentity) {
  temp_dir dir("nats");
  nats_server server(dir.path / "server");
  const auto c = config_for(server);
  const int n = 3000 / volume;
  {
    nats_sink s(c);
    for (int i = 1; i <= n; ++i) {
      ASSERT_FALSE(write(s, trade("BTC-USDT", i)));
      ASSERT_FALSE(write(s, trade("ETH.USDT", i)));  // a dot: escaped in the subject
      if (i % 500 == 0) s.tick(time_point{});
    }
    ASSERT_TRUE(settle(s)) << describe(s.nats_stats());
    EXPECT_EQ(s.nats_stats().duplicates, 0u);
    EXPECT_FALSE(s.close());
  }
  const auto ms = stored(c);
  ASSERT_EQ(ms.size(), static_cast<std::size_t>(2 * n));
  const auto by = ids_by_subject(ms);
  EXPECT_EQ(by.at("md.okx.trades.BTC-USDT"), ids(1, n));
  EXPECT_EQ(by.at("md.okx.trades.ETH%2EUSDT"), ids(1, n));
  EXPECT_EQ(ms[0].message_id, "okx.trades.BTC-USDT.1");
  EXPECT_EQ(ms[0].data, trade("BTC-USDT", 1).line);

  // A second collector sending the same records adds nothing.
  {
    nats_sink again(c);
    for (int i = 1; i <= n; ++i) ASSERT_FALSE(write(again, trade("BTC-USDT", i)));
    ASSERT_TRUE(settle(again)) << describe(again.nats_stats());
    EXPECT_EQ(again.nats_stats().duplicates, static_cast<std::uint64_t>(n));
  }
  EXPECT_EQ(stored(c).size(), static_cast<std::size_t>(2 * n));
  // Reading it back left no consumer behind.
  EXPECT_EQ(jetstream_client(server).consumers("TEST"), 0);
}

TEST(NatsSink, AnOutageLosesNothingAndKeepsTheOrder) {
  temp_dir dir("nats");
  nats_server server(dir.path / "server");
  auto c = config_for(server);
  c.memory_bytes = 16 << 10;  // most of the outage goes to the spool
  c.spool = record_spool_config{.dir = dir.path / "spool"};
  nats_sink s(c);
  int next = 1;
  const int before = 2000 / volume, during = 20000 / volume, total = 25000 / volume;
  for (; next <= before; ++next) ASSERT_FALSE(write(s, trade("BTC-USDT", next)));
  server.kill();
  ASSERT_TRUE(poll_until([&] { return !s.nats_stats().connected; }, std::chrono::seconds{10}));
  for (; next <= during; ++next) {
    ASSERT_FALSE(write(s, trade("BTC-USDT", next)));
    if (next % 1000 == 0) s.tick(time_point{});
  }
  // Once the connection is found lost, what waited in memory went to the
  // spool ahead of the rest, and the rest followed it there.
  EXPECT_GT(s.nats_stats().spool.records, 0u);
  EXPECT_EQ(s.nats_stats().queued, 0u);
  server.start();  // same port, same store
  // New records keep coming while the backlog drains.
  ASSERT_TRUE(poll_until(
      [&] {
        for (int i = 0; i < 250 && next <= total; ++i) EXPECT_FALSE(write(s, trade("BTC-USDT", next++)));
        s.tick(time_point{});
        const auto st = s.nats_stats();
        return next > total && st.in_flight == 0 && st.queued == 0 && st.spool.unread == 0;
      },
      std::chrono::seconds{30}))
      << describe(s.nats_stats());
  ASSERT_TRUE(settle(s)) << describe(s.nats_stats());
  EXPECT_EQ(s.nats_stats().records_lost, 0u);
  EXPECT_FALSE(s.close());
  EXPECT_EQ(s.nats_stats().spool.records, 0u) << "delivered segments are deleted";
  const auto by = ids_by_subject(stored(c));
  EXPECT_EQ(by.at("md.okx.trades.BTC-USDT"), ids(1, total));
}

TEST(NatsSink, AcksThatTimeOutAreResentInOrderAndTheDuplicatesDropped) {
  temp_dir dir("nats");
  nats_server server(dir.path / "server");
  auto c = config_for(server);
  c.ack_timeout = std::chrono::milliseconds{300};
  nats_sink s(c);
  ASSERT_TRUE(poll_until([&] { s.tick(time_point{}); return s.nats_stats().connected; }, std::chrono::seconds{5}));
  ASSERT_FALSE(write(s, trade("BTC-USDT", 1)));
  ASSERT_TRUE(settle(s)) << describe(s.nats_stats());
  server.pause();
  for (int i = 2; i <= 1000; ++i) ASSERT_FALSE(write(s, trade("BTC-USDT", i)));
  // Every ack times out; the window settles and is sent again, and again.
  ASSERT_TRUE(poll_until([&] { s.tick(time_point{}); return s.nats_stats().resent >= 999; }, std::chrono::seconds{10}))
      << describe(s.nats_stats());
  EXPECT_GE(s.nats_stats().failures, 999u);
  server.resume();
  ASSERT_TRUE(settle(s)) << describe(s.nats_stats());
  EXPECT_FALSE(s.close());
  // The first sends were stored when the server woke; the resends were
  // acked as duplicates.
  EXPECT_GT(s.nats_stats().duplicates, 0u);
  EXPECT_EQ(ids_by_subject(stored(c)).at("md.okx.trades.BTC-USDT"), ids(1, 1000));
}

TEST(NatsSink, StartedWhileNatsIsDownItSpoolsThenDelivers) {
  temp_dir dir("nats");
  const unsigned short port = test::free_port();
  nats_sink_config c;
  c.servers = {"nats://127.0.0.1:" + std::to_string(port)};
  c.stream.name = "TEST";
  c.memory_bytes = 4 << 10;
  c.spool = record_spool_config{.dir = dir.path / "spool"};
  nats_sink s(c);
  for (int i = 1; i <= 1000; ++i) ASSERT_FALSE(write(s, trade("BTC-USDT", i)));
  s.tick(time_point{});
  EXPECT_FALSE(s.nats_stats().connected);
  EXPECT_GT(s.nats_stats().spool.records, 0u);
  nats_server server(dir.path / "server", port);
  ASSERT_TRUE(settle(s)) << describe(s.nats_stats());
  EXPECT_FALSE(s.close());
  EXPECT_EQ(ids_by_subject(stored(c)).at("md.okx.trades.BTC-USDT"), ids(1, 1000));
}

TEST(NatsSink, WhatAFullSpoolCannotKeepBecomesOneGapRecordNamingIt) {
  temp_dir dir("nats");
  const unsigned short port = test::free_port();
  nats_sink_config c;
  c.servers = {"nats://127.0.0.1:" + std::to_string(port)};
  c.stream.name = "TEST";
  c.memory_bytes = 0;
  record_spool_config spool{.dir = dir.path / "spool"};
  const auto r = trade("BTC-USDT", 1001);
  spool.max_bytes = record_spool::encoded_size(
                        spooled_record{record_kind::trade, r.venue, r.channel, r.symbol, r.id, 1'700'000'000'000'000, r.line}) *
                    100;  // ids 1001..1100
  c.spool = spool;
  nats_sink s(c);
  int errors = 0;
  for (int i = 1001; i <= 1150; ++i)
    if (write(s, trade("BTC-USDT", i))) ++errors;
  EXPECT_EQ(errors, 1) << "the first loss of a run is reported, not every record";
  EXPECT_EQ(s.nats_stats().records_lost, 50u);
  EXPECT_NE(s.nats_stats().last_error.find("spool full"), std::string::npos) << s.nats_stats().last_error;
  // The run is named within a second even when the stream sends nothing
  // more (a crash then still leaves its gap record), and 1151 follows it.
  nats_server server(dir.path / "server", port);
  ASSERT_TRUE(poll_until([&] { s.tick(time_point{}); return s.nats_stats().gap_records == 1; }, std::chrono::seconds{5}));
  ASSERT_TRUE(settle(s)) << describe(s.nats_stats());
  ASSERT_FALSE(write(s, trade("BTC-USDT", 1151)));
  ASSERT_TRUE(settle(s)) << describe(s.nats_stats());
  EXPECT_FALSE(s.close());
  const auto ms = stored(c);
  ASSERT_EQ(ms.size(), 102u);
  EXPECT_EQ(ms[99].message_id, "okx.trades.BTC-USDT.1100");
  EXPECT_EQ(ms[100].message_id, "okx.trades.BTC-USDT.gap:1101-1150");
  EXPECT_NE(ms[100].data.find(R"("from":"1101","to":"1150")"), std::string::npos) << ms[100].data;
  EXPECT_EQ(ms[101].message_id, "okx.trades.BTC-USDT.1151");
}

TEST(NatsSink, RecordsUnsentAtCloseWaitInTheSpoolForTheNextStart) {
  temp_dir dir("nats");
  const unsigned short port = test::free_port();
  nats_sink_config c;
  c.servers = {"nats://127.0.0.1:" + std::to_string(port)};
  c.stream.name = "TEST";
  c.spool = record_spool_config{.dir = dir.path / "spool"};
  c.drain_timeout = std::chrono::milliseconds{200};
  {
    nats_sink s(c);
    for (int i = 1; i <= 500; ++i) ASSERT_FALSE(write(s, trade("BTC-USDT", i)));
    EXPECT_EQ(s.nats_stats().queued, 500u);  // in memory
    EXPECT_FALSE(s.close());
    EXPECT_EQ(s.nats_stats().spool.records, 500u);
  }
  nats_server server(dir.path / "server", port);
  c.drain_timeout = std::chrono::milliseconds{10'000};
  nats_sink s(c);
  ASSERT_FALSE(write(s, trade("BTC-USDT", 501)));
  ASSERT_TRUE(settle(s)) << describe(s.nats_stats());
  EXPECT_FALSE(s.close());
  EXPECT_EQ(ids_by_subject(stored(c)).at("md.okx.trades.BTC-USDT"), ids(1, 501));
}

// Records sent and never acknowledged (the server stopped, not gone) are
// kept at close, not dropped with the window.
TEST(NatsSink, RecordsInFlightAtCloseWaitInTheSpoolToo) {
  temp_dir dir("nats");
  nats_server server(dir.path / "server");
  auto c = config_for(server);
  c.spool = record_spool_config{.dir = dir.path / "spool"};
  c.drain_timeout = std::chrono::milliseconds{300};
  {
    nats_sink s(c);
    ASSERT_TRUE(poll_until([&] { s.tick(time_point{}); return s.nats_stats().connected; }, std::chrono::seconds{5}));
    ASSERT_FALSE(write(s, trade("BTC-USDT", 1)));
    ASSERT_TRUE(settle(s)) << describe(s.nats_stats());
    server.pause();
    for (int i = 2; i <= 500; ++i) ASSERT_FALSE(write(s, trade("BTC-USDT", i)));
    s.tick(time_point{});
    // (A few may be acked before the stop reaches the server.)
    const auto unacked = s.nats_stats().in_flight;
    EXPECT_GT(unacked, 400u);
    s.close();
    // Every record not acked by then (a few more may be during the drain)
    // is in the spool.
    EXPECT_EQ(s.nats_stats().spool.records, 500u - s.nats_stats().acked);
  }
  server.kill();  // the paused server's first sends never land
  server.start();
  c.drain_timeout = std::chrono::milliseconds{10'000};
  nats_sink s(c);
  ASSERT_TRUE(settle(s)) << describe(s.nats_stats());
  EXPECT_FALSE(s.close());
  EXPECT_EQ(ids_by_subject(stored(c)).at("md.okx.trades.BTC-USDT"), ids(1, 500));
}

// While NATS is away, what waits for a resend moves to disk (a crash then
// loses none of it), and goes first when NATS is back.
TEST(NatsSink, WhileNatsIsAwayUnsentRecordsMoveToTheSpoolInOrder) {
  temp_dir dir("nats");
  nats_server server(dir.path / "server");
  auto c = config_for(server);
  c.ack_timeout = std::chrono::milliseconds{300};
  c.spool = record_spool_config{.dir = dir.path / "spool"};
  nats_sink s(c);
  ASSERT_TRUE(poll_until([&] { s.tick(time_point{}); return s.nats_stats().connected; }, std::chrono::seconds{5}));
  server.pause();
  for (int i = 1; i <= 300; ++i) ASSERT_FALSE(write(s, trade("BTC-USDT", i)));
  server.kill();
  ASSERT_TRUE(poll_until(
      [&] {
        s.tick(time_point{});
        return s.nats_stats().in_flight == 0 && s.nats_stats().spool.records == 300;
      },
      std::chrono::seconds{10}))
      << describe(s.nats_stats());
  for (int i = 301; i <= 400; ++i) ASSERT_FALSE(write(s, trade("BTC-USDT", i)));
  s.tick(time_point{});
  EXPECT_EQ(s.nats_stats().spool.records, 400u);
  server.start();
  ASSERT_TRUE(settle(s)) << describe(s.nats_stats());
  EXPECT_FALSE(s.close());
  EXPECT_EQ(ids_by_subject(stored(c)).at("md.okx.trades.BTC-USDT"), ids(1, 400));
}

// A publish lost on its way (as when a cluster's stream leader dies with it
// in flight) while the records behind it arrive. With strict_order the
// server refuses those until the lost one is stored: the stream keeps the
// written order. Without it, they are stored first and the lost one comes
// last, when its ack times out: that is what strict_order prevents.
TEST(NatsSink, StrictOrderKeepsALostPublishFromBeingOvertaken) {
  temp_dir dir("nats");
  nats_server server(dir.path / "server");
  for (const bool strict : {true, false}) {
    SCOPED_TRACE(strict ? "strict_order" : "without strict_order");
    test::nats_drop_proxy proxy(server.port());
    auto c = config_for(server, strict ? "STRICT" : "LOOSE");
    c.servers = {proxy.url()};
    c.subject_prefix = strict ? "strict" : "loose";
    c.ack_timeout = std::chrono::milliseconds{300};
    c.strict_order = strict;
    nats_sink s(c);
    ASSERT_TRUE(poll_until([&] { s.tick(time_point{}); return s.nats_stats().connected; }, std::chrono::seconds{5}));
    proxy.drop_once("okx.trades.BTC-USDT.5");
    for (int i = 1; i <= 200; ++i) ASSERT_FALSE(write(s, trade("BTC-USDT", i)));
    ASSERT_TRUE(settle(s)) << describe(s.nats_stats());
    EXPECT_TRUE(proxy.dropped());
    EXPECT_FALSE(s.close());
    const auto got = ids_by_subject(stored(c)).at(c.subject_prefix + ".okx.trades.BTC-USDT");
    if (strict) {
      EXPECT_EQ(got, ids(1, 200));
      EXPECT_GT(s.nats_stats().out_of_turn, 0u);
    } else {
      // Every record once, but 5 after the ones written behind it.
      auto expected = ids(1, 200);
      expected.erase(expected.begin() + 4);
      expected.push_back("5");
      EXPECT_EQ(got, expected);
    }
  }
}

// strict_order when an acknowledgement is lost: record 5 is stored but its
// ack never comes, so it is sent again after the timeout (a duplicate, which
// leaves the stream's last record as it was) while new records are written.
// Each must name the record before it in the stream, not the resent one,
// or the server refuses them for ever.
TEST(NatsSink, StrictOrderGoesOnAfterALostAckAndItsResend) {
  temp_dir dir("nats");
  nats_server server(dir.path / "server");
  test::nats_drop_proxy proxy(server.port());
  auto c = config_for(server, "LATEACK");
  c.servers = {proxy.url()};
  c.ack_timeout = std::chrono::milliseconds{300};
  c.strict_order = true;
  nats_sink s(c);
  ASSERT_TRUE(poll_until([&] { s.tick(time_point{}); return s.nats_stats().connected; }, std::chrono::seconds{5}));
  proxy.drop_ack_once("LATEACK", 5);
  for (int i = 1; i <= 200; ++i) ASSERT_FALSE(write(s, trade("BTC-USDT", i)));
  // The timeout is noticed and 5 sent again; its duplicate ack waits for
  // the next tick while 201.. are written behind it.
  ASSERT_TRUE(poll_until([&] { s.tick(time_point{}); return s.nats_stats().resent > 0; }, std::chrono::seconds{5}))
      << describe(s.nats_stats());
  for (int i = 201; i <= 300; ++i) ASSERT_FALSE(write(s, trade("BTC-USDT", i)));
  ASSERT_TRUE(settle(s)) << describe(s.nats_stats());
  EXPECT_TRUE(proxy.dropped());
  EXPECT_EQ(s.nats_stats().duplicates, 1u);
  EXPECT_EQ(s.nats_stats().records_lost, 0u);
  EXPECT_FALSE(s.close());
  EXPECT_EQ(ids_by_subject(stored(c)).at("md.okx.trades.BTC-USDT"), ids(1, 300));
}

// strict_order when the server refuses a record for good (larger than the
// stream's max_msg_size here): it becomes a gap record after ten refusals,
// and the records behind it, refused meanwhile for naming it, go on.
TEST(NatsSink, StrictOrderGoesOnPastARecordTheServerNeverTakes) {
  temp_dir dir("nats");
  nats_server server(dir.path / "server");
  auto c = config_for(server, "REFUSED");
  c.ack_timeout = std::chrono::milliseconds{300};
  c.strict_order = true;
  c.stream.create = false;
  ASSERT_EQ(jetstream_client(server).add_stream("REFUSED", {"md.>"}, 400), NATS_OK);
  nats_sink s(c);
  for (int i = 1; i <= 50; ++i) {
    auto r = trade("BTC-USDT", i);
    if (i == 5) r.line.insert(r.line.size() - 2, std::string(500, ' '));  // too large for the stream
    ASSERT_FALSE(s.write(sink_record{record_kind::trade, r.venue, r.channel, r.symbol, r.id, 1'700'000'000'000'000,
                                     r.line}));
  }
  ASSERT_TRUE(settle(s)) << describe(s.nats_stats());
  EXPECT_EQ(s.nats_stats().records_lost, 1u);
  EXPECT_FALSE(s.close());
  const auto by_subject = ids_by_subject(stored(c));
  auto expected = ids(1, 50);
  expected.erase(expected.begin() + 4);
  // The gap record naming 5 comes with the stream's next record.
  const auto& got = by_subject.at("md.okx.trades.BTC-USDT");
  std::vector<std::string> trades;
  for (const auto& id : got)
    if (id.find(':') == std::string::npos) trades.push_back(id);
  EXPECT_EQ(trades, expected);
  EXPECT_NE(std::find(got.begin(), got.end(), "gap:5-5"), got.end()) << ::testing::PrintToString(got);
}

// A stream of several subjects is read one message at a time (an ordered
// consumer takes one filter subject): every message, in order, all the same.
TEST(NatsSink, AStreamOfSeveralSubjectsIsReadBackWhole) {
  temp_dir dir("nats");
  nats_server server(dir.path / "server");
  auto c = config_for(server, "SEVERAL");
  c.stream.create = false;
  ASSERT_EQ(jetstream_client(server).add_stream("SEVERAL", {"md.>", "other.>"}), NATS_OK);
  nats_sink s(c);
  for (int i = 1; i <= 100; ++i) ASSERT_FALSE(write(s, trade("BTC-USDT", i)));
  ASSERT_TRUE(settle(s)) << describe(s.nats_stats());
  EXPECT_FALSE(s.close());
  EXPECT_EQ(ids_by_subject(stored(c)).at("md.okx.trades.BTC-USDT"), ids(1, 100));
}

// A refused login is said, with the server's reason and without the token,
// whether it comes at the first connect or at a reconnect (where libnats
// gives up after the same refusal twice); the sink keeps trying, and sends
// what it kept once the server takes the token.
TEST(NatsSink, ARefusedTokenIsSaidWithoutShowingItAndTheSinkKeepsTrying) {
  temp_dir dir("nats");
  auto server = std::make_unique<nats_server>(dir.path / "server", 0, std::nullopt,
                                              std::vector<std::string>{"--auth", "right-token-71"});
  const unsigned short port = server->port();
  auto c = config_for(*server);
  // Longer than the reconnects take: the records in flight when libnats
  // gives up on the connection are still waiting for their acks then.
  c.ack_timeout = std::chrono::milliseconds{5000};
  auto refused_by = [&](std::string_view token) {
    server.reset();
    server = std::make_unique<nats_server>(dir.path / "server", port, std::nullopt,
                                           std::vector<std::string>{"--auth", std::string(token)});
  };
  auto says_refused = [&](nats_sink& s) {
    std::error_code said;
    const bool refused = poll_until(
        [&] {
          if (auto ec = s.tick(time_point{})) said = ec;
          return s.nats_stats().last_error.find("uthorization") != std::string::npos;
        },
        std::chrono::seconds{5});
    EXPECT_TRUE(said);
    return refused;
  };
  // At a reconnect: the server comes back with another token.
  c.token = "right-token-71";
  {
    nats_sink s(c);
    ASSERT_FALSE(write(s, trade("BTC-USDT", 1)));
    ASSERT_TRUE(settle(s)) << describe(s.nats_stats());
    // 2..20 in flight (the server stopped answering) when it goes.
    server->pause();
    for (int i = 2; i <= 20; ++i) ASSERT_FALSE(write(s, trade("BTC-USDT", i)));
    s.tick(time_point{});
    EXPECT_EQ(s.nats_stats().in_flight, 19u);
    refused_by("other-token-73");
    ASSERT_FALSE(write(s, trade("BTC-USDT", 21)));
    ASSERT_TRUE(says_refused(s)) << describe(s.nats_stats());
    EXPECT_FALSE(s.nats_stats().connected);
    refused_by("right-token-71");
    ASSERT_TRUE(settle(s)) << describe(s.nats_stats());
    EXPECT_GE(s.nats_stats().reconnects, 1u);
    EXPECT_GE(s.nats_stats().resent, 19u) << "taken back from the closed connection and sent again";
    EXPECT_FALSE(s.close());
  }
  // At the first connect.
  c.token = "wrong-token-72";
  nats_sink s(c);
  ASSERT_FALSE(write(s, trade("BTC-USDT", 22)));
  ASSERT_TRUE(says_refused(s)) << describe(s.nats_stats());
  EXPECT_FALSE(s.nats_stats().connected);
  EXPECT_EQ(s.nats_stats().queued, 1u) << "kept until it can be sent";
  EXPECT_EQ(s.describe().find("token"), std::string::npos) << s.describe();
  EXPECT_EQ(s.nats_stats().last_error.find("wrong-token-72"), std::string::npos);
  refused_by("wrong-token-72");
  ASSERT_TRUE(settle(s)) << describe(s.nats_stats());
  EXPECT_FALSE(s.close());
  c.token = "wrong-token-72";
  EXPECT_EQ(ids_by_subject(stored(c)).at("md.okx.trades.BTC-USDT"), ids(1, 22));
}

// TLS to a server that demands a user and password: records go when the CA
// and the password are right. A wrong password and an untrusted server are
// each said, without the password, and the records wait.
TEST(NatsSink, TlsWithAUserAndPasswordLogsInAndEachMistakeIsSaid) {
  temp_dir dir("nats");
  const auto& certs = test::test_certificates();
  const auto cert = dir.path / "server.pem", key = dir.path / "server.key";
  std::ofstream(cert) << certs.server_cert_pem;
  std::ofstream(key) << certs.server_key_pem;
  nats_server server(dir.path / "server", 0, std::nullopt,
                     {"--tls", "--tlscert", cert.string(), "--tlskey", key.string(), "--user", "collector", "--pass",
                      "right-pass-81"});
  auto c = config_for(server);
  c.servers = {"tls://127.0.0.1:" + std::to_string(server.port())};
  c.tls_ca_file = certs.ca_file.string();
  c.user = "collector";
  c.password = "right-pass-81";
  {
    nats_sink s(c);
    ASSERT_TRUE(s.nats_stats().connected) << describe(s.nats_stats());
    ASSERT_FALSE(write(s, trade("BTC-USDT", 1)));
    ASSERT_TRUE(settle(s)) << describe(s.nats_stats());
    EXPECT_FALSE(s.close());
  }
  EXPECT_EQ(ids_by_subject(stored(c)).at("md.okx.trades.BTC-USDT"), ids(1, 1));
  auto says = [](nats_sink& s, std::string_view what) {
    return poll_until(
        [&] {
          s.tick(time_point{});
          return s.nats_stats().last_error.find(what) != std::string::npos;
        },
        std::chrono::seconds{5});
  };
  {
    auto wrong = c;
    wrong.password = "wrong-pass-82";
    wrong.drain_timeout = std::chrono::milliseconds{100};
    nats_sink s(wrong);
    ASSERT_FALSE(write(s, trade("BTC-USDT", 2)));
    EXPECT_TRUE(says(s, "uthorization")) << describe(s.nats_stats());
    EXPECT_EQ(s.nats_stats().queued, 1u);
    EXPECT_EQ(s.nats_stats().last_error.find("wrong-pass-82"), std::string::npos);
    EXPECT_EQ(s.describe().find("wrong-pass-82"), std::string::npos);
  }
  {
    auto untrusted = c;
    untrusted.tls_ca_file.clear();  // the system's CAs do not know the test CA
    untrusted.drain_timeout = std::chrono::milliseconds{100};
    nats_sink s(untrusted);
    ASSERT_FALSE(write(s, trade("BTC-USDT", 3)));
    EXPECT_TRUE(says(s, "SSL handshake error")) << describe(s.nats_stats());
    EXPECT_FALSE(s.nats_stats().connected);
    EXPECT_EQ(s.nats_stats().queued, 1u);
  }
}

// An NKey user: the sink signs the server's challenge with the seed from
// its file. A seed that is not the user's is refused and said, without it.
TEST(NatsSink, AnNKeyUserLogsInWithItsSeedFileAndAWrongSeedIsSaid) {
  temp_dir dir("nats");
  const auto user = test::make_user_nkey(), stranger = test::make_user_nkey();
  const auto conf = dir.path / "auth.conf", seed = dir.path / "user.nk", wrong_seed = dir.path / "stranger.nk";
  std::ofstream(conf) << "authorization { users = [ { nkey: " << user.public_key << " } ] }\n";
  std::ofstream(seed) << user.seed << "\n";
  std::ofstream(wrong_seed) << stranger.seed << "\n";
  nats_server server(dir.path / "server", 0, std::nullopt, {"-c", conf.string()});
  auto c = config_for(server);
  c.nkey = user.public_key;
  c.nkey_seed_file = seed.string();
  {
    nats_sink s(c);
    ASSERT_FALSE(write(s, trade("BTC-USDT", 1)));
    ASSERT_TRUE(settle(s)) << describe(s.nats_stats());
    EXPECT_FALSE(s.close());
  }
  EXPECT_EQ(ids_by_subject(stored(c)).at("md.okx.trades.BTC-USDT"), ids(1, 1));
  auto wrong = c;
  wrong.nkey_seed_file = wrong_seed.string();
  wrong.drain_timeout = std::chrono::milliseconds{100};
  nats_sink s(wrong);
  ASSERT_FALSE(write(s, trade("BTC-USDT", 2)));
  EXPECT_TRUE(poll_until(
      [&] {
        s.tick(time_point{});
        return s.nats_stats().last_error.find("uthorization") != std::string::npos;
      },
      std::chrono::seconds{5}))
      << describe(s.nats_stats());
  EXPECT_EQ(s.nats_stats().queued, 1u);
  EXPECT_EQ(s.nats_stats().last_error.find(stranger.seed), std::string::npos);
}

// The stream deleted under a running sink (an operator's mistake, a memory
// stream lost with its server): publishes find no one, the sink makes the
// stream again and sends them, nothing lost.
TEST(NatsSink, AStreamDeletedUnderTheSinkIsMadeAgain) {
  temp_dir dir("nats");
  nats_server server(dir.path / "server");
  auto c = config_for(server);
  c.ack_timeout = std::chrono::milliseconds{500};
  nats_sink s(c);
  ASSERT_FALSE(write(s, trade("BTC-USDT", 1)));
  ASSERT_TRUE(settle(s)) << describe(s.nats_stats());
  EXPECT_EQ(jetstream_client(server).delete_stream("TEST"), NATS_OK);
  for (int i = 2; i <= 50; ++i) ASSERT_FALSE(write(s, trade("BTC-USDT", i)));
  ASSERT_TRUE(settle(s)) << describe(s.nats_stats());
  EXPECT_GT(s.nats_stats().failures, 0u);
  EXPECT_FALSE(s.close());
  EXPECT_EQ(ids_by_subject(stored(c)).at("md.okx.trades.BTC-USDT"), ids(2, 50));
}

TEST(NatsSink, ABadServerUrlIsRefusedAtStart) {
  nats_sink_config c;
  c.servers = {"not a url"};
  EXPECT_THROW(nats_sink{c}, std::runtime_error);
  c.servers = {};
  EXPECT_THROW(nats_sink{c}, std::runtime_error);
  c.servers = {"nats://user:secret@127.0.0.1:4222/x"};
  try {
    nats_sink s(c);
    ADD_FAILURE() << "a path in the URL is refused";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()).find("secret"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace sf
