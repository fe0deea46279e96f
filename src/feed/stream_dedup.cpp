#include "steadyfeed/feed/stream_dedup.hpp"

namespace sf {

std::uint64_t stream_dedup::identity(std::string_view stream, std::string_view frame) noexcept {
  std::uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a
  auto mix = [&](std::string_view s) {
    for (const unsigned char c : s) {
      h ^= c;
      h *= 0x100000001b3ULL;
    }
  };
  mix(stream);
  h ^= 0xff;
  mix(frame);
  return h;
}

void stream_dedup::expire(time_point now) {
  std::erase_if(seen_, [&](const auto& kv) { return now - kv.second > window_; });
}

}  // namespace sf
