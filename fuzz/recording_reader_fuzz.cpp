// Recordings read back (src/sink): a trade stream's file as the files sink
// leaves it, or as a crash, a full disk or a damaged disk leaves it. The file
// goes through read_lines (whole zstd frames, torn tail, damage stepped over),
// the record parser, and find_trade_resume_point, which a restart runs on
// every trade stream before recording again.
//
// The first input byte picks what the rest is:
//   0  the bytes of an .ndjson.zst file, as they are;
//   1  the bytes of a plain .ndjson file (the simulator's truth);
//   2  NDJSON text the target compresses, one zstd frame (with checksum, as
//      the sink writes them) per NUL-separated piece, so mutations reach the
//      record parser instead of stopping at a frame checksum.
//
// Promises checked: the walk accounts for every byte (whole frames, damage,
// torn tail); read_lines hands out only lines of whole frames, so none holds
// a '\n'.
#include <zstd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>
#include <unistd.h>

#include "steadyfeed/core/record_parse.hpp"
#include "steadyfeed/sink/recording_reader.hpp"
#include "steadyfeed/sink/resume_point.hpp"
#include "steadyfeed/sink/zstd_frames.hpp"

namespace {

namespace fs = std::filesystem;

[[noreturn]] void broken(const char* promise) {
  std::fprintf(stderr, "broken promise: %s\n", promise);
  std::abort();
}

// One data directory per fuzzing process, removed when it exits.
const fs::path& data_dir() {
  static const fs::path dir = [] {
    const fs::path d = fs::temp_directory_path() / ("steadyfeed-fuzz-recording-" + std::to_string(::getpid()));
    fs::remove_all(d);
    fs::create_directories(d / "binance-spot" / "trades" / "BTCUSDT" / "2026-12-02");
    std::atexit([] {
      std::error_code ec;
      fs::remove_all(data_dir(), ec);
    });
    return d;
  }();
  return dir;
}

std::string compressed_frames(std::string_view text) {
  std::string out;
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, 1);
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
  for (;;) {
    const std::size_t end = std::min(text.find('\0'), text.size());
    const std::string_view piece = text.substr(0, end);
    std::string frame(ZSTD_compressBound(piece.size()), '\0');
    const std::size_t n = ZSTD_compress2(cctx, frame.data(), frame.size(), piece.data(), piece.size());
    if (!ZSTD_isError(n)) out.append(frame.data(), n);
    if (end == text.size()) break;
    text.remove_prefix(end + 1);
  }
  ZSTD_freeCCtx(cctx);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const unsigned mode = data[0] % 3;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::string bytes = mode == 2 ? compressed_frames(rest) : std::string(rest);
  const bool zst = mode != 1;

  const fs::path stream = data_dir() / "binance-spot" / "trades" / "BTCUSDT" / "2026-12-02";
  const fs::path file = stream / (zst ? "07.ndjson.zst" : "07.ndjson");
  fs::remove(stream / (zst ? "07.ndjson" : "07.ndjson.zst"));
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }

  if (zst) {
    const sf::zstd_frame_walk walk =
        sf::walk_zstd_frames(bytes, [](std::size_t, std::size_t, std::string_view) { return true; });
    if (walk.kept_bytes + walk.damaged_bytes + walk.torn_bytes != bytes.size())
      broken("the frame walk accounts for every byte");
  }

  sf::record_parser parser;
  sf::owned_record record;
  std::string error;
  sf::recording_damage damage;
  const std::error_code read = sf::read_lines(file, [&](std::string_view line) {
    if (line.find('\n') != std::string_view::npos) broken("a line holds no newline");
    (void)parser.parse(line, record, error);
    return true;
  }, &damage);
  if (read) broken("a readable file reads");

  std::error_code ec;
  (void)sf::find_trade_resume_point(data_dir(), "binance-spot", "BTCUSDT", ec);
  return 0;
}
