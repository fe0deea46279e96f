#include "steadyfeed/sink/record_queue.hpp"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace sf {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;

// Line i of a deterministic mix of lengths (0 to 400 bytes) and stream names.
std::string line_for(int i) {
  std::string line = std::to_string(i) + ":";
  line.append(static_cast<std::size_t>(i * 7919 % 401), static_cast<char>('a' + i % 26));
  return line;
}
std::string symbol_for(int i) { return i % 3 == 0 ? "BTCUSDT" : i % 3 == 1 ? "ETH-USDT" : ""; }

std::vector<queued_line> copy_out(record_queue& q, std::vector<std::string>& storage, milliseconds wait) {
  std::vector<queued_line> out;
  q.take(wait, [&](const queued_line& l) {
    storage.emplace_back(l.line);
    out.push_back(l);
  });
  return out;
}

TEST(RecordQueue, HandsEveryLineOverInOrderAcrossThreads) {
  // A small ring: the producer wraps and waits for room thousands of times.
  record_queue q(4096, hours{1});
  constexpr int n = 200'000;
  std::thread producer([&] {
    for (int i = 0; i < n; ++i) ASSERT_TRUE(q.push("okx", i % 2 ? "trades" : "book", symbol_for(i), i, line_for(i)));
    q.close();
  });
  int expected = 0;
  bool ok = true;
  while (expected < n && ok) {
    q.take(hours{1}, [&](const queued_line& l) {
      if (!ok) return;
      ok = l.line == line_for(expected) && l.venue == "okx" && l.channel == (expected % 2 ? "trades" : "book") &&
           l.symbol == symbol_for(expected) && l.received == expected;
      EXPECT_TRUE(ok) << "line " << expected << " arrived as " << l.line.substr(0, 20);
      ++expected;
    });
  }
  producer.join();
  EXPECT_EQ(expected, n);
  EXPECT_EQ(q.dropped(), 0u);
  EXPECT_EQ(q.depth(), 0u);
}

TEST(RecordQueue, AFullQueueDropsVisiblyAfterWaiting) {
  record_queue q(4096, milliseconds{0});
  const std::string line(997, 'x');
  int accepted = 0;
  while (q.push("v", "c", "s", 0, line)) ++accepted;
  EXPECT_EQ(accepted, 4);  // 4 × (24 + 3 + 997) bytes fill the ring exactly
  EXPECT_EQ(q.dropped(), 1u);
  EXPECT_EQ(q.depth(), 4u);
  EXPECT_EQ(q.take(milliseconds{0}, [](const queued_line&) {}), 4u);
  EXPECT_EQ(q.depth(), 0u);
  EXPECT_TRUE(q.push("v", "c", "s", 0, line));
}

TEST(RecordQueue, ALineThatCanNeverFitIsDroppedWithoutWaiting) {
  record_queue q(4096, hours{1});  // a wait would hang the test
  EXPECT_FALSE(q.push("v", "c", "s", 0, std::string(5000, 'x')));
  EXPECT_FALSE(q.push(std::string(70'000, 'v'), "c", "s", 0, "line"));
  EXPECT_EQ(q.dropped(), 2u);
  EXPECT_TRUE(q.push("v", "c", "s", 0, "line"));
}

TEST(RecordQueue, AnEntryIsNeverSplitAtTheRingsEnd) {
  record_queue q(4096, milliseconds{0});
  ASSERT_EQ(q.capacity(), 4096u);
  // 24 + 3 + 4061 = 4088: eight bytes are left at the end, less than a header.
  ASSERT_TRUE(q.push("v", "c", "s", 1, std::string(4061, 'a')));
  std::vector<std::string> storage;
  ASSERT_EQ(copy_out(q, storage, milliseconds{0}).size(), 1u);
  // The next entry cannot fit in those eight bytes: it starts at offset 0.
  const std::string line(100, 'b');
  ASSERT_TRUE(q.push("venue", "channel", "symbol", 2, line));  // 24 + 18 + 100, rounded up to 144
  storage.clear();
  auto lines = copy_out(q, storage, milliseconds{0});
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].venue, "venue");
  EXPECT_EQ(lines[0].channel, "channel");
  EXPECT_EQ(lines[0].symbol, "symbol");
  EXPECT_EQ(lines[0].received, 2);
  EXPECT_EQ(storage[0], line);
  // Then one that ends exactly at the ring's end, and one back at offset 0.
  const std::string to_the_end(4096 - 144 - 24 - 3, 'c');
  ASSERT_TRUE(q.push("v", "c", "s", 3, to_the_end));
  ASSERT_TRUE(q.push("v", "c", "s", 4, "after"));
  storage.clear();
  lines = copy_out(q, storage, milliseconds{0});
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(storage[0], to_the_end);
  EXPECT_EQ(storage[1], "after");
  EXPECT_EQ(lines[1].received, 4);
  // And the ring is whole again.
  EXPECT_TRUE(q.push("v", "c", "s", 4, std::string(4000, 'd')));
}

TEST(RecordQueue, AWaitingConsumerWakesForTheFirstLine) {
  record_queue q;
  std::size_t taken = 0;
  std::thread consumer([&] { taken = q.take(hours{1}, [](const queued_line&) {}); });
  ASSERT_TRUE(q.push("v", "c", "s", 0, "line"));
  consumer.join();  // a lost wake-up hangs here
  EXPECT_EQ(taken, 1u);
}

TEST(RecordQueue, CloseWakesAWaitingConsumer) {
  record_queue q;
  std::size_t taken = 1;
  std::thread consumer([&] { taken = q.take(hours{1}, [](const queued_line&) {}); });
  q.close();
  consumer.join();
  EXPECT_EQ(taken, 0u);
}

TEST(RecordQueue, CloseReleasesAProducerWaitingForRoom) {
  record_queue q(4096, hours{1});
  const std::string line(997, 'x');
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(q.push("v", "c", "s", 0, line));
  bool pushed = true;
  std::thread producer([&] { pushed = q.push("v", "c", "s", 0, line); });
  q.close();
  producer.join();
  EXPECT_FALSE(pushed);
  EXPECT_EQ(q.dropped(), 1u);
  EXPECT_EQ(q.take(milliseconds{0}, [](const queued_line&) {}), 4u);
}

}  // namespace
}  // namespace sf
