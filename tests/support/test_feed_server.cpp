#include "support/test_feed_server.hpp"

#include "support/test_protocol.hpp"

namespace sf::test {
namespace {

// Topics named in a URL-mode target: "/feed?streams=a/b".
std::set<std::string> url_topics(std::string_view target) {
  std::set<std::string> out;
  const auto at = target.find("streams=");
  if (at == std::string_view::npos) return out;
  std::string_view list = target.substr(at + 8);
  list = list.substr(0, list.find('&'));
  while (!list.empty()) {
    const auto slash = list.find('/');
    out.emplace(list.substr(0, slash));
    if (slash == std::string_view::npos) break;
    list.remove_prefix(slash + 1);
  }
  return out;
}

}  // namespace

test_feed_server::test_feed_server(ws_test_server& server) : server_(server) {
  server_.set_frame_hook(
      [this](connection_id id, std::string_view frame) { return on_frame(id, frame); });
}

test_feed_server::~test_feed_server() {
  server_.set_frame_hook(nullptr);
  server_.sync();  // a hook call in flight still refers to this object
}

void test_feed_server::set_acks(bool on) {
  std::lock_guard lock(mutex_);
  acks_ = on;
}

void test_feed_server::set_app_pongs(bool on) {
  std::lock_guard lock(mutex_);
  app_pongs_ = on;
}

std::vector<std::string> test_feed_server::on_frame(connection_id id, std::string_view frame) {
  std::lock_guard lock(mutex_);
  if (frame == "ping")
    return app_pongs_ ? std::vector<std::string>{"pong"} : std::vector<std::string>{};
  test_request request;
  if (!parse_test_request(frame, request)) return {};
  auto& topics = topics_[id];
  if (request.subscribe) {
    ++requests_[id];
    topics.insert(request.topics.begin(), request.topics.end());
  } else {
    for (const auto& t : request.topics) topics.erase(t);
  }
  if (!acks_) return {};
  return {R"({"ack":)" + std::to_string(request.id) + "}"};
}

std::set<std::string> test_feed_server::topics(connection_id id) const {
  std::set<std::string> out;
  if (auto record = server_.record(id)) out = url_topics(record->target);
  std::lock_guard lock(mutex_);
  if (auto it = topics_.find(id); it != topics_.end())
    out.insert(it->second.begin(), it->second.end());
  return out;
}

std::vector<connection_id> test_feed_server::subscribers(std::string_view stream) const {
  std::vector<connection_id> out;
  for (connection_id id : server_.open_connections())
    if (topics(id).count(std::string(stream))) out.push_back(id);
  return out;
}

std::size_t test_feed_server::subscribe_requests(connection_id id) const {
  std::lock_guard lock(mutex_);
  auto it = requests_.find(id);
  return it == requests_.end() ? 0 : it->second;
}

std::size_t test_feed_server::publish(std::string_view stream, std::uint64_t seq,
                                      std::string_view payload) {
  const auto to = subscribers(stream);
  const std::string frame = test_data_frame(stream, seq, payload);
  for (connection_id id : to) server_.send(id, frame);
  return to.size();
}

}  // namespace sf::test
