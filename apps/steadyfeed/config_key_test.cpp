#include "config_key.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <yaml-cpp/yaml.h>

#include <map>
#include <set>

namespace sf::daemon {
namespace {

// Valid on its own; stdout is on so that either sink may be switched off.
constexpr std::string_view base_yaml =
    "feeds:\n  - venue: binance-spot\n    symbols: [BTCUSDT]\nsinks:\n  stdout: {enabled: true}\n";

config_value value_in(const config_key& key, const daemon_config& c) {
  return key.get(c, key.per_feed() ? c.feeds.at(0) : feed_config{});
}

// A valid value of `key` other than `now`, from the key's own description:
// its example, another choice, another number in range, a longer duration.
std::optional<config_value> other_value(const config_key& key, const config_value& now) {
  if (!key.example.empty()) {
    const YAML::Node n = YAML::Load(std::string(key.example));
    switch (key.type) {
      case key_type::list:
        return n.as<std::vector<std::string>>();
      case key_type::integer:
        return n.as<std::int64_t>();
      case key_type::number:
        return n.as<double>();
      case key_type::duration:
        if (const auto d = parse_duration(n.Scalar())) return *d;
        return std::nullopt;
      default:
        return n.Scalar();
    }
  }
  switch (key.type) {
    case key_type::duration:
      if (const auto* d = std::get_if<duration>(&now)) return *d + seconds{7};
      return seconds{90};
    case key_type::integer:
      return now == config_value{key.min} ? key.min + 1 : key.min;
    case key_type::number:
      return now == config_value{key.low} ? (key.low + key.high) / 2 : key.low;
    case key_type::boolean:
      return !std::get<bool>(now);
    case key_type::choice:
      for (const auto& c : key.choices)
        if (now != config_value{c}) return c;
      break;
    case key_type::list:
      for (const auto& c : key.choices)
        if (now != config_value{std::vector<std::string>{c}}) return std::vector<std::string>{c};
      break;
    case key_type::string:
      break;
  }
  return std::nullopt;
}

// Sets `path` (dotted; under the first feed for feeds[] keys) in `root`.
void set_path(YAML::Node root, std::string_view path, const std::string& yaml_value) {
  YAML::Node at = root;
  if (path.starts_with("feeds[].")) {
    at.reset(root["feeds"][0]);
    path.remove_prefix(std::string_view("feeds[].").size());
  }
  for (auto dot = path.find('.'); dot != std::string_view::npos; dot = path.find('.')) {
    YAML::Node next = at[std::string(path.substr(0, dot))];
    at.reset(next);
    path.remove_prefix(dot + 1);
  }
  at[std::string(path)] = YAML::Load(yaml_value);
}

// `base_yaml` with `key` set to `value`, and the key that must go with it
// (a password's user, an NKey's seed file, a certificate's key).
std::string with(const config_key& key, const config_value& value) {
  static const std::map<std::string_view, std::pair<std::string_view, std::string>> companions{
      {"sinks.nats.password_env", {"sinks.nats.user", "collector"}},
      {"sinks.nats.nkey", {"sinks.nats.nkey_seed_file", "/etc/nats.nk"}},
      {"sinks.nats.nkey_seed_file", {"sinks.nats.nkey", "UABC"}},
      {"sinks.nats.tls.cert_file", {"sinks.nats.tls.key_file", "/etc/k.pem"}},
      {"sinks.nats.tls.key_file", {"sinks.nats.tls.cert_file", "/etc/c.pem"}},
  };
  YAML::Node root = YAML::Load(std::string(base_yaml));
  set_path(root, key.path, format_value(value));
  if (const auto it = companions.find(key.path); it != companions.end())
    set_path(root, it->second.first, it->second.second);
  YAML::Emitter out;
  out << root;
  return out.c_str();
}

// Every key of the table is read into its setting and printed by
// check-config so that it reads back: a key listed but not read, or read but
// not printed, fails here by name.
TEST(ConfigKeys, EveryKeyIsReadIntoItsSettingAndPrintedSoThatItReadsBack) {
  const daemon_config base = parse_config(base_yaml, "base.yaml");
  ::setenv("STEADYFEED_API_TOKEN", "from-env", 1);  // api.token_env's example names it
  ::setenv("NATS_TOKEN", "from-env", 1);            // and sinks.nats.token_env's
  ::setenv("NATS_PASSWORD", "from-env", 1);
  for (const auto& key : config_keys()) {
    if (key.secret) continue;  // never printed; see ASecretIsNeverPrinted...
    SCOPED_TRACE(std::string(key.path));
    const config_value before = value_in(key, base);
    const auto value = other_value(key, before);
    ASSERT_TRUE(value)
        << "give the key an example: no other valid value can be told from its description";
    ASSERT_TRUE(*value != before);
    const std::string yaml = with(key, *value);
    daemon_config read;
    ASSERT_NO_THROW(read = parse_config(yaml, "set.yaml")) << yaml;
    EXPECT_EQ(format_value(value_in(key, read)), format_value(*value)) << yaml;
    EXPECT_TRUE(value_in(key, read) == *value) << yaml;
    const std::string printed = to_yaml(read);
    daemon_config again;
    ASSERT_NO_THROW(again = parse_config(printed, "printed.yaml")) << printed;
    EXPECT_TRUE(value_in(key, again) == *value) << printed;
    EXPECT_EQ(to_yaml(again), printed);
  }
}

// The table's functions reach the fields they name: each key is set here to
// a value of its own and the field itself is read, so that two keys sharing a
// field, or a key writing a field nothing uses, fail. The file sets every key
// of the table, so that a new key is added here too.
TEST(ConfigKeys, EveryKeyReachesTheFieldItNames) {
  const std::string yaml = R"(workers: 5
supervisor:
  connect_timeout: 11s
  idle_timeout: 12s
  rotation_margin: 13s
  lifetime: 14h
  ws_ping_interval: 15s
  app_ping_interval: 16s
  pong_timeout: 17s
  overlap_timeout: 18s
  ack_timeout: 19s
  stale_min: 20s
  stale_max: 21m
  stale_factor: 22
  journal_capacity: 23
  health_check_interval: 50s
  reconnect_cluster: 51
  reconnect_cluster_window: 52m
  backoff: {initial: 24ms, max: 25s, multiplier: 2.6, jitter: 0.27, jitter_mode: none, max_attempts: 28,
            reset_after: 29s}
  on_retries_exhausted: stop
  profile: development  # last, and still the base the keys above override
feeds:
  - id: f30
    venue: okx
    symbols: [BTC-USDT, ETH-USDT]
    channels: [book]
    redundancy: 3
    lifetime: 31m
    rotation_margin: 32s
    ws_ping_interval: 33s
    app_ping_interval: 34s
    pong_timeout: 35s
    endpoints: {ws: "ws://127.0.0.1:36/okx", rest: "http://127.0.0.1:37/okx"}
sinks:
  files: {enabled: false, dir: d38, flush_interval: 39ms, compression_level: 4, fsync: true,
          max_pending_bytes: 40000}
  stdout: {enabled: true}
  nats: {enabled: true, servers: ["nats://127.0.0.1:60", "tls://127.0.0.1:61"], subject_prefix: p62.md,
         max_in_flight: 63, ack_timeout: 64s, strict_order: true, memory_bytes: 65, drain_timeout: 66s, token_env: STEADYFEED_KEY_TEST_T67,
         tls: {enabled: true, ca_file: ca68, cert_file: c69, key_file: k70},
         stream: {name: S71, create: false, storage: memory, replicas: 3, duplicate_window: 72m, max_age: 73h,
                  max_bytes: 74000},
         spool: {enabled: false, dir: d75, max_bytes: 76000000}}
api: {enabled: false, listen: "10.0.0.1:41", token_env: STEADYFEED_KEY_TEST_T42, metrics_symbol_label: true}
alerts: {threshold: 43, suppress: 44s, history: 45, log_level: critical,
         webhook: {url: "http://127.0.0.1:46/h", level: info, timeout: 47s, queue: 48, max_attempts: 49}}
log: {level: notice, format: json, report_interval: 53s}
queue_bytes: 1048576
gather: 54us
)";
  std::set<std::string> written;
  const auto walk = [&](auto&& self, const YAML::Node& n, const std::string& at) -> void {
    for (const auto& kv : n) {
      const std::string path = (at.empty() ? "" : at + ".") + kv.first.Scalar();
      if (kv.second.IsMap())
        self(self, kv.second, path);
      else if (path == "feeds")
        self(self, kv.second[0], "feeds[]");
      else
        written.insert(path);
    }
  };
  walk(walk, YAML::Load(yaml), "");
  // The other ways to log in to NATS exclude the token: files of their own.
  const std::string user_yaml = std::string(base_yaml) + "  nats: {user: u77, password_env: STEADYFEED_KEY_TEST_P78}\n";
  const std::string nkey_yaml = std::string(base_yaml) + "  nats: {nkey: U79, nkey_seed_file: s80, creds_file: c81}\n";
  walk(walk, YAML::Load(user_yaml), "");
  walk(walk, YAML::Load(nkey_yaml), "");
  // api.token and api.token_env exclude each other: the token is read from
  // the variable the second names, into the field the first names.
  ::setenv("STEADYFEED_KEY_TEST_T42", "t42", 1);
  ::setenv("STEADYFEED_KEY_TEST_T67", "t67", 1);
  ::setenv("STEADYFEED_KEY_TEST_P78", "p78", 1);
  written.insert("api.token");
  written.insert("sinks.nats.token");
  written.insert("sinks.nats.password");
  for (const auto& key : config_keys())
    EXPECT_TRUE(written.contains(std::string(key.path))) << key.path;
  EXPECT_EQ(written.size(), config_keys().size());

  const auto c = parse_config(yaml, "all.yaml");
  EXPECT_EQ(c.workers, 5u);
  EXPECT_EQ(c.profile, "development");
  const auto& s = c.supervisor;
  EXPECT_EQ(s.connect_timeout, seconds{11});
  EXPECT_EQ(s.idle_timeout, seconds{12});
  EXPECT_EQ(s.rotation_margin, seconds{13});
  EXPECT_EQ(s.lifetime, hours{14});
  EXPECT_EQ(s.ws_ping_interval, seconds{15});
  EXPECT_EQ(s.app_ping_interval, seconds{16});
  EXPECT_EQ(s.pong_timeout, seconds{17});
  EXPECT_EQ(s.overlap_timeout, seconds{18});
  EXPECT_EQ(s.ack_timeout, seconds{19});
  EXPECT_EQ(s.stale_min, seconds{20});
  EXPECT_EQ(s.stale_max, minutes{21});
  EXPECT_EQ(s.stale_factor, 22);
  EXPECT_EQ(s.journal_capacity, 23u);
  EXPECT_EQ(s.health_check_interval, seconds{50});
  EXPECT_EQ(s.reconnect_cluster, 51);
  EXPECT_EQ(s.reconnect_cluster_window, minutes{52});
  EXPECT_EQ(s.backoff.initial, milliseconds{24});
  EXPECT_EQ(s.backoff.max, seconds{25});
  EXPECT_EQ(s.backoff.multiplier, 2.6);
  EXPECT_EQ(s.backoff.jitter_fraction, 0.27);
  EXPECT_EQ(s.backoff.jitter, jitter_mode::none);
  EXPECT_EQ(s.backoff.max_attempts, 28);
  EXPECT_EQ(s.backoff.reset_after, seconds{29});
  // The profile's own settings that no key overrides came along.
  EXPECT_EQ(s.overlap_buffer_messages,
            supervisor_config::profile("development")->overlap_buffer_messages);
  ASSERT_EQ(c.feeds.size(), 1u);
  const auto& f = c.feeds[0];
  EXPECT_EQ(f.id, "f30");
  EXPECT_EQ(f.venue, "okx");
  EXPECT_EQ(f.symbols, (std::vector<std::string>{"BTC-USDT", "ETH-USDT"}));
  EXPECT_EQ(f.channels, std::vector<std::string>{"book"});
  EXPECT_EQ(f.redundancy, 3);
  EXPECT_EQ(f.supervisor.lifetime, minutes{31});
  EXPECT_EQ(f.supervisor.rotation_margin, seconds{32});
  EXPECT_EQ(f.supervisor.ws_ping_interval, seconds{33});
  EXPECT_EQ(f.supervisor.app_ping_interval, seconds{34});
  EXPECT_EQ(f.supervisor.pong_timeout, seconds{35});
  EXPECT_EQ(f.supervisor.connect_timeout, seconds{11});  // the rest from the supervisor section
  EXPECT_EQ(f.ws_url, "ws://127.0.0.1:36/okx");
  EXPECT_EQ(f.rest_url, "http://127.0.0.1:37/okx");
  EXPECT_FALSE(c.files.enabled);
  EXPECT_EQ(c.files.dir, "d38");
  EXPECT_EQ(c.files.flush_interval, milliseconds{39});
  EXPECT_EQ(c.files.compression_level, 4);
  EXPECT_TRUE(c.files.fsync);
  EXPECT_EQ(c.files.max_pending_bytes, 40000);
  EXPECT_TRUE(c.stdout_sink.enabled);
  EXPECT_FALSE(c.api.enabled);
  EXPECT_EQ(c.api.listen, "10.0.0.1:41");
  EXPECT_EQ(c.api.token, "t42");
  EXPECT_EQ(c.api.token_env, "STEADYFEED_KEY_TEST_T42");
  EXPECT_TRUE(c.api.metrics_symbol_label);
  EXPECT_EQ(c.supervisor.on_retries_exhausted, retries_exhausted_action::stop);
  EXPECT_EQ(c.alerts.threshold, 43);
  EXPECT_EQ(c.alerts.suppress, seconds{44});
  EXPECT_EQ(c.alerts.history, 45);
  EXPECT_EQ(c.alerts.log_level, "critical");
  EXPECT_EQ(c.alerts.webhook_url, "http://127.0.0.1:46/h");
  EXPECT_EQ(c.alerts.webhook_level, "info");
  EXPECT_EQ(c.alerts.webhook_timeout, seconds{47});
  EXPECT_EQ(c.alerts.webhook_queue, 48);
  EXPECT_EQ(c.alerts.webhook_max_attempts, 49);
  EXPECT_EQ(c.log.level, "notice");
  EXPECT_EQ(c.log.format, "json");
  EXPECT_EQ(c.log.report_interval, seconds{53});
  EXPECT_EQ(c.queue_bytes, 1048576);
  EXPECT_EQ(c.gather, microseconds{54});
  const auto& n = c.nats;
  EXPECT_TRUE(n.enabled);
  EXPECT_EQ(n.servers, (std::vector<std::string>{"nats://127.0.0.1:60", "tls://127.0.0.1:61"}));
  EXPECT_EQ(n.subject_prefix, "p62.md");
  EXPECT_EQ(n.max_in_flight, 63);
  EXPECT_EQ(n.ack_timeout, seconds{64});
  EXPECT_TRUE(n.strict_order);
  EXPECT_EQ(n.memory_bytes, 65);
  EXPECT_EQ(n.drain_timeout, seconds{66});
  EXPECT_EQ(n.token, "t67");
  EXPECT_EQ(n.token_env, "STEADYFEED_KEY_TEST_T67");
  EXPECT_TRUE(n.tls);
  EXPECT_EQ(n.tls_ca_file, "ca68");
  EXPECT_EQ(n.tls_cert_file, "c69");
  EXPECT_EQ(n.tls_key_file, "k70");
  EXPECT_EQ(n.stream, "S71");
  EXPECT_FALSE(n.create_stream);
  EXPECT_EQ(n.storage, "memory");
  EXPECT_EQ(n.replicas, 3);
  EXPECT_EQ(n.duplicate_window, minutes{72});
  EXPECT_EQ(n.max_age, hours{73});
  EXPECT_EQ(n.max_bytes, 74000);
  EXPECT_FALSE(n.spool);
  EXPECT_EQ(n.spool_dir, "d75");
  EXPECT_EQ(n.spool_max_bytes, 76000000);
  const auto u = parse_config(user_yaml, "user.yaml").nats;
  EXPECT_EQ(u.user, "u77");
  EXPECT_EQ(u.password, "p78");
  EXPECT_EQ(u.password_env, "STEADYFEED_KEY_TEST_P78");
  EXPECT_THROW(parse_config(nkey_yaml, "nkey.yaml"), config_error) << "two ways to log in";
  const auto k = parse_config(std::string(base_yaml) + "  nats: {nkey: U79, nkey_seed_file: s80}\n", "nkey.yaml").nats;
  EXPECT_EQ(k.nkey, "U79");
  EXPECT_EQ(k.nkey_seed_file, "s80");
  EXPECT_EQ(parse_config(std::string(base_yaml) + "  nats: {creds_file: c81}\n", "creds.yaml").nats.creds_file, "c81");
}

// The loader's known keys are the table's: anything else, in any mapping, is
// refused naming what is known there.
TEST(ConfigKeys, EveryMappingRefusesAKeyTheTableDoesNotHave) {
  std::set<std::string_view> sections;
  for (const auto& key : config_keys()) sections.insert(key.section());
  ASSERT_TRUE(sections.contains("supervisor.backoff"));
  ASSERT_TRUE(sections.contains("feeds[].endpoints"));
  for (const auto section : sections) {
    SCOPED_TRACE(std::string(section));
    YAML::Node root = YAML::Load(std::string(base_yaml));
    std::string_view path = section;
    std::string shown;
    YAML::Node at = root;
    if (path.starts_with("feeds[]")) {
      at.reset(root["feeds"][0]);
      path.remove_prefix(std::min(path.size(), std::string_view("feeds[].").size()));
      shown = "feeds[0]";
    }
    while (!path.empty()) {
      const auto dot = std::min(path.find('.'), path.size());
      const std::string name(path.substr(0, dot));
      YAML::Node next = at[name];
      at.reset(next);
      shown += (shown.empty() ? "" : ".") + name;
      path.remove_prefix(std::min(path.size(), dot + 1));
    }
    at["bogus"] = "1";
    YAML::Emitter out;
    out << root;
    std::string known;
    for (const auto name : section_names(section))
      known += (known.empty() ? "" : ", ") + std::string(name);
    const std::string expected =
        (shown.empty() ? "" : shown + ".") + "bogus: unknown key (known: " + known + ")";
    try {
      parse_config(out.c_str(), "t.yaml");
      ADD_FAILURE() << "accepted:\n" << out.c_str();
    } catch (const config_error& e) {
      EXPECT_NE(std::string(e.what()).find(expected), std::string::npos)
          << e.what() << "\nexpected: " << expected;
    }
  }
}

// check-config never prints the API token, and what it prints in its place
// is refused when read back: a printed configuration fed back in never runs
// without its token unnoticed.
TEST(ConfigKeys, ASecretIsNeverPrintedAndItsPlaceholderIsRefused) {
  const auto c = parse_config(std::string(base_yaml) + "api: {token: s3cret}\n", "t.yaml");
  EXPECT_EQ(c.api.token, "s3cret");
  const std::string printed = to_yaml(c);
  EXPECT_EQ(printed.find("s3cret"), std::string::npos) << printed;
  EXPECT_NE(printed.find(fmt::format("  token: {}\n", hidden_value)), std::string::npos) << printed;
  try {
    parse_config(printed, "printed.yaml");
    FAIL() << "the placeholder was taken for a token";
  } catch (const config_error& e) {
    EXPECT_NE(
        std::string(e.what()).find("api.token: '<hidden>' stands where check-config hid the token"),
        std::string::npos)
        << e.what();
  }
  // No token: nothing hidden, and it reads back as none.
  const std::string open = to_yaml(parse_config(base_yaml, "t.yaml"));
  EXPECT_NE(open.find("  token: \"\"\n"), std::string::npos) << open;
  EXPECT_EQ(parse_config(open, "again.yaml").api.token, "");
}

TEST(ConfigKeys, EveryKeyIsDescribedOnceWithAMeaningADefaultAndItsBounds) {
  std::set<std::string_view> paths;
  for (const auto& key : config_keys()) {
    SCOPED_TRACE(std::string(key.path));
    EXPECT_TRUE(paths.insert(key.path).second) << "listed twice";
    EXPECT_FALSE(key.meaning.empty());
    EXPECT_FALSE(describe_default(key).empty());
    EXPECT_TRUE(key.get && key.set);
    if (key.type == key_type::duration || key.type == key_type::integer ||
        key.type == key_type::number) {
      EXPECT_FALSE(key.unit.empty());
    }
    if (key.type == key_type::integer) {
      EXPECT_LT(key.min, key.max);
    }
    if (key.type == key_type::number) {
      EXPECT_LT(key.low, key.high);
    }
    if (key.type == key_type::choice) {
      EXPECT_GE(key.choices.size(), 2u);
    }
    // A default the loader would refuse is no default.
    const config_value d = key.get(daemon_config{}, feed_config{});
    if (const auto* i = std::get_if<std::int64_t>(&d)) {
      EXPECT_GE(*i, key.min);
      EXPECT_LE(*i, key.max);
    }
    if (const auto* x = std::get_if<double>(&d)) {
      EXPECT_GE(*x, key.low);
      EXPECT_LE(*x, key.high);
    }
    if (key.type == key_type::choice && key.required.empty()) {
      EXPECT_NE(std::find(key.choices.begin(), key.choices.end(), std::get<std::string>(d)),
                key.choices.end());
    }
  }
}

TEST(ConfigKeys, TheDefaultsShownAreTheStructsDefaults) {
  // The supervisor's: those of the default profile.
  EXPECT_EQ(describe_default(*find_config_key("supervisor.backoff.initial")),
            format_duration(supervisor_config::profile(daemon_config{}.profile)->backoff.initial));
  EXPECT_EQ(describe_default(*find_config_key("supervisor.idle_timeout")),
            format_duration(supervisor_config::profile(daemon_config{}.profile)->idle_timeout));
  EXPECT_EQ(describe_default(*find_config_key("sinks.files.dir")), files_sink_settings{}.dir);
  EXPECT_EQ(describe_default(*find_config_key("api.listen")), api_settings{}.listen);
  EXPECT_EQ(describe_default(*find_config_key("supervisor.profile")), daemon_config{}.profile);
  EXPECT_EQ(describe_default(*find_config_key("supervisor.pong_timeout")), "the venue's own");
  EXPECT_EQ(describe_default(*find_config_key("feeds[].venue")), "required");
}

TEST(ConfigKeys, SectionNamesListKeysAndSubsectionsInTableOrder) {
  const auto top = section_names("");
  EXPECT_EQ(top, (std::vector<std::string_view>{"workers", "queue_bytes", "gather", "supervisor", "feeds", "sinks", "api", "alerts", "log"}));
  EXPECT_EQ(section_names("feeds[].endpoints"), (std::vector<std::string_view>{"ws", "rest"}));
  const auto supervisor = section_names("supervisor");
  EXPECT_EQ(supervisor.front(),
            "profile");  // read first: it replaces every other supervisor setting
  EXPECT_NE(std::find(supervisor.begin(), supervisor.end(), "backoff"), supervisor.end());
  EXPECT_TRUE(section_names("nowhere").empty());
}

TEST(ConfigKeys, ValuesAreWrittenAsTheLoaderReadsThem) {
  EXPECT_EQ(format_value(config_value{milliseconds{1500}}), "1500ms");
  EXPECT_EQ(format_value(config_value{0.25}), "0.25");
  EXPECT_EQ(format_value(config_value{2.0}), "2");
  EXPECT_EQ(format_value(config_value{std::int64_t{-1}}), "-1");
  EXPECT_EQ(format_value(config_value{false}), "false");
  EXPECT_EQ(format_value(config_value{std::string{}}), "\"\"");
  EXPECT_EQ(format_value(config_value{std::string{"a: b"}}), "\"a: b\"");
  EXPECT_EQ(format_value(config_value{std::vector<std::string>{"BTCUSDT", "a,b"}}),
            "[BTCUSDT, \"a,b\"]");
  const auto& lifetime = *find_config_key("feeds[].lifetime");
  EXPECT_EQ(format_venue_value(lifetime, duration{0}),
            "none");  // a lifetime cannot be 0: the venue never cuts
  EXPECT_EQ(format_venue_value(*find_config_key("feeds[].ws_ping_interval"), duration{0}), "0");
}

}  // namespace
}  // namespace sf::daemon
