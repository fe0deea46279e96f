#include "steadyfeed/sink/resume_point.hpp"

#include <gtest/gtest.h>
#include <zstd.h>

#include <fstream>

#include "steadyfeed/core/record_json.hpp"
#include "steadyfeed/sink/file_sink.hpp"
#include "support/temp_dir.hpp"
#include "support/zstd_frame.hpp"

namespace sf {
namespace {

namespace fs = std::filesystem;

using test::temp_dir;

constexpr wall_us t0 = 1'700'000'000'000'000;
constexpr wall_us hour = 3'600'000'000;

std::string trade_lines(std::uint64_t from, std::uint64_t to) {
  std::string out;
  for (std::uint64_t id = from; id <= to; ++id) {
    trade_record t;
    t.symbol = "BTCUSDT";
    t.id = id;
    t.price = decimal(4300010, 2);
    t.qty = decimal(1, 3);
    t.ts_exchange = t0;
    t.ts_recv = t0;
    append_json(out, "binance-spot", t);
  }
  return out;
}

std::string gap_line(std::uint64_t from, std::uint64_t to) {
  gap_record g;
  g.venue = "binance-spot";
  g.channel = "trades";
  g.symbol = "BTCUSDT";
  g.from = std::to_string(from);
  g.to = std::to_string(to);
  g.reason = "test";
  g.ts_recv = t0;
  std::string out;
  append_json(out, g);
  return out;
}

TEST(ResumePoint, AStreamNeverRecordedHasNone) {
  temp_dir dir{"resume"};
  std::error_code ec;
  EXPECT_FALSE(find_trade_resume_point(dir.path, "binance-spot", "BTCUSDT", ec));
  EXPECT_FALSE(ec);
}

TEST(ResumePoint, IsTheHighestIdOfTheNewestHour) {
  temp_dir dir{"resume"};
  {
    file_sink sink({dir.path});
    ASSERT_FALSE(sink.write("binance-spot", "trades", "BTCUSDT", t0, trade_lines(1, 50)));
    ASSERT_FALSE(sink.write("binance-spot", "trades", "BTCUSDT", t0 + hour, trade_lines(51, 70)));
    ASSERT_FALSE(sink.write("binance-spot", "trades", "ETHUSDT", t0 + hour, trade_lines(900, 990)));
  }
  std::error_code ec;
  auto p = find_trade_resume_point(dir.path, "binance-spot", "BTCUSDT", ec);
  ASSERT_TRUE(p) << ec.message();
  EXPECT_EQ(p->last_id, 70u);
  EXPECT_EQ(p->file, file_sink::path_for(dir.path, "binance-spot", "trades", "BTCUSDT", t0 + hour));
  EXPECT_EQ(p->bad_lines, 0u);
}

TEST(ResumePoint, AGapRecordAccountsForItsRange) {
  temp_dir dir{"resume"};
  {
    file_sink sink({dir.path});
    ASSERT_FALSE(sink.write("binance-spot", "trades", "BTCUSDT", t0, trade_lines(1, 10) + gap_line(11, 40)));
  }
  std::error_code ec;
  auto p = find_trade_resume_point(dir.path, "binance-spot", "BTCUSDT", ec);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->last_id, 40u);
}

TEST(ResumePoint, AnHourWithoutTradesFallsBackToTheOneBefore) {
  temp_dir dir{"resume"};
  {
    file_sink sink({dir.path});
    ASSERT_FALSE(sink.write("binance-spot", "trades", "BTCUSDT", t0, trade_lines(1, 10)));
    ASSERT_FALSE(sink.write("binance-spot", "trades", "BTCUSDT", t0 + hour, "not json\n"));
  }
  std::error_code ec;
  auto p = find_trade_resume_point(dir.path, "binance-spot", "BTCUSDT", ec);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->last_id, 10u);
}

TEST(ResumePoint, ATornTailIsNotCounted) {
  temp_dir dir{"resume"};
  fs::path file;
  {
    file_sink sink({dir.path});
    ASSERT_FALSE(sink.write("binance-spot", "trades", "BTCUSDT", t0, trade_lines(1, 20)));
    file = file_sink::path_for(dir.path, "binance-spot", "trades", "BTCUSDT", t0);
  }
  // Half of a frame holding later trades, as a kill -9 mid-write leaves it.
  const std::string text = trade_lines(21, 30);
  std::string frame(ZSTD_compressBound(text.size()), '\0');
  frame.resize(ZSTD_compress(frame.data(), frame.size(), text.data(), text.size(), 3));
  std::ofstream(file, std::ios::app).write(frame.data(), static_cast<std::streamsize>(frame.size() / 2));
  std::error_code ec;
  auto p = find_trade_resume_point(dir.path, "binance-spot", "BTCUSDT", ec);
  ASSERT_TRUE(p) << ec.message();
  EXPECT_EQ(p->last_id, 20u);
}

// Damage in the middle of the newest file (a torn frame with whole frames
// written after it) does not hide the trades after it: the resume point is
// theirs, so the downtime is backfilled, not "started afresh".
TEST(ResumePoint, DamageInTheMiddleOfAFileHidesNothingAfterIt) {
  temp_dir dir{"resume"};
  const fs::path file = file_sink::path_for(dir.path, "binance-spot", "trades", "BTCUSDT", t0);
  fs::create_directories(file.parent_path());
  auto frame = [](const std::string& text) { return test::zstd_frame(text); };
  const std::string torn = frame(trade_lines(21, 30));
  {
    std::ofstream out(file, std::ios::binary);
    out << frame(trade_lines(1, 20)) << torn.substr(0, torn.size() / 2) << frame(trade_lines(31, 40));
  }
  std::error_code ec;
  auto p = find_trade_resume_point(dir.path, "binance-spot", "BTCUSDT", ec);
  ASSERT_TRUE(p) << ec.message();
  EXPECT_EQ(p->last_id, 40u);
  EXPECT_EQ(p->damaged_bytes, torn.size() / 2);
}

}  // namespace
}  // namespace sf
