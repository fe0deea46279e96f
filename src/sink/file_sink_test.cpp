#include "steadyfeed/sink/file_sink.hpp"

#include <gtest/gtest.h>
#include <zstd.h>

#include <fstream>

#include "support/temp_dir.hpp"
#include "support/zstd_frame.hpp"

namespace sf {
namespace {

namespace fs = std::filesystem;

using test::temp_dir;

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// Decompresses a file of concatenated frames.
std::string decompress(const std::string& data) {
  std::string out;
  std::size_t pos = 0;
  while (pos < data.size()) {
    const std::size_t frame = ZSTD_findFrameCompressedSize(data.data() + pos, data.size() - pos);
    EXPECT_FALSE(ZSTD_isError(frame));
    if (ZSTD_isError(frame)) break;
    const auto size = ZSTD_getFrameContentSize(data.data() + pos, frame);
    std::string chunk(size, '\0');
    EXPECT_EQ(ZSTD_decompress(chunk.data(), chunk.size(), data.data() + pos, frame), size);
    out += chunk;
    pos += frame;
  }
  return out;
}

constexpr wall_us t0 = 1'700'000'000'000'000;  // 2023-11-14 22:13:20 UTC

TEST(FileSink, WritesOneFilePerStreamAndHour) {
  temp_dir dir{"sink"};
  file_sink sink({dir.path});
  ASSERT_FALSE(sink.write("okx", "trades", "BTC-USDT", t0, "{\"a\":1}\n"));
  ASSERT_FALSE(sink.write("okx", "trades", "BTC-USDT", t0 + 3'600'000'000LL, "{\"a\":2}\n"));
  ASSERT_FALSE(sink.write("okx", "book", "BTC-USDT", t0, "{\"b\":1}\n"));
  ASSERT_FALSE(sink.close());
  const auto first = dir.path / "okx/trades/BTC-USDT/2023-11-14/22.ndjson.zst";
  const auto second = dir.path / "okx/trades/BTC-USDT/2023-11-14/23.ndjson.zst";
  EXPECT_EQ(decompress(read_all(first)), "{\"a\":1}\n");
  EXPECT_EQ(decompress(read_all(second)), "{\"a\":2}\n");
  EXPECT_TRUE(fs::exists(dir.path / "okx/book/BTC-USDT/2023-11-14/22.ndjson.zst"));
  EXPECT_EQ(sink.stats().records, 3u);
}

TEST(FileSink, InterleavedStreamsEachKeepTheirOwnLines) {
  temp_dir dir{"sink"};
  file_sink sink({dir.path});
  // Each write differs from the one before in one name, and the last
  // returns to the first stream.
  ASSERT_FALSE(sink.write("a", "trades", "S", t0, "1\n"));
  ASSERT_FALSE(sink.write("a", "book", "S", t0, "2\n"));
  ASSERT_FALSE(sink.write("b", "book", "S", t0, "3\n"));
  ASSERT_FALSE(sink.write("b", "book", "T", t0, "4\n5\n"));
  ASSERT_FALSE(sink.write("a", "trades", "S", t0, "6\n"));
  ASSERT_FALSE(sink.close());
  const auto file = [&](const char* stream) { return dir.path / stream / "2023-11-14/22.ndjson.zst"; };
  EXPECT_EQ(decompress(read_all(file("a/trades/S"))), "1\n6\n");
  EXPECT_EQ(decompress(read_all(file("a/book/S"))), "2\n");
  EXPECT_EQ(decompress(read_all(file("b/book/S"))), "3\n");
  EXPECT_EQ(decompress(read_all(file("b/book/T"))), "4\n5\n");
  EXPECT_EQ(sink.stats().records, 6u);
}

TEST(FileSink, FlushesOnTheIntervalAsWholeFrames) {
  temp_dir dir{"sink"};
  file_sink sink({dir.path, seconds{1}});
  const auto file = file_sink::path_for(dir.path, "v", "trades", "S", t0);
  time_point now{seconds{10}};
  ASSERT_FALSE(sink.write("v", "trades", "S", t0, "1\n"));
  ASSERT_FALSE(sink.tick(now));
  ASSERT_FALSE(sink.write("v", "trades", "S", t0, "2\n"));
  EXPECT_EQ(decompress(read_all(file)), "1\n");
  ASSERT_FALSE(sink.tick(now + milliseconds{500}));
  EXPECT_EQ(decompress(read_all(file)), "1\n");
  ASSERT_FALSE(sink.tick(now + seconds{1}));
  EXPECT_EQ(decompress(read_all(file)), "1\n2\n");
}

TEST(FileSink, ATornTailIsSealedAndWritingContinues) {
  temp_dir dir{"sink"};
  const auto file = file_sink::path_for(dir.path, "v", "trades", "S", t0);
  {
    file_sink sink({dir.path});
    for (int i = 0; i < 5; ++i) {
      ASSERT_FALSE(sink.write("v", "trades", "S", t0, "line " + std::to_string(i) + "\n"));
      ASSERT_FALSE(sink.flush());
    }
  }
  // A crash mid-write: half a frame at the end.
  const std::string whole = read_all(file);
  {
    std::string torn_frame(ZSTD_compressBound(100), '\0');
    const std::string text = "line torn\n";
    torn_frame.resize(ZSTD_compress(torn_frame.data(), torn_frame.size(), text.data(), text.size(), 3));
    std::ofstream out(file, std::ios::binary | std::ios::app);
    out.write(torn_frame.data(), static_cast<std::streamsize>(torn_frame.size() / 2));
  }
  file_sink sink({dir.path});
  ASSERT_FALSE(sink.write("v", "trades", "S", t0, "line 5\n"));
  ASSERT_FALSE(sink.close());
  EXPECT_GT(sink.file_stats().torn_bytes_removed, 0u);
  EXPECT_EQ(decompress(read_all(file)), "line 0\nline 1\nline 2\nline 3\nline 4\nline 5\n");
}

TEST(FileSink, DamageBetweenWholeFramesIsCutOutAndEveryWholeFrameKept) {
  temp_dir dir{"sink"};
  const auto file = file_sink::path_for(dir.path, "v", "trades", "S", t0);
  std::filesystem::create_directories(file.parent_path());
  auto frame = [](const std::string& text) { return test::zstd_frame(text); };
  const std::string torn = frame("line torn\n");
  {
    std::ofstream out(file, std::ios::binary);
    out << frame("line 0\n") << torn.substr(0, torn.size() - 4) << frame("line 1\nline 2\n");
  }
  file_sink sink({dir.path});
  ASSERT_FALSE(sink.write("v", "trades", "S", t0, "line 3\n"));
  ASSERT_FALSE(sink.close());
  EXPECT_EQ(sink.file_stats().torn_bytes_removed, torn.size() - 4);
  EXPECT_EQ(decompress(read_all(file)), "line 0\nline 1\nline 2\nline 3\n");
  EXPECT_FALSE(std::filesystem::exists(file.string() + ".sealing"));
}

TEST(FileSink, SealLeavesAWholeFileAlone) {
  temp_dir dir{"sink"};
  const auto file = file_sink::path_for(dir.path, "v", "trades", "S", t0);
  {
    file_sink sink({dir.path});
    ASSERT_FALSE(sink.write("v", "trades", "S", t0, "x\n"));
  }
  std::error_code ec;
  EXPECT_EQ(file_sink::seal(file, ec), 0u);
  EXPECT_FALSE(ec);
  std::ofstream(dir.path / "empty");
  EXPECT_EQ(file_sink::seal(dir.path / "empty", ec), 0u);
}

TEST(FileSink, BigBuffersFlushEarly) {
  temp_dir dir{"sink"};
  file_sink_config c{dir.path};
  c.max_buffer_bytes = 1000;
  file_sink sink(c);
  const std::string line(99, 'x');
  for (int i = 0; i < 25; ++i) ASSERT_FALSE(sink.write("v", "trades", "S", t0, line + "\n"));
  EXPECT_GE(sink.file_stats().frames, 2u);
}

TEST(FileSink, UnwritableDirectoryIsAnErrorAndItsRecordsAreCountedLost) {
  file_sink sink({"/proc/steadyfeed-cannot-write-here"});
  EXPECT_FALSE(sink.write("v", "trades", "S", t0, "x\n"));  // accepted; written at the flush
  EXPECT_TRUE(sink.flush());
  EXPECT_TRUE(sink.close());
  EXPECT_EQ(sink.stats().records_lost, 1u);
}

}  // namespace
}  // namespace sf

#include <signal.h>
#include <sys/resource.h>

namespace sf {
namespace {

// Files may grow to `bytes` at most while it lives (RLIMIT_FSIZE): a write
// past it is cut short, then refused with EFBIG, as a full disk would.
class file_size_limit {
 public:
  explicit file_size_limit(rlim_t bytes) {
    ::getrlimit(RLIMIT_FSIZE, &saved_);
    old_handler_ = ::signal(SIGXFSZ, SIG_IGN);
    rlimit r = saved_;
    r.rlim_cur = bytes;
    ::setrlimit(RLIMIT_FSIZE, &r);
  }
  ~file_size_limit() { lift(); }
  void lift() {
    if (lifted_) return;
    lifted_ = true;
    ::setrlimit(RLIMIT_FSIZE, &saved_);
    ::signal(SIGXFSZ, old_handler_);
  }

 private:
  rlimit saved_{};
  sighandler_t old_handler_;
  bool lifted_ = false;
};

std::string trade_line(std::uint64_t id) {
  return "{\"type\":\"trade\",\"venue\":\"okx\",\"symbol\":\"BTC-USDT\",\"id\":\"" + std::to_string(id) +
         "\",\"pad\":\"" + std::string(200, static_cast<char>('a' + id % 26)) + "\"}\n";
}

std::error_code write_trade(file_sink& sink, std::uint64_t id) {
  const std::string line = trade_line(id);
  const std::string ident = std::to_string(id);
  return sink.write(sink_record{record_kind::trade, "okx", "trades", "BTC-USDT", ident, t0, line});
}

TEST(FileSink, AFullDiskNeverTearsTheFileAndWhatWasLostBecomesAGapRecordOnceSpaceReturns) {
  temp_dir dir{"sink-full"};
  file_sink_config c{dir.path};
  c.flush_interval = seconds{1};
  c.max_pending_bytes = 4096;  // a few lines wait; the rest are lost
  file_sink sink(c);
  const auto file = dir.path / "okx/trades/BTC-USDT/2023-11-14/22.ndjson.zst";
  for (std::uint64_t id = 1; id <= 10; ++id) ASSERT_FALSE(write_trade(sink, id));
  ASSERT_FALSE(sink.flush());
  const auto good_size = fs::file_size(file);

  time_point now{seconds{100}};
  {
    // Room for a few bytes more: the next frame is cut short mid-write.
    file_size_limit full(good_size + 20);
    for (std::uint64_t id = 11; id <= 20; ++id) ASSERT_FALSE(write_trade(sink, id));
    now += seconds{1};
    EXPECT_TRUE(sink.tick(now));
    EXPECT_EQ(fs::file_size(file), good_size) << "the torn part of the frame stays on disk";
    EXPECT_EQ(sink.file_stats().records_lost, 0u);  // 11..20 wait in memory
    // More than max_pending_bytes: what waits is dropped, and counted.
    for (std::uint64_t id = 21; id <= 60; ++id) write_trade(sink, id);
    EXPECT_GE(sink.file_stats().records_lost, 40u);
    for (std::uint64_t id = 61; id <= 65; ++id) ASSERT_FALSE(write_trade(sink, id));
    for (int i = 0; i < 3; ++i) {
      now += seconds{1};
      EXPECT_TRUE(sink.tick(now));  // still full: retried once per interval
    }
    EXPECT_EQ(fs::file_size(file), good_size);
  }
  EXPECT_GT(sink.file_stats().write_failures, 0u);
  for (std::uint64_t id = 66; id <= 70; ++id) ASSERT_FALSE(write_trade(sink, id));
  now += seconds{1};
  EXPECT_FALSE(sink.tick(now));
  ASSERT_FALSE(sink.close());
  EXPECT_EQ(sink.file_stats().gap_records, 1u);
  const std::uint64_t lost = sink.stats().records_lost;  // the oldest lines go first: 11..10+lost

  // The file reads whole: lines 1..10, then one gap record naming exactly
  // the lost ids, then every later line, in order.
  const std::string text = decompress(read_all(file));
  std::vector<std::string> lines;
  for (std::size_t at = 0; at < text.size();) {
    const auto nl = text.find('\n', at);
    lines.push_back(text.substr(at, nl - at + 1));
    at = nl + 1;
  }
  ASSERT_EQ(lines.size(), 10u + 1u + (60u - lost));
  for (std::uint64_t i = 1; i <= 10; ++i) EXPECT_EQ(lines[i - 1], trade_line(i));
  const std::string& gap = lines[10];
  EXPECT_NE(gap.find("\"type\":\"gap\""), std::string::npos) << gap;
  EXPECT_NE(gap.find("\"from\":\"11\""), std::string::npos) << gap;
  EXPECT_NE(gap.find("\"to\":\"" + std::to_string(10 + lost) + "\""), std::string::npos) << gap;
  EXPECT_NE(gap.find(std::to_string(lost) + " record(s) could not be written"), std::string::npos) << gap;
  for (std::uint64_t i = 11 + lost; i <= 70; ++i) EXPECT_EQ(lines[i - lost], trade_line(i)) << i;
}

// Its directory deleted while recording: the sink notices at the next flush,
// writes a new file where the old one was, and a gap record at its head
// names the records the removed file held; recording goes on.
TEST(FileSink, AFileRemovedWhileWrittenIsRecreatedAndItsLossIsAGapRecord) {
  temp_dir dir{"sink-removed"};
  file_sink sink({dir.path});
  const auto file = dir.path / "okx/trades/BTC-USDT/2023-11-14/22.ndjson.zst";
  for (std::uint64_t id = 1; id <= 5; ++id) ASSERT_FALSE(write_trade(sink, id));
  ASSERT_FALSE(sink.flush());
  for (std::uint64_t id = 6; id <= 8; ++id) ASSERT_FALSE(write_trade(sink, id));
  ASSERT_FALSE(sink.flush());
  fs::remove_all(dir.path / "okx");
  for (std::uint64_t id = 9; id <= 10; ++id) ASSERT_FALSE(write_trade(sink, id));
  EXPECT_EQ(sink.flush(), std::make_error_code(std::errc::no_such_file_or_directory));  // said once
  for (std::uint64_t id = 11; id <= 12; ++id) ASSERT_FALSE(write_trade(sink, id));
  EXPECT_FALSE(sink.flush());
  ASSERT_FALSE(sink.close());
  EXPECT_EQ(sink.file_stats().files_removed, 1u);
  EXPECT_EQ(sink.stats().records_lost, 8u);
  const std::string text = decompress(read_all(file));
  const auto nl = text.find('\n');
  const std::string gap = text.substr(0, nl);
  EXPECT_NE(gap.find("\"type\":\"gap\""), std::string::npos) << gap;
  EXPECT_NE(gap.find("\"from\":\"1\",\"to\":\"8\""), std::string::npos) << gap;
  EXPECT_NE(gap.find("was removed while being written"), std::string::npos) << gap;
  EXPECT_EQ(text.substr(nl + 1), trade_line(9) + trade_line(10) + trade_line(11) + trade_line(12));
}

TEST(FileSink, WhatCannotBeWrittenAtCloseIsCountedAsLost) {
  temp_dir dir{"sink-full"};
  file_sink sink({dir.path});
  ASSERT_FALSE(write_trade(sink, 1));
  ASSERT_FALSE(sink.flush());
  const auto file = dir.path / "okx/trades/BTC-USDT/2023-11-14/22.ndjson.zst";
  file_size_limit full(fs::file_size(file));
  ASSERT_FALSE(write_trade(sink, 2));
  EXPECT_TRUE(sink.close());
  full.lift();
  EXPECT_EQ(sink.stats().records_lost, 1u);
  EXPECT_EQ(decompress(read_all(file)), trade_line(1));
}

}  // namespace
}  // namespace sf
