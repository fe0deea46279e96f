#include "config_key.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <optional>
#include <type_traits>

#include "profile.hpp"
#include "steadyfeed/sink/nats_sink.hpp"
#include "steadyfeed/venue/channel.hpp"

namespace sf::daemon {
namespace {

template <typename T>
config_value to_value(const T& v) {
  if constexpr (std::is_same_v<T, std::optional<duration>>) {
    if (!v) return std::monostate{};
    return *v;
  } else if constexpr (std::is_same_v<T, bool> || std::is_same_v<T, double> ||
                       std::is_same_v<T, duration> || std::is_same_v<T, std::string> ||
                       std::is_same_v<T, std::vector<std::string>>) {
    return v;
  } else {
    static_assert(std::is_integral_v<T>, "a setting is a duration, number, switch, string or list");
    return static_cast<std::int64_t>(v);
  }
}

template <typename T>
void from_value(const config_value& v, T& out) {
  if constexpr (std::is_same_v<T, std::optional<duration>>) {
    if (std::holds_alternative<std::monostate>(v))
      out.reset();
    else
      out = std::get<duration>(v);
  } else if constexpr (std::is_same_v<T, bool> || std::is_same_v<T, double> ||
                       std::is_same_v<T, duration> || std::is_same_v<T, std::string> ||
                       std::is_same_v<T, std::vector<std::string>>) {
    out = std::get<T>(v);
  } else {
    out = static_cast<T>(std::get<std::int64_t>(v));
  }
}

template <typename T>
constexpr key_type type_of(bool has_choices) {
  if constexpr (std::is_same_v<T, std::optional<duration>> || std::is_same_v<T, duration>)
    return key_type::duration;
  else if constexpr (std::is_same_v<T, bool>)
    return key_type::boolean;
  else if constexpr (std::is_same_v<T, double>)
    return key_type::number;
  else if constexpr (std::is_same_v<T, std::string>)
    return has_choices ? key_type::choice : key_type::string;
  else if constexpr (std::is_same_v<T, std::vector<std::string>>)
    return key_type::list;
  else
    return key_type::integer;
}

// A key whose setting is the field `Locate` names: a captureless generic
// lambda (config, feed) → field, so one lambda serves reading and writing.
// The key's type follows from the field's.
template <typename Locate>
config_key field(config_key k, Locate) {
  using T = std::remove_cvref_t<decltype(
      Locate{}(std::declval<daemon_config&>(), std::declval<feed_config&>()))>;
  k.type = type_of<T>(!k.choices.empty());
  k.get = [](const daemon_config& c, const feed_config& f) -> config_value {
    return to_value(Locate{}(c, f));
  };
  k.set = [](daemon_config& c, feed_config& f, const config_value& v) {
    auto& out = Locate{}(c, f);
    from_value(v, out);
  };
  return k;
}

std::vector<std::string> strings(auto&& names) {
  return std::vector<std::string>(std::begin(names), std::end(names));
}

const char* jitter_name(jitter_mode m) {
  switch (m) {
    case jitter_mode::none:
      return "none";
    case jitter_mode::full:
      return "full";
    case jitter_mode::proportional:
      break;
  }
  return "proportional";
}

std::string check_ws_url(const config_value& v) {
  const auto& url = std::get<std::string>(v);
  if (url.empty() || url.starts_with("ws://") || url.starts_with("wss://")) return {};
  return fmt::format("'{}' is not a ws:// or wss:// URL", url);
}

// (A duration is written in whole microseconds at the finest, so a gather
// is 0 or at least 1us, as engine_config::gather holds it.)
std::string check_gather(const config_value& v) {
  if (std::get<duration>(v) <= seconds{1}) return {};
  return "at most 1s: records wait this long on their way to the sinks";
}

std::string check_rest_url(const config_value& v) {
  const auto& url = std::get<std::string>(v);
  if (url.empty() || url.starts_with("http://") || url.starts_with("https://")) return {};
  return fmt::format("'{}' is not an http:// or https:// URL", url);
}

std::string check_listen(const config_value& v) {
  const auto& listen = std::get<std::string>(v);
  const auto colon = listen.rfind(':');
  int port = 0;
  if (colon == std::string::npos ||
      std::from_chars(listen.data() + colon + 1, listen.data() + listen.size(), port).ec !=
          std::errc{} ||
      port < 0 || port > 65535)
    return fmt::format("expected HOST:PORT, got '{}'", listen);
  return {};
}

std::string check_webhook_url(const config_value& v) {
  const auto& url = std::get<std::string>(v);
  if (url.empty() || url.starts_with("http://") || url.starts_with("https://")) return {};
  return fmt::format("expected an http:// or https:// URL, got '{}'", url);
}

std::string check_nats_servers(const config_value& v) {
  const auto& urls = std::get<std::vector<std::string>>(v);
  if (urls.empty()) return "at least one server URL";
  for (const auto& u : urls) {
    if (!is_nats_server_url(u))
      return fmt::format("'{}' is not nats://HOST:PORT or tls://HOST:PORT",
                         u.find('@') == std::string::npos ? u : "(a URL with credentials)");
  }
  return {};
}

std::string check_subject_prefix(const config_value& v) {
  const auto& p = std::get<std::string>(v);
  if (p.empty()) return "required";
  if (p.front() == '.' || p.back() == '.' || p.find("..") != std::string::npos ||
      p.find_first_of(" \t*>") != std::string::npos)
    return fmt::format("'{}' is not a subject prefix: dot-separated names without spaces, '*' or '>'", p);
  return {};
}

std::string check_stream_name(const config_value& v) {
  const auto& n = std::get<std::string>(v);
  if (n.empty()) return "required";
  if (n.find_first_of(" \t.*>/\\") != std::string::npos)
    return fmt::format("'{}' is not a stream name: no spaces, '.', '*', '>', '/' or '\\'", n);
  return {};
}

std::string check_token(const config_value& v) {
  if (std::get<std::string>(v) != hidden_value) return {};
  return fmt::format("'{}' stands where check-config hid the token: write the token itself",
                     hidden_value);
}

config_value venue_lifetime(const venue_adapter& v) {
  return v.limits().lifetime;
}
config_value venue_ws_ping(const venue_adapter& v) {
  return v.heartbeat().ws_ping_interval;
}
// A venue without an application ping sends none, whatever is configured.
config_value venue_app_ping(const venue_adapter& v) {
  return v.heartbeat().app_ping_payload.empty() ? duration{0} : v.heartbeat().app_ping_interval;
}
bool uses_app_ping(const venue_adapter& v) {
  return !v.heartbeat().app_ping_payload.empty();
}
config_value venue_pong_timeout(const venue_adapter& v) {
  return v.heartbeat().pong_timeout;
}
config_value venue_ws_url(const venue_adapter& v) {
  return v.ws_url();
}
config_value venue_rest_url(const venue_adapter& v) {
  return v.rest_url();
}

std::vector<config_key> make_table() {
  const std::vector<std::string> channels{std::string(to_string(channel::trades)),
                                          std::string(to_string(channel::book))};
  std::vector<config_key> keys;
  auto add = [&](config_key k) { keys.push_back(std::move(k)); };

  // workers: 0 in the struct is "one per core", which is no value to write.
  add({.path = "workers",
       .type = key_type::integer,
       .unit = "threads",
       .meaning = "worker threads; a feed's connections, parsers and books live on one of them",
       .min = 1,
       .max = 256,
       .default_text = "one per core",
       .example = "4",
       .get = [](const daemon_config& c, const feed_config&) -> config_value {
         if (c.workers == 0) return std::monostate{};
         return static_cast<std::int64_t>(c.workers);
       },
       .set =
           [](daemon_config& c, feed_config&, const config_value& v) {
             c.workers = std::holds_alternative<std::monostate>(v)
                             ? 0
                             : static_cast<std::size_t>(std::get<std::int64_t>(v));
           }});
  add(field(
      {.path = "queue_bytes",
       .unit = "bytes",
       .meaning = "per worker, the ring of records on their way to the sinks; it absorbs a slow sink's "
                  "stalls, and its pages become resident as the first lap fills them",
       .min = 65536,
       .max = std::int64_t{1} << 32},
      [](auto& c, auto&) -> auto& { return c.queue_bytes; }));
  add(field(
      {.path = "gather",
       .unit = "time",
       .meaning = "after a pass that found records, the sink thread lets more gather this long: "
                  "fewer wake-ups for the workers, and up to this much latency; 0 passes again at once "
                  "(lowest latency, more CPU at moderate rates)",
       .zero_disables = true,
       .example = "200us",
       .check = check_gather},
      [](auto& c, auto&) -> auto& { return c.gather; }));

  // The profile comes first: reading it replaces every supervisor setting,
  // and the keys after it override single ones.
  add({.path = "supervisor.profile",
       .type = key_type::choice,
       .meaning = "the named set of supervisor settings the keys below start from (see Profiles)",
       .choices = strings(supervisor_config::profile_names()),
       .noun = "profile",
       .get = [](const daemon_config& c, const feed_config&) -> config_value { return c.profile; },
       .set =
           [](daemon_config& c, feed_config&, const config_value& v) {
             const auto& name = std::get<std::string>(v);
             if (auto p = profile::named(name)) {
               c.profile = name;
               c.supervisor = std::move(p->supervisor);
               c.alerts.threshold = static_cast<int>(p->alert_threshold);
             }
           }});
  add(field(
      {.path = "supervisor.connect_timeout",
       .unit = "time",
       .meaning = "TCP connect, TLS and WebSocket handshake together; a slower attempt is "
                  "abandoned and retried"},
      [](auto& c, auto&) -> auto& { return c.supervisor.connect_timeout; }));
  add(field(
      {.path = "supervisor.idle_timeout",
       .unit = "time",
       .meaning = "no data frame at all for this long reconnects; heartbeats and pongs never count "
                  "as data",
       .zero_disables = true},
      [](auto& c, auto&) -> auto& { return c.supervisor.idle_timeout; }));
  add(field(
      {.path = "supervisor.rotation_margin",
       .unit = "time",
       .meaning = "a planned rotation (make-before-break) starts this long before the connection's "
                  "lifetime ends",
       .zero_disables = true},
      [](auto& c, auto&) -> auto& { return c.supervisor.rotation_margin; }));
  add(field(
      {.path = "supervisor.lifetime",
       .unit = "time",
       .meaning =
           "how long the venue lets a connection live; set it when the venue's rule changed or a "
           "simulator scales it down",
       .venue_value = venue_lifetime},
      [](auto& c, auto&) -> auto& { return c.supervisor.lifetime; }));
  add(field(
      {.path = "supervisor.ws_ping_interval",
       .unit = "time",
       .meaning = "WebSocket ping frames are sent this often",
       .zero_disables = true,
       .venue_value = venue_ws_ping},
      [](auto& c, auto&) -> auto& { return c.supervisor.ws_ping_interval; }));
  add(field(
      {.path = "supervisor.app_ping_interval",
       .unit = "time",
       .meaning = "the venue's application ping is sent this often (OKX: only when the connection "
                  "is quiet); "
                  "venues without one ignore it",
       .zero_disables = true,
       .venue_value = venue_app_ping,
       .used_by = uses_app_ping},
      [](auto& c, auto&) -> auto& { return c.supervisor.app_ping_interval; }));
  add(field(
      {.path = "supervisor.pong_timeout",
       .unit = "time",
       .meaning = "a ping unanswered for this long reconnects",
       .venue_value = venue_pong_timeout},
      [](auto& c, auto&) -> auto& { return c.supervisor.pong_timeout; }));
  add(field(
      {.path = "supervisor.health_check_interval",
       .unit = "time",
       .meaning = "how often the quality score is judged: connected or unstable, and the backoff reset "
                  "after reset_after of health; watchdogs and ack timers run every second regardless"},
      [](auto& c, auto&) -> auto& { return c.supervisor.health_check_interval; }));
  add(field(
      {.path = "supervisor.reconnect_cluster",
       .unit = "connections lost",
       .meaning = "this many connections lost within reconnect_cluster_window make the connection "
                  "unstable (max_consecutive_failures in the profiles' table)",
       .min = 1,
       .max = 1000},
      [](auto& c, auto&) -> auto& { return c.supervisor.reconnect_cluster; }));
  add(field(
      {.path = "supervisor.reconnect_cluster_window",
       .unit = "time",
       .meaning = "the window reconnect_cluster counts lost connections in"},
      [](auto& c, auto&) -> auto& { return c.supervisor.reconnect_cluster_window; }));
  add(field(
      {.path = "supervisor.overlap_timeout",
       .unit = "time",
       .meaning =
           "a rotation waits at most this long for the new connection to overlap the old one, then "
           "switches and names the streams not shown"},
      [](auto& c, auto&) -> auto& { return c.supervisor.overlap_timeout; }));
  add(field(
      {.path = "supervisor.ack_timeout",
       .unit = "time",
       .meaning = "a subscription request unanswered this long is sent again, twice, then the "
                  "topic is failed"},
      [](auto& c, auto&) -> auto& { return c.supervisor.ack_timeout; }));
  add(field(
      {.path = "supervisor.stale_min",
       .unit = "time",
       .meaning =
           "a stream is stale after stale_factor × its typical gap, but never sooner than this"},
      [](auto& c, auto&) -> auto& { return c.supervisor.stale_min; }));
  add(field(
      {.path = "supervisor.stale_max",
       .unit = "time",
       .meaning =
           "a stream is stale no later than this, however seldom it usually speaks; at least stale_min"},
      [](auto& c, auto&) -> auto& { return c.supervisor.stale_max; }));
  add(field(
      {.path = "supervisor.stale_factor",
       .unit = "× typical gap",
       .meaning = "how many typical gaps between a stream's messages make it stale",
       .low = 1,
       .high = 10'000},
      [](auto& c, auto&) -> auto& { return c.supervisor.stale_factor; }));
  add(field(
      {.path = "supervisor.journal_capacity",
       .unit = "events",
       .meaning = "events kept per connection for the API (GET /api/v1/events)",
       .min = 1,
       .max = 100'000},
      [](auto& c, auto&) -> auto& { return c.supervisor.journal_capacity; }));
  add({.path = "supervisor.on_retries_exhausted",
       .type = key_type::choice,
       .meaning = "once backoff.max_attempts ran out: probe (stay failed, try once per backoff.max until the "
                  "venue answers) or stop (stay failed until the API's reconnect)",
       .choices = {"probe", "stop"},
       .get = [](const daemon_config& c, const feed_config&) -> config_value {
         return std::string(c.supervisor.on_retries_exhausted == retries_exhausted_action::stop ? "stop" : "probe");
       },
       .set =
           [](daemon_config& c, feed_config&, const config_value& v) {
             c.supervisor.on_retries_exhausted =
                 std::get<std::string>(v) == "stop" ? retries_exhausted_action::stop : retries_exhausted_action::probe;
           }});
  add(field(
      {.path = "supervisor.backoff.initial",
       .unit = "time",
       .meaning =
           "the first reconnect delay; delay n is min(max, initial × multiplier^n), then jittered"},
      [](auto& c, auto&) -> auto& { return c.supervisor.backoff.initial; }));
  add(field(
      {.path = "supervisor.backoff.max",
       .unit = "time",
       .meaning = "the longest reconnect delay, jitter included; at least initial"},
      [](auto& c, auto&) -> auto& { return c.supervisor.backoff.max; }));
  add(field(
      {.path = "supervisor.backoff.multiplier",
       .unit = "×",
       .meaning = "each failed attempt multiplies the delay by this",
       .low = 1,
       .high = 100},
      [](auto& c, auto&) -> auto& { return c.supervisor.backoff.multiplier; }));
  add(field(
      {.path = "supervisor.backoff.jitter",
       .unit = "fraction",
       .meaning = "proportional jitter: the delay varies by up to this fraction either way, so "
                  "connections "
                  "lost together do not return together",
       .low = 0,
       .high = 1},
      [](auto& c, auto&) -> auto& { return c.supervisor.backoff.jitter_fraction; }));
  add({.path = "supervisor.backoff.jitter_mode",
       .type = key_type::choice,
       .meaning = "none; proportional (by jitter); full (anywhere from 0 to the delay)",
       .choices = {"none", "proportional", "full"},
       .get = [](const daemon_config& c, const feed_config&) -> config_value {
         return std::string(jitter_name(c.supervisor.backoff.jitter));
       },
       .set =
           [](daemon_config& c, feed_config&, const config_value& v) {
             const auto& mode = std::get<std::string>(v);
             for (auto m : {jitter_mode::none, jitter_mode::proportional, jitter_mode::full})
               if (mode == jitter_name(m)) c.supervisor.backoff.jitter = m;
           }});
  add(field(
      {.path = "supervisor.backoff.max_attempts",
       .unit = "attempts",
       .meaning = "attempts before the connection is given up as failed; -1 retries forever",
       .min = -1,
       .max = 1'000'000},
      [](auto& c, auto&) -> auto& { return c.supervisor.backoff.max_attempts; }));
  add(field(
      {.path = "supervisor.backoff.reset_after",
       .unit = "time",
       .meaning = "a connection healthy this long starts the delays again from initial"},
      [](auto& c, auto&) -> auto& { return c.supervisor.backoff.reset_after; }));

  add(field(
      {.path = "feeds[].id",
       .meaning = "names the feed's connections (id/1, id/2 ...) in the API, metrics and events",
       .default_text = "the venue, or venue-N for its N-th feed",
       .example = "spot-majors"},
      [](auto&, auto& f) -> auto& { return f.id; }));
  add(field(
      {.path = "feeds[].venue",
       .meaning = "the venue to connect to",
       .choices = strings(known_venues()),
       .noun = "venue",
       .required = "required"},
      [](auto&, auto& f) -> auto& { return f.venue; }));
  add(field(
      {.path = "feeds[].symbols",
       .meaning = "markets to record, respelt in the venue's own spelling where unambiguous "
                  "(btcusdt → BTCUSDT)",
       .required = "at least one symbol is required",
       .example = "[BTCUSDT, ETHUSDT]"},
      [](auto&, auto& f) -> auto& { return f.symbols; }));
  add(field(
      {.path = "feeds[].channels",
       .meaning = "what to record of each symbol",
       .choices = channels,
       .noun = "channel",
       .default_text = "all of them"},
      [](auto&, auto& f) -> auto& { return f.channels; }));
  add(field(
      {.path = "feeds[].redundancy",
       .unit = "connections",
       .meaning = "live connections per shard, arbitrated so that one dying loses nothing; their "
                  "rotations "
                  "never coincide",
       .min = 1,
       .max = 8},
      [](auto&, auto& f) -> auto& { return f.redundancy; }));
  add(field(
      {.path = "feeds[].lifetime",
       .unit = "time",
       .meaning = "supervisor.lifetime for this feed's connections",
       .default_text = "supervisor.lifetime",
       .venue_value = venue_lifetime},
      [](auto&, auto& f) -> auto& { return f.supervisor.lifetime; }));
  add(field(
      {.path = "feeds[].rotation_margin",
       .unit = "time",
       .meaning = "supervisor.rotation_margin for this feed's connections",
       .zero_disables = true,
       .default_text = "supervisor.rotation_margin"},
      [](auto&, auto& f) -> auto& { return f.supervisor.rotation_margin; }));
  add(field(
      {.path = "feeds[].ws_ping_interval",
       .unit = "time",
       .meaning = "supervisor.ws_ping_interval for this feed's connections",
       .zero_disables = true,
       .default_text = "supervisor.ws_ping_interval",
       .venue_value = venue_ws_ping},
      [](auto&, auto& f) -> auto& { return f.supervisor.ws_ping_interval; }));
  add(field(
      {.path = "feeds[].app_ping_interval",
       .unit = "time",
       .meaning = "supervisor.app_ping_interval for this feed's connections",
       .zero_disables = true,
       .default_text = "supervisor.app_ping_interval",
       .venue_value = venue_app_ping,
       .used_by = uses_app_ping},
      [](auto&, auto& f) -> auto& { return f.supervisor.app_ping_interval; }));
  add(field(
      {.path = "feeds[].pong_timeout",
       .unit = "time",
       .meaning = "supervisor.pong_timeout for this feed's connections",
       .default_text = "supervisor.pong_timeout",
       .venue_value = venue_pong_timeout},
      [](auto&, auto& f) -> auto& { return f.supervisor.pong_timeout; }));
  add(field(
      {.path = "feeds[].endpoints.ws",
       .meaning =
           "the WebSocket URL, or the base the venue's path is added to (a simulator, a proxy)",
       .example = "ws://127.0.0.1:9000/binance-spot",
       .venue_value = venue_ws_url,
       .check = check_ws_url},
      [](auto&, auto& f) -> auto& { return f.ws_url; }));
  add(field(
      {.path = "feeds[].endpoints.rest",
       .meaning = "the base of REST requests (book snapshots, trade backfill)",
       .example = "http://127.0.0.1:9000/binance-spot",
       .venue_value = venue_rest_url,
       .check = check_rest_url},
      [](auto&, auto& f) -> auto& { return f.rest_url; }));

  add(field(
      {.path = "sinks.files.enabled", .meaning = "record to files"},
      [](auto& c, auto&) -> auto& { return c.files.enabled; }));
  add(field(
      {.path = "sinks.files.dir",
       .meaning =
           "where recordings go: DIR/venue/channel/symbol/YYYY-MM-DD/HH.ndjson.zst; locked while a "
           "process records into it",
       .example = "/var/lib/steadyfeed"},
      [](auto& c, auto&) -> auto& { return c.files.dir; }));
  add(field(
      {.path = "sinks.files.flush_interval",
       .unit = "time",
       .meaning = "records are written out at least this often; a crash loses at most this much of "
                  "the tail"},
      [](auto& c, auto&) -> auto& { return c.files.flush_interval; }));
  add(field(
      {.path = "sinks.files.compression_level",
       .unit = "zstd level",
       .meaning = "higher is smaller and slower",
       .min = 1,
       .max = 19},
      [](auto& c, auto&) -> auto& { return c.files.compression_level; }));
  add(field(
      {.path = "sinks.files.fsync",
       .meaning = "fsync after each flush, so a power cut loses no flushed record"},
      [](auto& c, auto&) -> auto& { return c.files.fsync; }));
  add(field(
      {.path = "sinks.files.max_pending_bytes",
       .unit = "bytes",
       .meaning = "per stream, what is held in memory while writes fail (a full or read-only disk) and "
                  "written when they succeed again; what does not fit becomes a gap record",
       .min = 4096,
       .max = std::int64_t{1} << 34},
      [](auto& c, auto&) -> auto& { return c.files.max_pending_bytes; }));
  add(field(
      {.path = "sinks.stdout.enabled",
       .meaning = "write records to standard output, one JSON object a line"},
      [](auto& c, auto&) -> auto& { return c.stdout_sink.enabled; }));

  add(field(
      {.path = "sinks.nats.enabled",
       .meaning = "publish records to NATS JetStream, each with its identity as Nats-Msg-Id, so that "
                  "collectors on several machines make one stream (docs/scaling.md)"},
      [](auto& c, auto&) -> auto& { return c.nats.enabled; }));
  add(field(
      {.path = "sinks.nats.servers",
       .meaning = "the NATS servers: nats://HOST:PORT or tls://HOST:PORT; reconnects go to any of them",
       .example = "[nats://10.0.0.5:4222, nats://10.0.0.6:4222]",
       .check = check_nats_servers},
      [](auto& c, auto&) -> auto& { return c.nats.servers; }));
  add(field(
      {.path = "sinks.nats.subject_prefix",
       .meaning = "records go to PREFIX.venue.channel.symbol (names escaped: docs/scaling.md#subjects)",
       .example = "prod.md",
       .check = check_subject_prefix},
      [](auto& c, auto&) -> auto& { return c.nats.subject_prefix; }));
  add(field(
      {.path = "sinks.nats.max_in_flight",
       .unit = "records",
       .meaning = "records published and not yet acknowledged, at most",
       .min = 1,
       .max = 1'000'000},
      [](auto& c, auto&) -> auto& { return c.nats.max_in_flight; }));
  add(field(
      {.path = "sinks.nats.ack_timeout",
       .unit = "time",
       .meaning = "an acknowledgement later than this counts as a failure, and the record is sent again"},
      [](auto& c, auto&) -> auto& { return c.nats.ack_timeout; }));
  add(field(
      {.path = "sinks.nats.strict_order",
       .meaning = "this collector is the stream's only writer: the server refuses a record unless the one "
                  "written before it was stored, so records keep their order when a cluster's leader changes "
                  "(docs/scaling.md#order)"},
      [](auto& c, auto&) -> auto& { return c.nats.strict_order; }));
  add(field(
      {.path = "sinks.nats.memory_bytes",
       .unit = "bytes",
       .meaning = "records held in memory while NATS is slow or down, before the spool",
       .min = 0,
       .max = std::int64_t{1} << 34},
      [](auto& c, auto&) -> auto& { return c.nats.memory_bytes; }));
  add(field(
      {.path = "sinks.nats.drain_timeout",
       .unit = "time",
       .meaning = "at shutdown, how long to wait for NATS to take what is queued; the rest stays in the spool"},
      [](auto& c, auto&) -> auto& { return c.nats.drain_timeout; }));
  add(field(
      {.path = "sinks.nats.token",
       .meaning = "the server's token; empty: none",
       .secret = true,
       .check = check_token},
      [](auto& c, auto&) -> auto& { return c.nats.token; }));
  add(field(
      {.path = "sinks.nats.token_env",
       .meaning = "name of an environment variable holding the token instead",
       .example = "NATS_TOKEN"},
      [](auto& c, auto&) -> auto& { return c.nats.token_env; }));
  add(field(
      {.path = "sinks.nats.user", .meaning = "user name, with a password", .example = "collector"},
      [](auto& c, auto&) -> auto& { return c.nats.user; }));
  add(field(
      {.path = "sinks.nats.password", .meaning = "the user's password", .secret = true, .check = check_token},
      [](auto& c, auto&) -> auto& { return c.nats.password; }));
  add(field(
      {.path = "sinks.nats.password_env",
       .meaning = "name of an environment variable holding the password instead",
       .example = "NATS_PASSWORD"},
      [](auto& c, auto&) -> auto& { return c.nats.password_env; }));
  add(field(
      {.path = "sinks.nats.nkey",
       .meaning = "an NKey user's public key (U...), with nkey_seed_file",
       .example = "UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4"},
      [](auto& c, auto&) -> auto& { return c.nats.nkey; }));
  add(field(
      {.path = "sinks.nats.nkey_seed_file",
       .meaning = "the file holding that NKey's seed",
       .example = "/etc/steadyfeed/nats.nk"},
      [](auto& c, auto&) -> auto& { return c.nats.nkey_seed_file; }));
  add(field(
      {.path = "sinks.nats.creds_file",
       .meaning = "a .creds file (JWT and NKey seed)",
       .example = "/etc/steadyfeed/collector.creds"},
      [](auto& c, auto&) -> auto& { return c.nats.creds_file; }));
  add(field(
      {.path = "sinks.nats.tls.enabled", .meaning = "TLS to the servers (also on for tls:// URLs)"},
      [](auto& c, auto&) -> auto& { return c.nats.tls; }));
  add(field(
      {.path = "sinks.nats.tls.ca_file", .meaning = "CA certificates to trust", .example = "/etc/ssl/nats-ca.pem"},
      [](auto& c, auto&) -> auto& { return c.nats.tls_ca_file; }));
  add(field(
      {.path = "sinks.nats.tls.cert_file", .meaning = "client certificate, with key_file", .example = "/etc/steadyfeed/nats-client.pem"},
      [](auto& c, auto&) -> auto& { return c.nats.tls_cert_file; }));
  add(field(
      {.path = "sinks.nats.tls.key_file", .meaning = "the client certificate's key", .example = "/etc/steadyfeed/nats-client.key"},
      [](auto& c, auto&) -> auto& { return c.nats.tls_key_file; }));
  add(field(
      {.path = "sinks.nats.stream.name",
       .meaning = "the JetStream stream that holds the records",
       .example = "MD",
       .check = check_stream_name},
      [](auto& c, auto&) -> auto& { return c.nats.stream; }));
  add(field(
      {.path = "sinks.nats.stream.create",
       .meaning = "create the stream, or update it to these settings, at every connect; false: it must exist"},
      [](auto& c, auto&) -> auto& { return c.nats.create_stream; }));
  add(field(
      {.path = "sinks.nats.stream.storage",
       .meaning = "where the servers keep the stream",
       .choices = {"file", "memory"}},
      [](auto& c, auto&) -> auto& { return c.nats.storage; }));
  add(field(
      {.path = "sinks.nats.stream.replicas",
       .unit = "servers",
       .meaning = "copies of the stream in a cluster (3 survives a server's loss)",
       .min = 1,
       .max = 5},
      [](auto& c, auto&) -> auto& { return c.nats.replicas; }));
  add(field(
      {.path = "sinks.nats.stream.duplicate_window",
       .unit = "time",
       .meaning = "how long JetStream remembers a record's id: longer than the longest time two collectors "
                  "may differ by (an outage plus its spool's replay), or a late record is stored twice"},
      [](auto& c, auto&) -> auto& { return c.nats.duplicate_window; }));
  add(field(
      {.path = "sinks.nats.stream.max_age",
       .unit = "time",
       .meaning = "records older than this leave the stream; 0: kept",
       .zero_disables = true},
      [](auto& c, auto&) -> auto& { return c.nats.max_age; }));
  add(field(
      {.path = "sinks.nats.stream.max_bytes",
       .unit = "bytes",
       .meaning = "the stream's size limit (the oldest records go); -1: none",
       .min = -1,
       .max = std::int64_t{1} << 50},
      [](auto& c, auto&) -> auto& { return c.nats.max_bytes; }));
  add(field(
      {.path = "sinks.nats.spool.enabled",
       .meaning = "keep what NATS cannot take now on disk (else what passes memory_bytes becomes gap records)"},
      [](auto& c, auto&) -> auto& { return c.nats.spool; }));
  add(field(
      {.path = "sinks.nats.spool.dir",
       .meaning = "the spool's directory: crash-safe segments, sent first at the next start",
       .example = "/var/lib/steadyfeed/spool"},
      [](auto& c, auto&) -> auto& { return c.nats.spool_dir; }));
  add(field(
      {.path = "sinks.nats.spool.max_bytes",
       .unit = "bytes",
       .meaning = "the spool's size limit; records beyond it become gap records and a sink_error alert",
       .min = 1 << 20,
       .max = std::int64_t{1} << 44},
      [](auto& c, auto&) -> auto& { return c.nats.spool_max_bytes; }));

  add(field(
      {.path = "api.enabled", .meaning = "serve the HTTP API, metrics and dashboard"},
      [](auto& c, auto&) -> auto& { return c.api.enabled; }));
  add(field(
      {.path = "api.listen",
       .meaning = "HOST:PORT the API listens on; an address other machines reach needs api.token or "
                  "api.token_env",
       .example = "127.0.0.1:9100",
       .check = check_listen},
      [](auto& c, auto&) -> auto& { return c.api.listen; }));
  add(field(
      {.path = "api.token",
       .meaning = "bearer token required of mutating calls; empty: none required",
       .secret = true,
       .example = "s3cret",
       .check = check_token},
      [](auto& c, auto&) -> auto& { return c.api.token; }));
  add(field(
      {.path = "api.token_env",
       .meaning = "name of an environment variable holding the bearer token, so that the token stays out "
                  "of the file; used when api.token is empty",
       .example = "STEADYFEED_API_TOKEN"},
      [](auto& c, auto&) -> auto& { return c.api.token_env; }));
  add(field(
      {.path = "api.metrics_symbol_label",
       .meaning = "label stream metrics with the symbol too (one series per symbol: mind the "
                  "cardinality)"},
      [](auto& c, auto&) -> auto& { return c.api.metrics_symbol_label; }));

  add(field(
      {.path = "alerts.threshold",
       .unit = "failures",
       .meaning = "reconnect failures in a row before reconnect_failure is a warning (info before)",
       .min = 1,
       .max = 1000},
      [](auto& c, auto&) -> auto& { return c.alerts.threshold; }));
  add(field(
      {.path = "alerts.suppress",
       .unit = "time",
       .meaning = "the same alert (type, level, subject) again within this is counted, not raised"},
      [](auto& c, auto&) -> auto& { return c.alerts.suppress; }));
  add(field(
      {.path = "alerts.history",
       .unit = "alerts",
       .meaning = "alerts kept for GET /api/v1/alerts",
       .min = 1,
       .max = 1'000'000},
      [](auto& c, auto&) -> auto& { return c.alerts.history; }));
  add(field(
      {.path = "alerts.log_level",
       .meaning = "alerts at this level and above are logged",
       .choices = {"info", "warning", "critical"},
       .noun = "level"},
      [](auto& c, auto&) -> auto& { return c.alerts.log_level; }));
  add(field(
      {.path = "alerts.webhook.url",
       .meaning = "POST each alert as JSON here (http:// or https://); empty: no webhook",
       .example = "http://127.0.0.1:9000/alerts",
       .check = check_webhook_url},
      [](auto& c, auto&) -> auto& { return c.alerts.webhook_url; }));
  add(field(
      {.path = "alerts.webhook.level",
       .meaning = "alerts at this level and above go to the webhook",
       .choices = {"info", "warning", "critical"},
       .noun = "level"},
      [](auto& c, auto&) -> auto& { return c.alerts.webhook_level; }));
  add(field(
      {.path = "alerts.webhook.timeout",
       .unit = "time",
       .meaning = "how long one delivery may take before it is retried"},
      [](auto& c, auto&) -> auto& { return c.alerts.webhook_timeout; }));
  add(field(
      {.path = "alerts.webhook.queue",
       .unit = "alerts",
       .meaning = "alerts waiting for the webhook; when full, the oldest is dropped (and counted)",
       .min = 2,
       .max = 1'000'000},
      [](auto& c, auto&) -> auto& { return c.alerts.webhook_queue; }));
  add(field(
      {.path = "alerts.webhook.max_attempts",
       .unit = "attempts",
       .meaning = "deliveries of one alert, with backoff between them, before it is dropped (and counted)",
       .min = 1,
       .max = 100},
      [](auto& c, auto&) -> auto& { return c.alerts.webhook_max_attempts; }));

  add(field(
      {.path = "log.level",
       .meaning = "events at this level and above are logged when they happen; info shows every "
                  "state change",
       .choices = {"info", "notice", "warning", "critical"},
       .noun = "level"},
      [](auto& c, auto&) -> auto& { return c.log.level; }));
  add(field(
      {.path = "log.format",
       .meaning = "text lines, or JSON lines (time, level, message, and the connection and event kind "
                  "where there is one) for a log pipeline",
       .choices = {"text", "json"}},
      [](auto& c, auto&) -> auto& { return c.log.format; }));
  add(field(
      {.path = "log.report_interval",
       .unit = "time",
       .meaning = "a report of every connection (state, quality score, ping latency, stability, error "
                  "rate, connections and disconnections, reconnect success, uptime and downtime) is "
                  "logged this often",
       .zero_disables = true},
      [](auto& c, auto&) -> auto& { return c.log.report_interval; }));
  return keys;
}

}  // namespace

std::string_view config_key::section() const noexcept {
  const auto dot = path.rfind('.');
  return dot == std::string_view::npos ? std::string_view{} : path.substr(0, dot);
}

std::string_view config_key::name() const noexcept {
  const auto dot = path.rfind('.');
  return dot == std::string_view::npos ? path : path.substr(dot + 1);
}

const std::vector<config_key>& config_keys() {
  static const std::vector<config_key> keys = make_table();
  return keys;
}

const config_key* find_config_key(std::string_view path) {
  const auto& keys = config_keys();
  const auto it =
      std::find_if(keys.begin(), keys.end(), [&](const config_key& k) { return k.path == path; });
  return it == keys.end() ? nullptr : &*it;
}

std::vector<std::string_view> section_names(std::string_view section) {
  std::vector<std::string_view> names;
  for (const auto& k : config_keys()) {
    std::string_view rest = k.path;
    if (!section.empty()) {
      if (!rest.starts_with(section) || rest.size() <= section.size() ||
          rest[section.size()] != '.')
        continue;
      rest.remove_prefix(section.size() + 1);
    }
    std::string_view name = rest.substr(0, rest.find('.'));
    if (name.ends_with("[]")) name.remove_suffix(2);
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  return names;
}

std::string format_value(const config_value& value) {
  struct print {
    std::string operator()(std::monostate) const { return {}; }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(std::int64_t i) const { return fmt::format("{}", i); }
    // Shortest text that reads back to the same double.
    std::string operator()(double d) const { return fmt::format("{}", d); }
    std::string operator()(duration d) const { return format_duration(d); }
    std::string operator()(const std::string& s) const {
      YAML::Emitter out;
      out << s;
      return out.c_str();
    }
    std::string operator()(const std::vector<std::string>& list) const {
      YAML::Emitter out;
      out << YAML::Flow << list;
      return out.c_str();
    }
  };
  return std::visit(print{}, value);
}

std::string format_venue_value(const config_key& key, const config_value& value) {
  if (const auto* d = std::get_if<duration>(&value); d && d->count() == 0 && !key.zero_disables)
    return "none";
  return format_value(value);
}

std::string describe_default(const config_key& key) {
  if (!key.required.empty()) return "required";
  if (!key.default_text.empty()) return std::string(key.default_text);
  if (key.venue_value) return "the venue's own";
  return format_value(key.get(daemon_config{}, feed_config{}));
}

}  // namespace sf::daemon
