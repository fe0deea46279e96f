// Records everything a ws_link reports, for assertions.
//
// Thread safety: none; used on the thread running the link's io_context.
// Lifetime: must outlive the link whose callbacks() it supplied.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "steadyfeed/net/ws_link.hpp"

namespace sf::test {

struct link_probe {
  int opened = 0;
  std::optional<failure> open_failed;
  std::optional<failure> closed;
  std::vector<std::string> frames;
  std::vector<std::string> pings;
  std::vector<std::string> pongs;
  int reports = 0;  // every callback, to prove silence after close()

  ws_link_callbacks callbacks() {
    ws_link_callbacks cb;
    cb.on_open = [this] { ++opened, ++reports; };
    cb.on_open_failed = [this](const failure& f) { open_failed = f, ++reports; };
    cb.on_frame = [this](std::string_view frame) { frames.emplace_back(frame), ++reports; };
    cb.on_ping = [this](std::string_view p) { pings.emplace_back(p), ++reports; };
    cb.on_pong = [this](std::string_view p) { pongs.emplace_back(p), ++reports; };
    cb.on_closed = [this](const failure& f) { closed = f, ++reports; };
    return cb;
  }

  bool ended() const { return open_failed.has_value() || closed.has_value(); }
};

}  // namespace sf::test
