// The query string of a REST request, as the venues read it: `key=value`
// pairs split on '&', taken as given (no percent-decoding: the parameters
// the simulator serves are symbols and integers), the first of a repeated
// key winning.
//
// Thread safety: a plain value.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace sf::sim {

class rest_query {
 public:
  explicit rest_query(std::string_view query);

  // The value of `key`; nullptr when the key is absent ("symbol=" is present and empty).
  const std::string* find(std::string_view key) const;
  // `key` as a whole decimal integer; nullopt when absent, empty or not one.
  std::optional<std::int64_t> integer(std::string_view key) const;
  // Present and non-empty, but not an integer: the venues refuse such a request.
  bool malformed_integer(std::string_view key) const;

 private:
  std::map<std::string, std::string, std::less<>> params_;
};

}  // namespace sf::sim
