#include "steadyfeed/core/record.hpp"

namespace sf {

std::string_view to_string(side s) noexcept {
  switch (s) {
    case side::buy: return "buy";
    case side::sell: return "sell";
    case side::unknown: return "unknown";
  }
  return "unknown";
}

}  // namespace sf
