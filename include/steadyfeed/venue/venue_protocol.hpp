// What the supervisor needs to know about a venue's WebSocket dialect.
//
// A venue adapter implements this sans-I/O interface: how to build the URL and
// the subscribe/unsubscribe frames, how to recognise data, pongs, acks, errors
// and maintenance notices in an inbound frame, and the venue's heartbeat rules
// and limits. The supervisor does everything else (timers, pacing, restore,
// rotation, dedup), so a new venue is a parser and a table of facts.
//
// `decode` is on the hot path: it allocates nothing in the steady state, and
// the views it returns point into the frame it was given. A venue adapter
// parses a data frame completely in `decode` (one pass) and hands the records
// out through `inbound::records`.
//
// Thread safety: an instance belongs to one supervisor (one thread): `decode`
// may keep the last frame's records in the instance.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "steadyfeed/core/clock.hpp"
#include "steadyfeed/core/error.hpp"
#include "steadyfeed/core/record.hpp"

namespace sf {

// How subscriptions reach the venue. In `url` mode the topics of a new
// connection are part of its URL (Binance raw and combined streams), as many
// as venue_limits::url_bytes allows, and the rest and run-time changes are
// sent as messages; in `messages` mode every topic is
// subscribed by message after the connection opens (OKX, Bybit ...).
enum class subscribe_mode : std::uint8_t { messages, url };

// One of a venue's REST request limits: at most `limit` units of `budget`
// in any `window` (rest_request::budget and ::cost say what a request
// spends).
struct rest_limit {
  std::string budget;
  int limit = 0;
  duration window{0};
  friend bool operator==(const rest_limit&, const rest_limit&) = default;
};

struct venue_limits {
  duration lifetime{0};                       // server cuts after this; 0 = none
  std::size_t topics_per_connection = 0;      // 0 = unlimited
  std::size_t topics_per_message = 50;        // per subscribe/unsubscribe frame
  // `url` mode: the longest URL a new connection may ask for, in bytes;
  // topics that do not fit are subscribed by message once it is open.
  // 0 = unlimited.
  std::size_t url_bytes = 0;
  double control_messages_per_second = 0;     // frames the client may send; 0 = unlimited
  double control_burst = 1;                   // frames that may go at once (hourly limits want more)
  bool pings_count_as_control = false;        // Binance: ping/pong frames count too
  int connects_per_window = 0;                // 0 = unlimited
  duration connect_window{0};
  std::vector<rest_limit> rest_limits;        // per IP; none = unlimited
};

struct heartbeat_policy {
  duration ws_ping_interval{0};     // client WebSocket ping frames; 0 = none
  duration app_ping_interval{0};    // application-level ping; 0 = none
  std::string app_ping_payload;     // e.g. "ping" (OKX), {"op":"ping"} (Bybit)
  bool app_ping_when_idle = false;  // send only after this long without any frame (OKX)
  duration pong_timeout{seconds{10}};
};

enum class inbound_kind : std::uint8_t {
  data,     // market data for `stream`
  pong,     // the reply to our application ping
  ping,     // an application ping from the server; answer with `reply`
  ack,      // subscription request accepted
  nack,     // subscription request (or one topic of it) refused
  notice,   // maintenance or shutdown announced: rotate now
  ignore,   // recognised, nothing to do (info events, list replies)
  invalid,  // not understood: counted as an error, the connection goes on
};

struct inbound {
  inbound_kind kind = inbound_kind::ignore;
  // data: the stream key, equal to the topic it was subscribed as.
  std::string_view stream;
  // data: identity. `seq` is monotone per stream within a sequence epoch (trade
  // id, final book update id ...). Without one the supervisor falls back to a
  // hash of the frame within a time window.
  std::uint64_t seq = 0;
  bool has_seq = false;
  // data: this message starts a new sequence epoch (a book snapshot, a venue's
  // documented sequence reset): it is delivered, and the stream's dedup
  // watermark restarts from it.
  bool resets_sequence = false;
  // ack/nack: the request it answers, and the topic if the venue names one.
  std::uint64_t request_id = 0;
  bool has_request_id = false;
  std::string_view topic;
  // nack/invalid/notice: why.
  errc error = errc::protocol_violation;
  std::string_view reason;
  // ping: the text frame to send back.
  std::string_view reply;
  // data: the normalized records of this frame, if the protocol parses them;
  // valid until the next decode.
  const record_batch* records = nullptr;
};

// What may be read past a frame's end while it is decoded. A transport that
// keeps `frame_padding` readable bytes after every frame it hands over (and
// leaves them in place until the frame is decoded) says `padded`, and a parser
// that needs to read past its input (simdjson) can then parse the frame where
// it lies instead of copying it. The bytes' values are unspecified.
enum class frame_room : std::uint8_t { none, padded };
inline constexpr std::size_t frame_padding = 64;

class venue_protocol {
 public:
  virtual ~venue_protocol() = default;

  virtual std::string_view name() const noexcept = 0;
  virtual subscribe_mode mode() const noexcept = 0;
  virtual const venue_limits& limits() const noexcept = 0;
  virtual const heartbeat_policy& heartbeat() const noexcept = 0;

  // The URL of a new connection; in `url` mode it carries `topics`.
  virtual std::string url(std::span<const std::string> topics) const = 0;
  virtual std::string subscribe_message(std::span<const std::string> topics,
                                        std::uint64_t request_id) const = 0;
  virtual std::string unsubscribe_message(std::span<const std::string> topics,
                                          std::uint64_t request_id) const = 0;

  // Classifies (and for data, parses) one inbound text frame.
  virtual inbound decode(std::string_view frame) noexcept = 0;
  // The same for a frame with frame_padding readable bytes after it.
  virtual inbound decode_padded(std::string_view frame) noexcept { return decode(frame); }
};

}  // namespace sf
