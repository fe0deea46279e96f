// The frames of one market event, serialized at most once per shape.
//
// A trade or a book update goes to every subscribed connection, and most of
// them want the same bytes: the dialect names each shape with a key (a stream
// name, a channel, a wrapper) and the first connection that asks builds the
// frame; the others queue the same immutable string.
//
// Thread safety: none; one per event, on the server's thread.
// Lifetime: frames are shared, so they outlive the cache in the queues.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>

namespace sf::sim {

class frame_cache {
 public:
  template <class Make>
  std::shared_ptr<const std::string> get(const std::string& key, Make&& make) {
    auto& slot = frames_[key];
    if (!slot) slot = std::make_shared<const std::string>(make());
    return slot;
  }

 private:
  std::unordered_map<std::string, std::shared_ptr<const std::string>> frames_;
};

}  // namespace sf::sim
