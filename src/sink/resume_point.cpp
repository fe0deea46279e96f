#include "steadyfeed/sink/resume_point.hpp"

#include <algorithm>
#include <charconv>
#include <vector>

#include "steadyfeed/core/record_parse.hpp"
#include "steadyfeed/sink/recording_reader.hpp"

namespace sf {

namespace fs = std::filesystem;

namespace {

// The stream's files, newest first: the hourly paths sort chronologically.
std::vector<fs::path> files_newest_first(const fs::path& stream_dir, std::error_code& ec) {
  std::vector<fs::path> files;
  for (auto it = fs::recursive_directory_iterator(stream_dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    const std::string name = it->path().filename().string();
    if (name.ends_with(".ndjson.zst") || name.ends_with(".ndjson")) files.push_back(it->path());
  }
  std::sort(files.begin(), files.end(), std::greater<>());
  return files;
}

std::optional<std::uint64_t> parse_id(std::string_view text) {
  std::uint64_t v = 0;
  const auto [end, err] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (err != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return v;
}

}  // namespace

std::optional<trade_resume_point> find_trade_resume_point(const fs::path& dir, std::string_view venue,
                                                          std::string_view symbol, std::error_code& ec) {
  ec.clear();
  const fs::path stream_dir = dir / std::string(venue) / "trades" / std::string(symbol);
  if (!fs::exists(stream_dir, ec)) return std::nullopt;
  const auto files = files_newest_first(stream_dir, ec);
  if (ec) return std::nullopt;
  record_parser parser;
  owned_record r;
  std::string error;
  for (const auto& file : files) {
    trade_resume_point point;
    bool found = false;
    // read_lines reads the whole frames, exactly those the sink's seal keeps.
    recording_damage damage;
    ec = read_lines(file, [&](std::string_view line) {
      if (line.empty()) return true;
      if (!parser.parse(line, r, error)) {
        ++point.bad_lines;
        return true;
      }
      std::optional<std::uint64_t> id;
      if (r.type == owned_record::kind::trade)
        id = r.trade.id;
      else if (r.type == owned_record::kind::gap)
        id = parse_id(r.gap.to);
      if (id && (!found || *id > point.last_id)) {
        point.last_id = *id;
        found = true;
      }
      return true;
    }, &damage);
    if (ec) return std::nullopt;
    if (found) {
      point.file = file;
      point.damaged_bytes = damage.damaged_bytes;
      return point;
    }
  }
  return std::nullopt;
}

}  // namespace sf
