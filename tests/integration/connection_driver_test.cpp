// The supervisor on real sockets: connection_driver + supervisor +
// test_protocol against the in-process server on 127.0.0.1. Each test injects
// one fault on the server side and checks that the feed recovers by itself:
// reconnect and resubscribe after a close or a reset, a pong timeout against a
// half-open peer, the idle watchdog against a silent one, and a make-before-
// break rotation that delivers every sequence number exactly once.
#include "steadyfeed/net/connection_driver.hpp"

#include <atomic>
#include <future>
#include <mutex>
#include <set>
#include <thread>

#include <gtest/gtest.h>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "support/test_feed_server.hpp"
#include "support/test_protocol.hpp"
#include "support/ws_test_server.hpp"

namespace sf {
namespace {

using test::connection_id;
using test::test_feed_server;
using test::test_protocol;
using test::ws_test_server;

constexpr duration wait = seconds{4};

// Fast timings so every scenario finishes in about a second.
supervisor_config fast_config() {
  supervisor_config c;
  c.name = "it";
  c.backoff.initial = milliseconds{20};
  c.backoff.max = milliseconds{200};
  c.backoff.jitter = jitter_mode::none;
  c.connect_timeout = seconds{2};
  c.idle_timeout = duration{0};
  c.housekeeping_interval = milliseconds{50};
  c.ack_timeout = seconds{2};
  c.overlap_timeout = seconds{3};
  c.seed = 42;
  return c;
}

struct delivered {
  std::string stream;
  std::uint64_t seq;
  link_id link;
};

class driver_test : public ::testing::Test {
 protected:
  ~driver_test() override { shutdown(); }

  // Builds the driver with `config` and `protocol_options` (url filled in),
  // starts the io thread and the supervisor.
  void start(supervisor_config config, test::test_protocol_options protocol_options,
             std::vector<std::string> topics) {
    protocol_options.url = server.url("/feed");
    auto protocol = std::make_shared<test_protocol>(std::move(protocol_options));
    driver =
        std::make_unique<connection_driver>(io.get_executor(), std::move(config), protocol,
                                            std::move(topics), system_clock_source::instance());
    driver->set_callbacks({
        [this](const message& m) {
          std::lock_guard lock(mutex);
          messages.push_back({std::string(m.stream), m.seq, m.link});
        },
        [this](connection_state, connection_state to, std::string_view) {
          std::lock_guard lock(mutex);
          states.push_back(to);
        },
        [this](const event& e) {
          std::lock_guard lock(mutex);
          events.push_back(e);
        },
    });
    thread = std::thread([this] { io.run(); });
    driver->start();
  }

  void shutdown() {
    if (!thread.joinable()) return;
    driver->stop("test over");
    std::promise<void> stopped;
    driver->post([&](supervisor&) { stopped.set_value(); });
    stopped.get_future().wait_for(seconds{2});
    guard.reset();
    io.stop();
    thread.join();
    driver.reset();
  }

  bool until(const std::function<bool()>& condition, duration timeout = wait) {
    return server.wait_until(condition, timeout);
  }

  std::size_t message_count() {
    std::lock_guard lock(mutex);
    return messages.size();
  }
  bool saw_event(event_kind kind) {
    std::lock_guard lock(mutex);
    for (const auto& e : events)
      if (e.kind == kind) return true;
    return false;
  }
  std::string journal() {
    std::lock_guard lock(mutex);
    std::string out;
    for (const auto& e : events) out += std::string(to_string(e.kind)) + ": " + e.reason + "\n";
    return out;
  }
  // The newest open connection subscribed to every topic in `topics`.
  connection_id subscribed_connection(const std::set<std::string>& topics,
                                      connection_id after = 0) {
    connection_id found = 0;
    until([&] {
      for (connection_id id : server.open_connections())
        if (id > after && feed.topics(id) == topics) found = id;
      return found != 0;
    });
    return found;
  }

  ws_test_server server;
  test_feed_server feed{server};
  boost::asio::io_context io{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard{io.get_executor()};
  std::unique_ptr<connection_driver> driver;
  std::thread thread;
  std::mutex mutex;
  std::vector<delivered> messages;
  std::vector<connection_state> states;
  std::vector<event> events;
};

TEST_F(driver_test, connects_subscribes_and_delivers) {
  start(fast_config(), {}, {"a", "b"});
  const auto first = subscribed_connection({"a", "b"});
  ASSERT_NE(first, 0u) << journal();
  ASSERT_TRUE(until([&] { return driver->is_healthy(); })) << journal();
  for (std::uint64_t seq = 1; seq <= 5; ++seq) feed.publish("a", seq);
  feed.publish("b", 1);
  ASSERT_TRUE(until([&] { return message_count() == 6; })) << journal();
  std::lock_guard lock(mutex);
  EXPECT_EQ(messages[0].stream, "a");
  EXPECT_EQ(messages[4].seq, 5u);
  EXPECT_EQ(messages[5].stream, "b");
}

TEST_F(driver_test, reconnects_and_resubscribes_after_a_server_close) {
  start(fast_config(), {}, {"a", "b"});
  const auto first = subscribed_connection({"a", "b"});
  ASSERT_NE(first, 0u) << journal();
  feed.publish("a", 1);
  ASSERT_TRUE(until([&] { return message_count() == 1; })) << journal();

  server.close(first, 1012, "service restart");
  const auto second = subscribed_connection({"a", "b"}, first);
  ASSERT_NE(second, 0u) << journal();
  EXPECT_GE(feed.subscribe_requests(second), 1u);
  // Subscribe frames reached the new connection again.
  bool resubscribed = false;
  for (const auto& frame : server.frames(second))
    resubscribed |= frame.find(R"("op":"subscribe")") != std::string::npos;
  EXPECT_TRUE(resubscribed);

  feed.publish("a", 2);
  feed.publish("b", 1);
  ASSERT_TRUE(until([&] { return message_count() == 3; })) << journal();
  EXPECT_TRUE(until([&] { return driver->is_healthy(); }));
  EXPECT_TRUE(saw_event(event_kind::disconnected) || saw_event(event_kind::reconnect_attempt))
      << journal();
}

TEST_F(driver_test, reconnects_after_a_tcp_reset) {
  start(fast_config(), {}, {"a"});
  const auto first = subscribed_connection({"a"});
  ASSERT_NE(first, 0u) << journal();
  server.reset(first);
  const auto second = subscribed_connection({"a"}, first);
  ASSERT_NE(second, 0u) << journal();
  feed.publish("a", 1);
  ASSERT_TRUE(until([&] { return message_count() == 1; })) << journal();
}

TEST_F(driver_test, reconnects_after_the_upgrade_is_refused_for_a_while) {
  server.refuse_upgrades({503, {}, {}});
  start(fast_config(), {}, {"a"});
  ASSERT_TRUE(until([&] { return server.upgrades_refused() >= 2; })) << journal();
  server.accept_upgrades();
  const auto id = subscribed_connection({"a"});
  ASSERT_NE(id, 0u) << journal();
  EXPECT_TRUE(until([&] { return driver->is_healthy(); }));
}

TEST_F(driver_test, a_fatal_upgrade_refusal_stops_in_failed_without_retrying) {
  server.refuse_upgrades({403, {}, "forbidden"});
  start(fast_config(), {}, {"a"});
  ASSERT_TRUE(until([&] { return driver->snapshot().state == connection_state::failed; }))
      << journal();
  // No retry storm: give the backoff time to have retried several times.
  std::this_thread::sleep_for(milliseconds{300});
  EXPECT_EQ(server.upgrades_refused(), 1u);
}

TEST_F(driver_test, pong_timeout_against_a_half_open_server_reconnects) {
  supervisor_config config = fast_config();
  test::test_protocol_options protocol;
  protocol.heartbeat.ws_ping_interval = milliseconds{100};
  protocol.heartbeat.pong_timeout = milliseconds{300};
  start(config, protocol, {"a"});
  const auto first = subscribed_connection({"a"});
  ASSERT_NE(first, 0u) << journal();
  server.stop_reading(first);
  const auto second = subscribed_connection({"a"}, first);
  ASSERT_NE(second, 0u) << journal();
  EXPECT_TRUE(saw_event(event_kind::heartbeat_timeout)) << journal();
  feed.publish("a", 1);
  ASSERT_TRUE(until([&] { return message_count() == 1; })) << journal();
}

TEST_F(driver_test, app_ping_pong_timeout_reconnects) {
  test::test_protocol_options protocol;
  protocol.heartbeat.app_ping_interval = milliseconds{100};
  protocol.heartbeat.app_ping_payload = "ping";
  protocol.heartbeat.pong_timeout = milliseconds{300};
  start(fast_config(), protocol, {"a"});
  const auto first = subscribed_connection({"a"});
  ASSERT_NE(first, 0u) << journal();
  // App pings are answered...
  ASSERT_TRUE(until([&] {
    const auto frames = server.frames(first);
    return std::count(frames.begin(), frames.end(), "ping") >= 2;
  })) << journal();
  EXPECT_EQ(server.connections_accepted(), 1u) << journal();
  // ...until they are not.
  feed.set_app_pongs(false);
  const auto second = subscribed_connection({"a"}, first);
  ASSERT_NE(second, 0u) << journal();
  EXPECT_TRUE(saw_event(event_kind::heartbeat_timeout)) << journal();
}

TEST_F(driver_test, idle_watchdog_reconnects_when_the_server_goes_silent) {
  supervisor_config config = fast_config();
  config.idle_timeout = milliseconds{400};
  test::test_protocol_options protocol;
  // Pings keep flowing (the server still answers them): only data stops.
  protocol.heartbeat.ws_ping_interval = milliseconds{100};
  protocol.heartbeat.pong_timeout = seconds{2};
  start(config, protocol, {"a"});
  const auto first = subscribed_connection({"a"});
  ASSERT_NE(first, 0u) << journal();
  std::atomic<bool> publishing{true};
  std::thread publisher([&] {
    for (std::uint64_t seq = 1; publishing; ++seq) {
      feed.publish("a", seq);
      std::this_thread::sleep_for(milliseconds{20});
    }
  });
  ASSERT_TRUE(until([&] { return message_count() >= 5; })) << journal();
  server.go_silent(first);
  const auto second = subscribed_connection({"a"}, first);
  publishing = false;
  publisher.join();
  ASSERT_NE(second, 0u) << journal();
  EXPECT_FALSE(saw_event(event_kind::heartbeat_timeout)) << journal();
  const auto before = message_count();
  feed.publish("a", 1'000'000);
  ASSERT_TRUE(until([&] { return message_count() > before; })) << journal();
}

TEST_F(driver_test, request_reconnect_replaces_the_link) {
  start(fast_config(), {}, {"a"});
  const auto first = subscribed_connection({"a"});
  ASSERT_NE(first, 0u) << journal();
  driver->request_reconnect("operator");
  const auto second = subscribed_connection({"a"}, first);
  ASSERT_NE(second, 0u) << journal();
  ASSERT_TRUE(until([&] { return !server.record(first)->open; }));
  // The close handshake completes at once (no close-timeout wait).
  ASSERT_TRUE(until([&] { return !server.record(first)->open; }, milliseconds{500}));
  EXPECT_EQ(server.record(first)->close_code, 1000);
}

TEST_F(driver_test, subscribe_and_unsubscribe_at_run_time_send_the_difference) {
  start(fast_config(), {}, {"a"});
  const auto id = subscribed_connection({"a"});
  ASSERT_NE(id, 0u) << journal();
  driver->subscribe({"a", "b"});
  ASSERT_TRUE(until([&] {
    return feed.topics(id) == std::set<std::string>{"a", "b"};
  })) << journal();
  test::test_request last;
  ASSERT_TRUE(test::parse_test_request(server.frames(id).back(), last));
  EXPECT_EQ(last.topics, std::vector<std::string>{"b"});
  driver->unsubscribe({"a"});
  ASSERT_TRUE(until([&] { return feed.topics(id) == std::set<std::string>{"b"}; })) << journal();
}

TEST_F(driver_test, rotation_delivers_every_sequence_number_exactly_once) {
  supervisor_config config = fast_config();
  config.rotation_margin = seconds{1};
  config.overlap_active_window = seconds{1};
  test::test_protocol_options protocol;
  protocol.limits.lifetime = seconds{2};
  start(config, protocol, {"a"});
  const auto first = subscribed_connection({"a"});
  ASSERT_NE(first, 0u) << journal();

  // The exchange's matching engine: one sequence, fanned out to every
  // connection subscribed at the moment each message is published.
  std::atomic<bool> publishing{true};
  std::atomic<std::uint64_t> published{0};
  std::thread publisher([&] {
    for (std::uint64_t seq = 1; publishing; ++seq) {
      feed.publish("a", seq, "trade");
      published = seq;
      std::this_thread::sleep_for(milliseconds{1});
    }
  });
  // Rotation starts one second after the first connection opened; wait for
  // the old connection to be closed by the client after the switch.
  const bool rotated = until([&] { return !server.record(first)->open; }, seconds{4});
  // Let the new connection carry on for a moment after the switch.
  const auto after_switch = message_count();
  until([&] { return message_count() > after_switch + 50; }, seconds{1});
  publishing = false;
  publisher.join();
  ASSERT_TRUE(rotated) << journal();
  const std::uint64_t last = published;
  ASSERT_TRUE(until([&] { return message_count() >= last; }, seconds{2}))
      << "delivered " << message_count() << " of " << last << "\n"
      << journal();
  // Quiet for a moment: nothing more (no duplicate) arrives late.
  std::this_thread::sleep_for(milliseconds{100});

  std::lock_guard lock(mutex);
  ASSERT_EQ(messages.size(), last);
  std::set<link_id> links;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    ASSERT_EQ(messages[i].seq, i + 1) << "at index " << i;
    links.insert(messages[i].link);
  }
  EXPECT_EQ(links.size(), 2u) << "messages should come from both the old and the new link";
  EXPECT_EQ(server.connections_accepted(), 2u);
  bool completed = false;
  for (const auto& e : events) completed |= e.kind == event_kind::rotation_completed;
  EXPECT_TRUE(completed);
}

}  // namespace
}  // namespace sf
