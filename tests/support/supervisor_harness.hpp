// A virtual-time harness for the supervisor: a scriptable test venue that
// speaks a tiny line protocol, and a fake driver that carries out actions,
// checks that nothing is sent on a closed link, and fires the timer when the
// manual clock passes it. Header-only so unit tests need no extra library.
//
// Test venue frames (text):
//   D|stream|seq|body     data with a sequence id ("-" for none)
//   S|stream|seq|body     a snapshot (starts a new sequence epoch)
//   A|id[|topic]          ack of subscribe request `id`
//   N|id|topic|reason     refusal (unknown symbol)
//   PONG / PING           application heartbeat reply / server ping
//   NOTICE|text           maintenance notice
// Requests sent by the supervisor: SUB|id|t1,t2  UNSUB|id|t1,t2  and the ping payload.
#pragma once

#include <gtest/gtest.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "steadyfeed/core/clock.hpp"
#include "steadyfeed/feed/supervisor.hpp"

namespace sf::testing {

inline std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    const auto pos = s.find(sep, start);
    out.push_back(s.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return out;
}

inline std::uint64_t to_u64(std::string_view s) {
  std::uint64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

class test_venue final : public venue_protocol {
 public:
  venue_limits limits_;
  heartbeat_policy heartbeat_;
  subscribe_mode mode_ = subscribe_mode::messages;

  std::string_view name() const noexcept override { return "test"; }
  subscribe_mode mode() const noexcept override { return mode_; }
  const venue_limits& limits() const noexcept override { return limits_; }
  const heartbeat_policy& heartbeat() const noexcept override { return heartbeat_; }

  std::string url(std::span<const std::string> topics) const override {
    std::string u = "ws://127.0.0.1:1/ws";
    if (!topics.empty()) {
      u += "?streams=";
      for (std::size_t i = 0; i < topics.size(); ++i) u += (i ? "/" : "") + topics[i];
    }
    return u;
  }
  static std::string join(std::span<const std::string> topics) {
    std::string out;
    for (std::size_t i = 0; i < topics.size(); ++i) out += (i ? "," : "") + topics[i];
    return out;
  }
  std::string subscribe_message(std::span<const std::string> topics, std::uint64_t id) const override {
    return "SUB|" + std::to_string(id) + "|" + join(topics);
  }
  std::string unsubscribe_message(std::span<const std::string> topics, std::uint64_t id) const override {
    return "UNSUB|" + std::to_string(id) + "|" + join(topics);
  }
  inbound decode(std::string_view f) noexcept override {
    inbound in;
    if (f == "PONG") {
      in.kind = inbound_kind::pong;
      return in;
    }
    if (f == "PING") {
      in.kind = inbound_kind::ping;
      in.reply = "PONG";
      return in;
    }
    if (f.size() < 2 || f[1] != '|') {
      in.kind = inbound_kind::invalid;
      in.error = errc::malformed_frame;
      in.reason = "not a test frame";
      return in;
    }
    const auto parts = split(f, '|');
    switch (f[0]) {
      case 'D':
      case 'S':
        if (parts.size() < 3) break;
        in.kind = inbound_kind::data;
        in.stream = parts[1];
        if (parts[2] != "-") {
          in.has_seq = true;
          in.seq = to_u64(parts[2]);
        }
        in.resets_sequence = f[0] == 'S';
        return in;
      case 'A':
        in.kind = inbound_kind::ack;
        in.has_request_id = parts[1] != "-";
        in.request_id = to_u64(parts[1]);
        if (parts.size() > 2) in.topic = parts[2];
        return in;
      case 'N':
        if (parts.size() < 4) break;
        in.kind = inbound_kind::nack;
        in.has_request_id = parts[1] != "-";
        in.request_id = to_u64(parts[1]);
        in.topic = parts[2];
        in.error = errc::unknown_symbol;
        in.reason = parts[3];
        return in;
      case 'X':
        in.kind = inbound_kind::notice;
        in.reason = parts[1];
        return in;
      default:
        break;
    }
    in.kind = inbound_kind::invalid;
    in.error = errc::malformed_frame;
    in.reason = "unknown test frame";
    return in;
  }
};

struct fake_link {
  std::string url;
  bool open = false;
  bool closed = false;
  int close_code = 0;
  std::vector<std::string> sent;       // text frames
  std::vector<time_point> sent_at;
  std::vector<std::string> pings;      // ws ping payloads
  std::set<std::string> topics;        // what the venue considers subscribed
};

struct delivered_message {
  link_id link;
  std::string stream;
  std::uint64_t seq;
  bool has_seq;
  std::string frame;
};

// Drives a supervisor in virtual time.
class harness {
 public:
  explicit harness(supervisor_config config, std::shared_ptr<test_venue> venue,
                   std::vector<std::string> topics, std::shared_ptr<connect_limiter> limiter = nullptr)
      : venue_(std::move(venue)),
        sup(std::move(config), venue_, std::move(topics), clock.now(), clock.wall_now(), std::move(limiter)) {
    sup.set_callbacks({
        [this](const message& m) {
          delivered.push_back({m.link, std::string(m.stream), m.seq, m.has_seq, std::string(m.frame)});
        },
        [this](connection_state from, connection_state to, std::string_view) {
          transitions.emplace_back(from, to);
        },
        [this](const event& e) {
          // SF_TRACE=1 prints the journal as it happens, for debugging a test.
          if (std::getenv("SF_TRACE"))
            std::fprintf(stderr, "  [%+.3f s] %s: %s\n",
                         static_cast<double>(e.time - clock.wall_now() + (now() - start_).count() / 1000) / 1e6,
                         std::string(to_string(e.kind)).c_str(), e.reason.c_str());
          events.push_back(e);
        },
    });
  }

  manual_clock clock;
  time_point start_ = clock.now();
  std::shared_ptr<test_venue> venue_;
  supervisor sup;
  std::map<link_id, fake_link> links;
  time_point timer = never;
  std::vector<delivered_message> delivered;
  std::vector<std::pair<connection_state, connection_state>> transitions;
  std::vector<event> events;
  std::vector<std::string> violations;
  bool auto_ack = false;     // the venue acks every subscribe at once
  bool auto_pong = false;    // the venue answers WS pings and app pings at once

  time_point now() const { return clock.now(); }
  wall_us wall() const { return clock.wall_now(); }

  void drain() {
    // Replies from the fake venue feed back into the supervisor, which may
    // produce more actions: loop until quiet.
    for (int guard = 0; guard < 1000; ++guard) {
      auto actions = sup.take_actions();
      if (actions.empty()) return;
      std::vector<std::pair<link_id, std::string>> replies;
      std::vector<std::pair<link_id, std::string>> pongs;
      for (auto& a : actions) {
        if (auto* o = std::get_if<open_link>(&a)) {
          if (links.contains(o->link)) violations.push_back("link id reused");
          auto& l = links[o->link];
          l.url = o->url;
          const auto q = o->url.find("?streams=");
          if (q != std::string::npos)
            for (auto t : split(std::string_view(o->url).substr(q + 9), '/')) l.topics.emplace(t);
        } else if (auto* s = std::get_if<send_frame>(&a)) {
          auto it = links.find(s->link);
          if (it == links.end() || !it->second.open || it->second.closed) {
            violations.push_back("send on a link that is not open: " + s->payload);
            continue;
          }
          if (s->kind == frame_kind::ping) {
            it->second.pings.push_back(s->payload);
            if (auto_pong) pongs.emplace_back(s->link, s->payload);
            continue;
          }
          it->second.sent.push_back(s->payload);
          it->second.sent_at.push_back(now());
          apply_request(s->link, it->second, s->payload, replies);
        } else if (auto* c = std::get_if<close_link>(&a)) {
          auto& l = links[c->link];
          l.closed = true;
          l.open = false;
          l.close_code = c->code;
        } else if (auto* t = std::get_if<arm_timer>(&a)) {
          timer = t->at;
        }
      }
      for (auto& [id, payload] : pongs) sup.on_pong(id, payload, now(), wall());
      for (auto& [id, text] : replies) sup.on_frame(id, text, now(), wall());
    }
    violations.push_back("actions never settled");
  }

  void apply_request(link_id id, fake_link& l, const std::string& payload,
                     std::vector<std::pair<link_id, std::string>>& replies) {
    const auto parts = split(payload, '|');
    if (parts[0] == "SUB" && parts.size() == 3) {
      for (auto t : split(parts[2], ',')) l.topics.emplace(t);
      if (auto_ack) replies.emplace_back(id, "A|" + std::string(parts[1]));
    } else if (parts[0] == "UNSUB" && parts.size() == 3) {
      for (auto t : split(parts[2], ',')) l.topics.erase(std::string(t));
    } else if (payload == venue_->heartbeat_.app_ping_payload && auto_pong) {
      replies.emplace_back(id, "PONG");
    }
  }

  void start() {
    sup.start(now(), wall());
    drain();
  }
  link_id last_link() const { return links.empty() ? 0 : links.rbegin()->first; }
  void open(link_id id) {
    links[id].open = true;
    sup.on_open(id, now(), wall());
    drain();
  }
  void open_last() { open(last_link()); }
  void fail_open(link_id id, failure f) {
    links[id].closed = true;
    sup.on_open_failed(id, f, now(), wall());
    drain();
  }
  void close_by_peer(link_id id, errc code = errc::closed_by_peer) {
    links[id].closed = true;
    links[id].open = false;
    sup.on_closed(id, failure{make_error_code(code), 0, {}, 1006, "test"}, now(), wall());
    drain();
  }
  void frame(link_id id, std::string_view text) {
    sup.on_frame(id, text, now(), wall());
    drain();
  }
  void pong(link_id id, std::string_view payload) {
    sup.on_pong(id, payload, now(), wall());
    drain();
  }

  // Moves virtual time forward, firing the timer at each deadline on the way.
  void advance(duration d) { run_until(now() + d); }
  void run_until(time_point target) {
    for (int guard = 0; guard < 10'000'000 && timer <= target; ++guard) {
      if (timer > now()) clock.set(timer);
      timer = never;
      sup.on_timer(now(), wall());
      drain();
    }
    if (target > now()) clock.set(target);
  }

  // Links the supervisor asked for that are neither open nor closed yet.
  std::vector<link_id> pending_links() const {
    std::vector<link_id> out;
    for (const auto& [id, l] : links)
      if (!l.open && !l.closed) out.push_back(id);
    return out;
  }
  // Advances in small steps until the supervisor asks for a link; opens it.
  bool open_next(duration max = minutes{10}) {
    const time_point until = now() + max;
    while (pending_links().empty() && now() < until) advance(milliseconds{10});
    const auto pending = pending_links();
    if (pending.empty()) return false;
    open(pending.back());
    return true;
  }

  std::size_t open_link_count() const {
    std::size_t n = 0;
    for (const auto& [id, l] : links)
      if (l.open && !l.closed) ++n;
    return n;
  }
  bool has_event(event_kind k) const {
    for (const auto& e : events)
      if (e.kind == k) return true;
    return false;
  }
  std::size_t count_events(event_kind k) const {
    std::size_t n = 0;
    for (const auto& e : events)
      if (e.kind == k) ++n;
    return n;
  }
  std::vector<std::string> sent_on(link_id id) const { return links.at(id).sent; }
};

}  // namespace sf::testing
