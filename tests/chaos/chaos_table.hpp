// The chaos matrix's results as the Markdown page `docs/chaos.md`: how the
// cells were run, then one row per cell.
//
// Thread safety: pure function.
#pragma once

#include <string>
#include <vector>

#include "chaos/chaos_cell.hpp"

namespace sf::chaos {

std::string chaos_table(const std::vector<cell_result>& results, const cell_settings& settings);

}  // namespace sf::chaos
