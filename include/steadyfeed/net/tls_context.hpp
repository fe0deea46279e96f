// The client-side TLS configuration shared by links.
//
// An OpenSSL context holds the trusted roots; loading the system store costs a
// few hundred KiB and milliseconds, so one context is built per configuration
// and shared by every link (links add SNI and host-name verification per
// connection, which is where per-host settings belong). TLS 1.2 is the minimum:
// every supported venue offers 1.2 or 1.3, and older versions are a downgrade
// an attacker on the path could otherwise force.
//
// Thread safety: building is thread-safe. A built context is immutable by
// convention and may be shared by links on several threads (OpenSSL contexts
// are reference-counted and internally locked).
// Lifetime: shared ownership; each link holds its own reference.
#pragma once

#include <memory>
#include <string>

#include <boost/asio/ssl/context.hpp>

#include "steadyfeed/core/error.hpp"

namespace sf {

struct tls_client_options {
  // PEM file of trusted certificates; empty means the system store.
  std::string ca_file;
  // Verify the server's chain and host name. Turning this off is for tests
  // against self-signed servers only: it makes the connection trivially
  // interceptable.
  bool verify_peer = true;
};

// A client context, or nullptr with `why` set (errc::tls_setup_failed, naming
// the file) when the trust store cannot be loaded.
std::shared_ptr<boost::asio::ssl::context> make_tls_client_context(
    const tls_client_options& options, failure& why);

}  // namespace sf
