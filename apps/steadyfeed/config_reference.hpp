// `steadyfeed config-reference`: the configuration reference, the Markdown of
// docs/configuration.md, generated from the table of keys (config_key.hpp).
//
// The page is never written by hand: every key with its type, default, unit
// and meaning, what each supervisor profile sets, and what each venue uses
// where a key is left to it, all come from the table, the profiles and the
// venue adapters the loader itself uses. A test holds the committed page
// equal to this output, so that the page and the loader cannot drift apart.
#pragma once

#include <iosfwd>
#include <string>

namespace sf::daemon {

// The whole page, its short introduction included.
std::string config_reference();

// Prints config_reference(); 0.
int config_reference_command(std::ostream& out);

}  // namespace sf::daemon
