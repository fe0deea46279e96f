// Records as NDJSON lines (design §5), written without allocating beyond the
// output string's own growth.
//
// Prices and sizes are written as JSON numbers spelled exactly as the venue
// sent them ("price":43000.10); ids are strings (some venues' ids exceed what
// a JSON number can carry exactly in common readers); timestamps are integer
// microseconds. Optional fields appear only when they carry information:
// `first_id` for aggregated trades, `first_seq`/`prev_seq` for books that chain
// by them, `checksum` when the venue sent one.
//
// Thread safety: free functions, reentrant.
#pragma once

#include <string>
#include <string_view>

#include "steadyfeed/core/record.hpp"

namespace sf {

// Each appends one line, with its trailing '\n'.
void append_json(std::string& out, std::string_view venue, const trade_record& t);
void append_json(std::string& out, std::string_view venue, const book_record& b);
void append_json(std::string& out, const gap_record& g);

// Appends s as a JSON string literal, quotes included.
void append_json_string(std::string& out, std::string_view s);

}  // namespace sf
