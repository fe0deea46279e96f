#include "verify.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "steadyfeed/sink/file_sink.hpp"
#include "support/zstd_frame.hpp"

namespace sf::daemon {
namespace {

namespace fs = std::filesystem;

struct dirs {
  fs::path root = fs::temp_directory_path() / ("steadyfeed-verify-" + std::to_string(::getpid()) + "-" +
                                               std::to_string(counter++));
  fs::path truth = root / "truth", data = root / "data";
  dirs() {
    fs::remove_all(root);
    fs::create_directories(truth / "v/trades");
    fs::create_directories(truth / "v/book");
  }
  ~dirs() { fs::remove_all(root); }
  static inline int counter = 0;
};

std::string trade_line(std::uint64_t id, const char* price = "1.5") {
  return fmt::format(R"({{"type":"trade","venue":"v","symbol":"S","id":"{}","price":{},"qty":2,"side":"buy","ts_exchange":1,"ts_recv":1}})",
                     id, price) + "\n";
}

std::string book_line(std::uint64_t seq, bool snapshot, const char* bid_qty, const char* ask_qty) {
  return fmt::format(R"({{"type":"book","venue":"v","symbol":"S","seq":{},"prev_seq":{},"snapshot":{},"bids":[[10,{}]],"asks":[[11,{}]],"ts_exchange":1,"ts_recv":1}})",
                     seq, snapshot ? -1 : static_cast<long long>(seq) - 1, snapshot ? "true" : "false", bid_qty, ask_qty) + "\n";
}

void write_truth(const dirs& d, int trades) {
  std::ofstream t(d.truth / "v/trades/S.ndjson");
  for (int i = 1; i <= trades; ++i) t << trade_line(static_cast<std::uint64_t>(i));
}

void record(const dirs& d, const std::string& channel, const std::string& lines) {
  file_sink sink({d.data});
  ASSERT_FALSE(sink.write("v", channel, "S", 1'700'000'000'000'000, lines));
}

int run(const dirs& d, std::string& output) {
  std::ostringstream out, err;
  const int rc = verify_command(d.truth, d.data, out, err);
  output = out.str() + err.str();
  return rc;
}

TEST(Verify, ACompleteRecordingIsClean) {
  dirs d;
  write_truth(d, 10);
  std::string lines;
  for (int i = 3; i <= 8; ++i) lines += trade_line(static_cast<std::uint64_t>(i));
  record(d, "trades", lines);
  std::string out;
  EXPECT_EQ(run(d, out), 0) << out;
  EXPECT_NE(out.find("missing=0 duplicates=0 out_of_order=0"), std::string::npos) << out;
}

TEST(Verify, FindsMissingDuplicatesDisorderAndWrongContent) {
  dirs d;
  write_truth(d, 10);
  record(d, "trades", trade_line(1) + trade_line(2) + trade_line(4) + trade_line(3) + trade_line(4) + trade_line(6, "9.9") +
                          trade_line(8));
  std::string out;
  EXPECT_EQ(run(d, out), 1) << out;
  EXPECT_NE(out.find("missing=2 duplicates=1 out_of_order=1"), std::string::npos) << out;  // 5 and 7 missing
  EXPECT_NE(out.find("mismatched=1"), std::string::npos) << out;
  EXPECT_NE(out.find("first problem:"), std::string::npos) << out;
}

TEST(Verify, GapsNamedByGapRecordsAreReportedNotMissing) {
  dirs d;
  write_truth(d, 10);
  record(d, "trades",
         trade_line(1) + trade_line(2) +
             R"({"type":"gap","venue":"v","channel":"trades","symbol":"S","from":"3","to":"5","reason":"history ended","ts_recv":1})"
             "\n" +
             trade_line(6));
  std::string out;
  EXPECT_EQ(run(d, out), 0) << out;
  EXPECT_NE(out.find("reported_gaps=3"), std::string::npos) << out;
}

TEST(Verify, BooksAreComparedAtCheckpoints) {
  dirs d;
  {
    std::ofstream cp(d.truth / "v/book/S.checkpoints.ndjson");
    cp << book_line(1, true, "1", "1") << book_line(3, true, "3", "1");
    std::ofstream diffs(d.truth / "v/book/S.ndjson");
    diffs << book_line(2, false, "2", "1") << book_line(3, false, "3", "1") << book_line(4, false, "4", "1");
  }
  record(d, "book", book_line(2, true, "2", "1") + book_line(3, false, "3", "1") + book_line(4, false, "4", "1"));
  std::string out;
  EXPECT_EQ(run(d, out), 0) << out;
  EXPECT_NE(out.find("books_compared=2 books_differ=0"), std::string::npos) << out;

  dirs bad;
  {
    std::ofstream cp(bad.truth / "v/book/S.checkpoints.ndjson");
    cp << book_line(1, true, "1", "1") << book_line(3, true, "3", "1");
    std::ofstream diffs(bad.truth / "v/book/S.ndjson");
    diffs << book_line(2, false, "2", "1") << book_line(3, false, "3", "1");
  }
  record(bad, "book", book_line(2, true, "2", "1") + book_line(3, false, "7", "1"));
  EXPECT_EQ(run(bad, out), 1) << out;
  EXPECT_NE(out.find("books_differ=1"), std::string::npos) << out;
}

// OKX restarts its book ids now and then: the ids after the reset are
// compared with the truth after the reset, not with the same ids before it.
TEST(Verify, BooksAreComparedAcrossASequenceReset) {
  auto truth_of = [](const dirs& d) {
    std::ofstream cp(d.truth / "v/book/S.checkpoints.ndjson");
    cp << book_line(1, true, "1", "1") << book_line(4, true, "4", "1") << book_line(2, true, "7", "1");
    std::ofstream diffs(d.truth / "v/book/S.ndjson");
    diffs << book_line(2, false, "2", "1") << book_line(3, false, "3", "1") << book_line(4, false, "4", "1")
          << book_line(5, false, "5", "1") << book_line(1, false, "6", "1") << book_line(2, false, "7", "1")
          << book_line(3, false, "8", "1");
  };
  const std::string before = book_line(2, true, "2", "1") + book_line(3, false, "3", "1") +
                             book_line(4, false, "4", "1") + book_line(5, false, "5", "1");
  dirs d;
  truth_of(d);
  record(d, "book", before + book_line(1, false, "6", "1") + book_line(2, false, "7", "1") +
                        book_line(3, false, "8", "1"));
  std::string out;
  EXPECT_EQ(run(d, out), 0) << out;
  EXPECT_NE(out.find("books_compared=3 books_differ=0"), std::string::npos) << out;

  dirs bad;
  truth_of(bad);
  record(bad, "book", before + book_line(1, false, "6", "1") + book_line(2, false, "9", "1"));
  EXPECT_EQ(run(bad, out), 1) << out;
  EXPECT_NE(out.find("books_differ=1"), std::string::npos) << out;
}

// A recording file damaged in the middle: the whole frames around the damage
// are compared, and the damage itself is an error naming the file.
TEST(Verify, DamagedRecordingFilesAreErrorsAndTheirWholeFramesStillCount) {
  dirs d;
  write_truth(d, 10);
  record(d, "trades", trade_line(3));
  const fs::path file = file_sink::path_for(d.data, "v", "trades", "S", 1'700'000'000'000'000);
  const std::string torn = test::zstd_frame(trade_line(4));
  std::ofstream(file, std::ios::binary | std::ios::app) << torn.substr(0, torn.size() / 2)
                                                        << test::zstd_frame(trade_line(5));
  std::string out;
  EXPECT_EQ(run(d, out), 1) << out;
  EXPECT_NE(out.find("damaged bytes between whole frames"), std::string::npos) << out;
  EXPECT_NE(out.find("missing=1"), std::string::npos) << out;  // 4; 3 and 5 were read
}

TEST(Verify, UnusableInputIsExitTwo) {
  dirs d;
  std::string out;
  EXPECT_EQ(run(d, out), 2) << out;  // no data directory
  EXPECT_NE(out.find("verify: "), std::string::npos);
}

}  // namespace
}  // namespace sf::daemon

namespace sf::daemon {
namespace {

TEST(Verify, SwappedDirectoriesAreAnErrorNotACleanComparison) {
  dirs d;
  write_truth(d, 10);
  std::string lines;
  for (std::uint64_t i = 1; i <= 10; ++i) lines += trade_line(i);
  record(d, "trades", lines);
  std::ostringstream out, err;
  EXPECT_NE(verify_command(d.data, d.truth, out, err), 0);
  EXPECT_NE(err.str().find("are --truth and --data swapped?"), std::string::npos) << err.str();
  const auto report = verify_recording(d.data, d.truth);
  EXPECT_FALSE(report.clean());
}

}  // namespace
}  // namespace sf::daemon
