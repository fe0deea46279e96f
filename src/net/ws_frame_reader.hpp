// Decodes the frames a WebSocket server sends (RFC 6455 §5) out of a receive
// buffer it owns, without doing any I/O.
//
// The link reads large chunks straight into prepare()'s space, commit()s them,
// then takes every complete message out with next() in a loop. Per message
// that costs a header parse and a callback, where an asynchronous read per
// message costs a composed operation; at millions of messages a second that
// difference is most of a core.
//
// Messages are views into the buffer. A message sent as one frame (the usual
// case) is never copied; a fragmented one is reassembled in place, each
// continuation's payload moved down to follow the previous one, so no second
// buffer exists. Every view has at least ws_frame_padding readable bytes after
// it: reads never fill the last ws_frame_padding bytes of the allocation.
//
// Memory: the buffer starts at a few KiB, so an idle connection stays cheap. The
// read size doubles each time a read fills it (a busy connection) up to
// `max_read_bytes`, and halves again after a long run of small reads; the
// buffer also grows to hold one whole message (up to the size limit) and is
// given back once it drains, so a single large snapshot is not paid for
// forever.
//
// Client side only: a masked frame from the server is a protocol error
// (§5.1); no extension is negotiated, so a reserved bit is one too (§5.2).
// Text is not checked for UTF-8: every consumer parses it as JSON, which
// rejects bad input anyway, and a check would cost a pass over every byte.
//
// Thread safety: none. A view from next() is valid until the next call to
// next() or prepare().
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "steadyfeed/core/error.hpp"

namespace sf {

struct ws_frame_event {
  enum class kind : std::uint8_t {
    need_more,  // no complete message in the buffer: read more
    message,    // a complete text or binary message in `payload`
    ping,       // `payload` is the ping's; the caller answers with a pong
    pong,
    close,  // the peer's close frame: `close_code` (0 if none), reason in `payload`
    error,  // the peer broke the protocol; see ws_frame_reader::error()
  };
  kind what = kind::need_more;
  bool binary = false;
  int close_code = 0;
  std::string_view payload;
};

// Why decoding stopped, and the close code to tell the peer.
struct ws_frame_error {
  errc code = errc::protocol_violation;  // or frame_too_large
  int close_code = 1002;                 // 1002 protocol error, 1009 too big
  std::string detail;
};

class ws_frame_reader {
 public:
  // Readable bytes after every view (simdjson's SIMDJSON_PADDING).
  static constexpr std::size_t padding = 64;
  static constexpr std::size_t initial_read_bytes = 4096;
  static constexpr std::size_t default_max_read_bytes = 64 * 1024;

  // `max_message_bytes` bounds a whole (possibly fragmented) message; a larger
  // one fails with errc::frame_too_large as soon as its header says so. Zero
  // means no limit.
  explicit ws_frame_reader(std::size_t max_message_bytes,
                           std::size_t max_read_bytes = default_max_read_bytes);

  // Space for the next read, never empty. Moves the unconsumed bytes to the
  // front and grows the buffer as needed, so views from next() end here.
  std::span<char> prepare();
  // `n` bytes were written at the start of prepare()'s space.
  void commit(std::size_t n);
  // prepare() + copy + commit, for bytes that arrived some other way (the
  // ones read along with the upgrade response).
  void append(std::string_view bytes);

  // The next complete message or control frame. After a close frame it
  // returns need_more forever; after an error it keeps returning error.
  ws_frame_event next();
  const ws_frame_error& error() const noexcept { return error_; }

  // Bytes of the allocation (for tests of the memory policy).
  std::size_t capacity() const noexcept { return capacity_; }
  std::size_t read_size() const noexcept { return read_size_; }

 private:
  struct header {
    bool fin = false;
    bool masked = false;
    std::uint8_t reserved = 0;
    std::uint8_t opcode = 0;
    std::size_t size = 0;  // header bytes
    std::uint64_t payload = 0;
  };

  bool parse_header(const unsigned char* p, std::size_t available, header& h);
  bool check_header(const header& h);
  bool check_length(const header& h);
  ws_frame_event data_frame(const header& h, std::size_t frame_start, char* payload);
  ws_frame_event control_frame(const header& h, char* payload);
  ws_frame_event close_frame(std::string_view payload);
  ws_frame_event fail(errc code, int close_code, std::string detail);

  void compact();
  void reallocate(std::size_t usable);
  void adapt_read_size(std::size_t filled);

  std::size_t max_message_;
  std::size_t max_read_;
  std::unique_ptr<char[]> buf_;
  std::size_t capacity_ = 0;  // allocation, padding included
  std::size_t end_ = 0;       // received bytes end here
  std::size_t parse_ = 0;     // next frame header
  // Bytes from parse_ that the frame being received needs in all (its header,
  // then header and payload), as far as next() could tell.
  std::size_t want_ = 0;
  // A fragmented message being reassembled at [message_start_, +message_size_).
  bool in_message_ = false;
  bool message_binary_ = false;
  std::size_t message_start_ = 0;
  std::size_t message_size_ = 0;
  // Read sizing and the memory policy.
  std::size_t read_size_ = initial_read_bytes;
  std::size_t offered_ = 0;
  unsigned small_reads_ = 0;
  unsigned oversized_reads_ = 0;
  bool closed_ = false;
  bool failed_ = false;
  ws_frame_error error_;
};

}  // namespace sf
