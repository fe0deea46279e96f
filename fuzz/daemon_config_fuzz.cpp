// The daemon's configuration loader (apps/steadyfeed/config.hpp) on any YAML
// text, and check-config's promise about its output: the resolved
// configuration it prints loads again, to the same configuration (the API
// token aside, which it hides).
//
// Every problem must come out as a config_error listing it; any other
// exception ends the process, as it would end `steadyfeed run`.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "config.hpp"

namespace {

[[noreturn]] void broken(const char* promise, const std::string& text) {
  std::fprintf(stderr, "broken promise: %s\n--- text ---\n%s\n", promise, text.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view yaml(reinterpret_cast<const char*>(data), size);
  sf::daemon::daemon_config config;
  try {
    config = sf::daemon::parse_config(yaml, "fuzz.yaml");
  } catch (const sf::daemon::config_error& e) {
    if (e.problems().empty()) broken("a config_error names a problem", std::string(yaml));
    return 0;
  }
  // check-config prints a token as hidden_value, which the loader refuses on
  // purpose (the token must be written out); without one the text loads back.
  config.api.token.clear();
  const std::string resolved = sf::daemon::to_yaml(config);
  std::string again;
  try {
    again = sf::daemon::to_yaml(sf::daemon::parse_config(resolved, "resolved.yaml"));
  } catch (const sf::daemon::config_error& e) {
    std::string why = resolved + "\n--- problems ---\n";
    for (const auto& p : e.problems()) why += std::to_string(p.line) + ": " + p.key + ": " + p.message + "\n";
    broken("the resolved configuration loads again", why);
  }
  if (again != resolved) broken("the resolved configuration loads to the same", resolved + "\n--- again ---\n" + again);
  return 0;
}
