// The topics a connection should carry and what the venue said about each.
//
// The registry is the desired set: it survives reconnects and rotations and is
// what gets restored. Each topic is `pending` until the venue acknowledges it on
// the primary link, `active` after, or `failed` with the venue's reason (an
// unknown symbol fails that topic alone; the others stream on). Failed topics
// are not restored on reconnect: retrying a topic the venue rejected only
// burns the control-message budget.
//
// Thread safety: none; owned by one supervisor.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sf {

enum class topic_status : std::uint8_t { pending, active, failed };

std::string_view to_string(topic_status s) noexcept;

struct topic_entry {
  std::string topic;
  topic_status status = topic_status::pending;
  std::string error;  // for failed topics: the venue's reason
};

class subscription_registry {
 public:
  // Returns the topics that were not there before, in the given order.
  std::vector<std::string> add(std::span<const std::string> topics);
  // Returns the topics that were there.
  std::vector<std::string> remove(std::span<const std::string> topics);

  bool contains(std::string_view topic) const noexcept;
  const topic_entry* find(std::string_view topic) const noexcept;
  void set_status(std::string_view topic, topic_status status, std::string_view error = {});
  // Back to pending for every topic that is not failed (a new link).
  void reset_pending();

  // Topics to restore on a new link: every topic that has not failed.
  std::vector<std::string> restorable() const;
  const std::vector<topic_entry>& entries() const noexcept { return entries_; }
  std::size_t size() const noexcept { return entries_.size(); }
  std::size_t count(topic_status s) const noexcept;

 private:
  std::vector<topic_entry> entries_;  // insertion order; small (≤ ~1000)
};

}  // namespace sf
