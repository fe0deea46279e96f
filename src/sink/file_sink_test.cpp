#include "steadyfeed/sink/file_sink.hpp"

#include <gtest/gtest.h>
#include <zstd.h>

#include <fstream>

#include "support/temp_dir.hpp"

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

TEST(FileSink, UnwritableDirectoryIsAnError) {
  file_sink sink({"/proc/steadyfeed-cannot-write-here"});
  EXPECT_TRUE(sink.write("v", "trades", "S", t0, "x\n"));
}

}  // namespace
}  // namespace sf
