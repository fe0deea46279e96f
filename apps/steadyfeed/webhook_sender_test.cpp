#include "webhook_sender.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "http_server.hpp"

namespace sf::daemon {
namespace {

// A local receiver that fails the first `failures` deliveries with 500.
class receiver {
 public:
  explicit receiver(int failures) : failures_(failures), server_(config(), [this](const http_request& r) {
    return on_request(r);
  }) {
    server_.start();
  }
  std::string url(std::string path = "/alerts") const {
    return "http://127.0.0.1:" + std::to_string(server_.port()) + path;
  }
  std::vector<std::string> targets() const {
    std::lock_guard lock(mutex_);
    return targets_;
  }
  std::vector<std::string> bodies() const {
    std::lock_guard lock(mutex_);
    return bodies_;
  }
  int requests() const { return requests_; }

 private:
  static http_server_config config() {
    http_server_config c;
    c.listen = "127.0.0.1:0";
    return c;
  }
  http_response on_request(const http_request& r) {
    ++requests_;
    {
      std::lock_guard lock(mutex_);
      targets_.push_back(r.target);
    }
    if (r.method != "POST" || r.content_type != "application/json")
      return json_error(400, "unexpected request");
    if (failures_ > 0) {
      --failures_;
      return json_error(500, "try again");
    }
    std::lock_guard lock(mutex_);
    bodies_.push_back(r.body);
    return {.status = 204, .content_type = "text/plain", .body = "", .headers = {}};
  }

  std::atomic<int> failures_;
  std::atomic<int> requests_{0};
  mutable std::mutex mutex_;
  std::vector<std::string> bodies_, targets_;
  http_server server_;
};

webhook_settings fast(std::string url) {
  webhook_settings s;
  s.url = std::move(url);
  s.initial_delay = milliseconds{5};
  s.max_delay = milliseconds{20};
  s.timeout = seconds{2};
  s.stop_timeout = seconds{5};
  return s;
}

template <class Pred>
bool wait_for(Pred done) {
  for (int i = 0; i < 500 && !done(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds{10});
  return done();
}

TEST(WebhookSender, RetriesUntilTheReceiverTakesItAndKeepsOrder) {
  receiver r(2);
  webhook_sender w(fast(r.url()));
  w.start();
  w.enqueue(R"({"id":1})");
  w.enqueue(R"({"id":2})");
  ASSERT_TRUE(wait_for([&] { return w.stats().delivered == 2; })) << w.stats().last_error;
  EXPECT_EQ(r.bodies(), (std::vector<std::string>{R"({"id":1})", R"({"id":2})"}));
  const auto s = w.stats();
  EXPECT_EQ(s.attempts_failed, 2u);
  EXPECT_EQ(s.dropped, 0u);
  EXPECT_EQ(r.requests(), 4);
  EXPECT_NE(s.last_error.find("500"), std::string::npos) << s.last_error;
}

TEST(WebhookSender, PostsToThePathAndQueryOfItsUrl) {
  receiver r(0);
  for (const std::string path : {"", "/", "/hooks/x?key=a%20b"}) {
    webhook_sender w(fast(r.url(path)));
    w.start();
    w.enqueue("{}");
    w.stop();
    EXPECT_EQ(w.stats().delivered, 1u) << path << ": " << w.stats().last_error;
  }
  EXPECT_EQ(r.targets(), (std::vector<std::string>{"/", "/", "/hooks/x?key=a%20b"}));
}

TEST(WebhookSender, GivesUpAfterMaxAttemptsAndGoesOn) {
  receiver r(3);
  auto settings = fast(r.url());
  settings.max_attempts = 3;
  webhook_sender w(settings);
  w.start();
  w.enqueue(R"({"id":1})");  // fails three times: dropped
  w.enqueue(R"({"id":2})");
  ASSERT_TRUE(wait_for([&] { return w.stats().delivered == 1; }));
  EXPECT_EQ(r.bodies(), std::vector<std::string>{R"({"id":2})"});
  EXPECT_EQ(w.stats().dropped, 1u);
  EXPECT_EQ(w.stats().attempts_failed, 3u);
}

TEST(WebhookSender, ADeadReceiverNeverBlocksTheCallerAndAFullQueueDropsTheOldest) {
  // Nothing listens on port 1 (privileged, and no test binds it).
  auto settings = fast("http://127.0.0.1:1/alerts");
  settings.queue = 3;
  settings.max_attempts = 1000;
  settings.stop_timeout = milliseconds{100};
  webhook_sender w(settings);
  w.start();
  for (int i = 0; i < 10; ++i) w.enqueue("{}");  // returns at once, every time
  const auto s = w.stats();
  EXPECT_EQ(s.queued, 3u);
  EXPECT_EQ(s.dropped, 7u);
  w.stop();  // gives up after stop_timeout, counting what it drops
  EXPECT_EQ(w.stats().dropped, 10u);
  EXPECT_EQ(w.stats().delivered, 0u);
}

TEST(WebhookSender, StopDeliversWhatIsQueued) {
  receiver r(0);
  webhook_sender w(fast(r.url()));
  w.start();
  for (int i = 0; i < 20; ++i) w.enqueue("{\"n\":" + std::to_string(i) + "}");
  w.stop();
  EXPECT_EQ(r.bodies().size(), 20u);
  EXPECT_EQ(w.stats().dropped, 0u);
}

}  // namespace
}  // namespace sf::daemon
