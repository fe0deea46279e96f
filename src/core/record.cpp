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

std::string_view to_string(record_kind k) noexcept {
  switch (k) {
    case record_kind::trade: return "trade";
    case record_kind::book: return "book";
    case record_kind::gap: return "gap";
  }
  return "unknown";
}

}  // namespace sf
