#include "steadyfeed/net/tls_context.hpp"

#include <fmt/format.h>
#include <openssl/ssl.h>
#include <boost/asio/error.hpp>

namespace sf {

std::shared_ptr<boost::asio::ssl::context> make_tls_client_context(
    const tls_client_options& options, failure& why) {
  namespace ssl = boost::asio::ssl;
  auto context = std::make_shared<ssl::context>(ssl::context::tls_client);
  boost::system::error_code ec;
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                           ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                           ssl::context::no_tlsv1_1 | ssl::context::no_compression,
                       ec);
  if (!ec && SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION) != 1)
    ec = boost::asio::error::invalid_argument;
  if (ec) {
    why.code = make_error_code(errc::tls_setup_failed);
    why.detail = fmt::format("cannot set TLS options: {}", ec.message());
    return nullptr;
  }
  if (!options.verify_peer) {
    context->set_verify_mode(ssl::verify_none);
    return context;
  }
  context->set_verify_mode(ssl::verify_peer);
  if (options.ca_file.empty())
    context->set_default_verify_paths(ec);
  else
    context->load_verify_file(options.ca_file, ec);
  if (ec) {
    why.code = make_error_code(errc::tls_setup_failed);
    why.detail = options.ca_file.empty()
                     ? fmt::format("cannot load the system trust store: {}", ec.message())
                     : fmt::format("cannot load CA file '{}': {}", options.ca_file, ec.message());
    return nullptr;
  }
  return context;
}

}  // namespace sf
