// Reads NDJSON records (design §5) back: for verify, replay and tests.
//
// Numbers are taken from their raw JSON tokens, so prices and sizes come back
// exactly as written. `prev_seq: -1` (a checkpoint's "no previous") reads as
// absent. Unknown fields are ignored (newer writers may add some); missing
// required ones are errors naming the field.
//
// Thread safety: a parser instance per thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "steadyfeed/core/record.hpp"

namespace sf {

// A record that owns its strings and levels.
struct owned_record {
  enum class kind : std::uint8_t { trade, book, gap } type = kind::trade;
  std::string venue;
  std::string symbol;
  std::string channel;  // "trades" or "book" (gap records name theirs)
  trade_record trade;   // symbol view points at `symbol`
  book_record book;     // spans point at bids/asks below
  gap_record gap;
  std::vector<price_level> bids, asks;

  owned_record() = default;
  owned_record(const owned_record& other) { *this = other; }
  owned_record& operator=(const owned_record& other);
  // Re-points the views after a copy or move.
  void fix_views() noexcept;
};

class record_parser {
 public:
  record_parser();
  ~record_parser();
  // Parses one line (without or with its '\n'). On failure returns false and
  // sets `error` to what was wrong.
  bool parse(std::string_view line, owned_record& out, std::string& error);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace sf
