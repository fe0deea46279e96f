#include "steadyfeed/feed/control_channel.hpp"

#include <algorithm>

namespace sf {

void control_channel::queue(std::span<const std::string> topics, bool subscribe, const venue_protocol& venue,
                            std::uint64_t& next_id) {
  const std::size_t per = std::max<std::size_t>(1, venue.limits().topics_per_message);
  for (std::size_t i = 0; i < topics.size(); i += per) {
    const auto chunk = topics.subspan(i, std::min(per, topics.size() - i));
    item it;
    it.id = next_id++;
    if (subscribe) {
      it.payload = venue.subscribe_message(chunk, it.id);
      it.topics.assign(chunk.begin(), chunk.end());
    } else {
      it.payload = venue.unsubscribe_message(chunk, it.id);
    }
    queue_.push_back(std::move(it));
  }
}

void control_channel::resend(const request& r, const venue_protocol& venue, std::uint64_t& next_id) {
  const std::uint64_t id = next_id++;
  queue_.push_back(item{venue.subscribe_message(r.topics, id), id, r.topics, r.retries + 1});
}

void control_channel::reply_first(std::string payload) { queue_.push_front(item{std::move(payload), 0, {}, 0}); }

std::vector<std::string> control_channel::answer(bool has_request_id, std::uint64_t request_id,
                                                 std::string_view topic) {
  auto it = pending_.end();
  if (has_request_id) {
    it = pending_.find(request_id);
  } else if (!topic.empty()) {
    it = std::find_if(pending_.begin(), pending_.end(), [&](const auto& kv) {
      return std::find(kv.second.topics.begin(), kv.second.topics.end(), topic) != kv.second.topics.end();
    });
  }
  std::vector<std::string> out;
  if (it == pending_.end()) return out;
  auto& topics = it->second.topics;
  for (auto t = topics.begin(); t != topics.end();) {
    if (!topic.empty() && *t != topic) {
      ++t;
      continue;
    }
    out.push_back(std::move(*t));
    t = topics.erase(t);
  }
  if (topics.empty()) pending_.erase(it);
  return out;
}

void control_channel::forget(std::span<const std::string> topics) {
  for (auto& [id, r] : pending_)
    std::erase_if(r.topics, [&](const std::string& t) { return std::find(topics.begin(), topics.end(), t) != topics.end(); });
  std::erase_if(pending_, [](const auto& kv) { return kv.second.topics.empty(); });
}

std::vector<control_channel::request> control_channel::take_expired(time_point now, duration timeout) {
  std::vector<request> out;
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (now - it->second.sent < timeout) {
      ++it;
      continue;
    }
    out.push_back(std::move(it->second));
    it = pending_.erase(it);
  }
  return out;
}

}  // namespace sf
