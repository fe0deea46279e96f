#include "steadyfeed/venue/channel.hpp"

namespace sf {

std::string_view to_string(channel c) noexcept {
  switch (c) {
    case channel::trades:
      return "trades";
    case channel::book:
      return "book";
  }
  return "unknown";
}

std::optional<channel> parse_channel(std::string_view text) noexcept {
  if (text == "trades") return channel::trades;
  if (text == "book") return channel::book;
  return std::nullopt;
}

}  // namespace sf
