#include "steadyfeed/sink/nats_stream_reader.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "sink/nats_options.hpp"

namespace sf {

struct nats_stream_reader::impl {
  std::string stream;
  natsOptions* opts = nullptr;
  natsConnection* nc = nullptr;
  jsCtx* js = nullptr;

  ~impl() {
    if (js != nullptr) jsCtx_Destroy(js);
    if (nc != nullptr) natsConnection_Destroy(nc);
    if (opts != nullptr) natsOptions_Destroy(opts);
  }
};

nats_stream_reader::nats_stream_reader(const nats_sink_config& config) : impl_(std::make_unique<impl>()) {
  auto& m = *impl_;
  m.stream = config.stream.name;
  m.opts = make_nats_options(config);
  natsStatus s = natsConnection_Connect(&m.nc, m.opts);
  if (s != NATS_OK) throw std::runtime_error(fmt::format("nats: cannot connect: {}", nats_last_error(s)));
  jsOptions jo;
  jsOptions_Init(&jo);
  jo.Wait = 5000;
  if ((s = natsConnection_JetStream(&m.js, m.nc, &jo)) != NATS_OK)
    throw std::runtime_error(fmt::format("nats: JetStream: {}", nats_last_error(s)));
  bounds();  // throws when there is no such stream
}

nats_stream_reader::~nats_stream_reader() = default;

std::pair<std::uint64_t, std::uint64_t> nats_stream_reader::bounds() {
  auto& m = *impl_;
  jsStreamInfo* si = nullptr;
  jsErrCode jerr = static_cast<jsErrCode>(0);
  const natsStatus s = js_GetStreamInfo(&si, m.js, m.stream.c_str(), nullptr, &jerr);
  if (s != NATS_OK)
    throw std::runtime_error(fmt::format("nats: stream {}: {}", m.stream,
                                         s == NATS_NOT_FOUND ? std::string("no such stream") : nats_last_error(s)));
  const std::pair<std::uint64_t, std::uint64_t> out{si->State.Msgs == 0 ? 0 : si->State.FirstSeq,
                                                     si->State.Msgs == 0 ? 0 : si->State.LastSeq};
  jsStreamInfo_Destroy(si);
  return out;
}

std::uint64_t nats_stream_reader::read(const std::function<void(const nats_stored_message&)>& f) {
  auto& m = *impl_;
  const auto [first, last] = bounds();
  std::uint64_t count = 0;
  if (first == 0) return 0;
  nats_stored_message out;
  for (std::uint64_t seq = first; seq <= last; ++seq) {
    natsMsg* msg = nullptr;
    jsErrCode jerr = static_cast<jsErrCode>(0);
    const natsStatus s = js_GetMsg(&msg, m.js, m.stream.c_str(), seq, nullptr, &jerr);
    if (s == NATS_NOT_FOUND) continue;  // deleted
    if (s != NATS_OK)
      throw std::runtime_error(fmt::format("nats: stream {}: message {}: {}", m.stream, seq, nats_last_error(s)));
    out.sequence = seq;
    out.subject = natsMsg_GetSubject(msg);
    const char* id = nullptr;
    out.message_id = natsMsgHeader_Get(msg, "Nats-Msg-Id", &id) == NATS_OK && id != nullptr ? id : "";
    out.data.assign(natsMsg_GetData(msg), static_cast<std::size_t>(natsMsg_GetDataLength(msg)));
    natsMsg_Destroy(msg);
    f(out);
    ++count;
  }
  return count;
}

}  // namespace sf
