#include "sim/rest_api.hpp"

#include <algorithm>

namespace sf::sim {

std::optional<http_reply> rest_api::handle(const dialect& venue, std::string_view target, time_point now,
                                           wall_us wall) {
  const auto q = target.find('?');
  const auto path = target.substr(0, q);
  const auto query = q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
  if (!venue.serves_rest(path)) return std::nullopt;

  if (const auto f = faults_.rest_fault_for(venue.name(), now)) {
    auto r = venue.rest_error(f->status);
    if (f->status == 429) {
      const auto secs = std::max<std::int64_t>(1, std::chrono::ceil<seconds>(f->retry_after).count());
      r.headers.emplace_back("Retry-After", std::to_string(secs));
    }
    return r;
  }
  return venue.rest(path, rest_query(query), markets_, wall);
}

}  // namespace sf::sim
