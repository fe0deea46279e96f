#include "control_plane.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <optional>

#include "alert_manager.hpp"
#include "control_api.hpp"
#include "http_server.hpp"
#include "daemon_log.hpp"
#include "metrics_exporter.hpp"
#include "webhook_sender.hpp"

namespace sf::daemon {

namespace {

alert_settings alert_settings_of(const alerts_settings& a) {
  alert_settings s;
  s.alert_threshold = a.threshold;
  s.suppress = a.suppress;
  s.history = static_cast<std::size_t>(a.history);
  return s;
}

webhook_settings webhook_settings_of(const alerts_settings& a) {
  webhook_settings s;
  s.url = a.webhook_url;
  s.timeout = a.webhook_timeout;
  s.queue = static_cast<std::size_t>(a.webhook_queue);
  s.max_attempts = static_cast<int>(a.webhook_max_attempts);
  return s;
}

}  // namespace

struct control_plane::impl {
  impl(control_target& target, const daemon_config& config, const clock& clock)
      : metrics(target, clock, {.symbol_label = config.api.metrics_symbol_label}),
        alerts(alert_settings_of(config.alerts), clock),
        api(target, config.api.token, [this] { return metrics.scrape(); }, &alerts),
        server({.listen = config.api.listen}, [this](const http_request& r) { return api.handle(r); }) {
    alerts.add_channel(parse_alert_level(config.alerts.log_level).value_or(alert_level::warning), [](const alert& a) {
      const severity level = a.level == alert_level::critical  ? severity::critical
                             : a.level == alert_level::warning ? severity::warning
                                                               : severity::info;
      daemon_log::write(level, a.time,
                        fmt::format("alert {} {} {}: {}{}", to_string(a.level), to_string(a.type), a.subject,
                                    a.message,
                                    a.suppressed ? fmt::format(" ({} like it held back)", a.suppressed) : ""),
                        {{"alert", to_string(a.type)}, {"subject", a.subject}});
    });
    if (!config.alerts.webhook_url.empty()) {
      auto& sender = webhook.emplace(webhook_settings_of(config.alerts));
      alerts.add_channel(parse_alert_level(config.alerts.webhook_level).value_or(alert_level::warning),
                         [&sender](const alert& a) { sender.enqueue(to_json(a)); });
    }
  }

  metrics_exporter metrics;
  alert_manager alerts;
  control_api api;
  http_server server;
  std::optional<webhook_sender> webhook;
  bool listening = false;
};

control_plane::control_plane(control_target& target, const daemon_config& config, const clock& clock)
    : impl_(std::make_unique<impl>(target, config, clock)) {}

control_plane::~control_plane() { stop(); }

void control_plane::observe(recorder& rec, const daemon_config& config) {
  auto& metrics = impl_->metrics;
  // Every venue's histogram exists before any request can list them.
  for (const auto& f : config.feeds) metrics.add_venue(f.venue);
  auto& alerts = impl_->alerts;
  rec.observe_records([&metrics, &alerts](const feed_config& feed) -> recorder::record_observer {
    auto& h = metrics.add_venue(feed.venue);
    return [&h, &alerts](const record_view& r) {
      if (r.gap) alerts.on_gap(*r.gap);
      metrics_exporter::on_record(h, r);
    };
  });
  rec.observe_events([&metrics, &alerts](std::string_view connection, const event& e) {
    metrics.on_event(connection, e);
    alerts.on_event(connection, e);
  });
}

void control_plane::listen() {
  impl_->server.listen();
  impl_->listening = true;
}

void control_plane::start() {
  if (impl_->webhook) impl_->webhook->start();
  if (impl_->listening) impl_->server.start();
}

void control_plane::stop() {
  impl_->server.stop();
  if (impl_->webhook) impl_->webhook->stop();
}

unsigned short control_plane::port() const noexcept { return impl_->server.port(); }
std::string control_plane::address() const { return impl_->server.address(); }

}  // namespace sf::daemon
