#include "sim/serve.hpp"

#include <utility>

#include "sim/http_session.hpp"

namespace sf::sim {

void serve_tls(tcp::socket sock, ssl::context& ctx, std::shared_ptr<server::impl> srv) {
  std::make_shared<http_session<tls_stream>>(tls_stream(plain_stream(std::move(sock)), ctx), std::move(srv))->run();
}

}  // namespace sf::sim
