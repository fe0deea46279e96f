#include "net/ws_handshake.hpp"

#include <array>

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <boost/beast/core/detail/base64.hpp>
#include <boost/beast/http/rfc7230.hpp>

#include "net/retry_after.hpp"

namespace sf {
namespace {

namespace http = boost::beast::http;
namespace base64 = boost::beast::detail::base64;

constexpr std::string_view ws_guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
// Enough of a refusal's body to say why, short enough to keep an event readable.
constexpr std::size_t max_body_excerpt = 200;

std::string to_base64(const void* data, std::size_t size) {
  std::string out(base64::encoded_size(size), '\0');
  out.resize(base64::encode(out.data(), data, size));
  return out;
}

failure refusal(const ws_upgrade_response& response, std::string_view where) {
  const int status = static_cast<int>(response.result_int());
  failure why;
  why.code = make_error_code(classify_upgrade_status(status));
  why.http_status = status;
  why.retry_after =
      parse_retry_after(response[http::field::retry_after], response[http::field::date]);
  std::string_view body = response.body();
  if (body.size() > max_body_excerpt) body = body.substr(0, max_body_excerpt);
  why.detail = fmt::format("upgrade to {} refused: {} {}{}{}", where, status,
                           std::string_view(response.reason()), body.empty() ? "" : ": ", body);
  return why;
}

failure broken_upgrade(std::string_view where, std::string_view problem) {
  return failure::of(errc::protocol_violation,
                     fmt::format("websocket upgrade: {}: {}", where, problem));
}

}  // namespace

std::string make_ws_key() {
  std::array<unsigned char, 16> nonce{};
  // See random_mask_key: a zero nonce (if RAND_bytes ever failed) is still a
  // valid key; the nonce only proves the server read this request.
  (void)RAND_bytes(nonce.data(), static_cast<int>(nonce.size()));
  return to_base64(nonce.data(), nonce.size());
}

std::string ws_accept_for(std::string_view key) {
  std::string input(key);
  input += ws_guid;
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  // The one-shot EVP call: SHA1() itself is deprecated in OpenSSL 3.
  EVP_Digest(input.data(), input.size(), digest.data(), &size, EVP_sha1(), nullptr);
  return to_base64(digest.data(), size);
}

ws_upgrade_request make_upgrade_request(
    const ws_endpoint& endpoint, std::string_view key, std::string_view user_agent,
    const std::vector<std::pair<std::string, std::string>>& headers) {
  ws_upgrade_request req{http::verb::get, endpoint.target, 11};
  req.set(http::field::host, endpoint.host_header());
  req.set(http::field::upgrade, "websocket");
  req.set(http::field::connection, "Upgrade");
  req.set(http::field::sec_websocket_key, key);
  req.set(http::field::sec_websocket_version, "13");
  req.set(http::field::user_agent, user_agent);
  for (const auto& [name, value] : headers) req.set(name, value);
  return req;
}

std::optional<failure> check_upgrade_response(const ws_upgrade_response& response,
                                              std::string_view key, std::string_view where) {
  if (response.result() != http::status::switching_protocols) return refusal(response, where);
  if (response.version() != 11) return broken_upgrade(where, "101 response is not HTTP/1.1");
  if (!http::token_list{response[http::field::upgrade]}.exists("websocket"))
    return broken_upgrade(where, "101 response without Upgrade: websocket");
  if (!http::token_list{response[http::field::connection]}.exists("upgrade"))
    return broken_upgrade(where, "101 response without Connection: upgrade");
  if (response.count(http::field::sec_websocket_accept) != 1 ||
      response[http::field::sec_websocket_accept] != ws_accept_for(key))
    return broken_upgrade(where, "101 response with a wrong Sec-WebSocket-Accept");
  // Nothing was offered, so a server that picked an extension or subprotocol
  // would speak a framing this link cannot read.
  if (response.count(http::field::sec_websocket_extensions) != 0)
    return broken_upgrade(where, "server chose an extension that was not offered");
  if (response.count(http::field::sec_websocket_protocol) != 0)
    return broken_upgrade(where, "server chose a subprotocol that was not offered");
  return std::nullopt;
}

}  // namespace sf
