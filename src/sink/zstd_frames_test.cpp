#include "steadyfeed/sink/zstd_frames.hpp"

#include <gtest/gtest.h>
#include <zstd.h>

#include <string>
#include <vector>

#include "support/zstd_frame.hpp"

namespace sf {
namespace {

using test::zstd_frame;

std::string frame(const std::string& text) { return zstd_frame(text); }

struct seen {
  std::string text;
  std::vector<std::pair<std::size_t, std::size_t>> frames, damage;
};

zstd_frame_walk walk(const std::string& bytes, seen& s) {
  return walk_zstd_frames(
      bytes,
      [&](std::size_t at, std::size_t size, std::string_view text) {
        s.frames.emplace_back(at, size);
        s.text.append(text);
        return true;
      },
      [&](std::size_t at, std::size_t size) { s.damage.emplace_back(at, size); });
}

TEST(ZstdFrames, WholeFramesAreReadInOrder) {
  const std::string a = frame("a\n"), b = frame("b\nc\n");
  seen s;
  const auto w = walk(a + b, s);
  EXPECT_EQ(w.frames, 2u);
  EXPECT_EQ(w.damaged_bytes, 0u);
  EXPECT_EQ(w.torn_bytes, 0u);
  EXPECT_EQ(w.kept_bytes, a.size() + b.size());
  EXPECT_EQ(s.text, "a\nb\nc\n");
  ASSERT_EQ(s.frames.size(), 2u);
  EXPECT_EQ(s.frames[1].first, a.size());
}

TEST(ZstdFrames, ATornTailIsNotDamage) {
  const std::string a = frame("a\n"), b = frame("b\n");
  for (std::size_t cut = 1; cut < b.size(); ++cut) {
    seen s;
    const auto w = walk(a + b.substr(0, cut), s);
    EXPECT_EQ(w.frames, 1u) << cut;
    EXPECT_EQ(w.torn_bytes, cut) << cut;
    EXPECT_EQ(w.damaged_bytes, 0u) << cut;
    EXPECT_EQ(s.text, "a\n");
  }
}

TEST(ZstdFrames, DamageBetweenWholeFramesCostsOnlyItsBytes) {
  const std::string a = frame("one\n"), b = frame("two\n"), c = frame("three\n");
  // A torn frame with whole frames written after it, at every cut.
  for (std::size_t cut = 1; cut < b.size(); ++cut) {
    seen s;
    const auto w = walk(a + b.substr(0, cut) + c + a, s);
    EXPECT_EQ(w.frames, 3u) << cut;
    EXPECT_EQ(w.damaged_bytes, cut) << cut;
    EXPECT_EQ(w.torn_bytes, 0u);
    EXPECT_EQ(s.text, "one\nthree\none\n") << cut;
    ASSERT_EQ(s.damage.size(), 1u);
    EXPECT_EQ(s.damage[0], std::make_pair(a.size(), cut));
  }
}

TEST(ZstdFrames, GarbageBeforeTheFirstFrameAndBitFlipsInsideOneAreSteppedOver) {
  const std::string a = frame(std::string(200, 'x') + "\n"), b = frame("b\n");
  seen s;
  auto w = walk("garbage!" + a + b, s);
  EXPECT_EQ(w.damaged_bytes, 8u);
  EXPECT_EQ(w.frames, 2u);

  // A flipped byte inside frame a's compressed body: a does not decompress.
  std::string broken = a;
  broken[broken.size() / 2] = static_cast<char>(broken[broken.size() / 2] ^ 0x5a);
  seen t;
  w = walk(broken + b, t);
  EXPECT_EQ(t.text, "b\n");
  EXPECT_EQ(w.damaged_bytes, broken.size());
  EXPECT_EQ(w.frames, 1u);
}

// Without a checksum, a torn frame that runs into the next one can
// decompress; into whole lines it does not.
TEST(ZstdFrames, WithoutAChecksumAFrameMustHoldWholeLines) {
  seen s;
  const auto w = walk(zstd_frame("no end of line", false) + zstd_frame("b\n", false), s);
  EXPECT_EQ(w.frames, 1u);
  EXPECT_EQ(w.damaged_bytes, zstd_frame("no end of line", false).size());
  EXPECT_EQ(s.text, "b\n");
}

TEST(ZstdFrames, TheWalkStopsWhenAsked) {
  const std::string a = frame("a\n");
  int calls = 0;
  const auto w = walk_zstd_frames(a + a + a, [&](std::size_t, std::size_t, std::string_view) { return ++calls < 2; });
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(w.frames, 2u);
}

TEST(ZstdFrames, NothingIsNothing) {
  seen s;
  const auto w = walk("", s);
  EXPECT_EQ(w.frames + w.damaged_bytes + w.torn_bytes, 0u);
}

}  // namespace
}  // namespace sf
