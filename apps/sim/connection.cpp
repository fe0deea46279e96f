#include "sim/connection.hpp"

#include <cstdio>

#include "sim/duration_text.hpp"
#include "sim/venue.hpp"

namespace sf::sim {

namespace {

std::string hex8(std::uint64_t v) {
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08x", static_cast<unsigned>(v & 0xffffffffu));
  return buf;
}

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

connection::connection(std::uint64_t id, std::string venue, std::string target, const venue_rules& rules,
                       connection_context& ctx, time_point now)
    : id_(id), venue_(std::move(venue)), target_(std::move(target)), rules_(rules.limits, now), ctx_(ctx),
      opened_(now), rng_(stable_hash(std::to_string(id), ctx.seed)) {
  if (venue_ == binance_spot) {
    if (const auto url = binance::parse_url(target_)) {
      micro_ = url->micro;
      binance_.emplace(url->combined, rules.limits.max_topics, url->streams);
      refresh_binance_streams();
      valid_ = rules.limits.max_topics == 0 || url->streams.size() <= rules.limits.max_topics;
    }
  } else if (venue_ == okx) {
    const auto path = target_.substr(0, target_.find('?'));
    if (path == "/ws/v5/public") {
      okx_conn_id_ = hex8(rng_.next());
      okx_.emplace(
          okx_conn_id_, [this](std::string_view inst) { return ctx_.markets.find(okx, inst) != nullptr; },
          rules.limits.max_topics);
      valid_ = true;
    }
  }
}

void connection::refresh_binance_streams() {
  binance_streams_.clear();
  for (const auto& s : binance_->streams())
    if (auto parsed = binance::parse_stream(s)) binance_streams_.push_back(std::move(*parsed));
}

void connection::on_text(std::string_view text, time_point now) {
  if (state_ != state::open) return;
  if (binance_) {
    on_binance_text(text, now);
  } else if (okx_) {
    on_okx_text(text, now);
  }
}

void connection::on_binance_text(std::string_view text, time_point now) {
  if (!rules_.on_inbound(now)) {
    close(1008, "Too many requests", "inbound message rate exceeded");
    return;
  }
  const auto r = binance_->handle(text);
  if (r.changed) refresh_binance_streams();
  if (!r.reply.empty()) send_text(r.reply, now);
}

void connection::on_okx_text(std::string_view text, time_point now) {
  if (text == "ping") {
    send_text("pong", now);
    return;
  }
  const bool allowed = rules_.on_inbound(now);
  auto r = okx_->handle(text, allowed);
  for (auto& reply : r.replies) send_text(std::move(reply), now);
  for (const auto& t : r.subscribed) {
    if (t.channel != "books") continue;
    if (const auto* s = ctx_.markets.find(okx, t.inst_id))
      send_text(okx_ws::books_snapshot_frame(*s, okx_ws::book_checksum(*s, ctx_.okx_checksum)), now);
  }
  if (r.close) close(r.close->first, r.close->second, "too many channels");
}

void connection::on_ping_frame(time_point now) {
  if (binance_ && state_ == state::open && !rules_.on_inbound(now))
    close(1008, "Too many requests", "inbound message rate exceeded");
}

void connection::on_pong_frame(time_point now) {
  rules_.on_pong(now);
  on_ping_frame(now);  // pongs count toward Binance's inbound rate too
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
  if (binance_) {
    const auto symbol = s.inst().binance_stream_symbol();
    const bool combined = binance_->combined();
    for (const auto& stream : binance_streams_) {
      if (stream.symbol != symbol) continue;
      if (stream.kind != binance::stream_kind::trade && stream.kind != binance::stream_kind::agg_trade) continue;
      const std::string key = stream.text + (combined ? "|c" : "|r") + (micro_ ? "|u" : "|m");
      send(cache.get(key,
                     [&] {
                       auto payload = stream.kind == binance::stream_kind::trade
                                          ? binance::trade_payload(s, t, t.ts, micro_)
                                          : binance::agg_trade_payload(s, t, t.ts, micro_);
                       return combined ? binance::wrap_combined(stream.text, payload) : payload;
                     }),
           now);
    }
  } else if (okx_) {
    for (const auto& topic : okx_->topics()) {
      if (topic.channel == "trades" && topic.inst_id == s.venue_symbol())
        send(cache.get("trades", [&] { return okx_ws::trades_frame(s, t); }), now);
    }
  }
}

void connection::on_book_update(const market_stream& s, const book_update& u, frame_cache& cache, time_point now) {
  if (state_ == state::closed || s.venue() != venue_) return;
  bool gap_checked = false;
  bool drop = false;
  const auto dropped = [&] {
    if (!gap_checked) {
      gap_checked = true;
      drop = gap_hit(s);
    }
    return drop;
  };
  if (binance_) {
    // Diff and partial depth are pushed per window (on_depth_window); the
    // book ticker is real-time.
    const auto symbol = s.inst().binance_stream_symbol();
    const bool combined = binance_->combined();
    for (const auto& stream : binance_streams_) {
      if (stream.symbol != symbol || stream.kind != binance::stream_kind::book_ticker) continue;
      const std::string key = stream.text + (combined ? "|c" : "|r");
      send(cache.get(key,
                     [&] {
                       const auto payload = binance::book_ticker_payload(s);
                       return combined ? binance::wrap_combined(stream.text, payload) : payload;
                     }),
           now);
    }
  } else if (okx_) {
    for (const auto& topic : okx_->topics()) {
      if (topic.inst_id != s.venue_symbol()) continue;
      if (topic.channel == "books") {
        if (dropped()) continue;
        if (bad_checksums_ > 0 && ctx_.okx_checksum == okx_ws::checksum_mode::crc32) {
          --bad_checksums_;
          const auto good = cache.get("checksum", [&] {
            return std::to_string(okx_ws::book_checksum(s, ctx_.okx_checksum));
          });
          send_text(okx_ws::books_update_frame(s, u, static_cast<std::int32_t>(std::stol(*good)) ^ 0x5a5a), now);
          continue;
        }
        send(cache.get("books",
                       [&] {
                         const auto sum = cache.get("checksum", [&] {
                           return std::to_string(okx_ws::book_checksum(s, ctx_.okx_checksum));
                         });
                         return okx_ws::books_update_frame(s, u, static_cast<std::int32_t>(std::stol(*sum)));
                       }),
             now);
      } else if (topic.channel == "books5") {
        send(cache.get("books5", [&] { return okx_ws::books5_frame(s); }), now);
      } else if (topic.channel == "bbo-tbt") {
        send(cache.get("bbo-tbt", [&] { return okx_ws::bbo_frame(s); }), now);
      }
    }
  }
}

void connection::on_depth_window(const market_stream& s, const depth_window::closed& w, bool fast,
                                 frame_cache& cache, time_point now) {
  if (state_ == state::closed || !binance_ || s.venue() != venue_) return;
  const auto symbol = s.inst().binance_stream_symbol();
  const bool combined = binance_->combined();
  for (const auto& stream : binance_streams_) {
    if (stream.symbol != symbol || stream.fast != fast) continue;
    std::string payload_key = stream.text + (combined ? "|c" : "|r") + (micro_ ? "|u" : "|m");
    if (stream.kind == binance::stream_kind::depth) {
      if (!w.merged) continue;
      // A sequence gap drops whole events: the next one's U jumps past u + 1.
      if (gap_hit(s)) continue;
      send(cache.get(payload_key,
                     [&] {
                       const auto payload = binance::depth_update_payload(s, *w.merged, micro_);
                       return combined ? binance::wrap_combined(stream.text, payload) : payload;
                     }),
           now);
    } else if (stream.kind == binance::stream_kind::partial_depth) {
      send(cache.get(payload_key,
                     [&] {
                       const auto payload = binance::partial_depth_payload(s, stream.levels);
                       return combined ? binance::wrap_combined(stream.text, payload) : payload;
                     }),
           now);
    }
  }
}

void connection::send(std::shared_ptr<const std::string> frame, time_point now, bool binary) {
  if (state_ != state::open) return;
  queued_bytes_ += frame->size();
  queue_.push_back({std::move(frame), binary});
  if (queued_bytes_ > ctx_.max_queued_bytes) {
    if (okx_) {
      close(4005, "Buffer full", "slow client: send queue over limit");
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
        case close_cause::idle: close(4004, "No data received in 30s.", "idle: nothing pushed"); return;
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
        send_text(okx_ ? R"({"arg":{"channel":"trades","instId":)" : R"({"e":"trade","E":17000000,"s":"BTCU)", now);
      break;
    case fault_kind::maintenance: {
      if (binance_) {
        const auto payload = binance::server_shutdown_payload(ctx_.wall_now(), micro_);
        send_text(binance_->combined() ? binance::wrap_combined("!serverShutdown", payload) : payload, now);
      } else if (okx_) {
        send_text(okx_ws::notice_frame(okx_conn_id_), now);
      }
      maintenance_close_at_ = now + f.length;
      break;
    }
    case fault_kind::sequence_gap: {
      // The symbol may be given in the canonical form; gaps are kept by the venue's.
      std::string key = f.symbol;
      if (okx_ && !key.empty() && !ctx_.markets.find(okx, key))
        if (const auto inst = make_instrument(key)) key = inst->okx_inst_id();
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
  if (okx_) out += R"(,"connId":")" + okx_conn_id_ + "\"";
  out += R"(,"topics":[)";
  bool first = true;
  const auto add = [&](const std::string& t) {
    if (!first) out += ',';
    first = false;
    out += json_quote(t);
  };
  if (binance_) {
    for (const auto& s : binance_->streams()) add(s);
  } else if (okx_) {
    for (const auto& t : okx_->topics()) add(t.channel + ":" + t.inst_id);
  }
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
