#include "soak/soak_report.hpp"

#include <gtest/gtest.h>

namespace sf::soak {
namespace {

// 20 minutes sampled every 10 s, 10 rotations a sample; `leak` adds what
// one rotation leaks of each measure.
std::vector<soak_sample> run(std::uint64_t fd_leak_per_100_rotations, std::int64_t timer_leak) {
  std::vector<soak_sample> out;
  for (int i = 0; i <= 120; ++i) {
    soak_sample s;
    s.elapsed_s = i * 10.0;
    s.rotations = static_cast<std::uint64_t>(i) * 10;
    s.process.rss_kib = 50'000 + (i % 3) * 500;  // the allocator breathes
    s.process.fds = 40 + (i % 2) * 2 + s.rotations / 100 * fd_leak_per_100_rotations;
    s.process.threads = 5;
    s.armed_timers = 30 + (i % 2) + timer_leak * i;
    s.journal_events = std::min<std::uint64_t>(i * 50, 2048);
    out.push_back(s);
  }
  return out;
}

flatness_limits limits() {
  flatness_limits l;
  l.journal_capacity = 2048;
  return l;
}

TEST(SoakReport, FlatSamplesPass) {
  EXPECT_TRUE(judge_flatness(run(0, 0), limits()).empty());
}

TEST(SoakReport, ALeakOfOneDescriptorPerHundredRotationsFails) {
  const auto problems = judge_flatness(run(1, 0), limits());
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("file descriptors grew"), std::string::npos) << problems[0];
}

TEST(SoakReport, ATimerLeftArmedPerSampleFails) {
  const auto problems = judge_flatness(run(0, 1), limits());
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("armed timers grew"), std::string::npos) << problems[0];
}

TEST(SoakReport, JournalsOverTheirCapacityFail) {
  auto l = limits();
  l.journal_capacity = 1000;
  const auto problems = judge_flatness(run(0, 0), l);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("over their capacity of 1000"), std::string::npos) << problems[0];
}

TEST(SoakReport, TooShortARunIsNotCalledFlat) {
  auto samples = run(0, 0);
  samples.resize(8);  // 70 s: two samples after the warm-up
  EXPECT_FALSE(judge_flatness(samples, limits()).empty());
}

TEST(SoakReport, ThePageHasARowPerThousandRotationsAndTheLast) {
  std::vector<soak_sample> samples;
  for (std::uint64_t r : {0u, 400u, 999u, 1000u, 1500u, 2100u, 2300u}) {
    soak_sample s;
    s.rotations = r;
    samples.push_back(s);
  }
  const std::string page = soak_page("setup", samples, {});
  EXPECT_NE(page.find("| 0 |"), std::string::npos);
  EXPECT_NE(page.find("| 1000 |"), std::string::npos);
  EXPECT_NE(page.find("| 2100 |"), std::string::npos);
  EXPECT_NE(page.find("| 2300 |"), std::string::npos);
  EXPECT_EQ(page.find("| 400 |"), std::string::npos);
  EXPECT_EQ(page.find("| 1500 |"), std::string::npos);
  EXPECT_NE(page.find("**Flat**"), std::string::npos);
}

}  // namespace
}  // namespace sf::soak
