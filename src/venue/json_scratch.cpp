#include "venue/json_scratch.hpp"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>

namespace sf::venue_json {

simdjson::error_code json_scratch::parse(std::string_view text, simdjson::ondemand::document& doc) {
  const std::size_t needed = text.size() + simdjson::SIMDJSON_PADDING;
  if (needed > capacity_) {
    // Grow geometrically, from a size that holds any control or trade frame.
    const std::size_t grown = std::max({needed, capacity_ * 2, std::size_t{4096}});
    buffer_ = std::make_unique_for_overwrite<char[]>(grown);
    capacity_ = grown;
  }
  std::memcpy(buffer_.get(), text.data(), text.size());
  // The padding is never parsed, but zeroing it keeps tools like valgrind quiet
  // about simdjson's wide loads past the end.
  std::memset(buffer_.get() + text.size(), 0, simdjson::SIMDJSON_PADDING);
  return parser_.iterate(simdjson::padded_string_view(buffer_.get(), text.size(), capacity_))
      .get(doc);
}

std::string_view json_scratch::reason(const char* format, ...) noexcept {
  va_list args;
  va_start(args, format);
  const int n = std::vsnprintf(reason_, sizeof reason_, format, args);
  va_end(args);
  if (n < 0) return "unprintable error";
  return {reason_, std::min(static_cast<std::size_t>(n), sizeof reason_ - 1)};
}

}  // namespace sf::venue_json
