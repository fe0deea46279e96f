#include "steadyfeed/venue/venue_adapter.hpp"

#include <array>

#include "venue/binance_spot.hpp"
#include "venue/okx.hpp"

namespace sf {
namespace {

constexpr std::array<std::string_view, 2> venue_names = {"binance-spot", "okx"};

}  // namespace

std::span<const std::string_view> known_venues() noexcept {
  return venue_names;
}

std::unique_ptr<venue_adapter> make_venue_adapter(std::string_view venue,
                                                  const venue_endpoints& endpoints) {
  if (venue == "binance-spot") return std::make_unique<binance_spot>(endpoints);
  if (venue == "okx") return std::make_unique<okx>(endpoints);
  return nullptr;
}

}  // namespace sf
