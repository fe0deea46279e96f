// Reads a recording back: the files sink's tree of compressed NDJSON, or any
// tree of plain .ndjson files (the simulator's ground truth).
//
// `list_recording(dir)` finds every stream (venue/channel/symbol) and its files
// in time order (the hourly paths sort chronologically). `read_lines` streams a
// file's lines, decompressing .zst frames as it goes, and stops at a torn tail
// the way the sink's own seal() would.
//
// Thread safety: free functions, reentrant.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>
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

// Calls `line` for each line (without '\n'); returns false from the callback to
// stop. Errors: unreadable file, corrupt (not torn) zstd data.
std::error_code read_lines(const std::filesystem::path& file,
                           const std::function<bool(std::string_view)>& line);

}  // namespace sf
