// One feed's topics spread over connections ("shards") under the venue's
// topics-per-connection limit.
//
// The shards are the desired layout; each shard's connections keep their own
// subscription_registry in step with it. Adding topics fills the first shard
// with room (so the holes that removals leave are reused) and opens new
// shards only when every existing one is full; removing a topic leaves its
// shard in place, possibly empty, so connection numbers stay stable for the
// life of the feed.
//
// Thread safety: none; owned by one feed, on its thread.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sf {

class topic_shards {
 public:
  // `per_connection` 0 means no limit: one shard holds everything.
  explicit topic_shards(std::size_t per_connection) noexcept : per_(per_connection) {}

  struct placement {
    std::size_t shard = 0;
    std::vector<std::string> topics;
  };

  // Places the topics not placed yet. Returns what each shard gained, in
  // shard order; a shard index at or past the old size() is a new shard.
  std::vector<placement> add(std::span<const std::string> topics);
  // Takes the topics out. Returns what each shard lost, in shard order.
  std::vector<placement> remove(std::span<const std::string> topics);

  // How many shards `topics` new topics would need in all, with none removed.
  std::size_t shards_after(std::size_t new_topics) const noexcept;

  std::size_t size() const noexcept { return shards_.size(); }
  const std::vector<std::string>& topics(std::size_t shard) const { return shards_.at(shard); }
  std::optional<std::size_t> shard_of(std::string_view topic) const noexcept;
  std::size_t per_connection() const noexcept { return per_; }

 private:
  std::size_t per_;
  std::vector<std::vector<std::string>> shards_;
};

}  // namespace sf
