#include "sim/venue_flag.hpp"

#include "sim/duration_text.hpp"
#include "sim/word_list.hpp"

namespace sf::sim {

venue_flag limit_flag(std::string name, std::string help, std::string default_text,
                      duration session_limits::*field) {
  return {std::move(name), std::move(help), std::move(default_text),
          [field](const std::string& text, venue_settings& settings) -> std::optional<std::string> {
            const auto d = parse_duration(text);
            if (!d) return duration_problem(text);
            settings.rules.limits.*field = *d;
            return std::nullopt;
          }};
}

venue_flag option_flag(std::string name, std::string help, std::string default_text,
                       std::string option, option_check check) {
  return {std::move(name), std::move(help), std::move(default_text),
          [option = std::move(option), check = std::move(check)](
              const std::string& text, venue_settings& settings) -> std::optional<std::string> {
            if (auto problem = check(text)) return problem;
            settings.options.insert_or_assign(option, text);
            return std::nullopt;
          }};
}

namespace {

std::string quoted(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '\'';
  out += text;
  out += '\'';
  return out;
}

}  // namespace

std::optional<std::string> duration_problem(std::string_view text) {
  if (parse_duration(text)) return std::nullopt;
  return quoted(text) + " is not a duration (e.g. 500ms, 30s, 24h)";
}

option_check one_of(std::vector<std::string> choices) {
  return [choices = std::move(choices)](std::string_view text) -> std::optional<std::string> {
    for (const auto& c : choices)
      if (c == text) return std::nullopt;
    if (choices.size() == 2)
      return quoted(text) + " is neither " + choices[0] + " nor " + choices[1];
    return quoted(text) + " is not one of " + word_list(choices, " or ");
  };
}

}  // namespace sf::sim
