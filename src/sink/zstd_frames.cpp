#include "steadyfeed/sink/zstd_frames.hpp"

#include <zstd.h>

#include <cstring>
#include <memory>
#include <string>

namespace sf {
namespace {

constexpr unsigned char frame_magic[4] = {0x28, 0xB5, 0x2F, 0xFD};  // ZSTD_MAGICNUMBER, little-endian

class frame_reader {
 public:
  frame_reader() : dctx_(ZSTD_createDCtx(), ZSTD_freeDCtx) {}

  // The size of the whole frame at the start of `bytes` that decompresses
  // (its text in text()), or 0.
  std::size_t read(std::string_view bytes) {
    const std::size_t size = ZSTD_findFrameCompressedSize(bytes.data(), bytes.size());
    if (ZSTD_isError(size) || size == 0) return 0;
    ZSTD_DCtx_reset(dctx_.get(), ZSTD_reset_session_only);
    text_.clear();
    ZSTD_inBuffer src{bytes.data(), size, 0};
    char out[64 * 1024];
    while (true) {
      ZSTD_outBuffer dst{out, sizeof out, 0};
      const std::size_t r = ZSTD_decompressStream(dctx_.get(), &dst, &src);
      if (ZSTD_isError(r)) return 0;
      text_.append(out, dst.pos);
      // The frame ended where its header said, and holds whole lines (the
      // sink never ends a frame mid-line): a torn frame that runs into the
      // next one can decompress, if it has no checksum, but not into lines.
      if (r == 0) return src.pos == size && (text_.empty() || text_.back() == '\n') ? size : 0;
      if (src.pos == size && dst.pos < dst.size) return 0;  // input used up, frame unfinished
    }
  }
  std::string_view text() const noexcept { return text_; }

 private:
  std::unique_ptr<ZSTD_DCtx, decltype(&ZSTD_freeDCtx)> dctx_;
  std::string text_;
};

}  // namespace

zstd_frame_walk walk_zstd_frames(std::string_view bytes,
                                 const std::function<bool(std::size_t, std::size_t, std::string_view)>& on_frame,
                                 const std::function<void(std::size_t, std::size_t)>& on_damage) {
  zstd_frame_walk walk;
  frame_reader reader;
  std::size_t at = 0;
  while (at < bytes.size()) {
    if (const std::size_t size = reader.read(bytes.substr(at))) {
      ++walk.frames;
      walk.kept_bytes += size;
      if (!on_frame(at, size, reader.text())) return walk;
      at += size;
      continue;
    }
    // Not a whole frame here: the next one that is, if any, ends the damage.
    std::size_t next = at + 1;
    std::size_t found = 0;
    for (; next + sizeof frame_magic <= bytes.size(); ++next) {
      const void* hit = std::memchr(bytes.data() + next, frame_magic[0], bytes.size() - next);
      if (!hit) break;
      next = static_cast<std::size_t>(static_cast<const char*>(hit) - bytes.data());
      if (next + sizeof frame_magic > bytes.size()) break;
      if (std::memcmp(bytes.data() + next, frame_magic, sizeof frame_magic) == 0 && (found = reader.read(bytes.substr(next))))
        break;
    }
    if (!found) {
      walk.torn_bytes = bytes.size() - at;
      return walk;
    }
    walk.damaged_bytes += next - at;
    if (on_damage) on_damage(at, next - at);
    at = next;
  }
  return walk;
}

}  // namespace sf
