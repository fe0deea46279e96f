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
std::string symbol_for(int i) {
  return i % 3 == 0 ? "BTCUSDT" : i % 3 == 1 ? "ETH-USDT" : "";
}

// A line copied out of the ring: a queued_line's views live only in take()'s callback.
struct taken_line {
  std::string venue, channel, symbol;
  wall_us received = 0;
  std::string line;
};

std::vector<taken_line> take_all(record_queue& q, milliseconds wait) {
  std::vector<taken_line> out;
  q.take(wait, [&](const queued_line& l) {
    out.push_back({std::string(l.venue), std::string(l.channel), std::string(l.symbol), l.received,
                   std::string(l.line)});
  });
  return out;
}

// Until `asleep()` holds: the other thread has gone to sleep in the queue.
template <typename Asleep>
void until(Asleep asleep) {
  while (!asleep()) std::this_thread::yield();
}

TEST(RecordQueue, HandsEveryLineOverInOrderAcrossThreads) {
  // A small ring: the producer wraps and waits for room thousands of times.
  record_queue q(4096, hours{1});
  constexpr int n = 200'000;
  std::thread producer([&] {
    for (int i = 0; i < n; ++i) {
      const bool pushed = q.push("okx", i % 2 ? "trades" : "book", symbol_for(i), i, line_for(i));
      EXPECT_TRUE(pushed) << "line " << i;
      if (!pushed) break;
    }
    q.close();
  });
  int expected = 0;
  bool ok = true;
  while (expected < n && ok) {
    if (q.take(hours{1},
               [&](const queued_line& l) {
                 if (!ok) return;
                 ok = l.line == line_for(expected) && l.venue == "okx" &&
                      l.channel == (expected % 2 ? "trades" : "book") &&
                      l.symbol == symbol_for(expected) && l.received == expected;
                 EXPECT_TRUE(ok) << "line " << expected << " arrived as " << l.line.substr(0, 20);
                 ++expected;
               }) == 0 &&
        q.depth() == 0 && q.dropped() != 0)
      break;  // the producer gave up and closed
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
  // A first lap fills the whole ring, so that no byte the next laps read is
  // zero by chance (a fresh ring may be zeroed memory).
  ASSERT_TRUE(q.push("v", "c", "s", 0, std::string(4096 - 24 - 3, 'z')));
  ASSERT_EQ(take_all(q, milliseconds{0}).size(), 1u);
  // 24 + 3 + 4061 = 4088: eight bytes are left at the end, less than a header.
  ASSERT_TRUE(q.push("v", "c", "s", 1, std::string(4061, 'a')));
  ASSERT_EQ(take_all(q, milliseconds{0}).size(), 1u);
  // The next entry cannot fit in those eight bytes: it starts at offset 0.
  const std::string line(100, 'b');
  ASSERT_TRUE(q.push("venue", "channel", "symbol", 2, line));  // 24 + 18 + 100, rounded up to 144
  auto lines = take_all(q, milliseconds{0});
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].venue, "venue");
  EXPECT_EQ(lines[0].channel, "channel");
  EXPECT_EQ(lines[0].symbol, "symbol");
  EXPECT_EQ(lines[0].received, 2);
  EXPECT_EQ(lines[0].line, line);
  // Then one that ends exactly at the ring's end, and one back at offset 0.
  const std::string to_the_end(4096 - 144 - 24 - 3, 'c');
  ASSERT_TRUE(q.push("v", "c", "s", 3, to_the_end));
  ASSERT_TRUE(q.push("v", "c", "s", 4, "after"));
  lines = take_all(q, milliseconds{0});
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].line, to_the_end);
  EXPECT_EQ(lines[1].line, "after");
  EXPECT_EQ(lines[1].received, 4);
  // And the ring is whole again.
  EXPECT_TRUE(q.push("v", "c", "s", 5, std::string(4000, 'd')));
}

TEST(RecordQueue, ALineOfAlmostTheWholeRingFitsOnceTheConsumerPassesTheRingsEnd) {
  record_queue q(4096, hours{1});
  ASSERT_TRUE(q.push("v", "c", "s", 0, std::string(1000, 'a')));
  ASSERT_EQ(take_all(q, milliseconds{0}).size(), 1u);
  // The ring is empty, but the line does not fit behind the first one: the
  // rest of the ring is marked unused, and the line waits for the consumer
  // to pass that mark before it takes offset 0.
  const std::string big(3500, 'b');
  bool pushed = false;
  std::thread producer([&] { pushed = q.push("v", "c", "s", 1, big); });
  until([&] { return q.producer_waiting(); });
  EXPECT_EQ(take_all(q, milliseconds{0}).size(), 0u);  // only the mark
  producer.join();                                     // a lost wake-up hangs here
  ASSERT_TRUE(pushed);
  const auto lines = take_all(q, milliseconds{0});
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].line, big);
  EXPECT_EQ(q.dropped(), 0u);
}

TEST(RecordQueue, AProducerWaitingForTheRingsEndIsWokenWhenTheConsumerPassesIt) {
  record_queue q(4096, hours{1});
  ASSERT_TRUE(q.push("v", "c", "s", 0, std::string(1000, 'a')));
  bool pushed = false;
  // Needs the whole ring from offset 0: the first line must be taken first.
  std::thread producer([&] { pushed = q.push("v", "c", "s", 1, std::string(4096 - 24 - 3, 'b')); });
  until([&] { return q.producer_waiting(); });
  ASSERT_EQ(take_all(q, milliseconds{0}).size(), 1u);
  producer.join();  // a lost wake-up hangs here
  EXPECT_TRUE(pushed);
  const auto lines = take_all(q, milliseconds{0});
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].received, 1);
}

TEST(RecordQueue, AWaitingConsumerWakesForTheFirstLine) {
  record_queue q;
  std::size_t taken = 0;
  std::thread consumer([&] { taken = q.take(hours{1}, [](const queued_line&) {}); });
  until([&] { return q.consumer_waiting(); });
  EXPECT_TRUE(q.push("v", "c", "s", 0, "line"));
  consumer.join();  // a lost wake-up hangs here
  EXPECT_EQ(taken, 1u);
}

TEST(RecordQueue, APushRingsTheDoorbellOfAConsumerServingSeveralQueues) {
  doorbell bell;
  record_queue a, b;
  a.ring(&bell);
  b.ring(&bell);
  std::size_t taken = 0;
  // A lost ring would leave the consumer asleep until its timeout: long, and
  // measured, so that the test fails instead of hanging.
  constexpr auto timeout = std::chrono::seconds{20};
  std::chrono::steady_clock::duration slept{};
  std::thread consumer([&] {
    const auto start = std::chrono::steady_clock::now();  // clock-ok: bounds a real-thread wake-up
    // Asleep in the doorbell, not in either queue.
    bell.wait(timeout, [&] { return a.has_lines() || b.has_lines(); });
    slept = std::chrono::steady_clock::now() - start;  // clock-ok: as above
    for (auto* q : {&a, &b}) taken += q->take(milliseconds{0}, [](const queued_line&) {});
  });
  until([&] { return bell.sleeping(); });
  EXPECT_FALSE(a.consumer_waiting());
  EXPECT_TRUE(b.push("v", "c", "s", 0, "line"));
  consumer.join();
  EXPECT_LT(slept, timeout / 2) << "the push did not wake the consumer";
  EXPECT_EQ(taken, 1u);
  EXPECT_FALSE(a.has_lines());
  EXPECT_FALSE(b.has_lines());
}

TEST(RecordQueue, CloseWakesAWaitingConsumer) {
  record_queue q;
  std::size_t taken = 1;
  std::thread consumer([&] { taken = q.take(hours{1}, [](const queued_line&) {}); });
  until([&] { return q.consumer_waiting(); });
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
  until([&] { return q.producer_waiting(); });
  q.close();
  producer.join();
  EXPECT_FALSE(pushed);
  EXPECT_EQ(q.dropped(), 1u);
  EXPECT_EQ(q.take(milliseconds{0}, [](const queued_line&) {}), 4u);
}

}  // namespace
}  // namespace sf
