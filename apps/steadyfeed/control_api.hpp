// The control API's routes: HTTP requests in, JSON answers out, with no
// socket in sight (http_server carries the bytes), so that every route and
// every error answer is tested directly.
//
//   GET    /healthz                                  the process answers
//   GET    /readyz                                   200 once every feed delivered data, else 503
//   GET    /api/v1/network/connections               every connection, keyed by id
//   GET    /api/v1/network/connections/{id}          one ("binance-spot/0", or …/binance-spot%2F0)
//   POST   /api/v1/network/connections/{id}/reconnect
//   GET    /api/v1/feeds
//   POST   /api/v1/feeds/{id}/subscriptions          {"symbols": [...], "channels": [...]}
//   DELETE /api/v1/feeds/{id}/subscriptions          the same body
//   GET    /api/v1/events?connection=&severity=&since=&limit=
//   GET    /api/v1/alerts?level=&type=&subject=&since=&limit=   when alerts are given
//   GET    /metrics                                  when a metrics source is given
//
// Errors are JSON ({"error": {"status": N, "message": "..."}}) with the
// status that names the mistake: 400 malformed JSON or query, 401 no token,
// 403 a wrong token, 404 an unknown path or id, 405 a wrong method (with
// Allow), 422 a well-formed request the feed refuses (an unknown channel).
// Mutating calls (POST, DELETE) need "Authorization: Bearer <token>" when a
// token is configured; the token is compared in constant time and never
// appears in an answer or a log line.
//
// Thread safety: handle() may be called from one thread at a time (the
// server's). Lifetime: the target must outlive the API.
#pragma once

#include <functional>
#include <optional>
#include <utility>
#include <vector>
#include <string>

#include "alert_manager.hpp"
#include "control_target.hpp"
#include "http_server.hpp"

namespace sf::daemon {

class control_api {
 public:
  // `metrics` (optional) renders GET /metrics in the Prometheus text format;
  // `alerts` (optional) serves GET /api/v1/alerts and must outlive the API.
  control_api(control_target& target, std::string token, std::function<std::string()> metrics = {},
              const alert_manager* alerts = nullptr);

  http_response handle(const http_request& request);

 private:
  http_response connections(const http_request& request, std::string_view rest);
  http_response feeds_route(const http_request& request, std::string_view rest);
  http_response events(const std::vector<std::pair<std::string, std::string>>& query);
  http_response readyz();
  http_response alerts(const std::vector<std::pair<std::string, std::string>>& query);
  // nullopt when the call may go on; otherwise the 401 or 403 answer.
  std::optional<http_response> refuse_unauthorized(const http_request& request) const;

  control_target& target_;
  std::string token_;
  std::function<std::string()> metrics_;
  const alert_manager* alerts_;
};

}  // namespace sf::daemon
