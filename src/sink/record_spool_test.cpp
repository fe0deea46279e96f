#include "steadyfeed/sink/record_spool.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "support/temp_dir.hpp"

namespace sf {
namespace {

namespace fs = std::filesystem;
using test::temp_dir;

spooled_record trade(int id) {
  spooled_record r;
  r.kind = record_kind::trade;
  r.venue = "okx";
  r.channel = "trades";
  r.symbol = "BTC-USDT";
  r.id = std::to_string(id);
  r.received = 1'700'000'000'000'000 + id;
  r.line = "{\"type\":\"trade\",\"id\":\"" + r.id + "\"}\n";
  return r;
}

std::vector<std::string> ids(const std::vector<spooled_record>& rs) {
  std::vector<std::string> out;
  for (const auto& r : rs) out.push_back(r.id);
  return out;
}

std::vector<std::string> range(int from, int to) {
  std::vector<std::string> out;
  for (int i = from; i <= to; ++i) out.push_back(std::to_string(i));
  return out;
}

std::vector<spooled_record> read_all(record_spool& s) {
  std::vector<spooled_record> out;
  std::error_code ec;
  while (s.read(out, 7, ec) > 0) {
  }
  EXPECT_FALSE(ec) << ec.message();
  return out;
}

std::vector<fs::path> segments(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(RecordSpool, RecordsComeBackInOrderWithEveryField) {
  temp_dir dir("spool");
  record_spool s({.dir = dir.path});
  ASSERT_FALSE(s.open());
  EXPECT_TRUE(s.empty());
  for (int i = 1; i <= 20; ++i) ASSERT_FALSE(s.append(trade(i)));
  spooled_record gap;
  gap.kind = record_kind::gap;
  gap.venue = "binance-spot";
  gap.channel = "trades";
  gap.symbol = "BTCUSDT";  // no id: kept as empty
  gap.received = 5;
  gap.line = "{\"type\":\"gap\"}\n";
  ASSERT_FALSE(s.append(gap));
  EXPECT_EQ(s.stats().unread, 21u);
  const auto got = read_all(s);
  ASSERT_EQ(got.size(), 21u);
  auto expected = range(1, 20);
  expected.push_back("");
  EXPECT_EQ(ids(got), expected);
  EXPECT_EQ(got[4].line, trade(5).line);
  EXPECT_EQ(got[4].received, trade(5).received);
  EXPECT_EQ(got[4].symbol, "BTC-USDT");
  EXPECT_EQ(got[20].kind, record_kind::gap);
  EXPECT_EQ(got[20].venue, "binance-spot");
  EXPECT_TRUE(s.empty());
  // New records after reading are read next.
  ASSERT_FALSE(s.append(trade(21)));
  EXPECT_EQ(ids(read_all(s)), range(21, 21));
}

TEST(RecordSpool, WhatWasWrittenSurvivesAndATornTailIsCut) {
  temp_dir dir("spool");
  {
    record_spool s({.dir = dir.path});
    ASSERT_FALSE(s.open());
    for (int i = 1; i <= 3; ++i) ASSERT_FALSE(s.append(trade(i)));
    ASSERT_FALSE(s.flush());
  }
  // A crash mid-append: half a header, then half a record.
  const auto files = segments(dir.path);
  ASSERT_EQ(files.size(), 1u);
  {
    std::ofstream out(files[0], std::ios::app | std::ios::binary);
    std::string next;
    record_spool::encode(next, trade(4));
    out << next.substr(0, next.size() - 5);
  }
  record_spool s({.dir = dir.path});
  ASSERT_FALSE(s.open());
  EXPECT_GT(s.stats().torn_bytes_removed, 0u);
  EXPECT_EQ(s.stats().unread, 3u);
  ASSERT_FALSE(s.append(trade(4)));
  EXPECT_EQ(ids(read_all(s)), range(1, 4));
}

TEST(RecordSpool, DamageBetweenRecordsIsSkippedCountedAndRewritten) {
  temp_dir dir("spool");
  {
    record_spool s({.dir = dir.path});
    ASSERT_FALSE(s.open());
    for (int i = 1; i <= 6; ++i) ASSERT_FALSE(s.append(trade(i)));
    ASSERT_FALSE(s.flush());
  }
  const auto file = segments(dir.path).at(0);
  std::string data;
  {
    std::ifstream in(file, std::ios::binary);
    data.assign(std::istreambuf_iterator<char>(in), {});
  }
  // Record 3's header is overwritten: 1, 2 and 4..6 are whole.
  std::string third;
  record_spool::encode(third, trade(3));
  const auto at = data.find(third);
  ASSERT_NE(at, std::string::npos);
  data.replace(at, 5, "XXXXX");
  std::ofstream(file, std::ios::binary | std::ios::trunc) << data;
  {
    record_spool s({.dir = dir.path});
    ASSERT_FALSE(s.open());
    EXPECT_EQ(s.stats().damaged_bytes, third.size());
    EXPECT_EQ(s.stats().torn_bytes_removed, 0u);
    EXPECT_EQ(ids(read_all(s)), (std::vector<std::string>{"1", "2", "4", "5", "6"}));
  }
  // Rewritten: the next open finds no damage.
  record_spool again({.dir = dir.path});
  ASSERT_FALSE(again.open());
  EXPECT_EQ(again.stats().damaged_bytes, 0u);
  EXPECT_EQ(again.stats().unread, 5u);
}

TEST(RecordSpool, NamesWithSpacesAndLoneDashesComeBackAsTheyWere) {
  temp_dir dir("spool");
  record_spool s({.dir = dir.path});
  ASSERT_FALSE(s.open());
  auto odd = trade(1);
  odd.symbol = "BTC USD%\n";
  odd.id = "-";
  odd.channel = "";
  ASSERT_FALSE(s.append(odd));
  ASSERT_FALSE(s.append(trade(2)));
  const auto got = read_all(s);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].symbol, odd.symbol);
  EXPECT_EQ(got[0].id, "-");
  EXPECT_EQ(got[0].channel, "");
  EXPECT_EQ(got[1].id, "2");
}

TEST(RecordSpool, ASegmentCutShortUnderTheReaderIsAnErrorNotAHang) {
  temp_dir dir("spool");
  record_spool s({.dir = dir.path});
  ASSERT_FALSE(s.open());
  for (int i = 1; i <= 100; ++i) ASSERT_FALSE(s.append(trade(i)));
  ASSERT_FALSE(s.flush());
  std::filesystem::resize_file(segments(dir.path).at(0), 10);
  std::vector<spooled_record> out;
  std::error_code ec;
  EXPECT_EQ(s.read(out, 1000, ec), 0u);
  EXPECT_TRUE(ec);
}

TEST(RecordSpool, AFullSpoolRefusesButKeepsGapRecords) {
  temp_dir dir("spool");
  std::string one;
  record_spool::encode(one, trade(1));
  record_spool s({.dir = dir.path, .max_bytes = one.size() * 3});
  ASSERT_FALSE(s.open());
  for (int i = 1; i <= 3; ++i) ASSERT_FALSE(s.append(trade(i)));
  EXPECT_EQ(s.append(trade(4)), std::make_error_code(std::errc::no_space_on_device));
  EXPECT_EQ(s.stats().refused, 1u);
  ASSERT_FALSE(s.append_always(trade(5)));
  EXPECT_EQ(ids(read_all(s)), (std::vector<std::string>{"1", "2", "3", "5"}));
}

TEST(RecordSpool, DeliveredSegmentsAreDeletedAndTheRestReplayAfterARestart) {
  temp_dir dir("spool");
  std::string one;
  record_spool::encode(one, trade(10));
  {
    record_spool s({.dir = dir.path, .segment_bytes = one.size() * 4});
    ASSERT_FALSE(s.open());
    for (int i = 10; i < 30; ++i) ASSERT_FALSE(s.append(trade(i)));
    ASSERT_FALSE(s.flush());
    EXPECT_EQ(segments(dir.path).size(), 5u);
    std::vector<spooled_record> got;
    std::error_code ec;
    ASSERT_EQ(s.read(got, 9, ec), 9u);  // 10..18: two segments and one record
    ASSERT_FALSE(s.commit(s.read_mark()));
    EXPECT_EQ(segments(dir.path).size(), 3u);
    EXPECT_EQ(s.stats().records, 12u);
  }
  // A restart reads the segments left from their start: 18 comes again.
  record_spool s({.dir = dir.path});
  ASSERT_FALSE(s.open());
  EXPECT_EQ(ids(read_all(s)), range(18, 29));
  ASSERT_FALSE(s.commit(s.read_mark()));
  EXPECT_TRUE(segments(dir.path).empty());
  EXPECT_EQ(s.stats().bytes, 0u);
  ASSERT_FALSE(s.append(trade(30)));
  EXPECT_EQ(ids(read_all(s)), range(30, 30));
}

TEST(RecordSpool, RecordsPushedToTheFrontComeFirst) {
  temp_dir dir("spool");
  record_spool s({.dir = dir.path});
  ASSERT_FALSE(s.open());
  for (int i = 5; i <= 8; ++i) ASSERT_FALSE(s.append(trade(i)));
  std::vector<spooled_record> got;
  std::error_code ec;
  ASSERT_EQ(s.read(got, 2, ec), 2u);  // 5, 6 read, not delivered
  ASSERT_FALSE(s.push_front({trade(3), trade(4)}));
  // The head, then everything not committed (5 and 6 again: a reader
  // deduplicates by id).
  EXPECT_EQ(ids(read_all(s)), range(3, 8));
  {
    record_spool again({.dir = dir.path});
    ASSERT_FALSE(again.open());
    EXPECT_EQ(ids(read_all(again)), range(3, 8));
  }
}

TEST(RecordSpool, ARecordLargerThanAReadChunkIsReadWhole) {
  temp_dir dir("spool");
  record_spool s({.dir = dir.path});
  ASSERT_FALSE(s.open());
  auto big = trade(2);
  big.line = std::string(3 << 20, 'x') + "\n";
  ASSERT_FALSE(s.append(trade(1)));
  ASSERT_FALSE(s.append(big));
  ASSERT_FALSE(s.append(trade(3)));
  const auto got = read_all(s);
  ASSERT_EQ(ids(got), range(1, 3));
  EXPECT_EQ(got[1].line, big.line);
}

TEST(RecordSpool, ReadingAcrossChunkBoundariesLosesNothing) {
  temp_dir dir("spool");
  record_spool s({.dir = dir.path});
  ASSERT_FALSE(s.open());
  // ~3 MB of records of odd sizes: chunk edges fall inside headers and lines.
  for (int i = 0; i < 30'000; ++i) {
    auto r = trade(i);
    r.line = std::string(static_cast<std::size_t>(i % 97), 'p') + r.line;
    ASSERT_FALSE(s.append(r));
  }
  const auto got = read_all(s);
  ASSERT_EQ(got.size(), 30'000u);
  for (int i = 0; i < 30'000; ++i) ASSERT_EQ(got[static_cast<std::size_t>(i)].id, std::to_string(i));
}

TEST(RecordSpool, DecodeRejectsWhatIsNotARecord) {
  std::size_t pos = 0;
  EXPECT_FALSE(record_spool::decode("R trade a b c 1 2 5\nabc\n", pos));  // shorter than its length
  EXPECT_FALSE(record_spool::decode("R trade a b c 1 2\nabc\n", pos));    // a field missing
  EXPECT_FALSE(record_spool::decode("X trade a b c 1 2 4\nabc\n", pos));
  EXPECT_FALSE(record_spool::decode("R nope a b c 1 2 4\nabc\n", pos));
  EXPECT_FALSE(record_spool::decode("R trade a b c 1 2 4\nabcd", pos));  // not ending in a newline
  EXPECT_EQ(pos, 0u);
  EXPECT_TRUE(record_spool::decode("R trade a b c 1 2 4\nabc\n", pos));
  EXPECT_EQ(pos, 24u);
}

}  // namespace
}  // namespace sf
