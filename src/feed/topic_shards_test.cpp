#include "steadyfeed/feed/topic_shards.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace sf {
namespace {

std::vector<std::string> names(int from, int to) {
  std::vector<std::string> out;
  for (int i = from; i < to; ++i) out.push_back(fmt::format("t{}", i));
  return out;
}

TEST(TopicShards, FillsEachShardToTheLimitBeforeOpeningTheNext) {
  topic_shards s(3);
  const auto placed = s.add(names(0, 7));
  ASSERT_EQ(s.size(), 3u);
  ASSERT_EQ(placed.size(), 3u);
  EXPECT_EQ(placed[0].topics, names(0, 3));
  EXPECT_EQ(placed[1].topics, names(3, 6));
  EXPECT_EQ(placed[2].topics, names(6, 7));
  EXPECT_EQ(s.topics(2), names(6, 7));
}

TEST(TopicShards, AddingAgainPlacesOnlyTheNewTopicsAndFillsTheLastShardFirst) {
  topic_shards s(3);
  s.add(names(0, 4));
  const auto placed = s.add(names(0, 9));  // t0..t3 again, t4..t8 new
  ASSERT_EQ(placed.size(), 2u);
  EXPECT_EQ(placed[0].shard, 1u);
  EXPECT_EQ(placed[0].topics, names(4, 6));
  EXPECT_EQ(placed[1].shard, 2u);
  EXPECT_EQ(placed[1].topics, names(6, 9));
  EXPECT_EQ(s.size(), 3u);
}

TEST(TopicShards, RemovalLeavesAHoleThatTheNextAddFillsWithoutANewShard) {
  topic_shards s(2);
  s.add(names(0, 4));
  const std::vector<std::string> gone{"t1", "t7"};  // t7 was never placed
  const auto removed = s.remove(gone);
  ASSERT_EQ(removed.size(), 1u);
  EXPECT_EQ(removed[0].shard, 0u);
  EXPECT_EQ(removed[0].topics, std::vector<std::string>{"t1"});
  EXPECT_EQ(s.shards_after(1), 2u);
  EXPECT_EQ(s.shards_after(2), 3u);
  const std::vector<std::string> one{"t9"};
  const auto placed = s.add(one);
  ASSERT_EQ(placed.size(), 1u);
  EXPECT_EQ(placed[0].shard, 0u);
  EXPECT_EQ(s.size(), 2u);
  EXPECT_EQ(s.shard_of("t9"), 0u);
  EXPECT_FALSE(s.shard_of("t1"));
}

TEST(TopicShards, NoLimitKeepsOneShard) {
  topic_shards s(0);
  EXPECT_EQ(s.shards_after(0), 0u);
  EXPECT_EQ(s.shards_after(500), 1u);
  s.add(names(0, 500));
  EXPECT_EQ(s.size(), 1u);
  EXPECT_EQ(s.topics(0).size(), 500u);
  EXPECT_EQ(s.shards_after(10), 1u);
}

TEST(TopicShards, ShardsAfterCountsTheRoomLeftInEveryShard) {
  topic_shards s(4);
  EXPECT_EQ(s.shards_after(9), 3u);
  s.add(names(0, 5));  // 4 + 1
  EXPECT_EQ(s.shards_after(3), 2u);
  EXPECT_EQ(s.shards_after(4), 3u);
}

}  // namespace
}  // namespace sf
