// One client connection as its venue's dialect sees it: the control messages
// it sends, its subscriptions, and the frames a market event becomes for it.
//
// The split with `connection` is protocol against delivery. A session knows
// the venue's words (subscribe methods, stream names, acks and errors, frame
// shapes, the close codes it uses); the connection knows the rest, the same
// for every venue: the rules' timers, the outbound queue, faults, sockets.
// The session reaches its connection only through `session_link`, so a
// session is tested with a recording link and no connection at all.
//
// Market events arrive once per connection; frames a session builds from the
// event alone (not from its own state) go through the event's frame_cache, so
// a thousand subscribers share one string.
//
// Thread safety: none; a session lives on its connection's thread.
// Lifetime: owned by its connection; a link is valid only during the call it
// is passed to.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/depth_window.hpp"
#include "sim/frame_cache.hpp"
#include "sim/market_stream.hpp"
#include "steadyfeed/core/clock.hpp"

namespace sf::sim {

// A WebSocket close the venue sends: code and reason.
struct close_request {
  int code = 1000;
  std::string reason;
};

// What a session may ask of its connection, at the moment of the call.
class session_link {
 public:
  virtual ~session_link() = default;

  // Queues a text frame; frames are sent in the order queued.
  virtual void push(std::shared_ptr<const std::string> frame) = 0;
  void push_text(std::string text) { push(std::make_shared<const std::string>(std::move(text))); }
  // Counts one inbound message against the venue's rate; false when it is over.
  virtual bool count_inbound() = 0;
  // Closes the connection: a close frame with `code` and `reason`; `why` is logged.
  virtual void close(int code, const std::string& reason, std::string_view why) = 0;
  // A sequence_gap fault wants this book event of `s` dropped (and counts it).
  virtual bool take_gap(const market_stream& s) = 0;
  // A bad_checksum fault wants this book frame's checksum corrupted (and counts it).
  virtual bool take_bad_checksum() = 0;
};

class dialect_session {
 public:
  virtual ~dialect_session() = default;

  // A text message from the client.
  virtual void on_text(std::string_view text, session_link& link) = 0;
  // A WebSocket ping or pong from the client. Some venues count these as
  // messages toward their inbound rate; by default they are not seen.
  virtual void on_control_frame(session_link&) {}

  // A trade of `s` (a market of this session's venue).
  virtual void on_trade(const market_stream& s, const trade_event& t, frame_cache& cache,
                        session_link& link) = 0;
  // Every book update of `s` as generated, in real time.
  virtual void on_book_update(const market_stream& s, const book_update& u, frame_cache& cache,
                              session_link& link) = 0;
  // A book window of `length` closed (see dialect::book_windows); only venues
  // that push books per window listen.
  virtual void on_book_window(const market_stream&, const depth_window::closed&, duration,
                              frame_cache&, session_link&) {}

  // The venue's warning before a maintenance close, sent at wall time `now`.
  virtual std::string maintenance_notice(wall_us now) const = 0;
  // A frame cut short, shaped like the start of one of the venue's pushes.
  virtual std::string malformed_frame() const = 0;
  // How the venue drops a client that reads too slowly; nullopt: a TCP reset.
  virtual std::optional<close_request> slow_client_close() const = 0;
  // How the venue closes a connection on which nothing was pushed for too long.
  virtual close_request idle_close() const = 0;

  // The subscriptions, as the control API lists them.
  virtual std::vector<std::string> topics() const = 0;
  // Extra fields for the control API's description of the connection, each
  // starting with a comma (`,"connId":"..."`); empty when the venue has none.
  virtual std::string describe_fields() const { return {}; }
};

}  // namespace sf::sim
