#include "verify.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <ostream>
#include <set>
#include <unordered_map>

#include "oracle_book.hpp"
#include "record_text.hpp"
#include "steadyfeed/sink/recording_reader.hpp"
#include "stream_records.hpp"

namespace sf::daemon {

namespace fs = std::filesystem;

bool verify_report::clean() const noexcept {
  const auto& t = totals;
  return errors.empty() && t.missing == 0 && t.duplicates == 0 && t.out_of_order == 0 && t.mismatched == 0 &&
         t.unknown == 0 && t.gap_errors == 0 && t.chain_breaks == 0 && t.books_differ == 0;
}

namespace {

using u64 = unsigned long long;

// A stream's lines, kept alive for the record_text views into them.
struct stream_lines {
  std::vector<std::string> lines;
  std::vector<record_text> records;
};

// Parses a stream's lines into records; `where` names the stream in errors.
void parse_stream(stream_lines& out, const std::string& where, std::vector<std::string>& errors) {
  out.records.resize(out.lines.size());
  std::string error;
  std::size_t bad = 0;
  std::size_t kept = 0;
  for (std::size_t i = 0; i < out.lines.size(); ++i) {
    if (read_record_text(out.lines[i], out.records[kept], error)) {
      ++kept;
    } else if (bad++ < 20) {
      errors.push_back(fmt::format("{}: record {} of the stream: {}", where, i + 1, error));
    }
  }
  out.records.resize(kept);
}

void read_stream(const std::vector<fs::path>& files, stream_lines& out, std::vector<std::string>& errors) {
  for (const auto& file : files) {
    std::size_t n = 0;
    recording_damage damage;
    const auto ec = read_lines(
        file,
        [&](std::string_view line) {
          ++n;
          if (!line.empty()) out.lines.emplace_back(line);
          return true;
        },
        &damage);
    if (ec) errors.push_back(fmt::format("{}: {}", file.string(), ec.message()));
    if (damage.damaged_bytes > 0)
      errors.push_back(fmt::format("{}: {} damaged bytes between whole frames (their lines are lost)", file.string(),
                                   damage.damaged_bytes));
    if (damage.torn_bytes > 0)
      errors.push_back(fmt::format("{}: a torn last frame of {} bytes (written when the recorder died)", file.string(),
                                   damage.torn_bytes));
  }
  // Counted over the stream's files in time order: the stream's directory names it.
  parse_stream(out, files.empty() ? "" : files.front().parent_path().string(), errors);
}

void note(stream_verdict& v, std::string what) {
  if (v.first_problem.empty()) v.first_problem = what;
  if (v.problems.size() < 10) v.problems.push_back(std::move(what));
}

std::optional<std::int64_t> time_of(const record_text& r) {
  u64 t = 0;
  if (!unsigned_text(r.ts_exchange, t) || t > static_cast<u64>(std::numeric_limits<std::int64_t>::max()))
    return std::nullopt;
  return static_cast<std::int64_t>(t);
}

bool in_window(const record_text& r, std::int64_t from, std::int64_t to) {
  const auto t = time_of(r);
  return t && *t >= from && *t <= to;
}

// ---- trades -------------------------------------------------------------------

struct id_range {
  u64 from = 0, to = 0;
};

void verify_trades(const stream_lines& truth, const stream_lines& data, std::int64_t from, std::int64_t to,
                   bool merged, stream_verdict& v) {
  std::unordered_map<u64, const record_text*> true_trades;
  std::vector<u64> true_ids;
  for (const auto& r : truth.records) {
    u64 id = 0;
    if (r.type != "trade" || !unsigned_text(r.id, id)) continue;
    true_trades.emplace(id, &r);
    true_ids.push_back(id);
  }
  std::sort(true_ids.begin(), true_ids.end());

  std::set<u64> seen;
  std::vector<id_range> gaps;
  u64 max_so_far = 0;
  for (const auto& r : data.records) {
    if (r.type == "gap") {
      id_range g;
      if (!unsigned_text(r.from, g.from) || !unsigned_text(r.to, g.to) || g.from > g.to) {
        ++v.gap_errors;
        note(v, fmt::format("gap record with an unreadable range '{}'..'{}'", r.from, r.to));
        continue;
      }
      gaps.push_back(g);
      continue;
    }
    if (r.type != "trade") continue;
    ++v.recorded;
    u64 id = 0, first = 0;
    if (!unsigned_text(r.id, id)) {
      ++v.unknown;
      note(v, fmt::format("trade with an unreadable id '{}'", r.id));
      continue;
    }
    first = r.first_id.empty() || !unsigned_text(r.first_id, first) ? id : first;
    for (u64 i = first; i <= id && i - first < 1'000'000; ++i) {
      if (!seen.insert(i).second) {
        ++v.duplicates;
        note(v, fmt::format("trade {} recorded twice", i));
      }
    }
    if (id < max_so_far && merged) {
      // Several collectors: the stream keeps each trade in the order its
      // first copy arrived, so one a collector behind the others sent first
      // comes late. Present once, it is not lost; a consumer reorders by id.
      ++v.late;
    } else if (id < max_so_far) {
      ++v.out_of_order;
      note(v, fmt::format("trade {} after {}", id, max_so_far));
    }
    max_so_far = std::max(max_so_far, id);
    const auto it = true_trades.find(id);
    if (it == true_trades.end()) {
      ++v.unknown;
      note(v, fmt::format("trade {} is not in the truth", id));
      continue;
    }
    if (first != id) continue;  // an aggregate of several: its fields are not one trade's
    const record_text& t = *it->second;
    if (t.price != r.price || t.qty != r.qty || t.side != r.side || t.ts_exchange != r.ts_exchange) {
      ++v.mismatched;
      note(v, fmt::format("trade {}: recorded {} x {} {} at {}, truth {} x {} {} at {}", id, r.price, r.qty, r.side,
                          r.ts_exchange, t.price, t.qty, t.side, t.ts_exchange));
    }
  }

  auto covered = [&](u64 id) {
    return std::any_of(gaps.begin(), gaps.end(), [&](const id_range& g) { return id >= g.from && id <= g.to; });
  };
  // A gap record claims exactly what is absent: no recorded id, no id the
  // venue never had.
  for (const auto& g : gaps) {
    const auto recorded_in = std::distance(seen.lower_bound(g.from), seen.upper_bound(g.to));
    if (recorded_in > 0) {
      ++v.gap_errors;
      note(v, fmt::format("gap {}..{} claims {} trades that were recorded", g.from, g.to, recorded_in));
    }
    const auto known = std::distance(std::lower_bound(true_ids.begin(), true_ids.end(), g.from),
                                      std::upper_bound(true_ids.begin(), true_ids.end(), g.to));
    if (static_cast<u64>(known) < g.to - g.from + 1) {
      ++v.gap_errors;
      note(v, fmt::format("gap {}..{} claims {} ids the venue never had", g.from, g.to,
                          g.to - g.from + 1 - static_cast<u64>(known)));
    }
  }
  // Every truth trade in the window: recorded, admitted, or missing. A run of
  // absent ids must be admitted whole or not at all.
  bool in_run = false, run_admitted = false, run_mixed = false;
  u64 run_first = 0, run_last = 0;
  auto end_run = [&] {
    if (in_run && run_mixed) {
      ++v.gap_errors;
      note(v, fmt::format("trades {}..{} are absent, but gap records name only part of them", run_first, run_last));
    }
    in_run = false;
  };
  for (const u64 id : true_ids) {
    if (!in_window(*true_trades.at(id), from, to)) continue;
    ++v.expected;
    if (seen.contains(id)) {
      end_run();
      continue;
    }
    const bool admitted = covered(id);
    if (!in_run) {
      in_run = true;
      run_first = id;
      run_admitted = admitted;
      run_mixed = false;
    } else if (admitted != run_admitted) {
      run_mixed = true;
    }
    run_last = id;
    if (admitted) {
      ++v.reported;
    } else {
      ++v.missing;
      note(v, fmt::format("trade {} missing and no gap record names it", id));
    }
  }
  end_run();
}

// ---- books ----------------------------------------------------------------------

// Where a book record stands in its stream. Book ids restart at a venue's
// sequence reset (OKX), so positions compare by (epoch, seq).
struct book_pos {
  std::uint32_t epoch = 0;
  u64 seq = 0;
  auto operator<=>(const book_pos&) const = default;
};

struct book_line {
  const record_text* r = nullptr;
  u64 seq = 0, prev = 0, first = 0;
  bool has_prev = false, has_first = false;
  book_pos pos;
};

bool read_book_line(const record_text& r, book_line& out) {
  out.r = &r;
  if (!unsigned_text(r.seq, out.seq)) return false;
  out.has_prev = !r.prev_seq.empty() && r.prev_seq != "-1" && unsigned_text(r.prev_seq, out.prev);
  out.has_first = !r.first_seq.empty() && unsigned_text(r.first_seq, out.first);
  // An update-id range of one id is written without first_seq (records.md).
  if (!out.has_prev && !out.has_first && !r.is_snapshot()) {
    out.has_first = true;
    out.first = out.seq;
  }
  return true;
}

// The truth's diffs in order, each at its position; a diff whose seq is below
// its prev_seq is the venue's documented sequence reset.
std::vector<book_line> truth_diffs(const stream_lines& truth) {
  std::vector<book_line> out;
  std::uint32_t epoch = 0;
  for (const auto& r : truth.records) {
    book_line b;
    if (r.type != "book" || !read_book_line(r, b)) continue;
    if (!out.empty() && b.seq < out.back().seq) ++epoch;
    b.pos = {epoch, b.seq};
    out.push_back(b);
  }
  return out;
}

// Each checkpoint is the true book right after one diff, or before the
// first: it takes that diff's position. A diff's prev_seq names the state it
// applies to, which places a checkpoint even when its ids recur after a reset.
std::vector<book_pos> checkpoint_positions(const std::vector<book_line>& checkpoints,
                                           const std::vector<book_line>& diffs) {
  std::vector<book_pos> out;
  std::size_t cursor = 0;
  for (const auto& c : checkpoints) {
    std::optional<book_pos> pos;
    for (std::size_t i = cursor; i < diffs.size() && !pos; ++i) {
      if (diffs[i].has_prev && diffs[i].prev == c.seq) {
        pos = i == 0 ? book_pos{0, c.seq} : diffs[i - 1].pos;
        cursor = i;
      } else if (diffs[i].seq == c.seq) {
        pos = diffs[i].pos;
        cursor = i;
      }
    }
    out.push_back(pos.value_or(book_pos{cursor < diffs.size() ? diffs[cursor].pos.epoch : 0, c.seq}));
  }
  return out;
}

// Whether `b` continues `prev`: prev_seq names prev's id (a reset, or an OKX
// keep-alive, included), or the update-id range starts at or below prev's
// id + 1 and ends beyond it.
bool continues(const book_line& prev, const book_line& b) {
  if (b.has_first) return b.first <= prev.seq + 1 && b.seq >= prev.seq + 1;
  if (b.has_prev) return b.prev == prev.seq;
  return false;
}

void verify_book(const stream_lines& truth, const stream_lines& checkpoint_lines, const stream_lines& data,
                 std::int64_t from, std::int64_t to, bool merged, stream_verdict& v) {
  const std::vector<book_line> diffs = truth_diffs(truth);
  const bool truth_resets = !diffs.empty() && diffs.back().pos.epoch > 0;
  std::vector<book_line> checkpoints;
  for (const auto& r : checkpoint_lines.records) {
    book_line b;
    if (r.type == "book" && read_book_line(r, b)) checkpoints.push_back(b);
  }
  auto skip = [&](std::string why) {
    ++v.books_skipped;
    ++v.skipped_because[std::move(why)];
  };

  // The true book, advanced through the truth's diffs as the recording goes.
  oracle_book true_book;
  book_pos true_pos{};
  std::size_t next_diff = 0;
  bool have_truth = !checkpoints.empty();
  if (have_truth) {
    const std::vector<book_pos> marks = checkpoint_positions(checkpoints, diffs);
    true_book.apply(*checkpoints.front().r);
    true_pos = marks.front();
    while (next_diff < diffs.size() && diffs[next_diff].pos <= true_pos) ++next_diff;
  }
  const book_pos first_truth = true_pos;
  auto advance_truth = [&](book_pos pos) {
    while (next_diff < diffs.size() && diffs[next_diff].pos <= pos) {
      true_book.apply(*diffs[next_diff].r);
      true_pos = diffs[next_diff].pos;
      ++next_diff;
    }
  };

  // Positions of the truth's diffs that the recording accounts for.
  std::set<book_pos> recorded_pos;       // an update record at exactly this id
  std::set<book_pos> snapshot_pos;       // a snapshot record at exactly this id
  std::vector<std::pair<book_pos, book_pos>> ranges;  // update-id ranges, inclusive
  std::vector<std::pair<book_pos, book_pos>> superseded;  // (after, up to) a snapshot replaced
  std::vector<std::pair<u64, u64>> gap_ranges;

  oracle_book book;
  std::set<book_pos> seen_ids;  // merged: every id met, to tell a duplicate from a stale record
  bool synced = false, after_gap = false;
  std::optional<book_line> prev;
  std::uint32_t epoch = 0;
  for (const auto& r : data.records) {
    if (r.type == "gap") {
      u64 a = 0, b = 0;
      if (unsigned_text(r.from, a) && unsigned_text(r.to, b) && a <= b) gap_ranges.emplace_back(a, b);
      synced = false;
      after_gap = true;
      book.clear();
      continue;
    }
    if (r.type != "book") continue;
    ++v.recorded;
    book_line b;
    if (!read_book_line(r, b)) {
      ++v.chain_breaks;
      note(v, fmt::format("book record with an unreadable seq '{}'", r.seq));
      continue;
    }
    // Several collectors' records in one stream: one's record at or below
    // the id another's already reached is stale (a consumer skips it, as
    // the venue's own sync rule does), not a break. A reset the truth does
    // not have cannot explain it.
    if (merged && prev && b.seq <= prev->seq &&
        !(b.has_prev && b.prev == prev->seq && b.seq < b.prev) && !(r.is_snapshot() && truth_resets)) {
      // The same id twice, though, is what the stream's deduplication
      // (by record id) exists to prevent.
      if (!seen_ids.insert(book_pos{epoch, b.seq}).second) {
        ++v.duplicates;
        note(v, fmt::format("book record {} is in the stream twice", b.seq));
      } else {
        ++v.stale;
      }
      continue;
    }
    if (merged) seen_ids.insert(book_pos{epoch, b.seq});
    // A new epoch: the venue's reset continued (seq below its prev_seq), or a
    // snapshot below the last id (taken after the truth reset).
    if (prev && b.seq < prev->seq &&
        ((b.has_prev && b.prev == prev->seq && b.seq < b.prev) || r.is_snapshot()))
      ++epoch;
    b.pos = {epoch, b.seq};
    if (!r.is_snapshot()) {
      if (after_gap) {
        ++v.chain_breaks;
        note(v, fmt::format("book update {} follows a gap record: expected a snapshot", b.seq));
      } else if (prev && !continues(*prev, b)) {
        ++v.chain_breaks;
        note(v, fmt::format("book record {} (prev_seq {}, first_seq {}) does not continue {}", b.seq,
                            b.has_prev ? std::to_string(b.prev) : "-", b.has_first ? std::to_string(b.first) : "-",
                            prev->seq));
      }
      if (b.has_first)
        ranges.emplace_back(book_pos{epoch, b.first}, b.pos);
      else
        recorded_pos.insert(b.pos);
    } else {
      // The snapshot is the state at its id; the updates between the record
      // before it and that id were replaced, not recorded.
      snapshot_pos.insert(b.pos);
      superseded.emplace_back(prev ? prev->pos : book_pos{epoch, 0}, b.pos);
    }
    if (r.is_snapshot()) {
      synced = true;
      after_gap = false;
    }
    prev = b;
    if (!synced) {
      skip("no book yet: before the first snapshot record");
      continue;
    }
    book.apply(r);
    if (!have_truth) {
      skip("the truth has no checkpoint");
      continue;
    }
    if (b.pos < first_truth) {
      skip("before the truth's first checkpoint");
      continue;
    }
    if (b.pos < true_pos) {
      skip("behind a record compared before (out of order)");
      continue;
    }
    advance_truth(b.pos);
    if (true_pos != b.pos) {
      skip("an id the truth has no state for");
      ++v.unknown;
      note(v, fmt::format("book id {} is not in the truth", b.seq));
      continue;
    }
    ++v.books_compared;
    if (!(book == true_book)) {
      ++v.books_differ;
      note(v, fmt::format("book at seq {} differs from the truth: {}", b.seq, book.first_difference(true_book)));
    }
  }

  // Gap records name ids that are absent.
  for (const auto& gap : gap_ranges) {
    // Plain variables, not a structured binding: clang before 16 cannot
    // capture a binding in a lambda.
    const u64 a = gap.first;
    const u64 b = gap.second;
    const bool claims_recorded = std::any_of(recorded_pos.begin(), recorded_pos.end(),
                                             [&](const book_pos& p) { return p.seq >= a && p.seq <= b; });
    if (claims_recorded) {
      ++v.gap_errors;
      note(v, fmt::format("book gap {}..{} claims updates that were recorded", a, b));
    }
  }
  // Every truth update in the window: recorded, superseded by a snapshot, or missing.
  for (const auto& d : diffs) {
    if (!in_window(*d.r, from, to)) continue;
    ++v.expected;
    if (recorded_pos.contains(d.pos) || snapshot_pos.contains(d.pos)) continue;
    if (std::any_of(ranges.begin(), ranges.end(), [&](const auto& rg) { return d.pos >= rg.first && d.pos <= rg.second; }))
      continue;
    if (std::any_of(superseded.begin(), superseded.end(),
                    [&](const auto& s) { return d.pos > s.first && d.pos <= s.second; })) {
      ++v.superseded;
      continue;
    }
    ++v.missing;
    note(v, fmt::format("book update {} (exchange time {}) is not in the recording", d.seq, d.r->ts_exchange));
  }
}

void add(stream_verdict& total, const stream_verdict& v) {
  total.recorded += v.recorded;
  total.expected += v.expected;
  total.missing += v.missing;
  total.reported += v.reported;
  total.duplicates += v.duplicates;
  total.out_of_order += v.out_of_order;
  total.mismatched += v.mismatched;
  total.unknown += v.unknown;
  total.gap_errors += v.gap_errors;
  total.chain_breaks += v.chain_breaks;
  total.stale += v.stale;
  total.late += v.late;
  total.superseded += v.superseded;
  total.books_compared += v.books_compared;
  total.books_skipped += v.books_skipped;
  total.books_differ += v.books_differ;
  for (const auto& [why, n] : v.skipped_because) total.skipped_because[why] += n;
}

// The truth is one file per stream (venue/channel/SYMBOL.ndjson); a recording
// is hourly files (venue/channel/symbol/date/HH.ndjson.zst).
bool holds_files_at_depth(const std::map<std::string, recorded_stream>& streams, const fs::path& root,
                          std::size_t depth) {
  std::error_code ec;
  for (const auto& [key, stream] : streams)
    for (const auto& file : stream.files) {
      const fs::path rel = fs::relative(file, root, ec);
      if (!ec && static_cast<std::size_t>(std::distance(rel.begin(), rel.end())) == depth) return true;
    }
  return false;
}

std::string format_time(std::int64_t us) {
  const std::time_t secs = static_cast<std::time_t>(us / 1'000'000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, us % 1'000'000);
}

}  // namespace

namespace {

// The judgement itself: `recorded` holds every recorded stream's lines, by
// key; `source` names where they came from.
void judge(const std::map<std::string, recorded_stream>& truth, std::map<std::string, stream_lines>& recorded,
           const std::string& source, const verify_options& options, verify_report& report) {
  // The streams that must be there: the truth's, or the ones asked for.
  std::vector<std::string> expected;
  if (options.streams.empty()) {
    for (const auto& [key, s] : truth) expected.push_back(key);
  } else {
    for (const auto& key : options.streams) {
      if (!truth.contains(key)) report.errors.push_back(fmt::format("{}: asked for, but the truth has no such stream", key));
      expected.push_back(key);
    }
  }
  for (const auto& key : expected)
    if (truth.contains(key) && !recorded.contains(key))
      report.errors.push_back(fmt::format("{}: in the truth, absent from the recording", key));
  for (const auto& [key, s] : recorded)
    if (!truth.contains(key)) report.errors.push_back(fmt::format("{}: recorded, but the truth has no such stream", key));

  // The window spans every expected stream.
  std::int64_t first = std::numeric_limits<std::int64_t>::max(), last = std::numeric_limits<std::int64_t>::min();
  for (const auto& key : expected) {
    const auto it = recorded.find(key);
    if (it == recorded.end()) continue;
    for (const auto& r : it->second.records) {
      if (r.type != "trade" && r.type != "book") continue;
      // 0: the venue gave no time (a REST book snapshot), which says nothing of the window.
      if (const auto t = time_of(r); t && *t > 0) {
        first = std::min(first, *t);
        last = std::max(last, *t);
      }
    }
  }
  if (first > last) {
    report.errors.push_back(
        fmt::format("{}: no record was compared: the recording holds no trade or book record", source));
    return;
  }
  report.from = options.from.value_or(first + std::chrono::duration_cast<microseconds>(options.start_margin).count());
  report.to = options.to.value_or(last - std::chrono::duration_cast<microseconds>(options.end_margin).count());
  if (report.from > report.to)
    report.errors.push_back(fmt::format("the window {} .. {} is empty: the recording is shorter than its margins",
                                        format_time(report.from), format_time(report.to)));

  for (const auto& key : expected) {
    const auto t = truth.find(key);
    const auto d = recorded.find(key);
    if (t == truth.end()) continue;
    stream_verdict v;
    v.stream = key;
    stream_lines truth_lines;
    read_stream(t->second.files, truth_lines, report.errors);
    static const stream_lines nothing;
    const stream_lines& data_lines = d == recorded.end() ? nothing : d->second;
    if (t->second.channel == "trades") {
      verify_trades(truth_lines, data_lines, report.from, report.to, options.merged, v);
    } else if (t->second.channel == "book") {
      std::vector<fs::path> checkpoint_files;
      for (const auto& f : t->second.files) {
        fs::path c = f;
        c.replace_filename(f.stem().string() + ".checkpoints.ndjson");
        if (fs::exists(c)) checkpoint_files.push_back(c);
      }
      stream_lines checkpoints;
      read_stream(checkpoint_files, checkpoints, report.errors);
      verify_book(truth_lines, checkpoints, data_lines, report.from, report.to, options.merged, v);
    }
    add(report.totals, v);
    report.streams.push_back(std::move(v));
  }
}

std::map<std::string, recorded_stream> read_truth(const fs::path& truth_dir, verify_report& report) {
  std::error_code ec;
  auto truth = list_recording(truth_dir, ec);
  if (ec) report.errors.push_back(fmt::format("{}: {}", truth_dir.string(), ec.message()));
  else if (holds_files_at_depth(truth, truth_dir, 5))
    report.errors.push_back(fmt::format("{} holds a recording (hourly files), not a simulator's truth: "
                                        "are --truth and --data swapped?",
                                        truth_dir.string()));
  return truth;
}

}  // namespace

verify_report verify_recording(const fs::path& truth_dir, const fs::path& data_dir, const verify_options& options) {
  verify_report report;
  const auto truth = read_truth(truth_dir, report);
  if (!report.errors.empty()) return report;
  std::error_code ec;
  const auto data = list_recording(data_dir, ec);
  if (ec) {
    report.errors.push_back(fmt::format("{}: {}", data_dir.string(), ec.message()));
    return report;
  }
  if (holds_files_at_depth(data, data_dir, 3))
    report.errors.push_back(fmt::format("{} holds a simulator's truth (one file per stream), not a recording: "
                                        "are --truth and --data swapped?",
                                        data_dir.string()));
  if (!report.errors.empty()) return report;
  std::map<std::string, stream_lines> recorded;
  for (const auto& [key, stream] : data) read_stream(stream.files, recorded[key], report.errors);
  judge(truth, recorded, data_dir.string(), options, report);
  return report;
}

verify_report verify_lines(const fs::path& truth_dir, std::map<std::string, std::vector<std::string>> streams,
                           const std::string& source, const verify_options& options) {
  verify_report report;
  const auto truth = read_truth(truth_dir, report);
  if (!report.errors.empty()) return report;
  std::map<std::string, stream_lines> recorded;
  for (auto& [key, lines] : streams) {
    auto& s = recorded[key];
    s.lines = std::move(lines);
    parse_stream(s, source + " " + key, report.errors);
  }
  judge(truth, recorded, source, options, report);
  return report;
}

int verify_nats_command(const fs::path& truth_dir, const nats_sink_config& nats, std::ostream& out, std::ostream& err,
                        const verify_options& options) {
  stream_records records;
  try {
    records = read_stream_records(nats);
  } catch (const std::exception& e) {
    err << "verify: " << e.what() << '\n';
    return 2;
  }
  const std::string source = fmt::format("JetStream stream {}", nats.stream.name);
  out << fmt::format("{}: {} messages in {} streams\n", source, records.messages, records.lines.size());
  auto report = verify_lines(truth_dir, std::move(records.lines), source, options);
  for (auto& e : records.errors) report.errors.insert(report.errors.begin(), source + ": " + e);
  return print_verdict(report, out, err);
}

int verify_command(const fs::path& truth_dir, const fs::path& data_dir, std::ostream& out, std::ostream& err,
                   const verify_options& options) {
  return print_verdict(verify_recording(truth_dir, data_dir, options), out, err);
}

int print_verdict(const verify_report& r, std::ostream& out, std::ostream& err) {
  for (const auto& e : r.errors) err << "verify: " << e << '\n';
  if (r.from != 0 || r.to != 0)
    out << fmt::format("window {} .. {} (exchange time)\n", format_time(r.from), format_time(r.to));
  for (const auto& s : r.streams) {
    out << fmt::format("{:<40} expected={} records={} missing={} reported={} duplicates={} out_of_order={} "
                       "mismatched={} unknown={} gap_errors={}",
                       s.stream, s.expected, s.recorded, s.missing, s.reported, s.duplicates, s.out_of_order,
                       s.mismatched, s.unknown, s.gap_errors);
    if (s.late > 0) out << fmt::format(" late={}", s.late);
    if (s.stream.find("/book/") != std::string::npos)
      out << fmt::format(" chain_breaks={} superseded={} books_compared={} books_skipped={} books_differ={} stale={}",
                         s.chain_breaks, s.superseded, s.books_compared, s.books_skipped, s.books_differ, s.stale);
    out << '\n';
    for (const auto& [why, n] : s.skipped_because) out << fmt::format("    skipped {} × {}\n", n, why);
    for (const auto& p : s.problems) out << "    problem: " << p << '\n';
  }
  const auto& t = r.totals;
  out << fmt::format("missing={} duplicates={} out_of_order={}\n", t.missing, t.duplicates, t.out_of_order);
  out << fmt::format("reported_gaps={} mismatched={} unknown={} gap_errors={} chain_breaks={} superseded={} "
                     "books_compared={} books_skipped={} books_differ={} late={} stale={}\n",
                     t.reported, t.mismatched, t.unknown, t.gap_errors, t.chain_breaks, t.superseded,
                     t.books_compared, t.books_skipped, t.books_differ, t.late, t.stale);
  if (r.streams.empty()) return 2;
  return r.clean() ? 0 : 1;
}

}  // namespace sf::daemon
