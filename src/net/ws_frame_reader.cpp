#include "net/ws_frame_reader.hpp"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

namespace sf {
namespace {

constexpr std::uint8_t op_continuation = 0x0;
constexpr std::uint8_t op_text = 0x1;
constexpr std::uint8_t op_binary = 0x2;
constexpr std::uint8_t op_close = 0x8;
constexpr std::uint8_t op_ping = 0x9;
constexpr std::uint8_t op_pong = 0xa;
constexpr std::size_t max_control_payload = 125;

// A read this far below the read size counts as small; after this many in a
// row the read size halves. Long enough that the gaps of a bursty feed do not
// undo the growth its bursts earned.
constexpr unsigned small_reads_before_shrinking = 64;
// An allocation more than twice what is needed is given back after this many
// reads that did not need it, so a burst of large messages does not reallocate
// once per message.
constexpr unsigned oversized_reads_before_release = 16;
constexpr std::size_t allocation_granule = 4096;

bool is_control(std::uint8_t opcode) noexcept {
  return (opcode & 0x8) != 0;
}

// RFC 6455 §7.4 and the IANA registry: 1004-1006 and 1015 must never be sent,
// 1016-2999 are reserved, below 1000 unused; 1012-1014 were registered later.
bool is_valid_close_code(int code) noexcept {
  if (code >= 3000 && code <= 4999) return true;
  if (code >= 1000 && code <= 1003) return true;
  return code >= 1007 && code <= 1014;
}

ws_frame_event error_event() noexcept {
  ws_frame_event event;
  event.what = ws_frame_event::kind::error;
  return event;
}

std::size_t round_up(std::size_t n, std::size_t granule) noexcept {
  return (n + granule - 1) / granule * granule;
}

}  // namespace

ws_frame_reader::ws_frame_reader(std::size_t max_message_bytes, std::size_t max_read_bytes)
    : max_message_(max_message_bytes), max_read_(std::max(max_read_bytes, initial_read_bytes)) {}

// ---- buffer -------------------------------------------------------------------

void ws_frame_reader::compact() {
  // Kept: the fragmented message assembled so far, then the unparsed tail
  // (normally part of one frame). Everything else was consumed.
  char* base = buf_.get();
  std::size_t front = 0;
  if (in_message_) {
    if (message_start_ != 0) std::memmove(base, base + message_start_, message_size_);
    message_start_ = 0;
    front = message_size_;
  }
  const std::size_t tail = end_ - parse_;
  if (parse_ != front && tail != 0) std::memmove(base + front, base + parse_, tail);
  parse_ = front;
  end_ = front + tail;
}

void ws_frame_reader::reallocate(std::size_t usable) {
  usable = round_up(usable, allocation_granule);
  // Not value-initialized: the padding is documented as unspecified, and
  // zeroing megabytes for a large message would be wasted work.
  auto fresh = std::make_unique_for_overwrite<char[]>(usable + padding);
  if (end_ != 0) std::memcpy(fresh.get(), buf_.get(), end_);
  buf_ = std::move(fresh);
  capacity_ = usable + padding;
}

std::span<char> ws_frame_reader::prepare() {
  if (!buf_) reallocate(read_size_);
  compact();
  const std::size_t pending = end_ - parse_;
  // The frame being received must fit whole (views are contiguous); besides
  // that, a read is worth issuing only with a fair share of the read size.
  std::size_t frame_rest = want_ > pending ? want_ - pending : 0;
  // Without a limit a header may announce any length, up to 2^63 bytes: room
  // for it then grows with the bytes that arrived (at most twice what the
  // frame already has, or a read size), never on the header's word alone.
  // With a limit, the limit bounds it.
  if (max_message_ == 0) frame_rest = std::min(frame_rest, std::max(pending, read_size_));
  const std::size_t wanted_free = std::max(frame_rest, read_size_ / 2);
  const std::size_t usable = capacity_ - padding;
  const std::size_t needed = std::max(read_size_, end_ + wanted_free);
  if (usable < needed) {
    // At least doubling, so a message arriving in many fragments costs
    // amortized linear copying.
    reallocate(std::max(needed, 2 * usable));
    oversized_reads_ = 0;
  } else if (usable > 2 * needed) {
    if (++oversized_reads_ >= oversized_reads_before_release) {
      reallocate(needed);
      oversized_reads_ = 0;
    }
  } else {
    oversized_reads_ = 0;
  }
  offered_ = capacity_ - padding - end_;
  return {buf_.get() + end_, offered_};
}

void ws_frame_reader::commit(std::size_t n) {
  end_ += std::min(n, offered_);
  adapt_read_size(n);
}

void ws_frame_reader::adapt_read_size(std::size_t filled) {
  // A read that filled all the space offered left data in the socket: the
  // connection is busy, and bigger reads spread the per-read cost wider.
  if (filled >= offered_) {
    read_size_ = std::min(read_size_ * 2, max_read_);
    small_reads_ = 0;
  } else if (filled < read_size_ / 4) {
    if (++small_reads_ >= small_reads_before_shrinking) {
      read_size_ = std::max(read_size_ / 2, initial_read_bytes);
      small_reads_ = 0;
    }
  } else {
    small_reads_ = 0;
  }
}

void ws_frame_reader::append(std::string_view bytes) {
  while (!bytes.empty()) {
    const std::span<char> space = prepare();
    const std::size_t n = std::min(space.size(), bytes.size());
    std::memcpy(space.data(), bytes.data(), n);
    end_ += n;
    bytes.remove_prefix(n);
  }
}

// ---- frames -------------------------------------------------------------------

bool ws_frame_reader::parse_header(const unsigned char* p, std::size_t available, header& h) {
  h.fin = (p[0] & 0x80) != 0;
  h.reserved = p[0] & 0x70;
  h.opcode = p[0] & 0x0f;
  h.masked = (p[1] & 0x80) != 0;
  const unsigned length7 = p[1] & 0x7fU;
  h.size = length7 == 126 ? 4 : length7 == 127 ? 10 : 2;
  if (available < h.size) return false;
  if (length7 < 126) {
    h.payload = length7;
  } else {
    h.payload = 0;
    for (std::size_t i = 2; i < h.size; ++i) h.payload = (h.payload << 8) | p[i];
  }
  return true;
}

bool ws_frame_reader::check_header(const header& h) {
  if (h.reserved != 0) {
    fail(errc::protocol_violation, 1002,
         fmt::format("frame with reserved bits {:#04x} set, but no extension was negotiated",
                     h.reserved));
    return false;
  }
  if (h.masked) {
    fail(errc::protocol_violation, 1002, "masked frame from the server (RFC 6455 §5.1)");
    return false;
  }
  if (is_control(h.opcode)) {
    if (h.opcode != op_close && h.opcode != op_ping && h.opcode != op_pong) {
      fail(errc::protocol_violation, 1002, fmt::format("unknown opcode {:#x}", h.opcode));
      return false;
    }
    if (!h.fin) {
      fail(errc::protocol_violation, 1002,
           fmt::format("fragmented control frame (opcode {:#x})", h.opcode));
      return false;
    }
    if (h.payload > max_control_payload) {
      fail(errc::protocol_violation, 1002,
           fmt::format("control frame (opcode {:#x}) of {} bytes; at most 125 are allowed",
                       h.opcode, h.payload));
      return false;
    }
  } else if (h.opcode == op_continuation) {
    if (!in_message_) {
      fail(errc::protocol_violation, 1002, "continuation frame without a message to continue");
      return false;
    }
  } else if (h.opcode == op_text || h.opcode == op_binary) {
    if (in_message_) {
      fail(errc::protocol_violation, 1002,
           "new message started before the fragmented one was finished");
      return false;
    }
  } else {
    fail(errc::protocol_violation, 1002, fmt::format("unknown opcode {:#x}", h.opcode));
    return false;
  }
  return check_length(h);
}

bool ws_frame_reader::check_length(const header& h) {
  // RFC 6455 §5.2: the length must use the shortest form, and a 64-bit one
  // must have its top bit clear.
  if (h.size == 4 && h.payload < 126) {
    fail(errc::protocol_violation, 1002,
         fmt::format("frame length {} sent in the 16-bit form", h.payload));
    return false;
  }
  if (h.size == 10 && (h.payload >> 63) != 0) {
    fail(errc::protocol_violation, 1002, "64-bit frame length with the top bit set");
    return false;
  }
  if (h.size == 10 && h.payload <= 0xffff) {
    fail(errc::protocol_violation, 1002,
         fmt::format("frame length {} sent in the 64-bit form", h.payload));
    return false;
  }
  // Checked on the header, before any payload is buffered: a broken server
  // announcing gigabytes must not make the buffer grow first.
  const std::uint64_t so_far = h.opcode == op_continuation ? message_size_ : 0;
  if (max_message_ != 0 && h.payload > max_message_ - so_far) {
    fail(errc::frame_too_large, 1009, fmt::format("message larger than {} bytes", max_message_));
    return false;
  }
  return true;
}

ws_frame_event ws_frame_reader::next() {
  if (failed_) return error_event();
  if (closed_) return {};
  for (;;) {
    const std::size_t available = end_ - parse_;
    if (available < 2) {
      want_ = 2;
      return {};
    }
    const auto* p = reinterpret_cast<const unsigned char*>(buf_.get() + parse_);
    // Nearly every frame is a whole unmasked text or binary message whose
    // length takes the 7- or 16-bit form, outside any fragmented message:
    // take it without the general checks, which it passes.
    if ((p[0] == 0x81 || p[0] == 0x82) && !in_message_ && p[1] <= 126) {
      std::size_t size = 2, length = p[1];
      if (length == 126) {
        length = available >= 4 ? (std::size_t{p[2]} << 8) | p[3] : 0;
        size = 4;
      }
      if (length >= (size == 4 ? 126u : 0u) && (max_message_ == 0 || length <= max_message_) &&
          available >= size + length) {
        char* payload = buf_.get() + parse_ + size;
        parse_ += size + length;
        want_ = 0;
        return {ws_frame_event::kind::message, p[0] == 0x82, 0, {payload, length}};
      }
    }
    header h;
    if (!parse_header(p, available, h)) {
      want_ = h.size;
      return {};
    }
    if (!check_header(h)) return error_event();
    if (available - h.size < h.payload) {
      want_ = h.size + static_cast<std::size_t>(h.payload);
      return {};
    }
    const std::size_t frame_start = parse_;
    char* payload = buf_.get() + parse_ + h.size;
    parse_ += h.size + static_cast<std::size_t>(h.payload);
    want_ = 0;
    if (is_control(h.opcode)) return control_frame(h, payload);
    // A fragment that does not finish its message yields nothing: go on.
    if (auto event = data_frame(h, frame_start, payload);
        event.what != ws_frame_event::kind::need_more)
      return event;
  }
}

ws_frame_event ws_frame_reader::data_frame(const header& h, std::size_t frame_start,
                                           char* payload) {
  const auto size = static_cast<std::size_t>(h.payload);
  if (h.opcode != op_continuation) {
    if (h.fin) return {ws_frame_event::kind::message, h.opcode == op_binary, 0, {payload, size}};
    in_message_ = true;
    message_binary_ = h.opcode == op_binary;
    message_start_ = frame_start;
    message_size_ = 0;
  }
  // In place: the payload moves down over its own header (and any control
  // frames in between) to follow the fragments before it.
  char* end = buf_.get() + message_start_ + message_size_;
  if (end != payload) std::memmove(end, payload, size);
  message_size_ += size;
  if (!h.fin) return {};
  in_message_ = false;
  return {ws_frame_event::kind::message,
          message_binary_,
          0,
          {buf_.get() + message_start_, message_size_}};
}

ws_frame_event ws_frame_reader::control_frame(const header& h, char* payload) {
  const std::string_view view(payload, static_cast<std::size_t>(h.payload));
  if (h.opcode == op_ping) return {ws_frame_event::kind::ping, false, 0, view};
  if (h.opcode == op_pong) return {ws_frame_event::kind::pong, false, 0, view};
  return close_frame(view);
}

ws_frame_event ws_frame_reader::close_frame(std::string_view payload) {
  if (payload.size() == 1)
    return fail(errc::protocol_violation, 1002, "close frame with a 1-byte payload");
  int code = 0;
  if (!payload.empty()) {
    code = (static_cast<unsigned char>(payload[0]) << 8) | static_cast<unsigned char>(payload[1]);
    if (!is_valid_close_code(code))
      return fail(errc::protocol_violation, 1002,
                  fmt::format("close frame with the invalid code {}", code));
    payload.remove_prefix(2);
  }
  closed_ = true;
  return {ws_frame_event::kind::close, false, code, payload};
}

ws_frame_event ws_frame_reader::fail(errc code, int close_code, std::string detail) {
  failed_ = true;
  error_ = {code, close_code, std::move(detail)};
  return error_event();
}

}  // namespace sf
