// Where a restarted recorder picks a trade stream up again.
//
// After a crash (kill -9, power loss) the files sink keeps every record it had
// flushed; the trades after that, and those traded while the process was
// down, are missing. The resume point is the last trade id the recording
// accounts for — the highest id of its newest file that holds trades or trade
// gap records — so the arbiter can fetch the rest from the venue's history
// (trade_arbiter::resume_after) instead of leaving a silent hole.
//
// Thread safety: a free function, reentrant.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace sf {

struct trade_resume_point {
  std::uint64_t last_id = 0;
  std::filesystem::path file;  // the file it was read from
  std::size_t bad_lines = 0;   // lines of that file that did not parse
  std::uint64_t damaged_bytes = 0;  // compressed bytes of that file stepped over (not a torn tail)
};

// Reads DIR/venue/trades/symbol/.../*.ndjson[.zst], newest file first, until
// one names a trade. nullopt with no error: the stream was never recorded.
std::optional<trade_resume_point> find_trade_resume_point(const std::filesystem::path& dir, std::string_view venue,
                                                          std::string_view symbol, std::error_code& ec);

}  // namespace sf
