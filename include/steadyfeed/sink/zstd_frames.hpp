// The whole zstd frames in a recording file's bytes, and what lies between
// them.
//
// The files sink writes each flush as one zstd frame, so a file is a run of
// frames. A crash or a full disk can leave a torn frame at the end (the
// tail); damage in the middle (a torn frame with whole frames written after
// it, a disk error) must not cost the good frames around it. A frame counts
// only if it decompresses whole (its content checksum matching, when it has
// one, as the sink's frames do) into whole lines; after one that does not,
// the walk looks for the next frame that does, and what it stepped over is
// damage.
//
// Thread safety: reentrant.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

namespace sf {

struct zstd_frame_walk {
  std::uint64_t frames = 0;         // whole frames
  std::uint64_t damaged_bytes = 0;  // between whole frames, or before the first
  std::uint64_t torn_bytes = 0;     // after the last whole frame
  std::uint64_t kept_bytes = 0;     // the whole frames' compressed bytes
};

// Calls `on_frame(offset, size, text)` for each whole frame of `bytes`, in
// order, with its decompressed text; return false to stop the walk. Calls
// `on_damage(offset, size)` for each damaged stretch, if given.
zstd_frame_walk walk_zstd_frames(std::string_view bytes,
                                 const std::function<bool(std::size_t, std::size_t, std::string_view)>& on_frame,
                                 const std::function<void(std::size_t, std::size_t)>& on_damage = {});

}  // namespace sf
