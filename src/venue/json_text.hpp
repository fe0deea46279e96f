// Writing JSON strings into outbound control messages.
//
// Topics come from configuration, so they are escaped rather than trusted:
// a stray quote must not turn a subscribe request into a different request.
//
// Thread safety: pure function.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace sf::venue_json {

// Appends `text` as a quoted JSON string.
inline void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(c));
          out += escaped;
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

}  // namespace sf::venue_json
