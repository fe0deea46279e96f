#include "steadyfeed/sink/recording_reader.hpp"

#include <gtest/gtest.h>
#include <zstd.h>

#include <fstream>

#include "steadyfeed/sink/file_sink.hpp"
#include "support/temp_dir.hpp"
#include "support/zstd_frame.hpp"

namespace sf {
namespace {

namespace fs = std::filesystem;

using test::temp_dir;

constexpr wall_us t0 = 1'700'000'000'000'000;

std::vector<std::string> all_lines(const fs::path& file) {
  std::vector<std::string> out;
  EXPECT_FALSE(read_lines(file, [&](std::string_view l) {
    out.emplace_back(l);
    return true;
  }));
  return out;
}

TEST(RecordingReader, ListsStreamsAndReadsCompressedHoursInOrder) {
  temp_dir dir{"reader"};
  {
    file_sink sink({dir.path});
    for (int h = 0; h < 3; ++h) {
      std::string lines;
      for (int i = 0; i < 1000; ++i) lines += "{\"h\":" + std::to_string(h) + ",\"i\":" + std::to_string(i) + "}\n";
      ASSERT_FALSE(sink.write("okx", "trades", "BTC-USDT", t0 + h * 3'600'000'000LL, lines));
      ASSERT_FALSE(sink.flush());
    }
    ASSERT_FALSE(sink.write("okx", "book", "BTC-USDT", t0, "{}\n"));
  }
  std::error_code ec;
  const auto streams = list_recording(dir.path, ec);
  ASSERT_FALSE(ec);
  ASSERT_EQ(streams.size(), 2u);
  const auto& trades = streams.at("okx/trades/BTC-USDT");
  ASSERT_EQ(trades.files.size(), 3u);
  std::vector<std::string> lines;
  for (const auto& f : trades.files)
    for (auto& l : all_lines(f)) lines.push_back(l);
  ASSERT_EQ(lines.size(), 3000u);
  EXPECT_EQ(lines.front(), "{\"h\":0,\"i\":0}");
  EXPECT_EQ(lines.back(), "{\"h\":2,\"i\":999}");
}

TEST(RecordingReader, ReadsPlainTruthFilesAndSkipsCheckpoints) {
  temp_dir dir{"reader"};
  fs::create_directories(dir.path / "binance-spot/trades");
  fs::create_directories(dir.path / "binance-spot/book");
  std::ofstream(dir.path / "binance-spot/trades/BTCUSDT.ndjson") << "a\nb\n";
  std::ofstream(dir.path / "binance-spot/book/BTCUSDT.ndjson") << "c\n";
  std::ofstream(dir.path / "binance-spot/book/BTCUSDT.checkpoints.ndjson") << "d\n";
  std::error_code ec;
  const auto streams = list_recording(dir.path, ec);
  ASSERT_EQ(streams.size(), 2u);
  EXPECT_EQ(streams.at("binance-spot/trades/BTCUSDT").symbol, "BTCUSDT");
  EXPECT_EQ(all_lines(streams.at("binance-spot/trades/BTCUSDT").files[0]), (std::vector<std::string>{"a", "b"}));
}

TEST(RecordingReader, ATornTailYieldsOnlyWholeFrames) {
  temp_dir dir{"reader"};
  const fs::path file = dir.path / "x.ndjson.zst";
  std::string data;
  for (const std::string text : {"one\n", "two\nthree\n"}) {
    std::string frame(ZSTD_compressBound(text.size()), '\0');
    frame.resize(ZSTD_compress(frame.data(), frame.size(), text.data(), text.size(), 3));
    data += frame;
  }
  std::string torn(ZSTD_compressBound(100), '\0');
  const std::string text = "lost\nline\n";
  torn.resize(ZSTD_compress(torn.data(), torn.size(), text.data(), text.size(), 3));
  data += torn.substr(0, torn.size() - 3);
  std::ofstream(file, std::ios::binary) << data;
  EXPECT_EQ(all_lines(file), (std::vector<std::string>{"one", "two", "three"}));
}

TEST(RecordingReader, DamageInTheMiddleIsSteppedOverAndCounted) {
  temp_dir dir{"reader"};
  const fs::path file = dir.path / "x.ndjson.zst";
  auto frame = [](const std::string& text) { return test::zstd_frame(text); };
  const std::string torn = frame("lost\n");
  std::ofstream(file, std::ios::binary) << frame("one\n") << torn.substr(0, 5) << frame("two\n")
                                        << frame("three\n").substr(0, 6);
  std::vector<std::string> lines;
  recording_damage damage;
  EXPECT_FALSE(read_lines(
      file,
      [&](std::string_view l) {
        lines.emplace_back(l);
        return true;
      },
      &damage));
  EXPECT_EQ(lines, (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(damage.damaged_bytes, 5u);
  EXPECT_EQ(damage.torn_bytes, 6u);
}

TEST(RecordingReader, MissingDirectoryIsAnError) {
  std::error_code ec;
  list_recording("/nonexistent/steadyfeed", ec);
  EXPECT_TRUE(ec);
  EXPECT_TRUE(read_lines("/nonexistent/x.ndjson", [](std::string_view) { return true; }));
}

}  // namespace
}  // namespace sf
