#include "verify.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <unordered_map>

#include "steadyfeed/book/order_book.hpp"
#include "steadyfeed/core/record_parse.hpp"
#include "steadyfeed/sink/recording_reader.hpp"

namespace sf::daemon {

namespace fs = std::filesystem;

bool verify_report::clean() const noexcept {
  return errors.empty() && totals.missing == 0 && totals.duplicates == 0 && totals.out_of_order == 0 &&
         totals.mismatched == 0 && totals.unknown == 0 && totals.books_differ == 0;
}

namespace {

// Reads every record of a stream's files, reporting bad lines.
void read_records(const recorded_stream& s, std::vector<owned_record>& out, std::vector<std::string>& errors) {
  record_parser parser;
  std::string error;
  for (const auto& file : s.files) {
    std::size_t n = 0;
    owned_record r;
    recording_damage damage;
    auto ec = read_lines(file, [&](std::string_view line) {
      ++n;
      if (line.empty()) return true;
      if (!parser.parse(line, r, error)) {
        if (errors.size() < 20) errors.push_back(fmt::format("{}:{}: {}", file.string(), n, error));
        return true;
      }
      out.push_back(r);
      return true;
    }, &damage);
    if (ec) errors.push_back(fmt::format("{}: {}", file.string(), ec.message()));
    if (damage.damaged_bytes > 0)
      errors.push_back(fmt::format("{}: {} damaged bytes between whole frames (their lines are lost)", file.string(),
                                   damage.damaged_bytes));
    if (damage.torn_bytes > 0)
      errors.push_back(fmt::format("{}: a torn last frame of {} bytes (written when the recorder died)", file.string(),
                                   damage.torn_bytes));
  }
}

void note(stream_verdict& v, std::string what) {
  if (v.first_problem.empty()) v.first_problem = std::move(what);
}

std::pair<std::uint64_t, std::uint64_t> parse_range(const gap_record& g) {
  std::uint64_t from = 0, to = 0;
  try {
    from = std::stoull(g.from);
    to = std::stoull(g.to);
  } catch (...) {
  }
  return {from, to};
}

void verify_trades(const std::vector<owned_record>& truth, const std::vector<owned_record>& data, stream_verdict& v) {
  std::unordered_map<std::uint64_t, const trade_record*> true_trades;
  true_trades.reserve(truth.size());
  for (const auto& r : truth)
    if (r.type == owned_record::kind::trade) true_trades.emplace(r.trade.id, &r.trade);

  std::set<std::uint64_t> seen;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> gaps;
  std::uint64_t lo = UINT64_MAX, hi = 0, max_so_far = 0;
  for (const auto& r : data) {
    if (r.type == owned_record::kind::gap) {
      gaps.push_back(parse_range(r.gap));
      continue;
    }
    if (r.type != owned_record::kind::trade) continue;
    const trade_record& t = r.trade;
    ++v.recorded;
    for (std::uint64_t id = t.first(); id <= t.id; ++id) {
      if (!seen.insert(id).second) {
        ++v.duplicates;
        note(v, fmt::format("trade {} recorded twice", id));
      }
    }
    if (t.id < max_so_far && !seen.empty()) {
      ++v.out_of_order;
      note(v, fmt::format("trade {} after {}", t.id, max_so_far));
    }
    max_so_far = std::max(max_so_far, t.id);
    lo = std::min(lo, t.first());
    hi = std::max(hi, t.id);
    auto it = true_trades.find(t.id);
    if (it == true_trades.end()) {
      ++v.unknown;
      note(v, fmt::format("trade {} is not in the truth", t.id));
    } else if (t.first() == t.id &&
               (it->second->price != t.price || it->second->qty != t.qty || it->second->taker != t.taker)) {
      ++v.mismatched;
      note(v, fmt::format("trade {}: recorded {} x {}, truth {} x {}", t.id, t.price.to_string(), t.qty.to_string(),
                          it->second->price.to_string(), it->second->qty.to_string()));
    }
  }
  if (seen.empty()) return;
  for (const auto& [id, t] : true_trades) {
    if (id < lo || id > hi || seen.contains(id)) continue;
    const bool admitted = std::any_of(gaps.begin(), gaps.end(), [&](auto& g) { return id >= g.first && id <= g.second; });
    if (admitted) {
      ++v.reported;
    } else {
      ++v.missing;
      note(v, fmt::format("trade {} missing and no gap record names it", id));
    }
  }
}

// Where a book record stands in its stream. Book ids restart at a venue's
// sequence reset (OKX), so a record whose seq is below its predecessor's
// begins a new epoch, and positions compare by (epoch, seq).
struct book_pos {
  std::uint32_t epoch = 0;
  std::uint64_t seq = 0;
  auto operator<=>(const book_pos&) const = default;
};

class epoch_counter {
 public:
  book_pos next(std::uint64_t seq) {
    if (started_ && seq < last_) ++epoch_;
    started_ = true;
    last_ = seq;
    return {epoch_, seq};
  }

 private:
  bool started_ = false;
  std::uint32_t epoch_ = 0;
  std::uint64_t last_ = 0;
};

// Each checkpoint is the true book right after one diff, or before the
// first: it takes that diff's position. Both files are in time order, and a
// diff's prev_seq names the state it applies to, which places a checkpoint
// taken before it even when its ids recur after a reset.
std::vector<book_pos> checkpoint_positions(const std::vector<owned_record>& checkpoints,
                                           const std::vector<const owned_record*>& diffs,
                                           const std::vector<book_pos>& diff_pos) {
  std::vector<book_pos> out;
  std::size_t cursor = 0;
  for (const auto& c : checkpoints) {
    const std::uint64_t seq = c.book.seq;
    std::optional<book_pos> pos;
    for (std::size_t i = cursor; i < diffs.size() && !pos; ++i) {
      if (diffs[i]->book.has_prev_seq && diffs[i]->book.prev_seq == seq) {
        pos = i == 0 ? book_pos{0, seq} : diff_pos[i - 1];
        cursor = i;
      } else if (diffs[i]->book.seq == seq) {
        pos = diff_pos[i];
        cursor = i;
      }
    }
    out.push_back(pos.value_or(book_pos{cursor < diff_pos.size() ? diff_pos[cursor].epoch : 0, seq}));
  }
  return out;
}

void verify_book(const std::vector<owned_record>& truth, const std::vector<owned_record>& checkpoints,
                 const std::vector<owned_record>& data, stream_verdict& v) {
  if (checkpoints.empty()) return;
  // The true book, advanced through the truth's diffs on demand.
  std::vector<const owned_record*> diffs;
  std::vector<book_pos> diff_pos;
  epoch_counter truth_epochs;
  for (const auto& r : truth) {
    if (r.type != owned_record::kind::book) continue;
    diffs.push_back(&r);
    diff_pos.push_back(truth_epochs.next(r.book.seq));
  }
  const std::vector<book_pos> marks = checkpoint_positions(checkpoints, diffs, diff_pos);
  order_book true_book;
  true_book.apply(checkpoints.front().book);
  book_pos true_pos = marks.front();
  std::size_t next_diff = 0;
  while (next_diff < diffs.size() && diff_pos[next_diff] <= true_pos) ++next_diff;
  auto advance_truth = [&](book_pos pos) {
    while (next_diff < diffs.size() && diff_pos[next_diff] <= pos) {
      true_book.apply(diffs[next_diff]->book);
      true_pos = diff_pos[next_diff];
      ++next_diff;
    }
  };
  std::size_t next_mark = 0;

  order_book book;
  bool synced = false;
  epoch_counter data_epochs;
  for (const auto& r : data) {
    if (r.type == owned_record::kind::gap) {
      synced = false;
      book.clear();
      continue;
    }
    if (r.type != owned_record::kind::book) continue;
    ++v.recorded;
    const book_pos pos = data_epochs.next(r.book.seq);
    if (r.book.snapshot) synced = true;
    if (!synced) continue;
    book.apply(r.book);
    bool crossed_mark = false;
    while (next_mark < marks.size() && marks[next_mark] <= pos) {
      crossed_mark = true;
      ++next_mark;
    }
    if (!crossed_mark || pos < true_pos) continue;
    advance_truth(pos);
    if (true_pos != pos) continue;  // the truth has no state at exactly this id
    ++v.books_compared;
    if (!(book == true_book)) {
      ++v.books_differ;
      note(v, fmt::format("book at seq {} differs from the truth", r.book.seq));
    }
  }
}

void add(stream_verdict& total, const stream_verdict& v) {
  total.recorded += v.recorded;
  total.missing += v.missing;
  total.reported += v.reported;
  total.duplicates += v.duplicates;
  total.out_of_order += v.out_of_order;
  total.mismatched += v.mismatched;
  total.unknown += v.unknown;
  total.books_compared += v.books_compared;
  total.books_differ += v.books_differ;
}

}  // namespace

verify_report verify_recording(const fs::path& truth_dir, const fs::path& data_dir) {
  verify_report report;
  std::error_code ec;
  const auto truth = list_recording(truth_dir, ec);
  if (ec) {
    report.errors.push_back(fmt::format("{}: {}", truth_dir.string(), ec.message()));
    return report;
  }
  const auto data = list_recording(data_dir, ec);
  if (ec) {
    report.errors.push_back(fmt::format("{}: {}", data_dir.string(), ec.message()));
    return report;
  }
  // The truth is one file per stream (venue/channel/SYMBOL.ndjson); a
  // recording is hourly files (venue/channel/symbol/date/HH.ndjson.zst).
  // Either in the other's place compares nothing that means anything.
  auto holds = [&](const std::map<std::string, recorded_stream>& streams, const fs::path& root, std::size_t depth) {
    for (const auto& [key, stream] : streams)
      for (const auto& file : stream.files) {
        const fs::path rel = fs::relative(file, root, ec);
        if (!ec && static_cast<std::size_t>(std::distance(rel.begin(), rel.end())) == depth) return true;
      }
    return false;
  };
  if (holds(truth, truth_dir, 5))
    report.errors.push_back(fmt::format("{} holds a recording (hourly files), not a simulator's truth: "
                                        "are --truth and --data swapped?",
                                        truth_dir.string()));
  if (holds(data, data_dir, 3))
    report.errors.push_back(fmt::format("{} holds a simulator's truth (one file per stream), not a recording: "
                                        "are --truth and --data swapped?",
                                        data_dir.string()));
  if (!report.errors.empty()) return report;
  for (const auto& [key, recorded] : data) {
    auto t = truth.find(key);
    if (t == truth.end()) {
      report.errors.push_back(fmt::format("{}: recorded, but the truth has no such stream", key));
      continue;
    }
    stream_verdict v;
    v.stream = key;
    std::vector<owned_record> truth_records, data_records;
    read_records(t->second, truth_records, report.errors);
    read_records(recorded, data_records, report.errors);
    if (recorded.channel == "trades") {
      verify_trades(truth_records, data_records, v);
    } else if (recorded.channel == "book") {
      std::vector<owned_record> checkpoints;
      recorded_stream cp = t->second;
      cp.files.clear();
      for (const auto& f : t->second.files) {
        fs::path c = f;
        c.replace_filename(f.stem().string() + ".checkpoints.ndjson");
        if (fs::exists(c)) cp.files.push_back(c);
      }
      read_records(cp, checkpoints, report.errors);
      verify_book(truth_records, checkpoints, data_records, v);
    }
    add(report.totals, v);
    report.streams.push_back(std::move(v));
  }
  if (report.streams.empty() && report.errors.empty())
    report.errors.push_back(fmt::format("{}: no recorded streams", data_dir.string()));
  else if (report.totals.recorded == 0 && report.errors.empty())
    report.errors.push_back(fmt::format("{}: no record was compared: the recording's files hold no records",
                                        data_dir.string()));
  return report;
}

int verify_command(const fs::path& truth_dir, const fs::path& data_dir, std::ostream& out, std::ostream& err) {
  const auto r = verify_recording(truth_dir, data_dir);
  for (const auto& e : r.errors) err << "verify: " << e << '\n';
  for (const auto& s : r.streams) {
    out << fmt::format("{:<40} records={} missing={} reported={} duplicates={} out_of_order={} mismatched={} "
                       "unknown={} books_compared={} books_differ={}\n",
                       s.stream, s.recorded, s.missing, s.reported, s.duplicates, s.out_of_order, s.mismatched,
                       s.unknown, s.books_compared, s.books_differ);
    if (!s.first_problem.empty()) out << "    first problem: " << s.first_problem << '\n';
  }
  const auto& t = r.totals;
  out << fmt::format("missing={} duplicates={} out_of_order={}\n", t.missing, t.duplicates, t.out_of_order);
  out << fmt::format("reported_gaps={} mismatched={} unknown={} books_compared={} books_differ={}\n", t.reported,
                     t.mismatched, t.unknown, t.books_compared, t.books_differ);
  if (r.streams.empty()) return 2;
  return r.clean() ? 0 : 1;
}

}  // namespace sf::daemon
