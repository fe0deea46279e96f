// A command-line flag of one venue's own: its name, help and default, and
// how its text sets the venue's settings.
//
// A dialect declares its flags (dialect::flags) and the command line adds
// them, so a venue brings its flags with it. The text is checked after
// parsing rather than by the parser, so that every problem on a command line
// is reported at once, each naming its flag. The default text is applied too
// when the flag is not given, as the other flags' defaults are.
//
// Thread safety: plain values; `apply` touches only the settings it is given.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/venue_settings.hpp"

namespace sf::sim {

struct venue_flag {
  std::string name;  // "--idle-timeout"
  std::string help;
  std::string default_text;  // "30s"
  // Sets the value in `settings`; the problem (without the flag's name) when
  // `text` is not a valid value, and then `settings` is unchanged.
  std::function<std::optional<std::string>(const std::string& text, venue_settings& settings)>
      apply;
};

// Checks an option's text; the problem, or nullopt when the text is valid.
using option_check = std::function<std::optional<std::string>(std::string_view text)>;

// A flag setting one duration of the venue's session limits.
venue_flag limit_flag(std::string name, std::string help, std::string default_text,
                      duration session_limits::*field);
// A flag setting the venue's option `option` to its text, once `check` passes it.
venue_flag option_flag(std::string name, std::string help, std::string default_text,
                       std::string option, option_check check);

// Checks for options: a duration ("500ms", "30s"), or one of a few words.
std::optional<std::string> duration_problem(std::string_view text);
option_check one_of(std::vector<std::string> choices);

}  // namespace sf::sim
