// One HTTP answer of the simulator (REST, control API, refused upgrades), as
// plain data; the Beast layer adds Server and Content-Type.
//
// Thread safety: a plain value.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace sf::sim {

struct http_reply {
  int status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type: application/json
};

}  // namespace sf::sim
