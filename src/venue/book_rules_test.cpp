#include "steadyfeed/venue/book_rules.hpp"

#include <gtest/gtest.h>

namespace sf {
namespace {

book_record diff(std::uint64_t first, std::uint64_t last) {
  book_record r;
  r.first_seq = first;
  r.seq = last;
  return r;
}

book_record chained(std::int64_t prev, std::uint64_t seq) {
  book_record r;
  r.seq = seq;
  r.first_seq = seq;
  if (prev >= 0) {
    r.prev_seq = static_cast<std::uint64_t>(prev);
    r.has_prev_seq = true;
  }
  return r;
}

// venues.md §1.8, with the §1.6 sample event (U 157, u 160).
TEST(BookRules, UpdateIdRange) {
  const book_record event = diff(157, 160);
  EXPECT_EQ(check_update_id_range(160, event), book_step::stale);  // u <= lastUpdateId
  EXPECT_EQ(check_update_id_range(170, event), book_step::stale);
  EXPECT_EQ(check_update_id_range(156, event), book_step::apply);  // U == book + 1
  EXPECT_EQ(check_update_id_range(158, event), book_step::apply);  // id inside [U, u]
  EXPECT_EQ(check_update_id_range(155, event), book_step::gap);    // U > book + 1
  book_record snap = diff(1027024, 1027024);
  snap.snapshot = true;
  EXPECT_EQ(check_update_id_range(5, snap), book_step::reset);
}

// venues.md §3.6's documented run: snapshot (-1, 10) -> (10, 15) -> (15, 15)
// keep-alive -> (15, 3) reset after maintenance -> (3, 5).
TEST(BookRules, PrevSeqChainDocumentedRun) {
  book_record snap = chained(-1, 10);
  snap.snapshot = true;
  EXPECT_EQ(check_prev_seq_chain(0, snap), book_step::reset);
  EXPECT_EQ(check_prev_seq_chain(10, chained(10, 15)), book_step::apply);
  EXPECT_EQ(check_prev_seq_chain(15, chained(15, 15)), book_step::apply);
  EXPECT_EQ(check_prev_seq_chain(15, chained(15, 3)), book_step::apply);
  EXPECT_EQ(check_prev_seq_chain(3, chained(3, 5)), book_step::apply);
}

TEST(BookRules, PrevSeqChainBreaks) {
  EXPECT_EQ(check_prev_seq_chain(5, chained(6, 7)), book_step::gap);    // missed 5 -> 6
  EXPECT_EQ(check_prev_seq_chain(5, chained(3, 5)), book_step::stale);  // seen again
  EXPECT_EQ(check_prev_seq_chain(5, chained(-1, 6)), book_step::gap);   // no predecessor
}

TEST(BookRules, DispatchAndNames) {
  EXPECT_EQ(check_continuity(book_continuity::update_id_range, 156, diff(157, 160)),
            book_step::apply);
  EXPECT_EQ(check_continuity(book_continuity::prev_seq_chain, 10, chained(10, 15)),
            book_step::apply);
  EXPECT_EQ(to_string(book_step::gap), "gap");
  EXPECT_EQ(to_string(book_step::reset), "reset");
}

}  // namespace
}  // namespace sf
