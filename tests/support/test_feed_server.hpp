// The venue side of test_protocol on top of ws_test_server: it answers
// subscribe/unsubscribe requests with acks, application pings with pongs, keeps
// each connection's topics, and publishes sequenced data frames to the
// connections subscribed to a stream, the way an exchange fans one market out
// to every client.
//
// Thread safety: every member may be called from any thread; the request
// handling runs on the server thread.
// Lifetime: must outlive nothing in particular, but must be destroyed before
// `server` (its hook refers to it; the destructor removes the hook).
#pragma once

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "support/ws_test_server.hpp"

namespace sf::test {

class test_feed_server {
 public:
  explicit test_feed_server(ws_test_server& server);
  ~test_feed_server();
  test_feed_server(const test_feed_server&) = delete;
  test_feed_server& operator=(const test_feed_server&) = delete;

  // Whether requests are acknowledged / app pings answered (default: both).
  void set_acks(bool on);
  void set_app_pongs(bool on);

  // Topics of a connection: those in its URL (?streams=a/b) and those
  // subscribed by message.
  std::set<std::string> topics(connection_id id) const;
  // Open connections subscribed to `stream`.
  std::vector<connection_id> subscribers(std::string_view stream) const;
  // Subscribe requests received on a connection (counting each request once).
  std::size_t subscribe_requests(connection_id id) const;

  // Sends test_data_frame(stream, seq) to every subscriber; returns how many.
  std::size_t publish(std::string_view stream, std::uint64_t seq, std::string_view payload = {});

 private:
  std::vector<std::string> on_frame(connection_id id, std::string_view frame);

  ws_test_server& server_;
  mutable std::mutex mutex_;
  std::map<connection_id, std::set<std::string>> topics_;
  std::map<connection_id, std::size_t> requests_;
  bool acks_ = true;
  bool app_pongs_ = true;
};

}  // namespace sf::test
