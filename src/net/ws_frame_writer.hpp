// Encodes the frames a WebSocket client sends (RFC 6455 §5.2).
//
// A client masks every frame with a fresh, unpredictable key (§5.3), so that
// a payload chosen by someone else cannot be made to look like an HTTP request
// to a proxy on the way. What a client sends is small (subscriptions, pings,
// pongs, close), so each message goes out as one frame built into its own
// string: simplicity over speed.
//
// Thread safety: pure functions, except random_mask_key, which draws from
// OpenSSL's thread-safe generator.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace sf {

enum class ws_opcode : std::uint8_t {
  text = 0x1,
  binary = 0x2,
  close = 0x8,
  ping = 0x9,
  pong = 0xa
};

using ws_mask_key = std::array<unsigned char, 4>;

// A key from OpenSSL's cryptographic generator.
ws_mask_key random_mask_key() noexcept;

// A complete frame (FIN set) carrying `payload` masked with `key`.
std::string encode_client_frame(ws_opcode opcode, std::string_view payload, ws_mask_key key);

// The payload of a close frame: `code` (big-endian) and `reason`, cut to the
// 123 bytes that fit without splitting a UTF-8 sequence (the peer must reject
// a reason that is not valid UTF-8). Code 0 means none: an empty payload.
std::string close_payload(int code, std::string_view reason);

}  // namespace sf
