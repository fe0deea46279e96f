// libnats connection options from a sink's settings (servers, name,
// credentials, TLS), shared by the sink and the stream reader. Internal to
// the library.
#pragma once

#include <nats/nats.h>

#include <string>
#include <system_error>

#include "steadyfeed/sink/nats_sink.hpp"

namespace sf {

// New options; the caller destroys them. Throws std::runtime_error naming
// the setting libnats refused (a URL, a credentials or TLS file).
natsOptions* make_nats_options(const nats_sink_config& config);

// A server URL with its user and password (if any) shown as ***.
std::string without_credentials(std::string_view url);

// libnats' status as an error code, and its last error text.
std::error_code nats_error(natsStatus s);
std::string nats_last_error(natsStatus s);

}  // namespace sf
