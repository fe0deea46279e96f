// One link's control messages: subscribe and unsubscribe requests (and
// replies to the venue's own pings) queued, sent within the venue's
// control-message budget, and the subscribe requests awaiting the venue's
// acknowledgement.
//
// A part of the supervisor, sans-I/O. Requests are cut to the venue's
// topics-per-message limit and numbered from the supervisor's counter (ids
// are unique across links, so a late ack on one link can never answer a
// request of another). flush() hands out what the budget allows now; a
// subscribe request then waits for its ack. An ack or a refusal answers a
// request by its id, or, for venues that answer per topic, by the topic.
// Requests unanswered past a timeout come back from take_expired() for the
// supervisor to resend or to give up on.
//
// Thread safety: none; the supervisor's thread.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "steadyfeed/core/clock.hpp"
#include "steadyfeed/core/token_bucket.hpp"
#include "steadyfeed/venue/venue_protocol.hpp"

namespace sf {

class control_channel {
 public:
  struct request {
    std::vector<std::string> topics;  // still unanswered
    time_point sent{};
    int retries = 0;                  // times it was sent again
  };

  explicit control_channel(token_bucket budget = token_bucket::unlimited()) noexcept : budget_(budget) {}

  // Queues (un)subscribe requests for `topics`; ids come from `next_id`.
  void queue(std::span<const std::string> topics, bool subscribe, const venue_protocol& venue,
             std::uint64_t& next_id);
  // Queues one subscribe request again, counting the retry.
  void resend(const request& r, const venue_protocol& venue, std::uint64_t& next_id);
  // Queues a reply to the venue's ping ahead of everything else.
  void reply_first(std::string payload);

  // Sends every queued frame the budget allows at `now`, in order, through
  // `send(std::string payload)`; returns how many went.
  template <typename Send>
  std::size_t flush(time_point now, Send&& send) {
    std::size_t sent = 0;
    while (!queue_.empty() && budget_.try_take(now)) {
      item it = std::move(queue_.front());
      queue_.pop_front();
      if (!it.topics.empty()) pending_[it.id] = request{std::move(it.topics), now, it.retries};
      send(std::move(it.payload));
      ++sent;
    }
    return sent;
  }

  // A heartbeat frame may go now: always, unless the venue counts pings
  // against the control budget, which then must have a token.
  bool take_heartbeat_token(time_point now, bool pings_count) noexcept {
    return !pings_count || budget_.try_take(now);
  }
  time_point next_token(time_point now) noexcept { return budget_.next_available(now); }
  // When queued frames can go next; `never` with nothing queued.
  time_point next_send(time_point now) noexcept { return queue_.empty() ? never : next_token(now); }

  // The topics an ack or a refusal answers, taken out of their request: by
  // request id, else every waiting request naming `topic`'s first. With a
  // topic, only that topic; without, the whole request.
  std::vector<std::string> answer(bool has_request_id, std::uint64_t request_id, std::string_view topic);
  // Stops waiting for these topics (unsubscribed meanwhile).
  void forget(std::span<const std::string> topics);
  // Requests unanswered for `timeout`, taken out.
  std::vector<request> take_expired(time_point now, duration timeout);

  std::size_t queued() const noexcept { return queue_.size(); }
  std::size_t waiting() const noexcept { return pending_.size(); }

 private:
  struct item {
    std::string payload;
    std::uint64_t id = 0;              // 0: no ack expected
    std::vector<std::string> topics;   // subscribe requests only
    int retries = 0;
  };

  token_bucket budget_;
  std::deque<item> queue_;
  std::map<std::uint64_t, request> pending_;
};

}  // namespace sf
