#include "steadyfeed/net/connection_driver.hpp"

#include <unordered_map>

#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/post.hpp>

#include "steadyfeed/core/armed_timer.hpp"
#include "steadyfeed/net/tls_context.hpp"

namespace sf {

static_assert(ws_frame_padding >= frame_padding, "frames from ws_link are handed on as padded");

namespace asio = boost::asio;

class connection_driver_state : public std::enable_shared_from_this<connection_driver_state> {
 public:
  connection_driver_state(asio::io_context::executor_type ex, supervisor_config config,
                          std::shared_ptr<venue_protocol> protocol, std::vector<std::string> topics,
                          const clock& clk, ws_link_options link_options,
                          std::shared_ptr<connect_limiter> limiter)
      : ex_(std::move(ex)),
        clock_(clk),
        link_options_(std::move(link_options)),
        supervisor_(std::move(config), std::move(protocol), std::move(topics), clk.now(),
                    clk.wall_now(), std::move(limiter)),
        timer_(ex_) {}

  ~connection_driver_state() {
    // Links first: their destructors silence them before the supervisor goes.
    links_.clear();
  }

  asio::io_context::executor_type executor() const { return ex_; }
  supervisor& sup() noexcept { return supervisor_; }
  const supervisor& sup() const noexcept { return supervisor_; }
  time_point now() const noexcept { return clock_.now(); }
  wall_us wall() const noexcept { return clock_.wall_now(); }

  // Carries out the supervisor's actions until it has none. Actions never
  // call back into the supervisor synchronously (links report through the
  // executor), so one pass normally empties the list; the loop is for safety.
  void pump() {
    auto& pending = supervisor_.pending_actions();
    while (!pending.empty()) {
      // Swapping keeps both vectors' capacity: no allocation per frame.
      batch_.clear();
      batch_.swap(pending);
      for (auto& a : batch_) std::visit([this](auto& act) { execute(act); }, a);
    }
  }

  void close_all() {
    for (auto& [id, link] : links_) link->close(1000, "stopped");
    links_.clear();
    ++timer_generation_;
    timer_.cancel();
  }

 private:
  void execute(open_link& a);
  void execute(send_frame& a);
  void execute(close_link& a);
  void execute(arm_timer& a);
  ws_link_callbacks callbacks_for(link_id id);

  // Link reports. A link reports nothing after close() or destruction, so a
  // report always concerns a link the supervisor still considers live.
  void on_open(link_id id) {
    supervisor_.on_open(id, now(), wall());
    pump();
  }
  void on_open_failed(link_id id, const failure& why) {
    links_.erase(id);
    supervisor_.on_open_failed(id, why, now(), wall());
    pump();
  }
  // Frames, pings and pongs are stamped with the time of the read that
  // brought them: one pair of clock reads per read, not per frame.
  void on_read() {
    read_now_ = now();
    read_wall_ = wall();
  }
  void on_frame(link_id id, std::string_view frame) {
    // ws_link keeps its padding after every frame until the next read.
    supervisor_.on_frame(id, frame, read_now_, read_wall_, frame_room::padded);
    pump();
  }
  void on_ping(link_id id) {
    supervisor_.on_ping(id, read_now_);
    pump();
  }
  void on_pong(link_id id, std::string_view payload) {
    supervisor_.on_pong(id, payload, read_now_, read_wall_);
    pump();
  }
  void on_closed(link_id id, const failure& why) {
    links_.erase(id);
    supervisor_.on_closed(id, why, now(), wall());
    pump();
  }
  void on_timer() {
    supervisor_.on_timer(now(), wall());
    pump();
  }

  asio::io_context::executor_type ex_;
  const clock& clock_;
  ws_link_options link_options_;
  supervisor supervisor_;
  std::unordered_map<link_id, std::unique_ptr<ws_link>> links_;
  asio::basic_waitable_timer<mono_clock, asio::wait_traits<mono_clock>,
                             asio::io_context::executor_type>
      timer_;
  // Bumped on every re-arm: a wait that completed before it was cancelled
  // (its handler already queued) must not fire the supervisor's timer.
  std::uint64_t timer_generation_ = 0;
  std::vector<action> batch_;
  bool tls_context_tried_ = false;
  time_point read_now_{};  // of the latest read of any link
  wall_us read_wall_ = 0;
};

ws_link_callbacks connection_driver_state::callbacks_for(link_id id) {
  // Raw `this`: the links live in links_, and a destroyed link reports nothing.
  ws_link_callbacks cb;
  cb.on_open = [this, id] { on_open(id); };
  cb.on_open_failed = [this, id](const failure& why) { on_open_failed(id, why); };
  cb.on_read = [this] { on_read(); };
  cb.on_frame = [this, id](std::string_view frame) { on_frame(id, frame); };
  cb.on_ping = [this, id](std::string_view) { on_ping(id); };
  cb.on_pong = [this, id](std::string_view payload) { on_pong(id, payload); };
  cb.on_closed = [this, id](const failure& why) { on_closed(id, why); };
  return cb;
}

void connection_driver_state::execute(open_link& a) {
  if (!link_options_.tls_context && !tls_context_tried_ && a.url.starts_with("wss:")) {
    // One context for every link of this driver. If it cannot be built, each
    // link builds its own, fails with tls_setup_failed, and the supervisor
    // treats that as the configuration error it is.
    tls_context_tried_ = true;
    failure ignored;
    link_options_.tls_context =
        make_tls_client_context({link_options_.ca_file, link_options_.verify_peer}, ignored);
  }
  auto link = std::make_unique<ws_link>(ex_, link_options_, callbacks_for(a.link));
  ws_link& opened = *link;
  links_[a.link] = std::move(link);
  opened.open(a.url);
}

void connection_driver_state::execute(send_frame& a) {
  auto it = links_.find(a.link);
  if (it == links_.end()) return;
  if (a.kind == frame_kind::ping)
    it->second->ping(std::move(a.payload));
  else
    it->second->send(std::move(a.payload));
}

void connection_driver_state::execute(close_link& a) {
  auto it = links_.find(a.link);
  if (it == links_.end()) return;
  it->second->close(a.code, a.reason);
  links_.erase(it);
}

void connection_driver_state::execute(arm_timer& a) {
  const std::uint64_t generation = ++timer_generation_;
  if (a.at == never) {
    timer_.cancel();
    return;
  }
  // Relative to the injected clock, so a driver under a clock other than the
  // system's still waits the interval the supervisor meant.
  const duration wait = std::max(duration{0}, a.at - now());
  timer_.expires_after(wait);
  timer_.async_wait([weak = weak_from_this(), generation,
                     token = armed_timer{}](const boost::system::error_code& ec) {
    if (ec) return;
    auto self = weak.lock();
    if (!self || self->timer_generation_ != generation) return;
    self->on_timer();
  });
}

// ---- connection_driver -------------------------------------------------------

connection_driver::connection_driver(asio::io_context::executor_type executor,
                                     supervisor_config config,
                                     std::shared_ptr<venue_protocol> protocol,
                                     std::vector<std::string> topics, const clock& clock,
                                     ws_link_options link_options,
                                     std::shared_ptr<connect_limiter> limiter)
    : state_(std::make_shared<connection_driver_state>(
          std::move(executor), std::move(config), std::move(protocol), std::move(topics), clock,
          std::move(link_options), std::move(limiter))) {}

connection_driver::~connection_driver() = default;

void connection_driver::set_callbacks(supervisor::callbacks callbacks) {
  state_->sup().set_callbacks(std::move(callbacks));
}

namespace {

// Posts `f(state)` unless the driver is gone by the time it runs.
template <class F>
void post_to(const std::shared_ptr<connection_driver_state>& state, F&& f) {
  asio::post(state->executor(), [weak = std::weak_ptr(state), f = std::forward<F>(f)]() mutable {
    if (auto s = weak.lock()) {
      f(*s);
      s->pump();
    }
  });
}

}  // namespace

void connection_driver::start() {
  post_to(state_, [](connection_driver_state& s) { s.sup().start(s.now(), s.wall()); });
}

void connection_driver::stop(std::string reason) {
  post_to(state_, [reason = std::move(reason)](connection_driver_state& s) {
    s.sup().stop(s.now(), s.wall(), reason);
    s.pump();
    // The supervisor closes its links itself; this only guarantees that
    // nothing of this driver is left running whatever it did.
    s.close_all();
  });
}

void connection_driver::subscribe(std::vector<std::string> topics,
                                  std::function<void(std::vector<std::string>)> refused) {
  post_to(state_,
          [topics = std::move(topics), refused = std::move(refused)](connection_driver_state& s) {
            auto over = s.sup().subscribe(topics, s.now(), s.wall());
            if (refused) refused(std::move(over));
          });
}

void connection_driver::unsubscribe(std::vector<std::string> topics) {
  post_to(state_, [topics = std::move(topics)](connection_driver_state& s) {
    s.sup().unsubscribe(topics, s.now(), s.wall());
  });
}

void connection_driver::request_reconnect(std::string reason) {
  post_to(state_, [reason = std::move(reason)](connection_driver_state& s) {
    s.sup().request_reconnect(s.now(), s.wall(), reason);
  });
}

void connection_driver::request_rotation(std::string reason) {
  post_to(state_, [reason = std::move(reason)](connection_driver_state& s) {
    s.sup().request_rotation(s.now(), s.wall(), reason);
  });
}

void connection_driver::post(std::function<void(supervisor&)> f) {
  post_to(state_, [f = std::move(f)](connection_driver_state& s) { f(s.sup()); });
}

supervisor_stats connection_driver::snapshot() const {
  return state_->sup().snapshot();
}

bool connection_driver::is_healthy() const noexcept {
  return state_->sup().is_healthy();
}

}  // namespace sf
