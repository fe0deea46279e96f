#include "sim/connection.hpp"

#include <cstdio>

namespace sf::sim {

namespace {

std::string json_quote(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
      out += buf;
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
  return out;
}

}  // namespace

// What the session may ask of its connection, at the time of the call.
class connection::link final : public session_link {
 public:
  link(connection& c, time_point now) : c_(c), now_(now) {}

  void push(std::shared_ptr<const std::string> frame) override { c_.send(std::move(frame), now_); }
  bool count_inbound() override { return c_.rules_.on_inbound(now_); }
  void close(int code, const std::string& reason, std::string_view why) override { c_.close(code, reason, why); }
  bool take_gap(const market_stream& s) override { return c_.gap_hit(s); }
  bool take_bad_checksum() override {
    if (c_.bad_checksums_ == 0) return false;
    --c_.bad_checksums_;
    return true;
  }

 private:
  connection& c_;
  time_point now_;
};

connection::connection(std::uint64_t id, const dialect& venue_dialect, std::string target,
                       const venue_settings& settings, connection_context& ctx, time_point now)
    : id_(id), dialect_(venue_dialect), venue_(venue_dialect.name()), target_(std::move(target)),
      rules_(settings.rules.limits, now), ctx_(ctx), opened_(now), rng_(stable_hash(std::to_string(id), ctx.seed)) {
  // After rng_: what the venue draws per connection (OKX's connId) is the
  // first thing drawn, so later draws (garbage faults) stay as they were.
  session_ = dialect_.open_session(target_, session_setup{settings, ctx_.markets, rng_});
  valid_ = session_ != nullptr;
}

void connection::on_text(std::string_view text, time_point now) {
  if (state_ != state::open) return;
  link l(*this, now);
  session_->on_text(text, l);
}

void connection::on_ping_frame(time_point now) {
  if (state_ != state::open) return;
  link l(*this, now);
  session_->on_control_frame(l);
}

void connection::on_pong_frame(time_point now) {
  rules_.on_pong(now);
  on_ping_frame(now);
}

bool connection::gap_hit(const market_stream& s) {
  for (const auto& key : {s.venue_symbol(), std::string{}}) {
    const auto it = gaps_.find(key);
    if (it != gaps_.end() && it->second > 0) {
      if (--it->second == 0) gaps_.erase(it);
      return true;
    }
  }
  return false;
}

void connection::on_trade(const market_stream& s, const trade_event& t, frame_cache& cache, time_point now) {
  if (state_ == state::closed || s.venue() != venue_) return;
  link l(*this, now);
  session_->on_trade(s, t, cache, l);
}

void connection::on_book_update(const market_stream& s, const book_update& u, frame_cache& cache, time_point now) {
  if (state_ == state::closed || s.venue() != venue_) return;
  link l(*this, now);
  session_->on_book_update(s, u, cache, l);
}

void connection::on_book_window(const market_stream& s, const depth_window::closed& w, duration length,
                                frame_cache& cache, time_point now) {
  if (state_ == state::closed || s.venue() != venue_) return;
  link l(*this, now);
  session_->on_book_window(s, w, length, cache, l);
}

void connection::send(std::shared_ptr<const std::string> frame, time_point now, bool binary) {
  if (state_ != state::open) return;
  queued_bytes_ += frame->size();
  queue_.push_back({std::move(frame), binary});
  if (queued_bytes_ > ctx_.max_queued_bytes) {
    if (const auto c = session_->slow_client_close()) {
      close(c->code, c->reason, "slow client: send queue over limit");
    } else {
      reset("slow client: send queue over limit");
    }
    return;
  }
  pump(now);
}

void connection::on_open(time_point now) {
  open_ = true;
  pump(now);
}

void connection::pump(time_point now) {
  if (!open_ || writing_ || queue_.empty() || state_ == state::silent || state_ == state::closed) return;
  if (now < stall_until_) return;
  if (now < drip_until_) {
    if (now < next_drip_) return;
    next_drip_ = now + drip_interval_;
  }
  writing_ = true;
  io_write(queue_.front());
}

void connection::on_write_done(bool ok, time_point now) {
  writing_ = false;
  if (!queue_.empty()) {
    queued_bytes_ -= queue_.front().data->size();
    queue_.pop_front();
  }
  if (!ok) {
    if (state_ != state::silent) state_ = state::closed;  // a half-open socket cancels its own writes
    return;
  }
  ++frames_sent_;
  rules_.on_pushed(now);
  pump(now);
}

void connection::on_tick(time_point now) {
  if (state_ == state::closed || !open_) return;
  if (state_ == state::silent) {
    if (now >= silent_until_) reset("half-open period over");
    return;
  }
  if (now >= maintenance_close_at_) {
    maintenance_close_at_ = never;
    close(1001, "Service upgrade", "maintenance");
    return;
  }
  if (state_ == state::closing) {
    // A peer that never answers the close handshake is cut off.
    if (now - closing_since_ > seconds{5}) reset("no close reply");
    return;
  }
  if (now >= rules_.next_deadline()) {
    const auto v = rules_.on_timer(now);
    if (v.close) {
      switch (*v.close) {
        case close_cause::lifetime: close(1000, "", "connection lifetime reached"); return;
        case close_cause::pong_timeout: reset("no pong in time"); return;
        case close_cause::idle: {
          const auto c = session_->idle_close();
          close(c.code, c.reason, "idle: nothing pushed");
          return;
        }
      }
    }
    if (v.send_ping) io_ping();
  }
  pump(now);
}

void connection::close(int code, const std::string& reason, std::string_view why) {
  if (state_ == state::closed || state_ == state::closing) return;
  if (!open_) {  // no close handshake before the opening one has finished
    reset(why);
    return;
  }
  ctx_.note(R"("event":"close","connection":)" + std::to_string(id_) + R"(,"venue":")" + venue_ +
            R"(","code":)" + std::to_string(code) + R"(,"why":)" + json_quote(why));
  state_ = state::closing;
  closing_since_ = ctx_.now();
  queue_.clear();
  queued_bytes_ = 0;
  io_close(code, reason);
}

void connection::reset(std::string_view why) {
  if (state_ == state::closed) return;
  ctx_.note(R"("event":"reset","connection":)" + std::to_string(id_) + R"(,"venue":")" + venue_ +
            R"(","why":)" + json_quote(why));
  state_ = state::closed;
  queue_.clear();
  queued_bytes_ = 0;
  io_reset();
}

bool connection::targeted_by(const fault_spec& f) const {
  if (!f.venue.empty() && f.venue != venue_) return false;
  if (f.connection && *f.connection != id_) return false;
  return open_ && state_ == state::open;
}

void connection::apply_fault(const fault_spec& f, time_point now) {
  active_faults_.emplace_back(name_of(f.kind));
  switch (f.kind) {
    case fault_kind::close: close(f.close_code, "", "fault: close"); break;
    case fault_kind::reset: reset("fault: reset"); break;
    case fault_kind::half_open:
      state_ = state::silent;
      silent_until_ = now + f.length;
      io_go_silent();
      break;
    case fault_kind::stall: stall_until_ = now + f.length; break;
    case fault_kind::slow_drip:
      drip_until_ = now + f.length;
      drip_interval_ = f.interval;
      next_drip_ = now;
      break;
    case fault_kind::garbage:
      for (std::uint32_t i = 0; i < f.count; ++i) {
        std::string junk(16 + rng_.below(240), '\0');
        for (auto& c : junk) c = static_cast<char>(rng_.below(256));
        send(std::make_shared<const std::string>(std::move(junk)), now, true);
      }
      break;
    case fault_kind::oversized: {
      std::string big = R"({"e":"padding","data":")";
      big.append(f.size > big.size() + 2 ? f.size - big.size() - 2 : 0, 'x');
      big += "\"}";
      send(std::make_shared<const std::string>(std::move(big)), now);
      break;
    }
    case fault_kind::malformed_json:
      for (std::uint32_t i = 0; i < f.count; ++i)
        send_text(session_->malformed_frame(), now);
      break;
    case fault_kind::maintenance:
      send_text(session_->maintenance_notice(ctx_.wall_now()), now);
      maintenance_close_at_ = now + f.length;
      break;
    case fault_kind::sequence_gap: {
      // The symbol may be given in the canonical form; gaps are kept by the venue's.
      std::string key = f.symbol;
      if (!key.empty() && !ctx_.markets.find(venue_, key))
        if (const auto inst = make_instrument(key)) key = dialect_.symbol_of(*inst);
      gaps_[key] += f.count;
      break;
    }
    case fault_kind::bad_checksum: bad_checksums_ += f.count; break;
    default: break;
  }
}

std::string connection::describe(time_point now) const {
  const char* st = state_ == state::open ? "open" : state_ == state::closing ? "closing" : state_ == state::silent ? "silent" : "closed";
  std::string out = R"({"id":)" + std::to_string(id_) + R"(,"venue":")" + venue_ + R"(","target":)" +
                    json_quote(target_) + R"(,"state":")" + st + R"(","age_ms":)" +
                    std::to_string(std::chrono::duration_cast<milliseconds>(now - opened_).count());
  out += session_->describe_fields();
  out += R"(,"topics":[)";
  bool first = true;
  const auto add = [&](const std::string& t) {
    if (!first) out += ',';
    first = false;
    out += json_quote(t);
  };
  for (const auto& t : session_->topics()) add(t);
  out += R"(],"frames_sent":)" + std::to_string(frames_sent_) + R"(,"queued_bytes":)" + std::to_string(queued_bytes_);
  out += R"(,"faults":[)";
  for (std::size_t i = 0; i < active_faults_.size(); ++i) {
    if (i) out += ',';
    out += json_quote(active_faults_[i]);
  }
  out += "]}";
  return out;
}

}  // namespace sf::sim
