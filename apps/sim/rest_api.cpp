#include "sim/rest_api.hpp"

#include <algorithm>

namespace sf::sim {

namespace {

std::string retry_seconds(duration d) {
  return std::to_string(std::max<std::int64_t>(1, std::chrono::ceil<seconds>(d).count()));
}

}  // namespace

std::optional<http_reply> rest_api::handle(const dialect& venue, rest_rate_limit& limit, std::string_view target,
                                           time_point now, wall_us wall) {
  const auto q = target.find('?');
  const auto path = target.substr(0, q);
  const auto query = q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
  if (!venue.serves_rest(path)) return std::nullopt;
  const rest_query parsed(query);

  // An injected fault comes first: it is what the test or the chaos run asked for.
  if (const auto f = faults_.rest_fault_for(venue.name(), now)) {
    auto r = venue.rest_error(f->status);
    if (f->status == 429) {
      r.headers.emplace_back("Retry-After", retry_seconds(f->retry_after));
      limit.refused_until(now + f->retry_after);
    }
    return r;
  }
  const auto [budget, cost] = venue.rest_cost(path, parsed);
  if (const auto v = limit.admit(budget, cost, now); v.status != 0) {
    faults_.note(now, wall,
                 R"("event":"rest_rate_limited","venue":")" + std::string(venue.name()) + R"(","status":)" +
                     std::to_string(v.status) + R"(,"path":")" + std::string(path) + "\"");
    auto r = venue.rest_error(v.status);
    r.headers.emplace_back("Retry-After", retry_seconds(v.retry_after));
    return r;
  }

  return venue.rest(path, parsed, markets_, wall);
}

}  // namespace sf::sim
