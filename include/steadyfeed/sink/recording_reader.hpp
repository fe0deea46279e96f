// Reads a recording back: the files sink's tree of compressed NDJSON, or any
// tree of plain .ndjson files (the simulator's ground truth).
//
// `list_recording(dir)` finds every stream (venue/channel/symbol) and its files
// in time order (the hourly paths sort chronologically). `read_lines` streams a
// file's lines, decompressing .zst frames as it goes, and reads exactly the
// frames the sink's own seal() would keep.
//
// Thread safety: free functions, reentrant.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <cstdint>
#include <system_error>
#include <vector>

namespace sf {

struct recorded_stream {
  std::string venue, channel, symbol;
  std::vector<std::filesystem::path> files;  // chronological
};

// Key "venue/channel/symbol". Files directly under DIR/venue/channel/symbol/
// (any depth), ending in .ndjson or .ndjson.zst.
std::map<std::string, recorded_stream> list_recording(const std::filesystem::path& dir, std::error_code& ec);

// What a file held besides its lines: compressed bytes that were neither a
// whole frame nor the torn tail (damage, skipped), and a torn tail.
struct recording_damage {
  std::uint64_t damaged_bytes = 0;
  std::uint64_t torn_bytes = 0;
};

// Calls `line` for each line (without '\n'); returns false from the callback to
// stop. Damaged stretches of a .zst file are stepped over (the whole frames
// after them are read) and counted in `damage`, if given. Errors: an
// unreadable file.
std::error_code read_lines(const std::filesystem::path& file, const std::function<bool(std::string_view)>& line,
                           recording_damage* damage = nullptr);

}  // namespace sf
