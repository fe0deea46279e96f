#include "steadyfeed/feed/subscription_registry.hpp"

#include <algorithm>

namespace sf {

std::string_view to_string(topic_status s) noexcept {
  switch (s) {
    case topic_status::pending: return "pending";
    case topic_status::active: return "active";
    case topic_status::failed: return "failed";
  }
  return "unknown";
}

std::vector<std::string> subscription_registry::add(std::span<const std::string> topics) {
  std::vector<std::string> added;
  for (const auto& t : topics) {
    if (t.empty() || contains(t)) continue;
    if (std::find(added.begin(), added.end(), t) != added.end()) continue;
    entries_.push_back({t, topic_status::pending, {}});
    added.push_back(t);
  }
  return added;
}

std::vector<std::string> subscription_registry::remove(std::span<const std::string> topics) {
  std::vector<std::string> removed;
  for (const auto& t : topics) {
    auto it = std::find_if(entries_.begin(), entries_.end(),
                           [&](const topic_entry& e) { return e.topic == t; });
    if (it == entries_.end()) continue;
    if (it->status != topic_status::failed) removed.push_back(t);
    entries_.erase(it);
  }
  return removed;
}

const topic_entry* subscription_registry::find(std::string_view topic) const noexcept {
  for (const auto& e : entries_)
    if (e.topic == topic) return &e;
  return nullptr;
}

bool subscription_registry::contains(std::string_view topic) const noexcept {
  return find(topic) != nullptr;
}

void subscription_registry::set_status(std::string_view topic, topic_status status,
                                       std::string_view error) {
  for (auto& e : entries_) {
    if (e.topic != topic) continue;
    e.status = status;
    e.error.assign(error);
    return;
  }
}

void subscription_registry::reset_pending() {
  for (auto& e : entries_)
    if (e.status != topic_status::failed) e.status = topic_status::pending;
}

std::vector<std::string> subscription_registry::restorable() const {
  std::vector<std::string> out;
  out.reserve(entries_.size());
  for (const auto& e : entries_)
    if (e.status != topic_status::failed) out.push_back(e.topic);
  return out;
}

std::size_t subscription_registry::count(topic_status s) const noexcept {
  return static_cast<std::size_t>(
      std::count_if(entries_.begin(), entries_.end(), [&](const topic_entry& e) { return e.status == s; }));
}

}  // namespace sf
