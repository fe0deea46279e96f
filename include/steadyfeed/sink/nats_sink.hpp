// A sink that publishes every record to NATS JetStream, so that collectors
// on several machines make one stream of records: each record carries its
// identity as Nats-Msg-Id (nats_subject.hpp), and JetStream stores it once
// within the stream's duplicate window however many collectors send it.
//
// Publishing is asynchronous with a bounded window of records in flight;
// every ack is checked. A duplicate ack is a success (counted). A negative
// ack, an ack that does not come within `ack_timeout`, or a publish that
// fails stops new publishing until the window has settled; then the failed
// records are sent again, in their order, so that a stream's records reach
// JetStream in order (a server that refuses one record and takes the next
// is the one case that can reorder, and verify says so).
//
// Nothing is dropped while NATS is slow or down: records that cannot be
// sent go to bounded memory (`memory_bytes`), then to the spool on disk
// (record_spool), and are sent in order when NATS is back, while new
// records queue behind them. Only when the spool is full (or there is none)
// is a record not kept: each stream's run of such records becomes one gap
// record, queued ahead of the stream's next record, and write() reports the
// first loss of each run.
//
// close() drains for up to `drain_timeout`; what is still unsent then (in
// flight, in memory) goes to the front of the spool, for the next start,
// which sends the spool first. A record that was sent and whose ack did not
// come is sent again then: JetStream drops the duplicate by its id. kill -9
// loses what was in memory and in flight, never what was written to the
// spool.
//
// The connection: several server URLs, connected again for ever (by the
// sink, off the driving thread; what was in flight on a lost connection is
// sent first on the next); TLS;
// credentials by token, user and password, NKey seed file or creds file.
// When `stream.create` is set, the stream is created, or updated to the
// configured subjects, storage, replicas, duplicate window and limits, at
// every (re)connect. The daemon can start while NATS is down: records spool
// until it comes.
//
// Thread safety: a sink is driven by one thread (the engine's router);
// libnats acknowledges on its own threads, which only queue completions
// under a lock. stats() and nats_stats() on the driving thread.
// Lifetime: the clock must outlive the sink.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "steadyfeed/core/clock.hpp"
#include "steadyfeed/sink/record_spool.hpp"
#include "steadyfeed/sink/sink.hpp"

namespace sf {

enum class nats_storage { file, memory };

struct nats_stream_config {
  std::string name = "MARKET_DATA";
  // Create the stream, or update it to these settings, at every connect.
  // When false the stream must exist (publishes without one are retried and
  // reported).
  bool create = true;
  nats_storage storage = nats_storage::file;
  int replicas = 1;
  // How long JetStream remembers a message id. It must be longer than the
  // longest time two collectors may differ by (one's outage plus its
  // spool's replay): a record sent again after the window is stored twice.
  duration duplicate_window = minutes{2};
  duration max_age{0};        // 0: records are kept for ever
  std::int64_t max_bytes = -1;  // -1: no limit
};

struct nats_sink_config {
  std::vector<std::string> servers{"nats://127.0.0.1:4222"};
  std::string subject_prefix = "md";
  nats_stream_config stream;
  // Credentials: at most one of token, user (with password), nkey (the
  // public key, with the file holding its seed), creds_file.
  std::string token;
  std::string user;
  std::string password;
  std::string nkey;
  std::string nkey_seed_file;
  std::string creds_file;
  // TLS: on when `tls` is set or a server URL is tls://.
  bool tls = false;
  std::string tls_ca_file;
  std::string tls_cert_file;
  std::string tls_key_file;
  std::size_t max_in_flight = 8192;
  std::chrono::milliseconds ack_timeout{5000};
  // This sink is the stream's only writer: each record sent while an
  // earlier one is still in flight names that one (Nats-Expected-Last-Msg-Id),
  // and the server refuses it unless that one was stored last. A record the
  // server lost (a cluster's leader replaced mid-flight) then cannot be
  // overtaken: the refused ones are sent again behind it, and the stream
  // keeps the order records were written in. With several writers on one
  // stream it would refuse their interleaved records: leave it off there.
  bool strict_order = false;
  std::size_t memory_bytes = std::size_t{64} << 20;
  // No spool: what does not fit in memory becomes gap records.
  std::optional<record_spool_config> spool;
  std::chrono::milliseconds drain_timeout{5000};
  std::string connection_name = "steadyfeed";
};

struct nats_sink_stats {
  std::uint64_t accepted = 0;     // records (and gap records) taken by write()
  std::uint64_t published = 0;    // publish calls, resends included
  std::uint64_t acked = 0;        // acks, duplicates included
  std::uint64_t duplicates = 0;   // acks saying the stream had the record already
  std::uint64_t resent = 0;       // records sent again after a failure
  std::uint64_t failures = 0;     // negative acks, ack timeouts, failed publishes
  std::uint64_t out_of_turn = 0;  // strict_order: refused because the record before was not stored
  std::uint64_t records_lost = 0; // not kept (spool full): each run is a gap record
  std::uint64_t gap_records = 0;  // gap records made for them
  std::uint64_t bytes_acked = 0;
  std::size_t in_flight = 0;      // sent and not yet acked (failed ones waiting to go again too)
  std::size_t queued = 0;         // in memory
  std::size_t queued_bytes = 0;
  record_spool_stats spool;
  bool connected = false;
  std::uint64_t reconnects = 0;
  std::string last_error;         // "" when none yet
};

// Whether `url` is a server URL the sink takes: nats://HOST[:PORT] or
// tls://HOST[:PORT]. (libnats takes almost any text as a host name; a typo
// would only show as a connection that never comes.)
bool is_nats_server_url(std::string_view url) noexcept;

class nats_sink final : public sink {
 public:
  // Connects (or keeps trying in the background) and opens the spool.
  // Throws std::runtime_error naming the problem for options libnats refuses
  // (a server URL, a credentials or TLS file) or a spool that cannot open.
  explicit nats_sink(nats_sink_config config, const clock& clock = system_clock_source::instance());
  ~nats_sink() override;
  nats_sink(const nats_sink&) = delete;
  nats_sink& operator=(const nats_sink&) = delete;

  // sink
  std::string_view name() const noexcept override { return "nats"; }
  std::string describe() const override;
  std::error_code write(const sink_record& r) override;
  std::error_code tick(time_point now) override;
  // Waits (up to drain_timeout) until everything accepted is acked.
  std::error_code flush() override;
  std::error_code close() override;
  sink_stats stats() const override;

  nats_sink_stats nats_stats() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace sf
