#include "replay_command.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <ostream>
#include <thread>

#include "config.hpp"
#include "record_text.hpp"
#include "sink_set.hpp"
#include "steadyfeed/sink/recording_reader.hpp"

namespace sf::daemon {

namespace fs = std::filesystem;

namespace {

// Days from 1970-01-01 to a civil date (proleptic Gregorian).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

template <class T>
bool digits(std::string_view text, std::size_t at, std::size_t n, T& out) {
  if (at + n > text.size()) return false;
  const auto r = std::from_chars(text.data() + at, text.data() + at + n, out);
  return r.ec == std::errc{} && r.ptr == text.data() + at + n;
}

// A recording file's hour: "YYYY-MM-DD/HH" from .../YYYY-MM-DD/HH.ndjson.zst;
// a file named otherwise sorts as its own name.
std::string hour_of(const fs::path& file) {
  std::string name = file.filename().string();
  name = name.substr(0, name.find('.'));
  return file.parent_path().filename().string() + "/" + name;
}

struct entry {
  std::int64_t received = 0;
  std::size_t stream = 0;
  record_kind kind = record_kind::trade;
  std::string id;  // the record's identity in its stream (sink_record::id)
  std::string line;
};

// A record's kind and identity as the feeds hand them to sinks: a trade's
// id, a book update's sequence id, a gap's "from-to".
std::pair<record_kind, std::string> identity(const record_text& r) {
  if (r.type == "book") return {record_kind::book, std::string(r.seq)};
  if (r.type == "gap") return {record_kind::gap, fmt::format("{}-{}", r.from, r.to)};
  return {record_kind::trade, std::string(r.id)};
}

}  // namespace

std::optional<std::int64_t> parse_time(std::string_view text) {
  std::int64_t us = 0;
  if (const auto r = std::from_chars(text.data(), text.data() + text.size(), us);
      r.ec == std::errc{} && r.ptr == text.data() + text.size())
    return us;
  // YYYY-MM-DDTHH:MM:SS[.f…]Z
  std::int64_t y = 0;
  unsigned mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (text.size() < 20 || text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != ' ') ||
      text[13] != ':' || text[16] != ':' || text.back() != 'Z' || !digits(text, 0, 4, y) || !digits(text, 5, 2, mo) ||
      !digits(text, 8, 2, d) || !digits(text, 11, 2, h) || !digits(text, 14, 2, mi) || !digits(text, 17, 2, s) ||
      mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
    return std::nullopt;
  std::int64_t fraction = 0;
  std::string_view rest = text.substr(19, text.size() - 20);
  if (!rest.empty()) {
    if (rest.front() != '.' || rest.size() < 2 || rest.size() > 7) return std::nullopt;
    std::string padded(rest.substr(1));
    padded.resize(6, '0');
    if (!digits(std::string_view(padded), 0, 6, fraction)) return std::nullopt;
  }
  return ((days_from_civil(y, mo, d) * 24 + h) * 60 + mi) * 60'000'000 + s * 1'000'000 + fraction;
}

int replay_command(const replay_options& options, std::ostream& out, std::ostream& err) {
  if (options.speed < 0) {
    err << "replay: --speed must be 0 (as fast as possible) or more\n";
    return 2;
  }
  std::error_code ec;
  if (!fs::is_directory(options.data, ec)) {
    err << fmt::format("replay: {}: not a directory\n", options.data.string());
    return 2;
  }
  auto recording = list_recording(options.data, ec);
  if (ec) {
    err << fmt::format("replay: {}: {}\n", options.data.string(), ec.message());
    return 2;
  }
  for (const auto& want : options.streams)
    if (!recording.contains(want)) {
      err << fmt::format("replay: {}: no such stream in {}\n", want, options.data.string());
      return 2;
    }
  std::vector<recorded_stream> streams;
  for (auto& [key, s] : recording)
    if (options.streams.empty() ||
        std::find(options.streams.begin(), options.streams.end(), key) != options.streams.end())
      streams.push_back(std::move(s));

  sink_set sinks;
  if (!options.config.empty()) {
    try {
      sinks = make_sinks(load_config(options.config), system_clock_source::instance());
    } catch (const std::exception& e) {
      err << "replay: " << e.what() << '\n';
      return 2;
    }
  }

  // Every file, by hour.
  std::map<std::string, std::vector<std::pair<std::size_t, fs::path>>> hours;
  for (std::size_t i = 0; i < streams.size(); ++i)
    for (const auto& f : streams[i].files) hours[hour_of(f)].emplace_back(i, f);

  const clock& clk = system_clock_source::instance();
  std::optional<std::int64_t> first_time;
  time_point started{};
  std::uint64_t sent = 0, unreadable = 0, failed = 0;
  record_text r;
  std::string error;
  for (const auto& [hour, files] : hours) {
    std::vector<entry> batch;
    for (const auto& [stream, file] : files) {
      const auto read_error = read_lines(file, [&](std::string_view line) {
        if (line.empty()) return true;
        if (!read_record_text(line, r, error)) {
          if (unreadable++ < 10) err << fmt::format("replay: {}: {}\n", file.string(), error);
          return true;
        }
        unsigned long long t = 0;
        unsigned_text(r.ts_recv, t);
        const auto received = static_cast<std::int64_t>(t);
        if ((options.from && received < *options.from) || (options.to && received > *options.to)) return true;
        auto [kind, id] = identity(r);
        batch.push_back({received, stream, kind, std::move(id), std::string(line)});
        return true;
      });
      if (read_error) {
        ++unreadable;
        err << fmt::format("replay: {}: {}\n", file.string(), read_error.message());
      }
    }
    std::stable_sort(batch.begin(), batch.end(), [](const entry& a, const entry& b) { return a.received < b.received; });
    for (auto& e : batch) {
      if (options.speed > 0) {
        if (!first_time) {
          first_time = e.received;
          started = clk.now();
        }
        const auto due = started + std::chrono::microseconds(
                                       static_cast<std::int64_t>(static_cast<double>(e.received - *first_time) / options.speed));
        if (const auto now = clk.now(); due > now) std::this_thread::sleep_for(due - now);
      }
      const recorded_stream& s = streams[e.stream];
      if (sinks.sinks.empty()) {
        out << e.line << '\n';
        ++sent;
        continue;
      }
      e.line.push_back('\n');
      const sink_record rec{e.kind, s.venue, s.channel, s.symbol, e.id, e.received, e.line};
      for (auto& sink : sinks.sinks)
        if (auto w = sink->write(rec)) {
          if (failed++ < 10) err << fmt::format("replay: {}: {}\n", sink->describe(), w.message());
        }
      if (++sent % 1024 == 0)
        for (auto& sink : sinks.sinks) sink->tick(clk.now());
    }
  }
  for (auto& sink : sinks.sinks) {
    if (auto c = sink->close()) {
      ++failed;
      err << fmt::format("replay: {}: {}\n", sink->describe(), c.message());
    }
    const auto st = sink->stats();
    if (st.records_lost > 0 || st.spool_records > 0) {
      ++failed;
      err << fmt::format("replay: {}: {} record(s) not delivered ({} kept in its spool for the next start)\n",
                         sink->describe(), st.records_lost + st.spool_records, st.spool_records);
    }
  }
  out.flush();
  err << fmt::format("replay: {} records from {} streams ({} hours){}\n", sent, streams.size(), hours.size(),
                     sinks.sinks.empty() ? "" : " into the configured sinks");
  return unreadable > 0 || failed > 0 ? 1 : 0;
}

}  // namespace sf::daemon
