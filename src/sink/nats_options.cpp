#include "sink/nats_options.hpp"

#include <fmt/format.h>

#include <stdexcept>
#include <vector>

namespace sf {

namespace {

struct nats_category_t final : std::error_category {
  const char* name() const noexcept override { return "nats"; }
  std::string message(int c) const override { return natsStatus_GetText(static_cast<natsStatus>(c)); }
};

}  // namespace

std::string without_credentials(std::string_view url) {
  const auto scheme = url.find("://");
  const auto at = url.rfind('@');
  if (scheme == std::string_view::npos || at == std::string_view::npos || at < scheme) return std::string(url);
  return std::string(url.substr(0, scheme + 3)) + "***@" + std::string(url.substr(at + 1));
}

std::error_code nats_error(natsStatus s) {
  static const nats_category_t category;
  return {static_cast<int>(s), category};
}

std::string nats_last_error(natsStatus s) {
  const char* text = nats_GetLastError(nullptr);
  std::string_view out = text != nullptr && *text != '\0' ? text : natsStatus_GetText(s);
  // libnats says where in its sources: "(conn.c:2088): No server ...".
  if (out.starts_with('(')) {
    if (const auto end = out.find("): "); end != std::string_view::npos) out.remove_prefix(end + 3);
  }
  return std::string(out);
}

bool is_nats_server_url(std::string_view url) noexcept {
  if (!url.starts_with("nats://") && !url.starts_with("tls://")) return false;
  const std::string_view host = url.substr(url.find("://") + 3);
  return !host.empty() && host.front() != ':' && host.find_first_of(" \t/") == std::string_view::npos;
}

natsOptions* make_nats_options(const nats_sink_config& config) {
  if (config.servers.empty()) throw std::runtime_error("nats: no server URL");
  for (const auto& u : config.servers) {
    if (!is_nats_server_url(u))
      throw std::runtime_error(fmt::format("nats: server URL \"{}\": expected nats://HOST:PORT or tls://HOST:PORT", without_credentials(u)));
  }
  natsOptions* opts = nullptr;
  natsStatus s = natsOptions_Create(&opts);
  auto refuse = [&](std::string_view what) {
    const std::string detail = nats_last_error(s);
    natsOptions_Destroy(opts);
    throw std::runtime_error(fmt::format("nats: {}: {}", what, detail));
  };
  if (s != NATS_OK) refuse("options");
  std::vector<const char*> urls;
  for (const auto& u : config.servers) urls.push_back(u.c_str());
  if ((s = natsOptions_SetServers(opts, urls.data(), static_cast<int>(urls.size()))) != NATS_OK) refuse("servers");
  natsOptions_SetName(opts, config.connection_name.c_str());
  natsOptions_SetTimeout(opts, 2000);
  if (!config.token.empty() && (s = natsOptions_SetToken(opts, config.token.c_str())) != NATS_OK) refuse("token");
  if (!config.user.empty() &&
      (s = natsOptions_SetUserInfo(opts, config.user.c_str(), config.password.c_str())) != NATS_OK)
    refuse("user");
  if (!config.creds_file.empty() &&
      (s = natsOptions_SetUserCredentialsFromFiles(opts, config.creds_file.c_str(), nullptr)) != NATS_OK)
    refuse("creds file " + config.creds_file);
  if (!config.nkey_seed_file.empty() &&
      (s = natsOptions_SetNKeyFromSeed(opts, config.nkey.c_str(), config.nkey_seed_file.c_str())) != NATS_OK)
    refuse("nkey seed file " + config.nkey_seed_file);
  bool tls = config.tls;
  for (const auto& u : config.servers) tls = tls || u.starts_with("tls://");
  if (tls) {
    if ((s = natsOptions_SetSecure(opts, true)) != NATS_OK) refuse("tls");
    if (!config.tls_ca_file.empty() &&
        (s = natsOptions_LoadCATrustedCertificates(opts, config.tls_ca_file.c_str())) != NATS_OK)
      refuse("tls ca file " + config.tls_ca_file);
    if (!config.tls_cert_file.empty() &&
        (s = natsOptions_LoadCertificatesChain(opts, config.tls_cert_file.c_str(), config.tls_key_file.c_str())) !=
            NATS_OK)
      refuse("tls certificate " + config.tls_cert_file);
  }
  return opts;
}

}  // namespace sf
