#include "steadyfeed/sink/nats_stream_reader.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "sink/nats_options.hpp"

namespace sf {

struct nats_stream_reader::impl {
  std::string stream;
  std::string subject;  // the stream's subject, when it has just one
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

namespace {

void fill(nats_stored_message& out, natsMsg* msg, std::uint64_t seq) {
  out.sequence = seq;
  out.subject = natsMsg_GetSubject(msg);
  const char* id = nullptr;
  out.message_id = natsMsgHeader_Get(msg, "Nats-Msg-Id", &id) == NATS_OK && id != nullptr ? id : "";
  out.data.assign(natsMsg_GetData(msg), static_cast<std::size_t>(natsMsg_GetDataLength(msg)));
}

}  // namespace

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
  m.subject = si->Config != nullptr && si->Config->SubjectsLen == 1 ? si->Config->Subjects[0] : "";
  jsStreamInfo_Destroy(si);
  return out;
}

// An ordered consumer (ephemeral, flow-controlled, deleted when done) streams
// the messages: one request per message would take hours for a day's
// stream. Whatever it does not bring (a stream of several subjects, a stall)
// is fetched one message at a time.
std::uint64_t nats_stream_reader::read(const std::function<void(const nats_stored_message&)>& f) {
  auto& m = *impl_;
  const auto [first, last] = bounds();
  std::uint64_t count = 0;
  if (first == 0) return 0;
  nats_stored_message out;
  std::uint64_t next = first;  // the first sequence number not yet read
  natsSubscription* sub = nullptr;
  if (!m.subject.empty()) {
    jsSubOptions so;
    jsSubOptions_Init(&so);
    so.Stream = m.stream.c_str();
    so.Ordered = true;
    so.Config.DeliverPolicy = js_DeliverByStartSequence;
    so.Config.OptStartSeq = first;
    jsErrCode jerr = static_cast<jsErrCode>(0);
    if (js_SubscribeSync(&sub, m.js, m.subject.c_str(), nullptr, &so, &jerr) != NATS_OK) sub = nullptr;
  }
  while (sub != nullptr && next <= last) {
    natsMsg* msg = nullptr;
    if (natsSubscription_NextMsg(&msg, sub, 5000) != NATS_OK) break;
    jsMsgMetaData* meta = nullptr;
    if (natsMsg_GetMetaData(&meta, msg) != NATS_OK) {
      natsMsg_Destroy(msg);
      break;
    }
    const std::uint64_t seq = meta->Sequence.Stream;
    jsMsgMetaData_Destroy(meta);
    if (seq >= next && seq <= last) {
      fill(out, msg, seq);
      f(out);
      ++count;
      next = seq + 1;
    }
    natsMsg_Destroy(msg);
  }
  if (sub != nullptr) {
    natsSubscription_Unsubscribe(sub);  // the consumer goes with it
    natsSubscription_Destroy(sub);
  }
  for (std::uint64_t seq = next; seq <= last; ++seq) {
    natsMsg* msg = nullptr;
    jsErrCode jerr = static_cast<jsErrCode>(0);
    const natsStatus s = js_GetMsg(&msg, m.js, m.stream.c_str(), seq, nullptr, &jerr);
    if (s == NATS_NOT_FOUND) continue;  // deleted
    if (s != NATS_OK)
      throw std::runtime_error(fmt::format("nats: stream {}: message {}: {}", m.stream, seq, nats_last_error(s)));
    fill(out, msg, seq);
    natsMsg_Destroy(msg);
    f(out);
    ++count;
  }
  return count;
}

}  // namespace sf
