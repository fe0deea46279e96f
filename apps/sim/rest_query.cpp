#include "sim/rest_query.hpp"

#include <charconv>

namespace sf::sim {

rest_query::rest_query(std::string_view query) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto part = query.substr(0, amp);
    const auto eq = part.find('=');
    params_.emplace(std::string(part.substr(0, eq)), eq == std::string_view::npos ? "" : std::string(part.substr(eq + 1)));
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
}

const std::string* rest_query::find(std::string_view key) const {
  const auto it = params_.find(key);
  return it == params_.end() ? nullptr : &it->second;
}

std::optional<std::int64_t> rest_query::integer(std::string_view key) const {
  const auto* value = find(key);
  if (!value || value->empty()) return std::nullopt;
  std::int64_t v = 0;
  const auto r = std::from_chars(value->data(), value->data() + value->size(), v);
  if (r.ec != std::errc{} || r.ptr != value->data() + value->size()) return std::nullopt;
  return v;
}

bool rest_query::malformed_integer(std::string_view key) const {
  const auto* value = find(key);
  return value && !value->empty() && !integer(key);
}

}  // namespace sf::sim
