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

constexpr std::int64_t t0 = 1'700'000'000'000'000;  // exchange time of id 0
constexpr std::int64_t second = 1'000'000;

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

// Trade `id` happened at t0 + id seconds.
std::string trade_line(std::uint64_t id, const char* price = "1.50") {
  return fmt::format(R"({{"type":"trade","venue":"v","symbol":"S","id":"{}","price":{},"qty":2,"side":"buy","ts_exchange":{},"ts_recv":1}})",
                     id, price, t0 + static_cast<std::int64_t>(id) * second) +
         "\n";
}

std::string trade_gap(std::uint64_t from, std::uint64_t to) {
  return fmt::format(R"({{"type":"gap","venue":"v","channel":"trades","symbol":"S","from":"{}","to":"{}","reason":"history ended","ts_recv":1}})",
                     from, to) +
         "\n";
}

// Book update `seq` (prev_seq seq - 1) at t0 + seq seconds; a snapshot has prev_seq -1.
std::string book_line(std::uint64_t seq, bool snapshot, const char* bid_qty, const char* ask_qty,
                      std::optional<std::uint64_t> prev = std::nullopt, std::uint64_t time = 0) {
  const long long p = snapshot ? -1 : static_cast<long long>(prev.value_or(seq - 1));
  return fmt::format(R"({{"type":"book","venue":"v","symbol":"S","seq":{},"prev_seq":{},"snapshot":{},"bids":[[10.0,{}]],"asks":[[11.0,{}]],"ts_exchange":{},"ts_recv":1}})",
                     seq, p, snapshot ? "true" : "false", bid_qty, ask_qty,
                     t0 + static_cast<std::int64_t>(time ? time : seq) * second) +
         "\n";
}

void write_truth_trades(const dirs& d, int trades) {
  std::ofstream t(d.truth / "v/trades/S.ndjson");
  for (int i = 1; i <= trades; ++i) t << trade_line(static_cast<std::uint64_t>(i));
}

// The true book: checkpoint at 1, then updates 2..n whose bid size is the seq.
void write_truth_book(const dirs& d, int n) {
  std::ofstream cp(d.truth / "v/book/S.checkpoints.ndjson");
  cp << book_line(1, true, "1", "1");
  std::ofstream diffs(d.truth / "v/book/S.ndjson");
  for (int i = 2; i <= n; ++i) diffs << book_line(static_cast<std::uint64_t>(i), false, std::to_string(i).c_str(), "1");
}

void record(const dirs& d, const std::string& channel, const std::string& lines) {
  file_sink sink({d.data});
  ASSERT_FALSE(sink.write("v", channel, "S", 1'700'000'000'000'000, lines));
}

std::string trades(std::uint64_t from, std::uint64_t to) {
  std::string out;
  for (std::uint64_t i = from; i <= to; ++i) out += trade_line(i);
  return out;
}

std::string book_updates(std::uint64_t from, std::uint64_t to) {
  std::string out;
  for (std::uint64_t i = from; i <= to; ++i) out += book_line(i, false, std::to_string(i).c_str(), "1");
  return out;
}

verify_options exact() {
  verify_options o;
  o.start_margin = duration{0};
  o.end_margin = duration{0};
  return o;
}

int run(const dirs& d, std::string& output, const verify_options& o = exact()) {
  std::ostringstream out, err;
  const int rc = verify_command(d.truth, d.data, out, err, o);
  output = out.str() + err.str();
  return rc;
}

bool has(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

// ---- trades ------------------------------------------------------------------------

TEST(Verify, ACompleteRecordingIsClean) {
  dirs d;
  write_truth_trades(d, 10);
  record(d, "trades", trades(1, 10));
  std::string out;
  EXPECT_EQ(run(d, out), 0) << out;
  EXPECT_TRUE(has(out, "expected=10 records=10 missing=0")) << out;
}

TEST(Verify, TheWindowIsTheRecordingsOwnMinusItsMargins) {
  dirs d;
  write_truth_trades(d, 10);
  record(d, "trades", trades(3, 8));
  std::string out;
  // Default margins: one second off each end of 3..8 leaves 4..7.
  EXPECT_EQ(run(d, out, verify_options{}), 0) << out;
  EXPECT_TRUE(has(out, "expected=4 records=6 missing=0")) << out;
}

TEST(Verify, FindsMissingDuplicatesDisorderAndWrongContent) {
  dirs d;
  write_truth_trades(d, 8);
  record(d, "trades", trade_line(1) + trade_line(2) + trade_line(4) + trade_line(3) + trade_line(4) +
                          trade_line(6, "9.9") + trade_line(8));
  std::string out;
  EXPECT_EQ(run(d, out), 1) << out;
  EXPECT_TRUE(has(out, "missing=2 duplicates=1 out_of_order=1")) << out;  // 5 and 7 missing
  EXPECT_TRUE(has(out, "mismatched=1")) << out;
  EXPECT_TRUE(has(out, "problem: trade 5 missing")) << out;
}

// Prices are text: 1.5 and 1.50 are the same number, not the same record.
TEST(Verify, PricesAreComparedAsTheTextTheVenueSent) {
  dirs d;
  write_truth_trades(d, 3);
  record(d, "trades", trade_line(1) + trade_line(2, "1.5") + trade_line(3));
  std::string out;
  EXPECT_EQ(run(d, out), 1) << out;
  EXPECT_TRUE(has(out, "mismatched=1")) << out;
}

TEST(Verify, ALostTailIsMissingNotOutsideTheWindow) {
  dirs d;
  write_truth_trades(d, 10);
  // The trades stream stopped at 5; the book went on to 10, so the window does.
  write_truth_book(d, 10);
  record(d, "trades", trades(1, 5));
  record(d, "book", book_line(1, true, "1", "1") + book_updates(2, 10));
  std::string out;
  EXPECT_EQ(run(d, out), 1) << out;
  EXPECT_TRUE(has(out, "v/trades/S")) << out;
  EXPECT_TRUE(has(out, "expected=10 records=5 missing=5")) << out;
}

TEST(Verify, AStreamOfTheTruthAbsentFromTheRecordingIsAnError) {
  dirs d;
  write_truth_trades(d, 10);
  write_truth_book(d, 10);
  record(d, "trades", trades(1, 10));  // the book stream was never recorded
  std::string out;
  EXPECT_NE(run(d, out), 0) << out;
  EXPECT_TRUE(has(out, "v/book/S: in the truth, absent from the recording")) << out;

  // Asking only for the trades makes it clean.
  verify_options only = exact();
  only.streams = {"v/trades/S"};
  EXPECT_EQ(run(d, out, only), 0) << out;
  only.streams = {"v/trades/T"};
  EXPECT_NE(run(d, out, only), 0) << out;
  EXPECT_TRUE(has(out, "v/trades/T: asked for, but the truth has no such stream")) << out;
}

TEST(Verify, GapsNamedByGapRecordsAreReportedNotMissing) {
  dirs d;
  write_truth_trades(d, 6);
  record(d, "trades", trade_line(1) + trade_line(2) + trade_gap(3, 5) + trade_line(6));
  std::string out;
  EXPECT_EQ(run(d, out), 0) << out;
  EXPECT_TRUE(has(out, "reported_gaps=3")) << out;
}

TEST(Verify, AGapRecordMustNameExactlyWhatIsAbsent) {
  struct variant {
    std::string lines;
    std::string problem;
  };
  const std::vector<variant> wrong = {
      // claims 2, which was recorded
      {trade_line(1) + trade_line(2) + trade_gap(2, 5) + trade_line(6), "claims 1 trades that were recorded"},
      // names 3..4 of the absent 3..5
      {trade_line(1) + trade_line(2) + trade_gap(3, 4) + trade_line(6), "gap records name only part of them"},
      // claims ids beyond what the venue ever had
      {trade_line(1) + trade_line(2) + trade_gap(3, 9) + trade_line(6), "ids the venue never had"},
  };
  for (const auto& w : wrong) {
    dirs d;
    write_truth_trades(d, 6);
    record(d, "trades", w.lines);
    std::string out;
    EXPECT_EQ(run(d, out), 1) << out;
    EXPECT_TRUE(has(out, w.problem)) << out;
  }
}

TEST(Verify, DamagedRecordingFilesAreErrorsAndTheirWholeFramesStillCount) {
  dirs d;
  write_truth_trades(d, 5);
  record(d, "trades", trade_line(1) + trade_line(2) + trade_line(3));
  const fs::path file = file_sink::path_for(d.data, "v", "trades", "S", 1'700'000'000'000'000);
  const std::string torn = test::zstd_frame(trade_line(4));
  std::ofstream(file, std::ios::binary | std::ios::app) << torn.substr(0, torn.size() / 2)
                                                        << test::zstd_frame(trade_line(5));
  std::string out;
  EXPECT_EQ(run(d, out), 1) << out;
  EXPECT_TRUE(has(out, "damaged bytes between whole frames")) << out;
  EXPECT_TRUE(has(out, "missing=1")) << out;  // 4; 3 and 5 were read
}

// ---- books ------------------------------------------------------------------------

TEST(Verify, BooksAreComparedAtEveryRecordedId) {
  dirs d;
  write_truth_book(d, 6);
  record(d, "book", book_line(2, true, "2", "1") + book_updates(3, 6));
  std::string out;
  EXPECT_EQ(run(d, out), 0) << out;
  EXPECT_TRUE(has(out, "chain_breaks=0 superseded=0 books_compared=5 books_skipped=0 books_differ=0")) << out;
}

TEST(Verify, EveryBrokenBookRecordingFails) {
  struct variant {
    std::string name, lines, problem;
    std::optional<std::int64_t> to;  // when the recording itself cannot tell where the truth ends
  };
  const std::string snap = book_line(2, true, "2", "1");
  const std::vector<variant> broken = {
      {"duplicated", snap + book_updates(3, 4) + book_line(4, false, "4", "1") + book_updates(5, 6), "chain_breaks=1", {}},
      {"out of order", snap + book_line(4, false, "4", "1") + book_line(3, false, "3", "1") + book_updates(5, 6),
       "chain_breaks=3", {}},
      {"diverging", snap + book_updates(3, 4) + book_line(5, false, "7", "1") + book_line(6, false, "6", "1"),
       "books_differ=1", {}},
      {"truncated", snap + book_updates(3, 4), "missing=2", t0 + 6 * second},
      {"update after a gap", snap + book_updates(3, 3) +
                                 R"({"type":"gap","venue":"v","channel":"book","symbol":"S","from":"4","to":"4","reason":"x","ts_recv":1})"
                                 "\n" +
                                 book_updates(5, 6),
       "follows a gap record: expected a snapshot", {}},
  };
  for (const auto& b : broken) {
    dirs d;
    write_truth_book(d, 6);
    record(d, "book", b.lines);
    std::string out;
    verify_options o = exact();
    o.to = b.to;
    EXPECT_EQ(run(d, out, o), 1) << b.name << "\n" << out;
    EXPECT_TRUE(has(out, b.problem)) << b.name << "\n" << out;
  }
}

TEST(Verify, ASnapshotAfterAGapResyncsTheBook) {
  dirs d;
  write_truth_book(d, 8);
  record(d, "book",
         book_line(2, true, "2", "1") + book_updates(3, 3) +
             R"({"type":"gap","venue":"v","channel":"book","symbol":"S","from":"4","to":"4","reason":"x","ts_recv":1})"
             "\n" +
             book_line(6, true, "6", "1", std::nullopt, 6) + book_updates(7, 8));
  std::string out;
  EXPECT_EQ(run(d, out), 0) << out;
  EXPECT_TRUE(has(out, "superseded=2")) << out;  // 4 and 5, replaced by the snapshot at 6
  EXPECT_TRUE(has(out, "books_compared=5")) << out;
}

// Update-id ranges (Binance's U..u) chain by first_seq, which a range of one
// id leaves out.
TEST(Verify, UpdateIdRangesChainByFirstSeqWrittenOrNot) {
  auto range = [](std::uint64_t first, std::uint64_t last, const char* bid) {
    const std::string first_field = first == last ? "" : fmt::format(R"("first_seq":{},)", first);
    return fmt::format(R"({{"type":"book","venue":"v","symbol":"S","seq":{},{}"snapshot":false,"bids":[[10.0,{}]],"asks":[[11.0,1]],"ts_exchange":{},"ts_recv":1}})",
                       last, first_field, bid, t0 + static_cast<std::int64_t>(last) * second) +
           "\n";
  };
  dirs d;
  write_truth_book(d, 6);
  const std::string snap = R"({"type":"book","venue":"v","symbol":"S","seq":2,"snapshot":true,"bids":[[10.0,2]],"asks":[[11.0,1]],"ts_exchange":0,"ts_recv":1})"
                           "\n";
  record(d, "book", snap + range(3, 3, "3") + range(4, 6, "6"));
  std::string out;
  verify_options o = exact();
  o.from = t0 + 2 * second;
  EXPECT_EQ(run(d, out, o), 0) << out;
  EXPECT_TRUE(has(out, "chain_breaks=0 superseded=0 books_compared=3")) << out;

  dirs skipped;
  write_truth_book(skipped, 6);
  record(skipped, "book", snap + range(4, 6, "6"));  // 3 never recorded
  EXPECT_EQ(run(skipped, out, o), 1) << out;
  EXPECT_TRUE(has(out, "chain_breaks=1")) << out;
  EXPECT_TRUE(has(out, "missing=1")) << out;
}

// Several collectors in one stream (JetStream): one's range that ends
// behind the book is stale and skipped, as a consumer skips it; the same id
// twice (which the stream's deduplication exists to prevent) and a hole
// still fail. Without `merged` the stale record is a break.
TEST(Verify, AMergedStreamSkipsStaleBookRecordsButNotDuplicatesOrHoles) {
  auto range = [](std::uint64_t first, std::uint64_t last, const char* bid) {
    return fmt::format(R"({{"type":"book","venue":"v","symbol":"S","seq":{},"first_seq":{},"snapshot":false,"bids":[[10.0,{}]],"asks":[[11.0,1]],"ts_exchange":{},"ts_recv":1}})",
                       last, first, bid, t0 + static_cast<std::int64_t>(last) * second);
  };
  const std::string snap = R"({"type":"book","venue":"v","symbol":"S","seq":2,"snapshot":true,"bids":[[10.0,2]],"asks":[[11.0,1]],"ts_exchange":0,"ts_recv":1})";
  dirs d;
  write_truth_book(d, 8);
  verify_options o = exact();
  o.from = t0 + 2 * second;
  o.merged = true;
  auto judge = [&](std::vector<std::string> lines, const verify_options& opts) {
    std::map<std::string, std::vector<std::string>> streams{{"v/book/S", std::move(lines)}};
    std::ostringstream out, err;
    const int rc = print_verdict(verify_lines(d.truth, std::move(streams), "test", opts), out, err);
    return std::make_pair(rc, out.str() + err.str());
  };
  // Collector A sent 3..5, collector B's 3..4 came after it: stale.
  auto [rc, out] = judge({snap, range(3, 5, "5"), range(3, 4, "4"), range(6, 8, "8")}, o);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_TRUE(has(out, "chain_breaks=0")) << out;
  EXPECT_TRUE(has(out, "stale=1")) << out;
  std::tie(rc, out) = judge({snap, range(3, 5, "5"), range(3, 5, "5"), range(6, 8, "8")}, o);
  EXPECT_EQ(rc, 1) << out;
  EXPECT_TRUE(has(out, "duplicates=1")) << out;
  // Later too: an id already stored, whenever it comes again.
  std::tie(rc, out) = judge({snap, range(3, 5, "5"), range(6, 8, "8"), range(3, 5, "5")}, o);
  EXPECT_EQ(rc, 1) << out;
  EXPECT_TRUE(has(out, "duplicates=1")) << out;
  std::tie(rc, out) = judge({snap, range(3, 5, "5"), range(3, 4, "4"), range(7, 8, "8")}, o);
  EXPECT_EQ(rc, 1) << out;
  EXPECT_TRUE(has(out, "chain_breaks=1")) << out;
  // A trade below one already stored, present once: late in a merged
  // stream, out of order in one collector's recording.
  {
    dirs t;
    write_truth_trades(t, 5);
    std::map<std::string, std::vector<std::string>> streams{{"v/trades/S", {}}};
    for (const int id : {1, 2, 4, 3, 5}) {
      auto line = trade_line(static_cast<std::uint64_t>(id));
      line.pop_back();
      streams["v/trades/S"].push_back(line);
    }
    verify_options m = exact();
    m.merged = true;
    std::ostringstream merged_out, merged_err;
    EXPECT_EQ(print_verdict(verify_lines(t.truth, streams, "test", m), merged_out, merged_err), 0) << merged_out.str();
    EXPECT_TRUE(has(merged_out.str(), "late=1")) << merged_out.str();
    m.merged = false;
    std::ostringstream one_out, one_err;
    EXPECT_EQ(print_verdict(verify_lines(t.truth, streams, "test", m), one_out, one_err), 1) << one_out.str();
    EXPECT_TRUE(has(one_out.str(), "out_of_order=1")) << one_out.str();
  }
  verify_options strict = o;
  strict.merged = false;
  std::tie(rc, out) = judge({snap, range(3, 5, "5"), range(3, 4, "4"), range(6, 8, "8")}, strict);
  EXPECT_EQ(rc, 1) << out;
  EXPECT_TRUE(has(out, "stale=0")) << out;
}

// OKX restarts its book ids now and then: the ids after the reset are
// compared with the truth after the reset, not with the same ids before it.
TEST(Verify, BooksAreComparedAcrossASequenceReset) {
  auto truth_of = [](const dirs& d) {
    std::ofstream cp(d.truth / "v/book/S.checkpoints.ndjson");
    cp << book_line(1, true, "1", "1");
    std::ofstream diffs(d.truth / "v/book/S.ndjson");
    diffs << book_line(2, false, "2", "1") << book_line(3, false, "3", "1") << book_line(1, false, "4", "1", 3, 4)
          << book_line(2, false, "5", "1", 1, 5);
  };
  const std::string recorded = book_line(2, true, "2", "1") + book_line(3, false, "3", "1") +
                               book_line(1, false, "4", "1", 3, 4) + book_line(2, false, "5", "1", 1, 5);
  dirs d;
  truth_of(d);
  record(d, "book", recorded);
  std::string out;
  EXPECT_EQ(run(d, out), 0) << out;
  EXPECT_TRUE(has(out, "chain_breaks=0")) << out;
  EXPECT_TRUE(has(out, "books_compared=4 books_skipped=0 books_differ=0")) << out;

  dirs bad;
  truth_of(bad);
  record(bad, "book",
         book_line(2, true, "2", "1") + book_line(3, false, "3", "1") + book_line(1, false, "4", "1", 3, 4) +
             book_line(2, false, "9", "1", 1, 5));
  EXPECT_EQ(run(bad, out), 1) << out;
  EXPECT_TRUE(has(out, "books_differ=1")) << out;
}

// ---- unusable input ------------------------------------------------------------------

TEST(Verify, UnusableInputIsExitTwo) {
  dirs d;
  std::string out;
  EXPECT_EQ(run(d, out), 2) << out;  // no data directory
  EXPECT_TRUE(has(out, "verify: "));
}

TEST(Verify, SwappedDirectoriesAreAnErrorNotACleanComparison) {
  dirs d;
  write_truth_trades(d, 10);
  record(d, "trades", trades(1, 10));
  std::ostringstream out, err;
  EXPECT_NE(verify_command(d.data, d.truth, out, err), 0);
  EXPECT_TRUE(has(err.str(), "are --truth and --data swapped?")) << err.str();
  EXPECT_FALSE(verify_recording(d.data, d.truth).clean());
}

}  // namespace
}  // namespace sf::daemon
