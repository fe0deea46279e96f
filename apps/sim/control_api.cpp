#include "sim/control_api.hpp"

#include <boost/json.hpp>

namespace sf::sim {

namespace json = boost::json;

namespace {

http_reply errors_reply(int status, const std::vector<std::string>& errors) {
  json::array list;
  for (const auto& e : errors) list.emplace_back(e);
  json::object o;
  o["errors"] = std::move(list);
  return {status, json::serialize(o), {}};
}

}  // namespace

std::optional<http_reply> handle_control(control_target& target, std::string_view method, std::string_view path,
                                         std::string_view body) {
  if (!path.starts_with("/_sim/")) return std::nullopt;
  if (path == "/_sim/connections") {
    if (method != "GET") return errors_reply(405, {"use GET"});
    return http_reply{200, target.connections_json(), {}};
  }
  if (path == "/_sim/faults") {
    if (method == "GET") return http_reply{200, target.fault_log_json(), {}};
    if (method != "POST") return errors_reply(405, {"use GET or POST"});
    json::error_code ec;
    const auto doc = json::parse(json::string_view(body.data(), body.size()), ec);
    if (ec || !doc.is_object()) return errors_reply(400, {"request body: expected a JSON object"});
    std::map<std::string, std::string> fields;
    for (const auto& [key, value] : doc.get_object()) {
      fields[std::string(key)] = value.is_string() ? std::string(value.get_string()) : json::serialize(value);
    }
    fields.erase("at");  // applied now
    std::vector<std::string> errors;
    const auto fault = parse_fault(fields, "request body", errors);
    if (!fault) return errors_reply(400, errors);
    const auto hit = target.inject(*fault);
    std::string out = R"({"applied":)" + describe(*fault) + R"(,"connections":[)";
    for (std::size_t i = 0; i < hit.size(); ++i) {
      if (i) out += ',';
      out += std::to_string(hit[i]);
    }
    out += "]}";
    return http_reply{202, std::move(out), {}};
  }
  return errors_reply(404, {"unknown control path; try /_sim/connections or /_sim/faults"});
}

}  // namespace sf::sim
