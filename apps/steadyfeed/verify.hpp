// `steadyfeed verify`: compares a recording with a simulator's ground truth.
//
// Trades, per (venue, symbol), within the window the recording covers (its
// first to its last trade id — the recorder starts after the simulator and
// stops before it):
//   missing       truth ids absent from the recording and not named by any gap
//                 record (a loss nobody reported);
//   reported      truth ids absent but covered by gap records (a loss that was
//                 admitted, as the design requires);
//   duplicates    ids recorded more than once;
//   out_of_order  records whose id is below one already recorded;
//   mismatched    records whose price, size or side differ from the truth;
//   unknown       recorded ids the truth never had.
// Books, per (venue, symbol): the recorded records are replayed into a book
// (a gap record drops it until the next snapshot) and, each time the
// recording passes a truth checkpoint, compared with the true book at the
// recorded sequence id (rebuilt from the truth's own checkpoint and diffs).
//
// The verdict is clean when missing, duplicates, out_of_order, mismatched,
// unknown and differing books are all zero.
#pragma once

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <string>
#include <vector>

namespace sf::daemon {

struct stream_verdict {
  std::string stream;  // venue/channel/symbol
  std::uint64_t recorded = 0;
  std::uint64_t missing = 0, reported = 0, duplicates = 0, out_of_order = 0, mismatched = 0, unknown = 0;
  std::uint64_t books_compared = 0, books_differ = 0;
  std::string first_problem;  // the first difference found, for a person to look at
};

struct verify_report {
  std::vector<stream_verdict> streams;
  std::vector<std::string> errors;  // unreadable files, bad lines (with file:line)
  stream_verdict totals;
  bool clean() const noexcept;
};

verify_report verify_recording(const std::filesystem::path& truth_dir, const std::filesystem::path& data_dir);

// Prints the report; returns 0 when clean, 1 when not, 2 on unusable input.
int verify_command(const std::filesystem::path& truth_dir, const std::filesystem::path& data_dir,
                   std::ostream& out, std::ostream& err);

}  // namespace sf::daemon
