// A record line as text: the fields of one NDJSON record (design.md §5),
// each as the characters written, for `verify` to compare exactly.
//
// `verify` is the judge of the recorder, so it shares none of the client's
// parsing or decimal code: a bug there cannot make both sides of a
// comparison wrong in the same way. This reader knows only JSON's grammar
// and the record's field names; prices and sizes stay text ("43000.10"),
// and are compared as text.
//
// Thread safety: a view into the caller's line; valid while the line is.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sf::daemon {

struct record_text {
  using level = std::pair<std::string_view, std::string_view>;  // price, size

  std::string_view type, venue, channel, symbol;
  std::string_view id, first_id;                        // trades
  std::string_view price, qty, side;                    // trades
  std::string_view seq, prev_seq, first_seq, snapshot;  // books
  std::vector<level> bids, asks;                        // books
  std::string_view from, to, reason;                    // gaps
  std::string_view ts_exchange, ts_recv;

  bool is_snapshot() const noexcept { return snapshot == "true"; }
};

// Reads one line into `out` (whose level vectors are reused). False, with
// `error` set, when the line is not a JSON object of scalars and level lists.
bool read_record_text(std::string_view line, record_text& out, std::string& error);

// A decimal's text that is zero ("0", "0.00000000").
bool is_zero_text(std::string_view number) noexcept;

// Unsigned integer text ("123", or as a JSON string's content); false when it
// is not one.
bool unsigned_text(std::string_view text, unsigned long long& out) noexcept;

}  // namespace sf::daemon
