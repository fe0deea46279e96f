#include "status_command.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <ostream>
#include <thread>

#include "steadyfeed/net/http_client.hpp"

namespace sf::daemon {

namespace json = boost::json;

namespace {

std::string text_of(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v || v->is_null()) return "-";
  if (v->is_string()) return std::string(v->as_string());
  return json::serialize(*v);
}

double number_of(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v) return 0;
  if (v->is_double()) return v->as_double();
  if (v->is_int64()) return static_cast<double>(v->as_int64());
  if (v->is_uint64()) return static_cast<double>(v->as_uint64());
  return 0;
}

std::string uptime_text(double seconds) {
  const auto s = static_cast<long long>(seconds);
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
}

// One fetch; the answer's body, or the error said on `err`.
std::optional<json::object> fetch(const std::string& api, std::ostream& err) {
  boost::asio::io_context ioc;
  http_client_options o;
  o.timeout = seconds{5};
  http_client client(ioc.get_executor(), api, o);
  std::optional<json::object> out;
  client.get("/api/v1/network/connections", [&](const failure* f, http_response r) {
    if (f) {
      err << fmt::format("status: {} did not answer: {}\n", api, f->to_string());
      return;
    }
    if (r.status != 200) {
      err << fmt::format("status: {} answered {}: {}\n", api, r.status, r.body);
      return;
    }
    boost::system::error_code ec;
    auto v = json::parse(r.body, ec);
    if (ec || !v.is_object() || !v.as_object().contains("connections") ||
        !v.as_object().at("connections").is_object()) {
      err << fmt::format("status: {} answered something that is not the connection list\n", api);
      return;
    }
    out = std::move(v.as_object());
  });
  ioc.run();
  return out;
}

}  // namespace

std::string format_connections(const json::object& answer, bool& all_live) {
  all_live = true;
  std::string out = fmt::format("{:<22} {:<13} {:>9} {:>8} {:>7} {:>7} {:>9}  {}\n", "connection", "status", "uptime",
                                "attempts", "in row", "quality", "msgs/s", "last error");
  for (const auto& [id, value] : answer.at("connections").as_object()) {
    if (!value.is_object()) continue;
    const auto& c = value.as_object();
    const std::string status = text_of(c, "status");
    if (status != "connected" && status != "unstable") all_live = false;
    out += fmt::format("{:<22} {:<13} {:>9} {:>8} {:>7} {:>7} {:>9.1f}  {}\n", std::string_view(id), status,
                       uptime_text(number_of(c, "total_uptime")), text_of(c, "reconnect_attempts"),
                       text_of(c, "consecutive_failures"), text_of(c, "quality_score"),
                       number_of(c, "messages_per_second"), text_of(c, "last_error"));
  }
  return out;
}

int status_command(const status_options& options, std::ostream& out, std::ostream& err) {
  const bool tty = ::isatty(STDOUT_FILENO);
  while (true) {
    const auto answer = fetch(options.api, err);
    if (!answer) return 2;
    bool all_live = true;
    const std::string table = format_connections(*answer, all_live);
    if (!options.watch) {
      out << table;
      return all_live ? 0 : 1;
    }
    out << (tty ? "\x1b[H\x1b[2J" : "\n") << table << std::flush;
    std::this_thread::sleep_for(std::chrono::seconds{2});
  }
}

}  // namespace sf::daemon
