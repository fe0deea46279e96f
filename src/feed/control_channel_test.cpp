#include "steadyfeed/feed/control_channel.hpp"

#include <gtest/gtest.h>

#include "support/supervisor_harness.hpp"

namespace sf {
namespace {

using testing::test_venue;

const time_point t0{seconds{50}};

std::vector<std::string> sent(control_channel& c, time_point now) {
  std::vector<std::string> out;
  c.flush(now, [&](std::string payload) { out.push_back(std::move(payload)); });
  return out;
}

TEST(ControlChannel, RequestsAreCutToTheVenuesTopicsPerMessageAndNumberedFromTheSharedCounter) {
  test_venue venue;
  venue.limits_.topics_per_message = 2;
  control_channel c;
  std::uint64_t next_id = 7;
  const std::vector<std::string> topics{"a", "b", "c"};
  c.queue(topics, true, venue, next_id);
  c.queue(std::vector<std::string>{"z"}, false, venue, next_id);
  EXPECT_EQ(next_id, 10u);
  EXPECT_EQ(sent(c, t0), (std::vector<std::string>{"SUB|7|a,b", "SUB|8|c", "UNSUB|9|z"}));
  EXPECT_EQ(c.waiting(), 2u);  // subscribe requests wait for their acks; unsubscribes do not
}

TEST(ControlChannel, TheBudgetPacesFramesAndSaysWhenTheNextMayGo) {
  test_venue venue;
  venue.limits_.topics_per_message = 1;
  control_channel c(token_bucket(2, seconds{1}, 1, t0));  // 2 a second, no burst
  std::uint64_t next_id = 1;
  c.queue(std::vector<std::string>{"a", "b", "c"}, true, venue, next_id);
  EXPECT_EQ(sent(c, t0).size(), 1u);
  EXPECT_EQ(c.next_send(t0), t0 + milliseconds{500});
  EXPECT_TRUE(sent(c, t0 + milliseconds{499}).empty());
  EXPECT_EQ(sent(c, t0 + milliseconds{500}).size(), 1u);
  EXPECT_EQ(sent(c, t0 + seconds{1}).size(), 1u);
  EXPECT_EQ(c.next_send(t0 + seconds{1}), never);  // nothing left
  // Pings count against the budget only where the venue says so.
  EXPECT_TRUE(c.take_heartbeat_token(t0 + seconds{1}, false));
  EXPECT_FALSE(c.take_heartbeat_token(t0 + seconds{1}, true));
  EXPECT_TRUE(c.take_heartbeat_token(t0 + milliseconds{1500}, true));
}

TEST(ControlChannel, AReplyToTheVenuesPingJumpsTheQueue) {
  test_venue venue;
  control_channel c;
  std::uint64_t next_id = 1;
  c.queue(std::vector<std::string>{"a"}, true, venue, next_id);
  c.reply_first("pong");
  EXPECT_EQ(sent(c, t0), (std::vector<std::string>{"pong", "SUB|1|a"}));
}

TEST(ControlChannel, AcksAnswerByIdOrByTopic) {
  test_venue venue;
  control_channel c;
  std::uint64_t next_id = 1;
  c.queue(std::vector<std::string>{"a", "b", "c"}, true, venue, next_id);
  sent(c, t0);
  EXPECT_TRUE(c.answer(true, 99, {}).empty());  // nobody asked
  EXPECT_EQ(c.answer(false, 0, "b"), std::vector<std::string>{"b"});
  EXPECT_EQ(c.waiting(), 1u);
  EXPECT_EQ(c.answer(true, 1, {}), (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(c.waiting(), 0u);
  EXPECT_TRUE(c.answer(false, 0, "a").empty());  // answered already
}

TEST(ControlChannel, UnansweredRequestsExpireAndAResendCountsItsRetry) {
  test_venue venue;
  control_channel c;
  std::uint64_t next_id = 1;
  c.queue(std::vector<std::string>{"a", "b"}, true, venue, next_id);
  sent(c, t0);
  EXPECT_TRUE(c.take_expired(t0 + seconds{9}, seconds{10}).empty());
  auto expired = c.take_expired(t0 + seconds{10}, seconds{10});
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_EQ(expired[0].topics, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(expired[0].retries, 0);
  c.resend(expired[0], venue, next_id);
  EXPECT_EQ(sent(c, t0 + seconds{10}), std::vector<std::string>{"SUB|2|a,b"});
  expired = c.take_expired(t0 + seconds{20}, seconds{10});
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_EQ(expired[0].retries, 1);
}

TEST(ControlChannel, ForgottenTopicsAreNoLongerAwaited) {
  test_venue venue;
  control_channel c;
  std::uint64_t next_id = 1;
  c.queue(std::vector<std::string>{"a", "b"}, true, venue, next_id);
  sent(c, t0);
  c.forget(std::vector<std::string>{"a"});
  EXPECT_EQ(c.answer(true, 1, {}), std::vector<std::string>{"b"});
  c.queue(std::vector<std::string>{"c"}, true, venue, next_id);
  sent(c, t0);
  c.forget(std::vector<std::string>{"c"});
  EXPECT_EQ(c.waiting(), 0u);
}

}  // namespace
}  // namespace sf
