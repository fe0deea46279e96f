#include "control_plane.hpp"

#include "control_api.hpp"
#include "http_server.hpp"
#include "metrics_exporter.hpp"

namespace sf::daemon {

struct control_plane::impl {
  impl(control_target& target, api_settings s, const clock& clock)
      : settings(std::move(s)),
        metrics(target, clock, {.symbol_label = settings.metrics_symbol_label}),
        api(target, settings.token, [this] { return metrics.scrape(); }),
        server({.listen = settings.listen}, [this](const http_request& r) { return api.handle(r); }) {}

  api_settings settings;
  metrics_exporter metrics;
  control_api api;
  http_server server;
};

control_plane::control_plane(control_target& target, api_settings settings, const clock& clock)
    : impl_(std::make_unique<impl>(target, std::move(settings), clock)) {}

control_plane::~control_plane() { stop(); }

void control_plane::observe(recorder& rec) {
  auto& metrics = impl_->metrics;
  rec.observe_records([&metrics](const feed_config& feed) -> recorder::record_observer {
    auto& h = metrics.add_venue(feed.venue);
    return [&h](const record_view& r) { metrics_exporter::on_record(h, r); };
  });
  rec.observe_events([&metrics](std::string_view connection, const event& e) { metrics.on_event(connection, e); });
}

void control_plane::start() { impl_->server.start(); }
void control_plane::stop() { impl_->server.stop(); }
unsigned short control_plane::port() const noexcept { return impl_->server.port(); }
std::string control_plane::address() const { return impl_->server.address(); }

}  // namespace sf::daemon
