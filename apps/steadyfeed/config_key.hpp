// One key of the daemon's configuration file, and the table of all of them.
//
// The table is the one description of the file. The loader accepts exactly
// its keys (anything else is an unknown key) and reads each by the type the
// table gives; check-config prints each with its resolved value; and
// docs/configuration.md is generated from it (`steadyfeed config-reference`).
// So a key cannot be documented and ignored, or read and undocumented, and a
// default shown to the operator is the default the loader uses: defaults are
// read from the configuration structs themselves, never retyped here.
//
// Each key reaches its setting through a pair of functions on the daemon's
// configuration and, for keys under `feeds[]`, the feed being read. What is
// not a plain value (the profile that replaces every supervisor setting, the
// jitter mode's names) is said by those functions; rules that tie keys
// together (a venue's spelling of a symbol, one stream in one feed) stay in
// the loader.
//
// Thread safety: the table is built once, on first use, and only read after.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config.hpp"
#include "steadyfeed/venue/venue_adapter.hpp"

namespace sf::daemon {

enum class key_type : std::uint8_t {
  duration,  // "500ms", "30s", "5m", "24h", "1h30m"
  integer,   // within [min, max]
  number,    // within [low, high]
  boolean,   // true or false (yes/no, on/off)
  string,
  list,    // of strings; a lone value may stand for a list of one
  choice,  // one of `choices`
};

// A setting's value as the loader reads it and check-config prints it.
// monostate: not set (the venue's own value, or one per core, applies).
using config_value = std::variant<std::monostate, bool, std::int64_t, double, duration, std::string,
                                  std::vector<std::string>>;

struct config_key {
  // Dotted, with `feeds[]` for a key of every feed: "supervisor.backoff.initial",
  // "feeds[].endpoints.ws".
  std::string_view path{};
  key_type type = key_type::string;
  std::string_view unit{};     // "connections", "fraction"; empty for strings and switches
  std::string_view meaning{};  // one line, for the operator

  // integer
  std::int64_t min = 0;
  std::int64_t max = 0;
  // number
  double low = 0;
  double high = 0;
  // duration: 0 is allowed and switches the thing off.
  bool zero_disables = false;
  // choice, and the items of a list: the values allowed, and what one is
  // called in "unknown venue 'x' (known: ...)". Without a noun the problem
  // reads "expected a, b or c, got 'x'".
  std::vector<std::string> choices{};
  std::string_view noun{};
  // The problem said when the key is missing or empty; empty: not required.
  std::string_view required{};
  // Never printed: check-config shows hidden_value in its place.
  bool secret = false;
  // What the default is when it is not a value of the structs (derived by
  // the loader, or one per core).
  std::string_view default_text{};
  // A valid value other than the default, shown in the reference.
  std::string_view example{};
  // Keys whose unset value is the venue's own: that value, for the feed's
  // venue (its adapter built with the feed's endpoints).
  config_value (*venue_value)(const venue_adapter&) = nullptr;
  // Keys some venues ignore: whether this one uses it.
  bool (*used_by)(const venue_adapter&) = nullptr;
  // A problem with a well-typed value ("'http://x' is not a ws:// or wss://
  // URL"); empty when it is fine.
  std::string (*check)(const config_value&) = nullptr;

  // The setting itself. Keys under feeds[] read and write `feed`; the others
  // read and write `config`.
  config_value (*get)(const daemon_config& config, const feed_config& feed) = nullptr;
  void (*set)(daemon_config& config, feed_config& feed, const config_value& value) = nullptr;

  bool per_feed() const noexcept { return path.starts_with("feeds[]."); }
  // Keys whose value starts from the profile (profile.hpp): every
  // supervisor key but the profile itself, and alerts.threshold.
  bool profiled() const noexcept {
    return (path.starts_with("supervisor.") && path != "supervisor.profile") || path == "alerts.threshold";
  }
  // "supervisor.backoff" for "supervisor.backoff.initial"; "" at the top.
  std::string_view section() const noexcept;
  // "initial" for "supervisor.backoff.initial".
  std::string_view name() const noexcept;
};

// Every key, in the order check-config prints them and the reference lists
// them: sections are contiguous, a section's own keys before its subsections.
const std::vector<config_key>& config_keys();

// The key at `path`, or nullptr.
const config_key* find_config_key(std::string_view path);

// The names a mapping at `section` may hold: its keys and its subsections,
// in table order ("feeds[]" for the feeds, "" for the top).
std::vector<std::string_view> section_names(std::string_view section);

// What check-config prints in place of a secret, and the loader refuses: a
// printed configuration fed back in must not run without its token unnoticed.
inline constexpr std::string_view hidden_value = "<hidden>";

// A value as written in the file: "30s", "0.25", "true", "[trades, book]".
// Strings are quoted where YAML would read them otherwise.
std::string format_value(const config_value& value);

// A venue's own value of `key`: as format_value, except that a zero
// duration the key cannot be set to reads "none" (a venue that never cuts).
std::string format_venue_value(const config_key& key, const config_value& value);

// The default as the reference and check-config say it: "required", the
// key's default_text, "the venue's own", or the value a default-constructed
// configuration holds.
std::string describe_default(const config_key& key);

}  // namespace sf::daemon
