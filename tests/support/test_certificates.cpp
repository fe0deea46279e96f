#include "support/test_certificates.hpp"

#include <unistd.h>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <system_error>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace sf::test {
namespace {

struct pkey_free {
  void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
};
struct x509_free {
  void operator()(X509* p) const noexcept { X509_free(p); }
};
struct bio_free {
  void operator()(BIO* p) const noexcept { BIO_free(p); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_free>;
using x509_ptr = std::unique_ptr<X509, x509_free>;
using bio_ptr = std::unique_ptr<BIO, bio_free>;

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test certificates: ") + what);
}

pkey_ptr make_key() {
  pkey_ptr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  check(key != nullptr, "EC key generation");
  return key;
}

void add_ext(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  check(ext != nullptr, "extension");
  check(X509_add_ext(cert, ext, -1) == 1, "add extension");
  X509_EXTENSION_free(ext);
}

// issuer/issuer_key null: self-signed.
x509_ptr make_cert(EVP_PKEY* key, const char* common_name, long serial, X509* issuer,
                   EVP_PKEY* issuer_key, const char* san) {
  x509_ptr cert(X509_new());
  check(cert != nullptr, "X509_new");
  check(X509_set_version(cert.get(), 2) == 1, "version");
  check(ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial) == 1, "serial");
  check(X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) != nullptr, "notBefore");
  check(X509_gmtime_adj(X509_getm_notAfter(cert.get()), 10L * 365 * 24 * 3600) != nullptr,
        "notAfter");
  check(X509_set_pubkey(cert.get(), key) == 1, "pubkey");
  X509_NAME* name = X509_get_subject_name(cert.get());
  check(X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>("steadyfeed tests"), -1,
                                   -1, 0) == 1,
        "O");
  check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>(common_name), -1, -1,
                                   0) == 1,
        "CN");
  X509* signer = issuer ? issuer : cert.get();
  check(X509_set_issuer_name(cert.get(), X509_get_subject_name(signer)) == 1, "issuer");
  if (issuer == nullptr) {
    add_ext(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
    add_ext(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
    add_ext(cert.get(), signer, NID_subject_key_identifier, "hash");
  } else {
    add_ext(cert.get(), signer, NID_basic_constraints, "critical,CA:FALSE");
    add_ext(cert.get(), signer, NID_key_usage, "critical,digitalSignature");
    add_ext(cert.get(), signer, NID_ext_key_usage, "serverAuth");
    add_ext(cert.get(), signer, NID_subject_alt_name, san);
    add_ext(cert.get(), signer, NID_authority_key_identifier, "keyid");
  }
  check(X509_sign(cert.get(), issuer_key ? issuer_key : key, EVP_sha256()) > 0, "sign");
  return cert;
}

std::string drain(BIO* bio) {
  std::string out(BIO_ctrl_pending(bio), '\0');
  check(BIO_read(bio, out.data(), static_cast<int>(out.size())) == static_cast<int>(out.size()),
        "BIO_read");
  return out;
}

std::string cert_pem(X509* cert) {
  bio_ptr bio(BIO_new(BIO_s_mem()));
  check(PEM_write_bio_X509(bio.get(), cert) == 1, "PEM cert");
  return drain(bio.get());
}

std::string key_pem(EVP_PKEY* key) {
  bio_ptr bio(BIO_new(BIO_s_mem()));
  check(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1,
        "PEM key");
  return drain(bio.get());
}

struct generated {
  certificates certs;
  generated() {
    auto ca_key = make_key();
    auto ca = make_cert(ca_key.get(), "steadyfeed test CA", 1, nullptr, nullptr, nullptr);
    auto server_key = make_key();
    auto server = make_cert(server_key.get(), "localhost", 2, ca.get(), ca_key.get(),
                            "DNS:localhost,IP:127.0.0.1");
    auto wrong_key = make_key();
    auto wrong = make_cert(wrong_key.get(), "wrong-host.invalid", 3, ca.get(), ca_key.get(),
                           "DNS:wrong-host.invalid");
    certs.ca_cert_pem = cert_pem(ca.get());
    certs.server_cert_pem = cert_pem(server.get());
    certs.server_key_pem = key_pem(server_key.get());
    certs.wrong_host_cert_pem = cert_pem(wrong.get());
    certs.wrong_host_key_pem = key_pem(wrong_key.get());

    const auto dir =
        std::filesystem::temp_directory_path() / ("steadyfeed-tls-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    certs.ca_file = dir / "ca.pem";
    std::ofstream(certs.ca_file) << certs.ca_cert_pem;
  }
  ~generated() {
    std::error_code ignored;
    std::filesystem::remove_all(certs.ca_file.parent_path(), ignored);
  }
};

}  // namespace

const certificates& test_certificates() {
  static const generated instance;
  return instance.certs;
}

}  // namespace sf::test
