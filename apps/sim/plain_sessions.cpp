#include "sim/serve.hpp"

#include <utility>

#include "sim/http_session.hpp"

namespace sf::sim {

void serve_plain(tcp::socket sock, std::shared_ptr<server::impl> srv) {
  std::make_shared<http_session<plain_stream>>(plain_stream(std::move(sock)), std::move(srv))->run();
}

}  // namespace sf::sim
