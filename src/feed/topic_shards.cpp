#include "steadyfeed/feed/topic_shards.hpp"

#include <algorithm>

namespace sf {

namespace {

std::vector<topic_shards::placement>::iterator placement_for(std::vector<topic_shards::placement>& out,
                                                             std::size_t shard) {
  auto it = std::find_if(out.begin(), out.end(), [&](const auto& p) { return p.shard == shard; });
  if (it != out.end()) return it;
  out.push_back({shard, {}});
  return out.end() - 1;
}

}  // namespace

std::optional<std::size_t> topic_shards::shard_of(std::string_view topic) const noexcept {
  for (std::size_t i = 0; i < shards_.size(); ++i)
    if (std::find(shards_[i].begin(), shards_[i].end(), topic) != shards_[i].end()) return i;
  return std::nullopt;
}

std::vector<topic_shards::placement> topic_shards::add(std::span<const std::string> topics) {
  std::vector<placement> out;
  std::size_t shard = 0;  // topics arrive in order; the first shard with room only moves forward
  for (const auto& topic : topics) {
    if (shard_of(topic)) continue;
    while (shard < shards_.size() && per_ != 0 && shards_[shard].size() >= per_) ++shard;
    if (shard == shards_.size()) shards_.emplace_back();
    shards_[shard].push_back(topic);
    placement_for(out, shard)->topics.push_back(topic);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.shard < b.shard; });
  return out;
}

std::vector<topic_shards::placement> topic_shards::remove(std::span<const std::string> topics) {
  std::vector<placement> out;
  for (const auto& topic : topics) {
    const auto shard = shard_of(topic);
    if (!shard) continue;
    auto& list = shards_[*shard];
    list.erase(std::find(list.begin(), list.end(), topic));
    placement_for(out, *shard)->topics.push_back(topic);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.shard < b.shard; });
  return out;
}

std::size_t topic_shards::shards_after(std::size_t new_topics) const noexcept {
  if (per_ == 0) return shards_.empty() && new_topics == 0 ? 0 : std::max<std::size_t>(shards_.size(), 1);
  std::size_t room = 0;
  for (const auto& s : shards_) room += s.size() < per_ ? per_ - s.size() : 0;
  if (new_topics <= room) return shards_.size();
  return shards_.size() + (new_topics - room + per_ - 1) / per_;
}

}  // namespace sf
