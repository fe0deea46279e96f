// One client WebSocket connection, minus the sockets: the rules it lives
// under, the faults acting on it, and its outbound queue, for a venue whose
// protocol its dialect_session speaks. The Beast layer (ws_connection.hpp) derives
// from it and implements the five `io_*` primitives; everything else is
// decided here or in the session, so the behaviour under rules and faults is
// the same with or without TLS, and the same machinery serves every venue.
//
// Frames are shared, immutable strings: an event is serialized once per
// distinct shape (frame_cache) and queued to every subscriber.
//
// Thread safety: none; a connection lives on the server's I/O thread.
// Lifetime: owned by the server (shared_ptr) until `finished()`.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/depth_window.hpp"
#include "sim/dialect.hpp"
#include "sim/dialect_session.hpp"
#include "sim/fault.hpp"
#include "sim/frame_cache.hpp"
#include "sim/market_registry.hpp"
#include "sim/session_rules.hpp"
#include "sim/venue_settings.hpp"
#include "steadyfeed/core/random.hpp"

namespace sf::sim {

struct outbound_frame {
  std::shared_ptr<const std::string> data;
  bool binary = false;
};

// What connections share with the server.
struct connection_context {
  market_registry& markets;
  std::size_t max_queued_bytes = 64u << 20;
  std::uint64_t seed = 1;
  std::function<wall_us()> wall_now;
  std::function<time_point()> now;
  std::function<void(const std::string& json_fields)> note;  // logged with a timestamp
};

class connection : public std::enable_shared_from_this<connection> {
 public:
  // `target` is the request target after the venue prefix ("/ws/btcusdt@trade");
  // `settings` are the venue's as the server runs it. Check `valid()` before
  // accepting the upgrade.
  connection(std::uint64_t id, const dialect& venue_dialect, std::string target,
             const venue_settings& settings, connection_context& ctx, time_point now);
  virtual ~connection() = default;
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  bool valid() const noexcept { return valid_; }
  std::uint64_t id() const noexcept { return id_; }
  const std::string& venue() const noexcept { return venue_; }
  bool finished() const noexcept { return state_ == state::closed; }
  bool silent() const noexcept { return state_ == state::silent; }

  // Inbound, from the Beast layer.
  void on_text(std::string_view text, time_point now);
  void on_ping_frame(time_point now);
  void on_pong_frame(time_point now);
  void on_write_done(bool ok, time_point now);
  void on_io_closed() noexcept { state_ = state::closed; }
  // The WebSocket handshake completed. Until then nothing is written (frames
  // queue up): a frame written while the 101 response is being written would
  // interleave with it on the socket.
  void on_open(time_point now);

  // Market events, from the server's dispatch.
  void on_trade(const market_stream& s, const trade_event& t, frame_cache& cache, time_point now);
  // Every generated update, in real time.
  void on_book_update(const market_stream& s, const book_update& u, frame_cache& cache, time_point now);
  // A book window of `length` closed, for venues that push books per window.
  void on_book_window(const market_stream& s, const depth_window::closed& w, duration length, frame_cache& cache,
                      time_point now);

  // Rules, fault expiries and paced writes; called every server tick.
  void on_tick(time_point now);

  bool targeted_by(const fault_spec& f) const;
  void apply_fault(const fault_spec& f, time_point now);

  // {"id":..,"venue":..,"target":..,"state":..,"topics":[..],...}
  std::string describe(time_point now) const;
  std::size_t frames_sent() const noexcept { return frames_sent_; }

  // Server shutdown: drop the socket at once.
  virtual void shutdown() = 0;

 protected:
  virtual void io_write(const outbound_frame& f) = 0;     // one at a time; completion → on_write_done
  virtual void io_ping() = 0;
  virtual void io_close(int code, const std::string& reason) = 0;  // close frame, then TCP close
  virtual void io_reset() = 0;                            // TCP reset, no close frame
  virtual void io_go_silent() = 0;                        // stop reading and answering, keep the socket

 private:
  enum class state { open, closing, silent, closed };
  class link;  // the session_link this connection gives its session

  void send(std::shared_ptr<const std::string> frame, time_point now, bool binary = false);
  void send_text(std::string text, time_point now) { send(std::make_shared<const std::string>(std::move(text)), now); }
  void pump(time_point now);
  void close(int code, const std::string& reason, std::string_view why);
  void reset(std::string_view why);
  bool gap_hit(const market_stream& s);

  std::uint64_t id_;
  const dialect& dialect_;
  std::string venue_;
  std::string target_;
  bool valid_ = false;
  bool open_ = false;  // handshake done
  state state_ = state::open;
  session_rules rules_;
  connection_context& ctx_;
  time_point opened_;
  time_point closing_since_{};
  sf::rng rng_;

  std::unique_ptr<dialect_session> session_;  // null when the target is no endpoint of the venue

  // Outbound
  std::deque<outbound_frame> queue_;
  std::size_t queued_bytes_ = 0;
  bool writing_ = false;
  std::size_t frames_sent_ = 0;

  // Faults
  time_point stall_until_ = time_point::min();
  time_point drip_until_ = time_point::min();
  duration drip_interval_{0};
  time_point next_drip_ = time_point::min();
  time_point silent_until_ = never;
  time_point maintenance_close_at_ = never;
  std::map<std::string, std::uint32_t> gaps_;  // venue symbol ("" = any) → updates to drop
  std::uint32_t bad_checksums_ = 0;
  std::vector<std::string> active_faults_;
};

}  // namespace sf::sim
