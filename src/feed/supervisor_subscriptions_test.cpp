// Subscriptions: restore, run-time diffs, pacing, acks and refusals.
#include <gtest/gtest.h>

#include "steadyfeed/feed/supervisor.hpp"
#include "support/supervisor_harness.hpp"

namespace sf {
namespace {

using testing::harness;
using testing::split;
using testing::test_venue;

supervisor_config config() {
  supervisor_config c;
  c.name = "subs";
  c.seed = 2;
  c.backoff.jitter = jitter_mode::none;
  c.idle_timeout = seconds{0};
  return c;
}

std::vector<std::string> topics(int n, std::string_view prefix = "t") {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back(std::string(prefix) + std::to_string(i));
  return out;
}

std::size_t topics_sent(const std::vector<std::string>& frames, std::string_view op) {
  std::size_t n = 0;
  for (const auto& f : frames) {
    auto parts = split(f, '|');
    if (parts[0] == op) n += split(parts[2], ',').size();
  }
  return n;
}

TEST(Subscriptions, UrlModeCarriesTopicsInTheUrl) {
  auto v = std::make_shared<test_venue>();
  v->mode_ = subscribe_mode::url;
  harness h(config(), v, {"btcusdt@trade", "ethusdt@trade"});
  h.start();
  EXPECT_EQ(h.links.begin()->second.url, "ws://127.0.0.1:1/ws?streams=btcusdt@trade/ethusdt@trade");
  h.open_last();
  EXPECT_TRUE(h.sent_on(h.last_link()).empty());
  EXPECT_EQ(h.sup.subscriptions().count(topic_status::active), 2u);
}

TEST(Subscriptions, UrlModeTakesWhatFitsInTheUrlAndSubscribesTheRestByMessage) {
  auto v = std::make_shared<test_venue>();
  v->mode_ = subscribe_mode::url;
  v->limits_.url_bytes = 100;  // the base takes 28: room for 24 of "t0/".."t9/", "t10/" ...
  v->limits_.topics_per_message = 10;
  const auto all = topics(60);
  harness h(config(), v, all);
  h.start();
  const std::set<std::string> every(all.begin(), all.end());
  for (int round = 0; round < 2; ++round) {  // the first connection, then a reconnect
    if (round == 1) {
      h.close_by_peer(h.last_link());
      while (h.pending_links().empty()) h.advance(milliseconds{10});
    }
    const auto& url = h.links[h.last_link()].url;
    EXPECT_LE(url.size(), 100u);
    const std::size_t in_url = h.links[h.last_link()].topics.size();
    ASSERT_GT(in_url, 0u);
    // The longest prefix that fits: one topic more would not.
    EXPECT_GT(v->url(std::span(all).first(in_url + 1)).size(), 100u);
    h.open_last();
    // The URL's topics are live at once; the others once their SUBs are acked.
    EXPECT_EQ(h.sup.subscriptions().count(topic_status::active), in_url);
    EXPECT_EQ(h.sup.subscriptions().count(topic_status::pending), 60 - in_url);
    const auto sent = h.sent_on(h.last_link());
    EXPECT_EQ(topics_sent(sent, "SUB"), 60 - in_url);
    for (const auto& f : sent) h.frame(h.last_link(), "A|" + std::string(split(f, '|')[1]));
    EXPECT_EQ(h.links[h.last_link()].topics, every);
    EXPECT_EQ(h.sup.subscriptions().count(topic_status::active), 60u);
  }
}

TEST(Subscriptions, UrlModeWithATopicLongerThanTheUrlSubscribesEverythingByMessage) {
  auto v = std::make_shared<test_venue>();
  v->mode_ = subscribe_mode::url;
  v->limits_.url_bytes = 40;
  harness h(config(), v, {std::string(20, 'x'), "b"});
  h.auto_ack = true;
  h.start();
  EXPECT_EQ(h.links.begin()->second.url, "ws://127.0.0.1:1/ws");
  h.open_last();
  h.drain();
  EXPECT_EQ(topics_sent(h.sent_on(h.last_link()), "SUB"), 2u);
  EXPECT_EQ(h.sup.subscriptions().count(topic_status::active), 2u);
}

TEST(Subscriptions, MessageModeSubscribesInChunksAndAcksActivate) {
  auto v = std::make_shared<test_venue>();
  v->limits_.topics_per_message = 10;
  harness h(config(), v, topics(25));
  h.start();
  h.open_last();
  const auto sent = h.sent_on(h.last_link());
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(topics_sent(sent, "SUB"), 25u);
  EXPECT_EQ(h.sup.subscriptions().count(topic_status::pending), 25u);
  h.frame(h.last_link(), "A|" + std::string(split(sent[0], '|')[1]));
  EXPECT_EQ(h.sup.subscriptions().count(topic_status::active), 10u);
  EXPECT_TRUE(h.has_event(event_kind::subscribed));
}

TEST(Subscriptions, RestoreIsPacedUnderTheControlRate) {
  auto v = std::make_shared<test_venue>();
  v->limits_.topics_per_message = 5;
  v->limits_.control_messages_per_second = 5;  // Binance's inbound limit
  harness h(config(), v, topics(500));
  h.auto_ack = true;
  h.start();
  h.open_last();
  h.advance(seconds{60});
  const auto& l = h.links[h.last_link()];
  ASSERT_EQ(topics_sent(l.sent, "SUB"), 500u);
  // In any one-second window, at most 5 frames (we aim at 80 % of it).
  for (std::size_t i = 0; i < l.sent_at.size(); ++i) {
    std::size_t in_window = 0;
    for (std::size_t j = i; j < l.sent_at.size() && l.sent_at[j] - l.sent_at[i] < seconds{1}; ++j)
      ++in_window;
    ASSERT_LE(in_window, 5u) << "at frame " << i;
  }
  EXPECT_EQ(h.sup.subscriptions().count(topic_status::active), 500u);
  EXPECT_EQ(h.sup.state(), connection_state::connected);
}

TEST(Subscriptions, RunTimeChangesSendOnlyTheDifferenceAndNeverReconnect) {
  auto v = std::make_shared<test_venue>();
  harness h(config(), v, {"a", "b"});
  h.auto_ack = true;
  h.start();
  h.open_last();
  const link_id l = h.last_link();
  const std::vector<std::string> more{"b", "c", "d"};
  EXPECT_TRUE(h.sup.subscribe(more, h.now(), h.wall()).empty());
  h.drain();
  auto sent = h.sent_on(l);
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(split(sent[1], '|')[2], "c,d");
  const std::vector<std::string> less{"a", "zzz"};
  h.sup.unsubscribe(less, h.now(), h.wall());
  h.drain();
  sent = h.sent_on(l);
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(split(sent[2], '|')[0], "UNSUB");
  EXPECT_EQ(split(sent[2], '|')[2], "a");
  EXPECT_EQ(h.links.size(), 1u);
  EXPECT_EQ(h.links[l].topics, (std::set<std::string>{"b", "c", "d"}));
  EXPECT_EQ(h.sup.subscriptions().size(), 3u);
}

TEST(Subscriptions, RestoredAfterEveryReconnect) {
  auto v = std::make_shared<test_venue>();
  harness h(config(), v, {"a"});
  h.auto_ack = true;
  h.start();
  h.open_last();
  const std::vector<std::string> more{"b"};
  h.sup.subscribe(more, h.now(), h.wall());
  h.drain();
  for (int i = 0; i < 3; ++i) {
    h.close_by_peer(h.last_link());
    ASSERT_TRUE(h.open_next());
    EXPECT_EQ(h.links[h.last_link()].topics, (std::set<std::string>{"a", "b"}));
  }
  EXPECT_EQ(h.sup.subscriptions().count(topic_status::active), 2u);
}

TEST(Subscriptions, UrlModeReconnectIncludesRunTimeAdditions) {
  auto v = std::make_shared<test_venue>();
  v->mode_ = subscribe_mode::url;
  harness h(config(), v, {"a"});
  h.auto_ack = true;
  h.start();
  h.open_last();
  const std::vector<std::string> more{"b"};
  h.sup.subscribe(more, h.now(), h.wall());
  h.drain();
  EXPECT_EQ(h.sent_on(h.last_link()).size(), 1u);  // added by message at run time
  h.close_by_peer(h.last_link());
  ASSERT_TRUE(h.open_next());
  EXPECT_EQ(h.links[h.last_link()].url, "ws://127.0.0.1:1/ws?streams=a/b");
  EXPECT_TRUE(h.sent_on(h.last_link()).empty());
}

TEST(Subscriptions, AnUnknownSymbolFailsThatTopicAloneAndIsNotRestored) {
  auto v = std::make_shared<test_venue>();
  v->limits_.topics_per_message = 1;
  harness h(config(), v, {"good", "nosuch"});
  h.start();
  h.open_last();
  const link_id l = h.last_link();
  const auto sent = h.sent_on(l);
  ASSERT_EQ(sent.size(), 2u);
  h.frame(l, "A|" + std::string(split(sent[0], '|')[1]));
  h.frame(l, "N|" + std::string(split(sent[1], '|')[1]) + "|nosuch|Invalid symbol");
  const auto* e = h.sup.subscriptions().find("nosuch");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->status, topic_status::failed);
  EXPECT_NE(e->error.find("unknown symbol: Invalid symbol"), std::string::npos);
  EXPECT_EQ(h.sup.subscriptions().find("good")->status, topic_status::active);
  EXPECT_EQ(h.sup.state(), connection_state::connected);
  EXPECT_TRUE(h.has_event(event_kind::subscription_failed));
  h.close_by_peer(l);
  ASSERT_TRUE(h.open_next());
  EXPECT_EQ(topics_sent(h.sent_on(h.last_link()), "SUB"), 1u);
}

TEST(Subscriptions, PerTopicAcksWithoutRequestIdsLikeOkx) {
  auto v = std::make_shared<test_venue>();
  harness h(config(), v, {"x", "y"});
  h.start();
  h.open_last();
  h.frame(h.last_link(), "A|-|x");
  EXPECT_EQ(h.sup.subscriptions().find("x")->status, topic_status::active);
  EXPECT_EQ(h.sup.subscriptions().find("y")->status, topic_status::pending);
  h.frame(h.last_link(), "A|-|y");
  EXPECT_EQ(h.sup.subscriptions().count(topic_status::active), 2u);
}

TEST(Subscriptions, MissingAcksAreRetriedThenFailed) {
  auto v = std::make_shared<test_venue>();
  auto c = config();
  c.ack_timeout = seconds{5};
  c.ack_retries = 2;
  harness h(c, v, {"a"});
  h.start();
  h.open_last();
  h.advance(seconds{60});
  EXPECT_EQ(topics_sent(h.sent_on(h.last_link()), "SUB"), 3u);
  EXPECT_EQ(h.sup.subscriptions().find("a")->status, topic_status::failed);
  EXPECT_NE(h.sup.subscriptions().find("a")->error.find("no acknowledgement"), std::string::npos);
}

TEST(Subscriptions, TopicsBeyondTheConnectionLimitAreRefused) {
  auto v = std::make_shared<test_venue>();
  v->limits_.topics_per_connection = 3;
  harness h(config(), v, {"a", "b"});
  h.start();
  const std::vector<std::string> more{"c", "d", "e"};
  const auto refused = h.sup.subscribe(more, h.now(), h.wall());
  EXPECT_EQ(refused, (std::vector<std::string>{"d", "e"}));
  EXPECT_EQ(h.sup.subscriptions().size(), 3u);
  EXPECT_THROW(harness(config(), v, topics(4)), std::invalid_argument);
}

}  // namespace
}  // namespace sf
