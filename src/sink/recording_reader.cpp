#include "steadyfeed/sink/recording_reader.hpp"

#include "steadyfeed/sink/zstd_frames.hpp"

#include <algorithm>
#include <fstream>
#include <memory>

namespace sf {

namespace fs = std::filesystem;

std::map<std::string, recorded_stream> list_recording(const fs::path& dir, std::error_code& ec) {
  std::map<std::string, recorded_stream> out;
  ec.clear();
  if (!fs::is_directory(dir, ec)) {
    if (!ec) ec = std::make_error_code(std::errc::not_a_directory);
    return out;
  }
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    const std::string name = it->path().filename().string();
    const bool zst = name.ends_with(".ndjson.zst");
    if (!zst && !name.ends_with(".ndjson")) continue;
    const fs::path rel = fs::relative(it->path(), dir, ec);
    if (ec) return out;
    std::vector<std::string> parts;
    for (const auto& p : rel) parts.push_back(p.string());
    if (parts.size() < 3) continue;
    recorded_stream s;
    s.venue = parts[0];
    s.channel = parts[1];
    if (parts.size() == 3) {
      // venue/channel/SYMBOL.ndjson (the simulator's truth layout)
      s.symbol = name.substr(0, name.find(".ndjson"));
      if (s.symbol.ends_with(".checkpoints")) continue;
    } else {
      s.symbol = parts[2];
    }
    const std::string key = s.venue + "/" + s.channel + "/" + s.symbol;
    auto [entry, inserted] = out.try_emplace(key, s);
    entry->second.files.push_back(it->path());
  }
  for (auto& [key, s] : out) std::sort(s.files.begin(), s.files.end());
  return out;
}

std::error_code read_lines(const fs::path& file, const std::function<bool(std::string_view)>& line,
                           recording_damage* damage) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::make_error_code(std::errc::no_such_file_or_directory);
  const bool zst = file.string().ends_with(".zst");
  std::string pending;
  bool stop = false;
  auto feed = [&](const char* data, std::size_t size) {
    pending.append(data, size);
    std::size_t start = 0;
    while (!stop) {
      const auto nl = pending.find('\n', start);
      if (nl == std::string::npos) break;
      if (!line(std::string_view(pending).substr(start, nl - start))) stop = true;
      start = nl + 1;
    }
    pending.erase(0, start);
  };
  if (!zst) {
    std::vector<char> input(std::size_t{1} << 20);
    while (!stop && in) {
      in.read(input.data(), static_cast<std::streamsize>(input.size()));
      feed(input.data(), static_cast<std::size_t>(in.gcount()));
    }
    if (!stop && !pending.empty()) line(pending);
    return {};
  }
  // Whole frames only: the sink never ends a frame mid-line, so a frame
  // that does not decompress whole (a torn tail, damage) holds no line to trust.
  std::string bytes;
  in.seekg(0, std::ios::end);
  bytes.resize(static_cast<std::size_t>(std::max<std::streamoff>(0, in.tellg())));
  in.seekg(0);
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (in.gcount() != static_cast<std::streamsize>(bytes.size())) return std::make_error_code(std::errc::io_error);
  const zstd_frame_walk walk = walk_zstd_frames(bytes, [&](std::size_t, std::size_t, std::string_view text) {
    feed(text.data(), text.size());
    return !stop;
  });
  if (damage) {
    damage->damaged_bytes += walk.damaged_bytes;
    damage->torn_bytes += walk.torn_bytes;
  }
  return {};
}

}  // namespace sf
