#include "steadyfeed/runtime/record_outlet.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sf {
namespace {

using std::chrono::milliseconds;

struct taken {
  record_kind kind;
  std::string symbol, id, line;
};

std::vector<taken> drain(record_queue& q) {
  std::vector<taken> out;
  q.take(milliseconds{0}, [&](const sink_record& r) {
    out.push_back({r.kind, std::string(r.symbol), std::string(r.id), std::string(r.line)});
  });
  return out;
}

void push_trade(record_outlet& outlet, std::string_view symbol, std::uint64_t id) {
  trade_record t;
  t.symbol = symbol;
  t.id = id;
  t.price = *decimal::parse("100.5");
  t.qty = *decimal::parse("1");
  t.taker = side::buy;
  t.ts_exchange = 1'700'000'000'000'000 + static_cast<wall_us>(id);
  t.ts_recv = t.ts_exchange + 10;
  outlet.push({record_kind::trade, "binance-spot", "trades", symbol, t.ts_recv, &t, nullptr, nullptr});
}

// Pushes trades from `id` on until one is not queued; returns that id.
std::uint64_t fill(record_outlet& outlet, std::string_view symbol, std::uint64_t id) {
  while (outlet.lost() == 0) push_trade(outlet, symbol, id++);
  return id - 1;
}

TEST(RecordOutlet, RecordsThatDoNotFitBecomeOneGapRecordAheadOfTheStreamsNextRecord) {
  record_queue q(4096, milliseconds{0});
  record_outlet outlet(q, milliseconds{0});
  const std::uint64_t first_lost = fill(outlet, "BTCUSDT", 1);
  for (std::uint64_t id = first_lost + 1; id <= first_lost + 4; ++id) push_trade(outlet, "BTCUSDT", id);
  EXPECT_EQ(outlet.lost(), 5u);
  EXPECT_EQ(outlet.pending_gaps(), 1u);

  auto before = drain(q);
  ASSERT_EQ(before.size(), first_lost - 1);
  EXPECT_EQ(before.back().id, std::to_string(first_lost - 1));
  for (const auto& t : before) EXPECT_EQ(t.kind, record_kind::trade);

  push_trade(outlet, "BTCUSDT", first_lost + 5);
  const auto after = drain(q);
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(after[0].kind, record_kind::gap);
  EXPECT_EQ(after[0].id, std::to_string(first_lost) + "-" + std::to_string(first_lost + 4));
  EXPECT_NE(after[0].line.find("\"type\":\"gap\""), std::string::npos) << after[0].line;
  EXPECT_NE(after[0].line.find("\"from\":\"" + std::to_string(first_lost) + "\""), std::string::npos) << after[0].line;
  EXPECT_NE(after[0].line.find("\"to\":\"" + std::to_string(first_lost + 4) + "\""), std::string::npos) << after[0].line;
  EXPECT_NE(after[0].line.find("sink queue full: 5 record(s)"), std::string::npos) << after[0].line;
  EXPECT_EQ(after[1].kind, record_kind::trade);
  EXPECT_EQ(after[1].id, std::to_string(first_lost + 5));
  EXPECT_EQ(outlet.pending_gaps(), 0u);
  EXPECT_EQ(outlet.gaps_queued(), 1u);
}

TEST(RecordOutlet, AnotherStreamIsNotHeldBackAndFlushQueuesWhatIsOwed) {
  record_queue q(4096, milliseconds{0});
  record_outlet outlet(q, milliseconds{0});
  const std::uint64_t lost_id = fill(outlet, "BTCUSDT", 1);
  drain(q);
  push_trade(outlet, "ETHUSDT", 7);
  auto got = drain(q);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].symbol, "ETHUSDT");
  EXPECT_EQ(outlet.pending_gaps(), 1u);

  EXPECT_EQ(outlet.flush(), 0u);
  got = drain(q);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].kind, record_kind::gap);
  EXPECT_EQ(got[0].symbol, "BTCUSDT");
  EXPECT_EQ(got[0].id, std::to_string(lost_id) + "-" + std::to_string(lost_id));
}

TEST(RecordOutlet, AGapRecordThatCannotBeQueuedKeepsWideningAndNothingOfTheStreamOvertakesIt) {
  record_queue q(4096, milliseconds{0});
  record_outlet outlet(q, milliseconds{0});
  const std::uint64_t lost_id = fill(outlet, "BTCUSDT", 1);
  // Still full: the owed gap cannot be queued, so the next trade is lost too,
  // even if it alone would fit after the consumer freed a little room.
  EXPECT_EQ(outlet.flush(), 1u);
  push_trade(outlet, "BTCUSDT", lost_id + 1);
  EXPECT_EQ(outlet.lost(), 2u);
  drain(q);
  push_trade(outlet, "BTCUSDT", lost_id + 2);
  const auto got = drain(q);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].id, std::to_string(lost_id) + "-" + std::to_string(lost_id + 1));
  EXPECT_EQ(got[1].id, std::to_string(lost_id + 2));
}

TEST(RecordOutlet, BookUpdatesLoseTheirWholeSequenceRange) {
  record_queue q(4096, milliseconds{0});
  record_outlet outlet(q, milliseconds{0});
  std::vector<price_level> bids{{*decimal::parse("100"), *decimal::parse("2")}};
  std::uint64_t seq = 10;
  std::uint64_t first_lost_from = 0, last_lost = 0;
  while (outlet.lost() < 3) {
    book_record b;
    b.symbol = "BTCUSDT";
    b.first_seq = seq + 1;
    b.seq = seq + 3;
    b.bids = bids;
    b.ts_recv = 1;
    const auto lost_before = outlet.lost();
    outlet.push({record_kind::book, "binance-spot", "book", "BTCUSDT", 1, nullptr, &b, nullptr});
    if (outlet.lost() > lost_before) {
      if (first_lost_from == 0) first_lost_from = b.first_seq;
      last_lost = b.seq;
    }
    seq += 3;
  }
  drain(q);
  EXPECT_EQ(outlet.flush(), 0u);
  const auto got = drain(q);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].kind, record_kind::gap);
  EXPECT_EQ(got[0].id, std::to_string(first_lost_from) + "-" + std::to_string(last_lost));
  EXPECT_NE(got[0].line.find("\"channel\":\"book\""), std::string::npos) << got[0].line;
}

TEST(RecordOutlet, QueuedRecordsCarryTheirKindAndIdentity) {
  record_queue q(1 << 16, milliseconds{0});
  record_outlet outlet(q, milliseconds{0});
  push_trade(outlet, "BTCUSDT", 42);
  gap_record g{"okx", "trades", "BTC-USDT", "5", "9", "history gone", 3};
  outlet.push({record_kind::gap, "okx", "trades", "BTC-USDT", 3, nullptr, nullptr, &g});
  const auto got = drain(q);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].kind, record_kind::trade);
  EXPECT_EQ(got[0].id, "42");
  EXPECT_NE(got[0].line.find("\"id\":\"42\""), std::string::npos) << got[0].line;
  EXPECT_EQ(got[0].line.back(), '\n');
  EXPECT_EQ(got[1].kind, record_kind::gap);
  EXPECT_EQ(got[1].id, "5-9");
  EXPECT_EQ(outlet.lost(), 0u);
}

}  // namespace
}  // namespace sf
