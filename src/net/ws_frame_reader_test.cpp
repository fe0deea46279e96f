#include "net/ws_frame_reader.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

namespace sf {
namespace {

using kind = ws_frame_event::kind;

// ---- building server frames -------------------------------------------------------

enum class length_form { shortest, bits16, bits64 };

struct frame_spec {
  std::uint8_t opcode = 0x1;
  std::string payload;
  bool fin = true;
  std::uint8_t reserved = 0;  // bits 0x70 of the first byte
  bool masked = false;
  length_form form = length_form::shortest;
};

std::string encode(const frame_spec& f) {
  std::string out;
  out.push_back(static_cast<char>((f.fin ? 0x80 : 0) | f.reserved | f.opcode));
  const std::uint64_t n = f.payload.size();
  const char mask_bit = f.masked ? static_cast<char>(0x80) : 0;
  length_form form = f.form;
  if (form == length_form::shortest)
    form = n < 126       ? length_form::shortest
           : n <= 0xffff ? length_form::bits16
                         : length_form::bits64;
  if (form == length_form::shortest) {
    out.push_back(static_cast<char>(mask_bit | static_cast<char>(n)));
  } else if (form == length_form::bits16) {
    out.push_back(static_cast<char>(mask_bit | 126));
    out.push_back(static_cast<char>(n >> 8));
    out.push_back(static_cast<char>(n & 0xff));
  } else {
    out.push_back(static_cast<char>(mask_bit | 127));
    for (int shift = 56; shift >= 0; shift -= 8)
      out.push_back(static_cast<char>((n >> shift) & 0xff));
  }
  if (f.masked) out.append("\x01\x02\x03\x04", 4);
  out += f.payload;
  return out;
}

std::string text(std::string payload, bool fin = true) {
  return encode({0x1, std::move(payload), fin});
}
std::string binary(std::string payload, bool fin = true) {
  return encode({0x2, std::move(payload), fin});
}
std::string continuation(std::string payload, bool fin) {
  return encode({0x0, std::move(payload), fin});
}
std::string ping(std::string payload) {
  return encode({0x9, std::move(payload)});
}
std::string pong(std::string payload) {
  return encode({0xa, std::move(payload)});
}
std::string close_frame(int code, std::string reason = {}) {
  std::string payload;
  if (code != 0) {
    payload.push_back(static_cast<char>(code >> 8));
    payload.push_back(static_cast<char>(code & 0xff));
    payload += reason;
  }
  return encode({0x8, std::move(payload)});
}
// A 64-bit length header announcing `n` bytes, with no payload behind it.
std::string header64(std::uint64_t n) {
  std::string out = "\x81\x7f";
  for (int shift = 56; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((n >> shift) & 0xff));
  return out;
}

// ---- reading them back -------------------------------------------------------------

// An owned copy of an event, comparable in assertions.
struct seen {
  kind what = kind::need_more;
  bool binary = false;
  int close_code = 0;
  std::string payload;
  bool operator==(const seen&) const = default;
};

std::ostream& operator<<(std::ostream& os, const seen& s) {
  return os << "{kind " << static_cast<int>(s.what) << ", binary " << s.binary << ", code "
            << s.close_code << ", " << s.payload.size() << " bytes}";
}

seen message(std::string payload) {
  return {kind::message, false, 0, std::move(payload)};
}
seen binary_message(std::string payload) {
  return {kind::message, true, 0, std::move(payload)};
}
seen ping_event(std::string payload) {
  return {kind::ping, false, 0, std::move(payload)};
}
seen pong_event(std::string payload) {
  return {kind::pong, false, 0, std::move(payload)};
}
seen close_event(int code, std::string reason = {}) {
  return {kind::close, false, code, std::move(reason)};
}
seen error_event() {
  return {kind::error, false, 0, {}};
}

// Every event until the reader needs more bytes (or stops).
std::vector<seen> drain(ws_frame_reader& reader) {
  std::vector<seen> out;
  for (;;) {
    const ws_frame_event e = reader.next();
    if (e.what == kind::need_more) return out;
    if (e.what == kind::message) {
      // The padding promise; out of bounds here is what ASan reports.
      volatile char last = e.payload.data()[e.payload.size() + ws_frame_reader::padding - 1];
      (void)last;
    }
    out.push_back({e.what, e.binary, e.close_code, std::string(e.payload)});
    if (e.what == kind::error || e.what == kind::close) return out;
  }
}

std::vector<seen> read_all(std::string_view wire, std::size_t max_message = 1 << 20) {
  ws_frame_reader reader(max_message);
  reader.append(wire);
  return drain(reader);
}

// Feeds `wire` cut at `cuts` (ascending offsets), draining after each part.
std::vector<seen> read_in_parts(std::string_view wire, const std::vector<std::size_t>& cuts) {
  ws_frame_reader reader(1 << 20);
  std::vector<seen> out;
  std::size_t from = 0;
  auto feed = [&](std::size_t to) {
    reader.append(wire.substr(from, to - from));
    from = to;
    for (auto& e : drain(reader)) out.push_back(std::move(e));
  };
  for (std::size_t cut : cuts) feed(cut);
  feed(wire.size());
  return out;
}

// Reads through prepare()/commit() as the link does, `chunk` bytes per read.
std::vector<seen> read_by_socket(ws_frame_reader& reader, std::string_view wire,
                                 std::size_t chunk) {
  std::vector<seen> out;
  while (!wire.empty()) {
    const std::span<char> space = reader.prepare();
    const std::size_t n = std::min({space.size(), wire.size(), chunk});
    std::memcpy(space.data(), wire.data(), n);
    reader.commit(n);
    wire.remove_prefix(n);
    for (auto& e : drain(reader)) out.push_back(std::move(e));
  }
  return out;
}

seen first_error(std::string_view wire, std::size_t max_message = 1 << 20,
                 ws_frame_error* error = nullptr) {
  ws_frame_reader reader(max_message);
  reader.append(wire);
  const auto events = drain(reader);
  if (error) *error = reader.error();
  return events.empty() ? seen{} : events.back();
}

// ---- whole frames ------------------------------------------------------------------

TEST(ws_frame_reader, reads_text_binary_and_empty_messages) {
  const std::string wire = text("hello") + binary(std::string("\0\1\2", 3)) + text("");
  EXPECT_EQ(
      read_all(wire),
      (std::vector<seen>{message("hello"), binary_message(std::string("\0\1\2", 3)), message("")}));
}

TEST(ws_frame_reader, reads_each_length_form) {
  const std::string short_payload(125, 's');
  const std::string medium(126, 'm');
  const std::string largest16(0xffff, 'n');
  const std::string large(0x10000, 'l');
  const std::string wire = text(short_payload) + text(medium) + text(largest16) + text(large);
  EXPECT_EQ(read_all(wire), (std::vector<seen>{message(short_payload), message(medium),
                                               message(largest16), message(large)}));
}

TEST(ws_frame_reader, needs_more_until_a_frame_is_complete) {
  ws_frame_reader reader(1024);
  EXPECT_EQ(reader.next().what, kind::need_more);
  const std::string wire = text("abc");
  reader.append(wire.substr(0, 4));
  EXPECT_EQ(reader.next().what, kind::need_more);
  reader.append(wire.substr(4));
  const ws_frame_event e = reader.next();
  ASSERT_EQ(e.what, kind::message);
  EXPECT_EQ(e.payload, "abc");
  EXPECT_EQ(reader.next().what, kind::need_more);
}

TEST(ws_frame_reader, reports_pings_and_pongs_with_their_payloads) {
  const std::string wire = ping("p1") + text("data") + pong("") + ping(std::string(125, 'x'));
  EXPECT_EQ(read_all(wire), (std::vector<seen>{ping_event("p1"), message("data"), pong_event(""),
                                               ping_event(std::string(125, 'x'))}));
}

// ---- fragmentation -------------------------------------------------------------------

TEST(ws_frame_reader, reassembles_fragmented_messages) {
  const std::string wire = text("Hel", false) + continuation("lo, ", false) +
                           continuation("world", true) + binary("\x01", false) +
                           continuation("\x02", true);
  EXPECT_EQ(read_all(wire),
            (std::vector<seen>{message("Hello, world"), binary_message("\x01\x02")}));
}

TEST(ws_frame_reader, control_frames_may_come_between_fragments) {
  const std::string wire = text("one ", false) + ping("a") + continuation("two ", false) +
                           pong("b") + ping("c") + continuation("three", true) + text("after");
  EXPECT_EQ(read_all(wire), (std::vector<seen>{ping_event("a"), pong_event("b"), ping_event("c"),
                                               message("one two three"), message("after")}));
}

TEST(ws_frame_reader, empty_fragments_are_allowed) {
  const std::string wire =
      text("", false) + continuation("", false) + continuation("x", false) + continuation("", true);
  EXPECT_EQ(read_all(wire), (std::vector<seen>{message("x")}));
}

TEST(ws_frame_reader, a_close_between_fragments_ends_the_stream) {
  const std::string wire = text("part", false) + close_frame(1001, "bye");
  EXPECT_EQ(read_all(wire), (std::vector<seen>{close_event(1001, "bye")}));
}

// A stream with every kind of frame, 16-bit lengths and fragments.
std::string mixed_stream() {
  return text("first") + ping("p") + text(std::string(126, 'a')) + text("frag-", false) +
         pong("q") + continuation(std::string(300, 'b'), false) + ping("") +
         continuation("-end", true) + binary(std::string("\0\xff", 2)) + text("") +
         close_frame(4000, "rotation");
}

std::vector<seen> mixed_stream_events() {
  return {message("first"),
          ping_event("p"),
          message(std::string(126, 'a')),
          pong_event("q"),
          ping_event(""),
          message("frag-" + std::string(300, 'b') + "-end"),
          binary_message(std::string("\0\xff", 2)),
          message(""),
          close_event(4000, "rotation")};
}

TEST(ws_frame_reader, the_same_events_whatever_byte_the_stream_is_split_at) {
  const std::string wire = mixed_stream();
  const auto expected = mixed_stream_events();
  ASSERT_EQ(read_all(wire), expected);
  for (std::size_t cut = 0; cut <= wire.size(); ++cut)
    ASSERT_EQ(read_in_parts(wire, {cut}), expected) << "split at " << cut;
}

TEST(ws_frame_reader, the_same_events_for_every_pair_of_splits_in_a_fragmented_message) {
  const std::string wire = text("ab", false) + ping("x") + continuation("cd", false) +
                           continuation("ef", true) + text("g");
  const std::vector<seen> expected{ping_event("x"), message("abcdef"), message("g")};
  for (std::size_t a = 0; a <= wire.size(); ++a)
    for (std::size_t b = a; b <= wire.size(); ++b)
      ASSERT_EQ(read_in_parts(wire, {a, b}), expected) << "splits at " << a << ", " << b;
}

TEST(ws_frame_reader, one_byte_at_a_time_including_a_64_bit_length) {
  const std::string big(70000, 'z');
  const std::string wire = text("x") + text(big) + text("y", false) + continuation(big, true);
  ws_frame_reader reader(1 << 20);
  EXPECT_EQ(read_by_socket(reader, wire, 1),
            (std::vector<seen>{message("x"), message(big), message("y" + big)}));
}

TEST(ws_frame_reader, reads_through_prepare_and_commit_in_any_chunk_size) {
  const std::string wire = mixed_stream();
  for (std::size_t chunk : {1u, 2u, 3u, 7u, 64u, 1000u, 100000u}) {
    ws_frame_reader reader(1 << 20);
    EXPECT_EQ(read_by_socket(reader, wire, chunk), mixed_stream_events()) << chunk;
  }
}

// ---- close frames ------------------------------------------------------------------

TEST(ws_frame_reader, close_carries_the_code_and_reason) {
  EXPECT_EQ(read_all(close_frame(1000)), (std::vector<seen>{close_event(1000)}));
  EXPECT_EQ(read_all(close_frame(4002, "maintenance")),
            (std::vector<seen>{close_event(4002, "maintenance")}));
  EXPECT_EQ(read_all(encode({0x8, ""})), (std::vector<seen>{close_event(0)}));
}

TEST(ws_frame_reader, accepts_every_close_code_a_peer_may_send) {
  for (int code :
       {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4000, 4999})
    EXPECT_EQ(read_all(close_frame(code)), (std::vector<seen>{close_event(code)})) << code;
}

TEST(ws_frame_reader, nothing_is_read_after_a_close_frame) {
  ws_frame_reader reader(1024);
  reader.append(close_frame(1000) + text("late"));
  EXPECT_EQ(reader.next().what, kind::close);
  EXPECT_EQ(reader.next().what, kind::need_more);
  reader.append(text("later"));
  EXPECT_EQ(reader.next().what, kind::need_more);
}

// ---- protocol errors -------------------------------------------------------------------

void expect_protocol_error(std::string_view wire, std::string_view in_detail) {
  ws_frame_error error;
  EXPECT_EQ(first_error(wire, 1 << 20, &error), error_event());
  EXPECT_EQ(error.code, errc::protocol_violation);
  EXPECT_EQ(error.close_code, 1002);
  EXPECT_NE(error.detail.find(in_detail), std::string::npos) << error.detail;
}

TEST(ws_frame_reader, a_masked_frame_from_the_server_is_a_protocol_error) {
  frame_spec f{0x1, "hello"};
  f.masked = true;
  expect_protocol_error(encode(f), "masked");
}

TEST(ws_frame_reader, reserved_bits_are_protocol_errors) {
  for (std::uint8_t bits : {0x40, 0x20, 0x10, 0x70}) {
    frame_spec f{0x1, "x"};
    f.reserved = bits;
    expect_protocol_error(encode(f), "reserved bits");
  }
}

TEST(ws_frame_reader, unknown_opcodes_are_protocol_errors) {
  for (std::uint8_t opcode : {0x3, 0x4, 0x5, 0x6, 0x7, 0xb, 0xc, 0xd, 0xe, 0xf})
    expect_protocol_error(encode({opcode, "x"}), "unknown opcode");
}

TEST(ws_frame_reader, control_frames_longer_than_125_bytes_are_protocol_errors) {
  expect_protocol_error(ping(std::string(126, 'x')), "at most 125");
  expect_protocol_error(pong(std::string(200, 'x')), "at most 125");
  expect_protocol_error(encode({0x8, std::string(126, 'x')}), "at most 125");
}

TEST(ws_frame_reader, fragmented_control_frames_are_protocol_errors) {
  expect_protocol_error(encode({0x9, "p", false}), "fragmented control frame");
  expect_protocol_error(encode({0x8, "", false}), "fragmented control frame");
}

TEST(ws_frame_reader, fragments_out_of_order_are_protocol_errors) {
  expect_protocol_error(continuation("x", true), "without a message");
  expect_protocol_error(text("a", false) + text("b"), "before the fragmented one");
  expect_protocol_error(text("a", false) + binary("b", false), "before the fragmented one");
}

TEST(ws_frame_reader, lengths_not_in_their_shortest_form_are_protocol_errors) {
  frame_spec f16{0x1, "short"};
  f16.form = length_form::bits16;
  expect_protocol_error(encode(f16), "16-bit form");
  frame_spec f64{0x1, std::string(0xffff, 'x')};
  f64.form = length_form::bits64;
  expect_protocol_error(encode(f64), "64-bit form");
  expect_protocol_error(header64(std::uint64_t{1} << 63), "top bit");
}

TEST(ws_frame_reader, bad_close_payloads_are_protocol_errors) {
  expect_protocol_error(encode({0x8, "\x03"}), "1-byte payload");
  for (int code : {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535}) {
    std::string payload{static_cast<char>(code >> 8), static_cast<char>(code & 0xff)};
    expect_protocol_error(encode({0x8, payload}), "invalid code " + std::to_string(code));
  }
}

TEST(ws_frame_reader, errors_are_final) {
  ws_frame_reader reader(1024);
  reader.append(continuation("x", true) + text("ok"));
  EXPECT_EQ(reader.next().what, kind::error);
  EXPECT_EQ(reader.next().what, kind::error);
  reader.append(text("more"));
  EXPECT_EQ(reader.next().what, kind::error);
}

TEST(ws_frame_reader, frames_before_the_bad_one_are_delivered) {
  EXPECT_EQ(read_all(text("good") + ping("p") + encode({0x3, ""})),
            (std::vector<seen>{message("good"), ping_event("p"), error_event()}));
}

// ---- the size limit ----------------------------------------------------------------------

TEST(ws_frame_reader, a_message_of_exactly_the_limit_is_accepted) {
  EXPECT_EQ(read_all(text(std::string(1024, 'a')), 1024),
            (std::vector<seen>{message(std::string(1024, 'a'))}));
  EXPECT_EQ(read_all(text(std::string(600, 'a'), false) + continuation(std::string(424, 'b'), true),
                     1024),
            (std::vector<seen>{message(std::string(600, 'a') + std::string(424, 'b'))}));
}

void expect_too_large(std::string_view wire, std::size_t limit) {
  ws_frame_error error;
  EXPECT_EQ(first_error(wire, limit, &error), error_event());
  EXPECT_EQ(error.code, errc::frame_too_large);
  EXPECT_EQ(error.close_code, 1009);
  EXPECT_NE(error.detail.find(std::to_string(limit)), std::string::npos) << error.detail;
}

TEST(ws_frame_reader, a_larger_message_is_too_large_as_soon_as_its_header_says_so) {
  // Only the header: the reader must not wait for (or buffer) the payload.
  expect_too_large(text(std::string(1025, 'a')).substr(0, 4), 1024);
  expect_too_large(header64(std::uint64_t{1} << 40), 1024);
  expect_too_large(header64((std::uint64_t{1} << 63) - 1), 16 << 20);
}

TEST(ws_frame_reader, the_limit_applies_to_a_fragmented_message_as_a_whole) {
  expect_too_large(
      text(std::string(600, 'a'), false) + continuation(std::string(425, 'b'), true).substr(0, 4),
      1024);
  expect_too_large(text(std::string(1000, 'a'), false) + ping("p") +
                       continuation(std::string(24, 'b'), false) + continuation("c", true),
                   1024);
}

TEST(ws_frame_reader, control_frames_do_not_count_towards_the_limit) {
  EXPECT_EQ(
      read_all(text(std::string(100, 'a'), false) + ping(std::string(100, 'p')) +
                   continuation("b", true),
               101),
      (std::vector<seen>{ping_event(std::string(100, 'p')), message(std::string(100, 'a') + "b")}));
}

TEST(ws_frame_reader, zero_means_no_limit) {
  const std::string big(1 << 20, 'q');
  EXPECT_EQ(read_all(text(big), 0), (std::vector<seen>{message(big)}));
}

// Found by fuzz/ws_frame_reader_fuzz: with no limit, a header announcing
// ~516 GB made prepare() allocate it all before a byte of it arrived.
TEST(ws_frame_reader, without_a_limit_a_header_alone_does_not_grow_the_buffer) {
  ws_frame_reader reader(0);
  reader.append(header64(0x81'0000'1000));
  EXPECT_EQ(reader.next().what, kind::need_more);
  EXPECT_GE(reader.prepare().size(), ws_frame_reader::initial_read_bytes / 2);
  EXPECT_LE(reader.capacity(), 64u * 1024);
}

// Found by fuzz/ws_frame_reader_fuzz: each call to prepare() then doubled the
// buffer towards the announced length, whether or not bytes had arrived.
TEST(ws_frame_reader, without_a_limit_the_buffer_grows_with_the_bytes_that_arrive) {
  ws_frame_reader reader(0);
  reader.append(header64(0x2e05'0101'057b'2201));
  for (int i = 0; i < 1000; ++i) {
    EXPECT_EQ(reader.next().what, kind::need_more);
    const std::span<char> space = reader.prepare();
    space[0] = 'x';
    reader.commit(1);
  }
  EXPECT_LE(reader.capacity(), 64u * 1024);
}

TEST(ws_frame_reader, without_a_limit_a_large_message_still_arrives_whole) {
  ws_frame_reader reader(0);
  const std::string big(3 << 20, 'n');
  EXPECT_EQ(read_by_socket(reader, text(big), 64 * 1024), (std::vector<seen>{message(big)}));
}

// ---- memory --------------------------------------------------------------------------------

TEST(ws_frame_reader, starts_small) {
  ws_frame_reader reader(16 << 20);
  EXPECT_EQ(reader.capacity(), 0u) << "nothing allocated before the first read";
  const std::span<char> space = reader.prepare();
  EXPECT_GE(space.size(), ws_frame_reader::initial_read_bytes);
  EXPECT_LE(reader.capacity(), 8192u);
}

TEST(ws_frame_reader, reads_grow_while_they_fill_the_space_up_to_the_cap) {
  ws_frame_reader reader(16 << 20, 64 * 1024);
  for (int i = 0; i < 10; ++i) {
    const std::span<char> space = reader.prepare();
    // Fill it with one whole frame so nothing stays pending.
    const std::string frame = text(std::string(space.size() - 4, 'f'));
    ASSERT_LE(frame.size(), space.size());
    std::memcpy(space.data(), frame.data(), frame.size());
    reader.commit(space.size());
    drain(reader);
  }
  EXPECT_EQ(reader.read_size(), 64u * 1024);
  EXPECT_LE(reader.capacity(), 2u * 64 * 1024);
}

TEST(ws_frame_reader, the_read_size_shrinks_again_after_many_small_reads) {
  ws_frame_reader reader(16 << 20, 64 * 1024);
  const std::string small = text("tick");
  auto read = [&](std::string_view bytes) {
    const std::span<char> space = reader.prepare();
    std::memcpy(space.data(), bytes.data(), bytes.size());
    reader.commit(bytes.size());
    drain(reader);
  };
  // Grow by filling.
  for (int i = 0; i < 6; ++i) {
    const std::span<char> space = reader.prepare();
    std::string frame = text(std::string(space.size() - 4, 'f'));
    std::memcpy(space.data(), frame.data(), frame.size());
    reader.commit(space.size());
    drain(reader);
  }
  ASSERT_EQ(reader.read_size(), 64u * 1024);
  for (int i = 0; i < 1000; ++i) read(small);
  EXPECT_EQ(reader.read_size(), ws_frame_reader::initial_read_bytes);
  EXPECT_LE(reader.capacity(), 2u * ws_frame_reader::initial_read_bytes + 4096);
}

TEST(ws_frame_reader, a_large_message_is_paid_for_only_while_it_is_needed) {
  ws_frame_reader reader(16 << 20);
  const std::string big(4 << 20, 'b');
  EXPECT_EQ(read_by_socket(reader, text(big), 64 * 1024), (std::vector<seen>{message(big)}));
  EXPECT_GE(reader.capacity(), big.size());
  // Small messages after it: the big allocation goes after a few reads.
  for (int i = 0; i < 20; ++i) read_by_socket(reader, text("small"), 64 * 1024);
  EXPECT_LT(reader.capacity(), 256u * 1024);
}

TEST(ws_frame_reader, the_buffer_grows_once_for_a_large_frame_whose_header_is_known) {
  ws_frame_reader reader(16 << 20);
  const std::string big(1 << 20, 'b');
  const std::string wire = text(big);
  reader.append(wire.substr(0, 100));
  EXPECT_EQ(reader.next().what, kind::need_more);
  const std::span<char> space = reader.prepare();
  EXPECT_GE(space.size(), wire.size() - 100) << "room for the rest of the frame in one go";
}

}  // namespace
}  // namespace sf
