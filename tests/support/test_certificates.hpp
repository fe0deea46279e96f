// A private certificate authority and server certificates for TLS tests,
// generated in-process at first use (nothing committed that could expire).
//
// Keys are ECDSA P-256 (generated in microseconds, unlike RSA), certificates
// are valid from an hour ago for ten years. The CA's certificate is also written
// to a PEM file in a per-process temporary directory, because clients load
// trust stores from files; the directory is removed at exit.
//
//   server_*      SAN DNS:localhost, IP:127.0.0.1 — verifies for both names
//   wrong_host_*  SAN DNS:wrong-host.invalid only — chain verifies, name does not
//
// Thread safety: test_certificates() is safe to call from any thread (a
// function-local static); the returned object is immutable.
#pragma once

#include <filesystem>
#include <string>

namespace sf::test {

struct certificates {
  std::string ca_cert_pem;
  std::string server_cert_pem;
  std::string server_key_pem;
  std::string wrong_host_cert_pem;
  std::string wrong_host_key_pem;
  std::filesystem::path ca_file;  // ca_cert_pem on disk
};

const certificates& test_certificates();

}  // namespace sf::test
