// The sinks a configuration names, built and ready for an engine or a
// replay: files, stdout and nats, each with the lock on its directory (one
// process records into a directory, one process owns a spool).
//
// Thread safety: none. Lifetime: the locks are held until the set goes.
#pragma once

#include <memory>
#include <vector>

#include "config.hpp"
#include "steadyfeed/core/clock.hpp"
#include "steadyfeed/sink/directory_lock.hpp"
#include "steadyfeed/sink/sink.hpp"

namespace sf::daemon {

struct sink_set {
  std::vector<std::unique_ptr<sink>> sinks;
  std::vector<std::unique_ptr<directory_lock>> locks;
};

// Throws std::runtime_error naming the sink that cannot start (a directory
// another process holds, a NATS option refused).
sink_set make_sinks(const daemon_config& config, const clock& clock);

}  // namespace sf::daemon
