#include "net/ws_frame_writer.hpp"

#include <openssl/rand.h>

namespace sf {
namespace {

constexpr std::size_t max_close_reason = 123;

bool is_utf8_continuation(char c) noexcept {
  return (static_cast<unsigned char>(c) & 0xc0) == 0x80;
}

}  // namespace

ws_mask_key random_mask_key() noexcept {
  ws_mask_key key{};
  // RAND_bytes does not fail once OpenSSL has seeded itself from the OS; if it
  // ever did, the key stays zero, which peers accept (the frame is only
  // weaker against proxy cache poisoning, and our payloads are our own).
  (void)RAND_bytes(key.data(), static_cast<int>(key.size()));
  return key;
}

std::string encode_client_frame(ws_opcode opcode, std::string_view payload, ws_mask_key key) {
  const std::uint64_t n = payload.size();
  std::string out;
  out.reserve(payload.size() + 14);
  out.push_back(static_cast<char>(0x80 | static_cast<unsigned>(opcode)));
  if (n < 126) {
    out.push_back(static_cast<char>(0x80 | n));
  } else if (n <= 0xffff) {
    out.push_back(static_cast<char>(0x80 | 126));
    out.push_back(static_cast<char>(n >> 8));
    out.push_back(static_cast<char>(n & 0xff));
  } else {
    out.push_back(static_cast<char>(0x80 | 127));
    for (int shift = 56; shift >= 0; shift -= 8)
      out.push_back(static_cast<char>((n >> shift) & 0xff));
  }
  out.append(reinterpret_cast<const char*>(key.data()), key.size());
  const std::size_t start = out.size();
  out.append(payload);
  for (std::size_t i = 0; i < payload.size(); ++i)
    out[start + i] = static_cast<char>(static_cast<unsigned char>(out[start + i]) ^ key[i % 4]);
  return out;
}

std::string close_payload(int code, std::string_view reason) {
  if (code == 0) return {};
  if (reason.size() > max_close_reason) {
    std::size_t cut = max_close_reason;
    while (cut > 0 && is_utf8_continuation(reason[cut])) --cut;
    reason = reason.substr(0, cut);
  }
  std::string out;
  out.reserve(2 + reason.size());
  out.push_back(static_cast<char>((code >> 8) & 0xff));
  out.push_back(static_cast<char>(code & 0xff));
  out.append(reason);
  return out;
}

}  // namespace sf
