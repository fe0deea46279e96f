#include "steadyfeed/venue/book_rules.hpp"

namespace sf {

std::string_view to_string(book_step s) noexcept {
  switch (s) {
    case book_step::reset:
      return "reset";
    case book_step::apply:
      return "apply";
    case book_step::stale:
      return "stale";
    case book_step::gap:
      return "gap";
  }
  return "unknown";
}

book_step check_update_id_range(std::uint64_t book_id, const book_record& update) noexcept {
  if (update.snapshot) return book_step::reset;
  // u <= book id: every change in it is already in the book (this is also how
  // the diffs buffered before the snapshot are dropped).
  if (update.seq <= book_id) return book_step::stale;
  const std::uint64_t first = update.first_seq != 0 ? update.first_seq : update.seq;
  // U > book id + 1: the ids in between were never seen. The pre-2025-11-12
  // wording ("U > book id") rejected every normal event; the +1 is the fix.
  if (first > book_id + 1) return book_step::gap;
  return book_step::apply;
}

book_step check_prev_seq_chain(std::uint64_t book_seq, const book_record& update) noexcept {
  if (update.snapshot) return book_step::reset;
  // An update that does not name its predecessor cannot be chained.
  if (!update.has_prev_seq) return book_step::gap;
  // The chain holds. This also admits the keep-alive (seqId == prevSeqId) and
  // the reset after maintenance (seqId < prevSeqId): both name the last seqId.
  if (update.prev_seq == book_seq) return book_step::apply;
  // The message that brought the book to where it is, seen again.
  if (update.seq == book_seq) return book_step::stale;
  return book_step::gap;
}

book_step check_continuity(book_continuity rule, std::uint64_t book_id,
                           const book_record& update) noexcept {
  switch (rule) {
    case book_continuity::update_id_range:
      return check_update_id_range(book_id, update);
    case book_continuity::prev_seq_chain:
      return check_prev_seq_chain(book_id, update);
  }
  return book_step::gap;
}

}  // namespace sf
