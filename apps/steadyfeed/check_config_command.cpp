#include "check_config_command.hpp"

#include <ostream>

#include "config.hpp"

namespace sf::daemon {

int check_config_command(const std::filesystem::path& file, std::ostream& out, std::ostream& err) {
  try {
    const auto config = load_config(file);
    out << "# " << file.string() << ": valid\n";
    for (const auto& note : config.notes) out << "# note: " << note << '\n';
    out << to_yaml(config);
    return 0;
  } catch (const config_error& e) {
    err << e.what() << '\n';
    return 2;
  }
}

}  // namespace sf::daemon
