#include "venue/json_venue_adapter.hpp"

#include <new>

namespace sf {

json_venue_adapter::json_venue_adapter(std::string_view ws_url, std::string_view rest_url)
    : ws_url_(ws_url), rest_url_(without_trailing_slash(rest_url)) {}

std::string json_venue_adapter::without_trailing_slash(std::string_view url) {
  while (!url.empty() && url.back() == '/') url.remove_suffix(1);
  return std::string(url);
}

static_assert(frame_padding >= simdjson::SIMDJSON_PADDING, "simdjson reads this far past a frame");

inbound json_venue_adapter::decode(std::string_view frame) noexcept { return decode_guarded(frame, frame_room::none); }

inbound json_venue_adapter::decode_padded(std::string_view frame) noexcept { return decode_guarded(frame, frame_room::padded); }

inbound json_venue_adapter::decode_guarded(std::string_view frame, frame_room room) noexcept {
  try {
    return decode_frame(frame, room);
  } catch (const std::bad_alloc&) {
    batch_.clear();
    return venue_json::invalid("out of memory while parsing a frame");
  }
}

}  // namespace sf
