// `steadyfeed verify`: judges a recording against a simulator's ground truth,
// driven by the truth, not by what happens to be recorded.
//
// Streams: every stream of the truth (or of `streams`, when given) must be
// in the recording; an absent one is an error. A recorded stream the truth
// does not have is an error too.
//
// Window: what must have been recorded is every truth record whose exchange
// time lies in [from, to]. By default `from` is the recording's first
// exchange time plus `start_margin` (the connections opening) and `to` its
// last exchange time minus `end_margin` (what was in flight at the stop); so
// a stream that stopped early, or lost its tail, comes up short.
//
// Trades, per stream, compared exactly as text (price, size, side, exchange time):
//   missing       truth trades in the window absent from the recording and named
//                 by no gap record (a loss nobody reported);
//   reported      absent, but within a gap record's range (an admitted loss);
//   duplicates    ids recorded more than once;
//   out_of_order  records whose id is below one recorded before;
//   mismatched    records whose text differs from the truth's;
//   unknown       ids the truth never had;
//   gap_errors    gap records whose range claims ids that were recorded or that
//                 the venue never had, or names only part of a run of absent ids.
// Books, per stream:
//   chain_breaks  records that do not continue the one before (prev_seq, or
//                 first_seq for update-id ranges), other than a snapshot or a
//                 venue sequence reset; a record after a gap record must be a
//                 snapshot;
//   compared      the book rebuilt from the recording equals the true book at
//                 each recorded id, by an oracle that shares no code with the
//                 client (record_text, oracle_book); skipped comparisons are
//                 counted with their reason;
//   missing       truth updates in the window after the recording's last book
//                 record, or in a hole no snapshot closed;
//   superseded    truth updates not recorded because a snapshot record replaced
//                 the book (a resync), which the format allows;
//   stale         (merged streams only) records at or below an id the book
//                 already reached, from another collector: skipped, as a
//                 consumer of such a stream skips them (docs/scaling.md);
//   late          (merged streams only) trades stored after a higher id, the
//                 first copy of which a collector behind the others sent:
//                 present once, not lost (out_of_order otherwise).
//
// The verdict is clean when there are no errors and every count above but
// reported, superseded and compared is zero.
#pragma once

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "steadyfeed/core/clock.hpp"
#include "steadyfeed/sink/nats_sink.hpp"

namespace sf::daemon {

struct verify_options {
  std::optional<std::int64_t> from, to;  // exchange time, µs since the epoch
  duration start_margin = seconds{1};
  duration end_margin = seconds{1};
  std::vector<std::string> streams;  // "venue/channel/symbol"; empty: every stream of the truth
  // The records come from several collectors (a JetStream stream): a book
  // record behind the book is stale, not a break. Exact duplicates are still
  // counted (JetStream drops them by id, so one there is a fault).
  bool merged = false;
};

struct stream_verdict {
  std::string stream;  // venue/channel/symbol
  std::uint64_t recorded = 0;
  std::uint64_t expected = 0;  // truth records in the window
  std::uint64_t missing = 0, reported = 0, duplicates = 0, out_of_order = 0, mismatched = 0, unknown = 0;
  std::uint64_t gap_errors = 0;
  std::uint64_t chain_breaks = 0, superseded = 0, stale = 0;
  std::uint64_t late = 0;  // merged streams: trades that came after a higher id, present once
  std::uint64_t books_compared = 0, books_skipped = 0, books_differ = 0;
  std::map<std::string, std::uint64_t> skipped_because;  // books_skipped, by reason
  std::string first_problem;          // the first difference found, for a person to look at
  std::vector<std::string> problems;  // the first ten
};

struct verify_report {
  std::vector<stream_verdict> streams;
  std::vector<std::string> errors;  // absent streams, unreadable files, bad lines (with file:line)
  stream_verdict totals;
  std::int64_t from = 0, to = 0;  // the window used
  bool clean() const noexcept;
};

verify_report verify_recording(const std::filesystem::path& truth_dir, const std::filesystem::path& data_dir,
                               const verify_options& options = {});

// The same judgement of records that came from elsewhere (a JetStream
// stream read back): NDJSON lines by stream key "venue/channel/symbol", in
// the order they were stored; `source` names them in messages.
verify_report verify_lines(const std::filesystem::path& truth_dir,
                           std::map<std::string, std::vector<std::string>> streams, const std::string& source,
                           const verify_options& options = {});

// Prints the report; returns 0 when clean, 1 when not, 2 on unusable input.
int print_verdict(const verify_report& report, std::ostream& out, std::ostream& err);

// The records of the JetStream stream `nats.stream.name`, read back and
// judged with verify_lines, printed; 2 when the stream cannot be read.
// `options.merged` says the stream holds several collectors' records.
int verify_nats_command(const std::filesystem::path& truth_dir, const nats_sink_config& nats, std::ostream& out,
                        std::ostream& err, const verify_options& options = {});

// verify_recording, printed.
int verify_command(const std::filesystem::path& truth_dir, const std::filesystem::path& data_dir,
                   std::ostream& out, std::ostream& err, const verify_options& options = {});

}  // namespace sf::daemon
