#include "sink_set.hpp"

#include "steadyfeed/sink/file_sink.hpp"
#include "steadyfeed/sink/nats_sink.hpp"
#include "steadyfeed/sink/stdout_sink.hpp"

namespace sf::daemon {

namespace {

nats_sink_config nats_config(const nats_sink_settings& n) {
  nats_sink_config c;
  c.servers = n.servers;
  c.subject_prefix = n.subject_prefix;
  c.stream.name = n.stream;
  c.stream.create = n.create_stream;
  c.stream.storage = n.storage == "memory" ? nats_storage::memory : nats_storage::file;
  c.stream.replicas = static_cast<int>(n.replicas);
  c.stream.duplicate_window = n.duplicate_window;
  c.stream.max_age = n.max_age;
  c.stream.max_bytes = n.max_bytes;
  c.token = n.token;
  c.user = n.user;
  c.password = n.password;
  c.nkey = n.nkey;
  c.nkey_seed_file = n.nkey_seed_file;
  c.creds_file = n.creds_file;
  c.tls = n.tls;
  c.tls_ca_file = n.tls_ca_file;
  c.tls_cert_file = n.tls_cert_file;
  c.tls_key_file = n.tls_key_file;
  c.max_in_flight = static_cast<std::size_t>(n.max_in_flight);
  c.ack_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(n.ack_timeout);
  c.strict_order = n.strict_order;
  c.memory_bytes = static_cast<std::size_t>(n.memory_bytes);
  c.drain_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(n.drain_timeout);
  if (n.spool)
    c.spool = record_spool_config{.dir = n.spool_dir, .max_bytes = static_cast<std::uint64_t>(n.spool_max_bytes)};
  return c;
}

}  // namespace

sink_set make_sinks(const daemon_config& config, const clock& clock) {
  sink_set out;
  auto lock = [&](const std::string& dir) {
    std::string error;
    auto l = directory_lock::acquire(dir, error);
    if (!l) throw std::runtime_error(error);
    out.locks.push_back(std::move(l));
  };
  if (config.files.enabled) {
    lock(config.files.dir);
    file_sink_config fc;
    fc.dir = config.files.dir;
    fc.flush_interval = config.files.flush_interval;
    fc.compression_level = config.files.compression_level;
    fc.fsync = config.files.fsync;
    fc.max_pending_bytes = static_cast<std::size_t>(config.files.max_pending_bytes);
    out.sinks.push_back(std::make_unique<file_sink>(fc));
  }
  if (config.stdout_sink.enabled) out.sinks.push_back(std::make_unique<stdout_sink>());
  if (config.nats.enabled) {
    if (config.nats.spool) lock(config.nats.spool_dir);
    out.sinks.push_back(std::make_unique<nats_sink>(nats_config(config.nats), clock));
  }
  return out;
}

}  // namespace sf::daemon
