#include "net/ws_frame_writer.hpp"

#include <gtest/gtest.h>

#include <set>

namespace sf {
namespace {

constexpr ws_mask_key key{0x37, 0xfa, 0x21, 0x3d};

std::string unmask(std::string_view bytes, ws_mask_key k) {
  std::string out(bytes);
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = static_cast<char>(static_cast<unsigned char>(out[i]) ^ k[i % 4]);
  return out;
}

TEST(ws_frame_writer, matches_the_masked_example_of_rfc_6455) {
  // RFC 6455 §5.7: a single-frame masked text message "Hello".
  const std::string expected("\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58", 11);
  EXPECT_EQ(encode_client_frame(ws_opcode::text, "Hello", key), expected);
}

TEST(ws_frame_writer, sets_fin_the_opcode_and_the_mask_bit) {
  for (auto op :
       {ws_opcode::text, ws_opcode::binary, ws_opcode::close, ws_opcode::ping, ws_opcode::pong}) {
    const std::string frame = encode_client_frame(op, "p", key);
    EXPECT_EQ(static_cast<unsigned char>(frame[0]), 0x80 | static_cast<unsigned>(op));
    EXPECT_EQ(static_cast<unsigned char>(frame[1]), 0x81);
  }
}

TEST(ws_frame_writer, uses_the_shortest_length_form) {
  const std::string p125(125, 'a');
  const std::string p126(126, 'b');
  const std::string p65536(65536, 'c');
  std::string f = encode_client_frame(ws_opcode::text, p125, key);
  EXPECT_EQ(static_cast<unsigned char>(f[1]), 0x80 | 125);
  EXPECT_EQ(unmask(f.substr(6), key), p125);

  f = encode_client_frame(ws_opcode::text, p126, key);
  EXPECT_EQ(static_cast<unsigned char>(f[1]), 0x80 | 126);
  EXPECT_EQ(f.substr(2, 2), std::string("\x00\x7e", 2));
  EXPECT_EQ(unmask(f.substr(8), key), p126);

  f = encode_client_frame(ws_opcode::binary, p65536, key);
  EXPECT_EQ(static_cast<unsigned char>(f[1]), 0x80 | 127);
  EXPECT_EQ(f.substr(2, 8), std::string("\0\0\0\0\0\x01\0\0", 8));
  EXPECT_EQ(unmask(f.substr(14), key), p65536);
}

TEST(ws_frame_writer, empty_payload_is_header_and_key_only) {
  EXPECT_EQ(encode_client_frame(ws_opcode::ping, "", key),
            std::string("\x89\x80\x37\xfa\x21\x3d", 6));
}

TEST(ws_frame_writer, close_payload_is_the_code_then_the_reason) {
  EXPECT_EQ(close_payload(1000, ""), std::string("\x03\xe8", 2));
  EXPECT_EQ(close_payload(4000, "rotation"), std::string("\x0f\xa0rotation", 10));
  EXPECT_EQ(close_payload(0, "ignored"), "");
}

TEST(ws_frame_writer, close_reason_is_cut_to_fit_without_splitting_utf8) {
  const std::string ascii(200, 'r');
  EXPECT_EQ(close_payload(1000, ascii).size(), 125u);
  // 61 two-byte characters and one more: byte 123 would split the 62nd.
  std::string accented;
  for (int i = 0; i < 62; ++i) accented += "\xc3\xa9";
  const std::string payload = close_payload(1000, accented);
  EXPECT_EQ(payload.size(), 2u + 122u);
  EXPECT_EQ(payload.substr(2), accented.substr(0, 122));
}

TEST(ws_frame_writer, mask_keys_are_fresh) {
  std::set<ws_mask_key> keys;
  for (int i = 0; i < 8; ++i) keys.insert(random_mask_key());
  EXPECT_GT(keys.size(), 1u);
}

}  // namespace
}  // namespace sf
