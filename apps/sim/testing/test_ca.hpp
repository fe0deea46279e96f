// A private certificate authority made at test time, for TLS tests that
// verify certificates for real (no "insecure" switch).
//
// How the certificates are made (OpenSSL 3 C API, no `openssl` process):
//   * CA: a fresh P-256 key; a self-signed X.509 v3 certificate,
//     CN "steadyfeed test CA", basicConstraints critical CA:TRUE,
//     keyUsage critical keyCertSign+cRLSign, subjectKeyIdentifier;
//   * server: a fresh P-256 key; CN "localhost", subjectAltName
//     DNS:localhost, IP:127.0.0.1, IP:::1, extendedKeyUsage serverAuth,
//     keyUsage digitalSignature, signed by the CA with SHA-256;
//   * both valid from one hour ago for `valid_for` (default 1 day), with
//     random 64-bit serial numbers.
// The equivalent with the CLI, for reading along:
//   openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes
//     -keyout ca.key -out ca.pem -subj "/CN=steadyfeed test CA" -days 1
//     -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
//   openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes
//     -keyout server.key -out server.csr -subj /CN=localhost
//   openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 1 -out server.pem
//     -extfile <(printf "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\nextendedKeyUsage=serverAuth")
// (each command on one line).
//
// Files are PEM, written into `dir` (created if needed); the keys are
// unencrypted. Nothing is installed into any system trust store: a client
// trusts the CA only by loading `ca_cert`.
//
// Thread safety: `make_test_ca` may be called from any thread.
#pragma once

#include <chrono>
#include <filesystem>
#include <stdexcept>

namespace sf::sim::testing {

struct test_ca {
  std::filesystem::path ca_cert;      // the CA certificate (what clients trust)
  std::filesystem::path ca_key;
  std::filesystem::path server_cert;  // the server certificate (leaf only)
  std::filesystem::path server_key;
};

struct test_ca_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Throws test_ca_error naming the OpenSSL step that failed.
test_ca make_test_ca(const std::filesystem::path& dir, std::chrono::hours valid_for = std::chrono::hours{24});

}  // namespace sf::sim::testing
