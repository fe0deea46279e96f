#include "steadyfeed/sink/record_queue.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace sf {
namespace {

TEST(RecordQueue, HandsEveryLineOverInOrderAcrossThreads) {
  record_queue q;
  constexpr int n = 20'000;
  std::thread producer([&] {
    for (int i = 0; i < n; ++i) ASSERT_TRUE(q.push("v", "trades", "S", i, std::to_string(i) + "\n"));
    q.close();
  });
  int expected = 0;
  while (expected < n) {
    for (auto& item : q.take(std::chrono::milliseconds{100})) {
      ASSERT_EQ(item.line, std::to_string(expected) + "\n");
      ++expected;
    }
  }
  producer.join();
  EXPECT_EQ(q.dropped(), 0u);
}

TEST(RecordQueue, AFullQueueDropsVisiblyAfterWaiting) {
  record_queue q(10, std::chrono::milliseconds{0});
  EXPECT_TRUE(q.push("v", "c", "s", 0, "12345678\n"));
  EXPECT_FALSE(q.push("v", "c", "s", 0, "12345678\n"));
  EXPECT_EQ(q.dropped(), 1u);
  EXPECT_EQ(q.take(std::chrono::milliseconds{0}).size(), 1u);
  EXPECT_TRUE(q.push("v", "c", "s", 0, "12345678\n"));
}

}  // namespace
}  // namespace sf
