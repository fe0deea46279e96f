#include "support/nkey_pair.hpp"

#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace sf::test {

namespace {

constexpr std::uint8_t prefix_seed = 18 << 3;  // 'S'
constexpr std::uint8_t prefix_user = 20 << 3;  // 'U'

// CRC-16/XMODEM (polynomial 0x1021, initial 0), as NKeys use.
std::uint16_t crc16(const std::vector<std::uint8_t>& data) {
  std::uint16_t crc = 0;
  for (const std::uint8_t byte : data) {
    crc ^= static_cast<std::uint16_t>(byte << 8);
    for (int i = 0; i < 8; ++i)
      crc = static_cast<std::uint16_t>((crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1);
  }
  return crc;
}

// RFC 4648 base32, without padding.
std::string base32(const std::vector<std::uint8_t>& data) {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (const std::uint8_t byte : data) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out.push_back(alphabet[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(alphabet[(buffer << (5 - bits)) & 31]);
  return out;
}

std::string encode(std::vector<std::uint8_t> raw) {
  const std::uint16_t crc = crc16(raw);
  raw.push_back(static_cast<std::uint8_t>(crc & 0xff));
  raw.push_back(static_cast<std::uint8_t>(crc >> 8));
  return base32(raw);
}

}  // namespace

nkey_pair make_user_nkey() {
  EVP_PKEY* key = nullptr;
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr);
  if (ctx == nullptr || EVP_PKEY_keygen_init(ctx) <= 0 || EVP_PKEY_keygen(ctx, &key) <= 0) {
    EVP_PKEY_CTX_free(ctx);
    throw std::runtime_error("make_user_nkey: Ed25519 key generation failed");
  }
  EVP_PKEY_CTX_free(ctx);
  std::array<std::uint8_t, 32> priv{}, pub{};
  std::size_t priv_len = priv.size(), pub_len = pub.size();
  const bool ok = EVP_PKEY_get_raw_private_key(key, priv.data(), &priv_len) == 1 &&
                  EVP_PKEY_get_raw_public_key(key, pub.data(), &pub_len) == 1;
  EVP_PKEY_free(key);
  if (!ok) throw std::runtime_error("make_user_nkey: the raw keys cannot be read");
  std::vector<std::uint8_t> public_raw{prefix_user};
  public_raw.insert(public_raw.end(), pub.begin(), pub.end());
  std::vector<std::uint8_t> seed_raw{static_cast<std::uint8_t>(prefix_seed | (prefix_user >> 5)),
                                     static_cast<std::uint8_t>((prefix_user & 31) << 3)};
  seed_raw.insert(seed_raw.end(), priv.begin(), priv.end());
  return {encode(std::move(public_raw)), encode(std::move(seed_raw))};
}

}  // namespace sf::test
