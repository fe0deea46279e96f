#include "steadyfeed/sink/nats_sink.hpp"

#include <nats/nats.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <fmt/format.h>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <utility>

#include "steadyfeed/core/record_json.hpp"
#include "steadyfeed/sink/nats_subject.hpp"
#include "sink/nats_options.hpp"

namespace sf {

namespace {

std::string stream_key(std::string_view venue, std::string_view channel, std::string_view symbol) {
  std::string key(venue);
  key.push_back('\0');
  key.append(channel);
  key.push_back('\0');
  key.append(symbol);
  return key;
}

spooled_record copy_of(const sink_record& r) {
  return spooled_record{r.kind, std::string(r.venue), std::string(r.channel), std::string(r.symbol),
                        std::string(r.id), r.received, std::string(r.line)};
}

}  // namespace

struct nats_sink::impl {
  enum class state { pending, acked, failed };
  static constexpr int max_refusals = 10;
  // JetStream's error code for a Nats-Expected-Last-Msg-Id that is not the
  // stream's last (nats-server's JSStreamWrongLastMsgIDErr).
  static constexpr int wrong_last_msg_id = 10070;
  struct outgoing {
    spooled_record rec;
    state st = state::pending;
    int refusals = 0;  // negative acks that were not timeouts
    std::optional<record_spool::mark> spool_mark;  // the last record of a spool read
    int sends = 0;
    bool conditional = false;  // last sent with an expected last message id
    bool given_up = false;     // settled without being stored
  };
  struct completion {
    natsMsg* msg = nullptr;
    bool ok = false;
    bool duplicate = false;
    natsStatus status = NATS_OK;
    int error_code = 0;  // JetStream's, when the server refused it
    std::string error;
  };
  struct lost_run {
    std::string venue, channel, symbol, from, to;
    std::uint64_t count = 0;
    wall_us first_received = 0;
  };

  nats_sink_config config;
  const clock& clk;
  natsOptions* opts = nullptr;
  natsConnection* nc = nullptr;
  jsCtx* js = nullptr;
  std::unique_ptr<record_spool> spool;

  // Set by libnats' connection callbacks.
  std::atomic<bool> connected{false};
  std::atomic<bool> check_stream{false};
  std::atomic<std::uint64_t> reconnects{0};
  std::mutex closed_mutex;
  std::condition_variable closed_cv;
  std::vector<natsConnection*> closed_connections;  // under closed_mutex: whose closed callback ran

  // The connector: attempts to connect, off the driving thread, from a
  // failed first attempt until one succeeds, and again whenever a
  // connection is lost. Each attempt tries every server and says exactly
  // why it failed (a refused login, nothing listening, a TLS error).
  std::thread connector;
  std::mutex connector_mutex;
  std::condition_variable connector_cv;
  bool connector_wanted = false;              // under connector_mutex
  bool connector_stop = false;                // under connector_mutex
  natsConnection* connector_result = nullptr; // under connector_mutex
  std::string attempt_error;                  // under connector_mutex: why the last attempt failed
  natsStatus attempt_status = NATS_OK;        // under connector_mutex
  std::atomic<bool> connection_waiting{false};
  bool ever_connected = false;
  std::uint64_t js_published = 0;  // publish calls on the current JetStream context

  // Acks, queued by libnats' threads.
  std::mutex completions_mutex;
  std::vector<completion> completions;
  std::atomic<bool> completions_waiting{false};
  bool shutting_down = false;  // under completions_mutex
  std::string async_error;     // under completions_mutex: the server's last error, "" once reported
  natsStatus async_status = NATS_OK;
  std::string connect_error;   // the router thread's: why the connection is down, as last said

  // The router thread's.
  std::deque<outgoing> outstanding;  // published, in order; acked ones leave from the front
  std::uint64_t front_seq = 0;       // the sequence number of outstanding.front()
  std::unordered_map<natsMsg*, std::uint64_t> seq_of;
  std::size_t pending = 0;  // outstanding entries waiting for their ack
  bool recovering = false;  // a failure: nothing new until the window settles
  bool failure_reported = false;
  std::error_code last_failure;
  bool stream_ready = false;
  time_point next_stream_check{};
  time_point next_owed_settle{};
  std::deque<spooled_record> memory;
  std::size_t memory_bytes = 0;
  std::map<std::string, lost_run, std::less<>> owed;
  nats_sink_stats st;
  std::vector<spooled_record> batch;
  std::string subject, msg_id, gap_line;
  std::string expected_id;  // strict_order: the condition of the send being made
  std::string subject_venue, subject_channel, subject_symbol;  // whose subject `subject` is
  bool closed = false;

  impl(nats_sink_config c, const clock& k) : config(std::move(c)), clk(k) {}

  static void on_ack(jsCtx*, natsMsg* msg, jsPubAck* pa, jsPubAckErr* pae, void* closure) {
    auto& m = *static_cast<impl*>(closure);
    std::lock_guard lock(m.completions_mutex);
    if (m.shutting_down) {
      natsMsg_Destroy(msg);
      return;
    }
    completion c;
    c.msg = msg;
    c.ok = pa != nullptr;
    c.duplicate = pa != nullptr && pa->Duplicate;
    if (pae != nullptr) c.status = pae->Err;
    if (pae != nullptr) c.error_code = static_cast<int>(pae->ErrCode);
    if (pae != nullptr)
      c.error = fmt::format("{}{}{}", natsStatus_GetText(pae->Err), pae->ErrText ? ": " : "",
                            pae->ErrText ? pae->ErrText : "");
    m.completions.push_back(std::move(c));
    m.completions_waiting.store(true, std::memory_order_release);
  }
  // Errors the server sends (an authorization violation, a permission
  // refused) come here, on libnats' thread; pump() reports them.
  static void on_async_error(natsConnection* nc, natsSubscription*, natsStatus err, void* closure) {
    auto& m = *static_cast<impl*>(closure);
    const char* text = nullptr;
    if (nc != nullptr) natsConnection_GetLastError(nc, &text);
    std::lock_guard lock(m.completions_mutex);
    m.async_error = text != nullptr && *text != '\0' ? text : natsStatus_GetText(err);
    m.async_status = err;
  }
  static void on_disconnected(natsConnection*, void* closure) { static_cast<impl*>(closure)->connected.store(false); }
  static void on_closed(natsConnection* nc, void* closure) {
    auto& m = *static_cast<impl*>(closure);
    m.connected.store(false);
    std::lock_guard lock(m.closed_mutex);
    m.closed_connections.push_back(nc);
    m.closed_cv.notify_all();
  }

  bool closed_by_libnats(natsConnection* c) {
    std::lock_guard lock(closed_mutex);
    return std::find(closed_connections.begin(), closed_connections.end(), c) != closed_connections.end();
  }

  // Destroys a connection whose closed callback ran (or did not come in 5 s).
  void destroy_connection(natsConnection* c) {
    {
      std::unique_lock lock(closed_mutex);
      closed_cv.wait_for(lock, std::chrono::seconds{5}, [&] {
        return std::find(closed_connections.begin(), closed_connections.end(), c) != closed_connections.end();
      });
      std::erase(closed_connections, c);
    }
    natsConnection_Destroy(c);
  }

  // Closes and destroys a connection of ours; its closed callback runs on
  // libnats' thread and must be done before this object goes.
  void close_connection(natsConnection* c) {
    if (c == nullptr) return;
    if (!natsConnection_IsClosed(c)) natsConnection_Close(c);
    destroy_connection(c);
  }

  void teardown_handles() {
    if (connector.joinable()) {
      {
        std::lock_guard lock(connector_mutex);
        connector_stop = true;
      }
      connector_cv.notify_all();
      connector.join();
    }
    if (js != nullptr) jsCtx_Destroy(js);
    js = nullptr;
    close_connection(nc);
    nc = nullptr;
    close_connection(std::exchange(connector_result, nullptr));
    if (opts != nullptr) natsOptions_Destroy(opts);
    opts = nullptr;
  }

  void connect() {
    try {
      opts = make_nats_options(config);
    } catch (...) {
      teardown_handles();
      throw;
    }
    // A lost connection is closed, and the connector makes a new one:
    // libnats' own reconnect would flush what was published meanwhile to the
    // next server ahead of what the old socket lost, out of order. Closed,
    // what was in flight is taken back and sent again first.
    natsOptions_SetAllowReconnect(opts, false);
    natsOptions_SetPingInterval(opts, 5000);
    natsOptions_SetMaxPingsOut(opts, 2);
    natsOptions_SetDisconnectedCB(opts, &impl::on_disconnected, this);
    natsOptions_SetClosedCB(opts, &impl::on_closed, this);
    natsOptions_SetErrorHandler(opts, &impl::on_async_error, this);
    // The first attempt here, so that a server that is up is used at once;
    // after a failure, the connector tries again in the background.
    natsConnection* c = nullptr;
    const natsStatus s = natsConnection_Connect(&c, opts);
    if (s == NATS_OK) {
      adopt(c);
    } else {
      attempt_status = s;
      attempt_error = nats_last_error(s);
    }
    connector = std::thread([this] { connect_in_background(); });
    if (nc == nullptr) want_connection();
  }

  void want_connection() {
    {
      std::lock_guard lock(connector_mutex);
      connector_wanted = true;
    }
    connector_cv.notify_all();
  }

  // The connector thread.
  void connect_in_background() {
    std::unique_lock lock(connector_mutex);
    while (true) {
      connector_cv.wait(lock, [&] { return connector_stop || connector_wanted; });
      if (connector_stop) return;
      lock.unlock();
      natsConnection* c = nullptr;
      const natsStatus s = natsConnection_Connect(&c, opts);
      const std::string why = s == NATS_OK ? std::string() : nats_last_error(s);
      lock.lock();
      if (s == NATS_OK) {
        connector_result = c;
        connector_wanted = false;
        attempt_error.clear();
        attempt_status = NATS_OK;
        connection_waiting.store(true);
        continue;
      }
      attempt_status = s;
      attempt_error = why;
      connector_cv.wait_for(lock, std::chrono::milliseconds{250}, [&] { return connector_stop; });
    }
  }

  // Takes a connection the connector made (or the first attempt).
  void adopt(natsConnection* c) {
    jsOptions jo;
    jsOptions_Init(&jo);
    // Stream requests block the router thread: short.
    jo.Wait = std::min<std::int64_t>(config.ack_timeout.count(), 2000);
    jo.PublishAsync.AckHandler = &impl::on_ack;
    jo.PublishAsync.AckHandlerClosure = this;
    jo.PublishAsync.MaxPending = static_cast<int64_t>(config.max_in_flight) + 16;
    jo.PublishAsync.StallWait = 10;
    const natsStatus s = natsConnection_JetStream(&js, c, &jo);
    if (s != NATS_OK) {
      const std::string why = nats_last_error(s);
      close_connection(c);
      js = nullptr;
      {
        std::lock_guard lock(connector_mutex);
        attempt_status = s;
        attempt_error = "JetStream context: " + why;
      }
      want_connection();
      return;
    }
    nc = c;
    js_published = 0;
    if (ever_connected) reconnects.fetch_add(1);
    ever_connected = true;
    connected.store(natsConnection_Status(c) == NATS_CONN_STATUS_CONNECTED);
    check_stream.store(true);
  }

  // What is in flight waits for a resend: its acks will not come. Returns
  // how many records.
  std::size_t take_back_in_flight() {
    take_completions();
    std::size_t n = 0;
    if (js_published > 0) {
      natsMsgList left;
      if (js_PublishAsyncGetPendingList(&left, js) == NATS_OK) {
        for (int i = 0; i < left.Count; ++i) {
          const auto it = seq_of.find(left.Msgs[i]);
          if (it == seq_of.end()) continue;
          outstanding[it->second - front_seq].st = state::failed;
          seq_of.erase(it);
          --pending;
          ++n;
        }
        natsMsgList_Destroy(&left);  // the messages too: a resend makes its own
      }
    }
    return n;
  }

  // The connection was lost (or libnats gave up on it): what was in flight
  // waits for a resend, and the connector starts again.
  void after_connection_closed() {
    const std::size_t in_flight = take_back_in_flight();
    const char* text = nullptr;
    natsConnection_GetLastError(nc, &text);
    const std::string why = text != nullptr && *text != '\0' ? text : "closed";
    jsCtx_Destroy(js);
    js = nullptr;
    destroy_connection(std::exchange(nc, nullptr));
    connected.store(false);
    stream_ready = false;
    note_failure(fmt::format("connection lost: {}; connecting again ({} record(s) in flight go again)", why, in_flight),
                 nats_error(NATS_CONNECTION_CLOSED));
    want_connection();
  }

  bool can_publish() const {
    return js != nullptr && connected.load(std::memory_order_relaxed) && stream_ready && !recovering &&
           outstanding.size() < config.max_in_flight;
  }

  bool spool_waiting() const { return spool && !spool->empty(); }

  void note_failure(std::string error, std::error_code ec = std::make_error_code(std::errc::io_error)) {
    ++st.failures;
    st.last_error = std::move(error);
    last_failure = ec;
    recovering = true;
  }

  // Sends outstanding[seq]: a fresh message each time (a resend must not
  // carry the condition of an earlier send).
  void send(std::uint64_t seq) {
    outgoing& o = outstanding[seq - front_seq];
    // Records come in runs of one stream: its subject is kept.
    if (o.rec.venue != subject_venue || o.rec.channel != subject_channel || o.rec.symbol != subject_symbol) {
      subject = nats_subject(config.subject_prefix, o.rec.venue, o.rec.channel, o.rec.symbol);
      subject_venue = o.rec.venue;
      subject_channel = o.rec.channel;
      subject_symbol = o.rec.symbol;
    }
    natsMsg* m = nullptr;
    natsStatus s = natsMsg_Create(&m, subject.c_str(), nullptr, o.rec.line.data(), static_cast<int>(o.rec.line.size()));
    if (s != NATS_OK) {
      o.st = state::failed;
      note_failure(fmt::format("message: {}", natsStatus_GetText(s)), nats_error(s));
      return;
    }
    if (o.sends++ > 0) ++st.resent;
    msg_id.clear();
    append_message_id(msg_id, o.rec.kind, o.rec.venue, o.rec.channel, o.rec.symbol, o.rec.id, o.rec.line);
    jsPubOptions po;
    jsPubOptions_Init(&po);
    po.MsgId = msg_id.c_str();
    po.MaxWait = config.ack_timeout.count();
    // strict_order: behind a record still in flight, stored only right after
    // the record before it. (With nothing in flight, everything before it is
    // stored: no condition is needed, and none may be stale.)
    o.conditional = config.strict_order && pending > 0 && expect_after(seq);
    if (o.conditional) po.ExpectLastMsgId = expected_id.c_str();
    seq_of[m] = seq;
    natsMsg* handed = m;
    s = js_PublishMsgAsync(js, &handed, &po);
    ++st.published;
    ++js_published;
    if (s != NATS_OK) {
      // Not sent: the message is still ours.
      seq_of.erase(m);
      natsMsg_Destroy(m);
      if (s == NATS_MAX_PAYLOAD) {
        // No resend can fix it: the record becomes a gap record.
        give_up(o, "larger than the server's max_payload");
        return;
      }
      o.st = state::failed;
      note_failure(fmt::format("publish: {}", natsStatus_GetText(s)), nats_error(s));
      return;
    }
    o.st = state::pending;
    ++pending;
  }

  // The id of the record the stream must hold last before outstanding[seq]:
  // the nearest one before it in the window that was not given up. False
  // when there is none (everything before it has left the window, stored).
  bool expect_after(std::uint64_t seq) {
    for (std::uint64_t i = seq; i > front_seq; --i) {
      const outgoing& prev = outstanding[i - 1 - front_seq];
      if (prev.given_up) continue;
      expected_id.clear();
      append_message_id(expected_id, prev.rec.kind, prev.rec.venue, prev.rec.channel, prev.rec.symbol, prev.rec.id,
                        prev.rec.line);
      return true;
    }
    return false;
  }

  void publish_new(spooled_record rec, std::optional<record_spool::mark> mark = {}) {
    outstanding.push_back(outgoing{std::move(rec), state::pending, 0, mark});
    send(front_seq + outstanding.size() - 1);
  }

  // A record no resend can deliver: out of the window, named by a gap record.
  void give_up(outgoing& o, const std::string& why) {
    o.st = state::acked;  // settled: leaves the window in turn
    o.given_up = true;
    lose(o.rec, why);
  }

  void take_completions() {
    if (!completions_waiting.load(std::memory_order_acquire)) return;
    std::vector<completion> done;
    {
      std::lock_guard lock(completions_mutex);
      done.swap(completions);
      completions_waiting.store(false, std::memory_order_relaxed);
    }
    for (auto& c : done) {
      const auto it = seq_of.find(c.msg);
      if (it == seq_of.end()) {
        natsMsg_Destroy(c.msg);
        continue;
      }
      outgoing& o = outstanding[it->second - front_seq];
      seq_of.erase(it);
      --pending;
      natsMsg_Destroy(c.msg);  // a resend makes a fresh one
      if (c.ok) {
        o.st = state::acked;
        ++st.acked;
        if (c.duplicate) ++st.duplicates;
        st.bytes_acked += o.rec.line.size();
      } else if (c.status == NATS_NO_RESPONDERS) {
        // Nothing takes the subject: the stream may be gone. Make it again.
        o.st = state::failed;
        check_stream.store(true);
        note_failure(std::move(c.error), nats_error(c.status));
      } else if (c.error_code == wrong_last_msg_id && o.conditional) {
        // strict_order: the record before it was not stored (yet); it goes
        // again behind that one.
        o.st = state::failed;
        ++st.out_of_turn;
        note_failure(std::move(c.error), nats_error(NATS_ERR));
      } else if (c.status != NATS_TIMEOUT && ++o.refusals >= max_refusals) {
        // The server refuses this record whatever we do (a stream limit, a
        // bad subject): it becomes a gap record rather than block the rest.
        give_up(o, fmt::format("refused {} times: {}", o.refusals, c.error));
      } else {
        o.st = state::failed;
        note_failure(std::move(c.error), nats_error(c.status == NATS_OK ? NATS_ERR : c.status));
      }
    }
    while (!outstanding.empty() && outstanding.front().st == state::acked) {
      if (outstanding.front().spool_mark && spool) {
        if (auto ec = spool->commit(*outstanding.front().spool_mark))
          st.last_error = fmt::format("spool: {}", ec.message());
      }
      outstanding.pop_front();
      ++front_seq;
    }
  }

  std::error_code ensure_stream() {
    if (!config.stream.create) {
      stream_ready = true;
      return {};
    }
    const std::string subjects = config.subject_prefix + ".>";
    const char* subject_list[] = {subjects.c_str()};
    jsStreamConfig sc;
    jsStreamConfig_Init(&sc);
    sc.Name = config.stream.name.c_str();
    sc.Subjects = subject_list;
    sc.SubjectsLen = 1;
    sc.Storage = config.stream.storage == nats_storage::memory ? js_MemoryStorage : js_FileStorage;
    sc.Replicas = config.stream.replicas;
    sc.Duplicates = config.stream.duplicate_window.count();
    sc.MaxAge = config.stream.max_age.count();
    sc.MaxBytes = config.stream.max_bytes;
    jsStreamInfo* si = nullptr;
    jsErrCode jerr = static_cast<jsErrCode>(0);
    natsStatus s = js_AddStream(&si, js, &sc, nullptr, &jerr);
    if (si != nullptr) jsStreamInfo_Destroy(si);
    si = nullptr;
    if (s != NATS_OK && jerr == JSStreamNameExistErr) {
      // It exists with other settings: update them. It takes records either way.
      stream_ready = true;
      s = js_UpdateStream(&si, js, &sc, nullptr, &jerr);
      if (si != nullptr) jsStreamInfo_Destroy(si);
      if (s != NATS_OK) {
        st.last_error = fmt::format("stream {}: the update to the configured settings failed: {} (error {})",
                                    config.stream.name, nats_last_error(s),
                                    static_cast<int>(jerr));
        return nats_error(s);
      }
      return {};
    }
    if (s != NATS_OK) {
      st.last_error = fmt::format("stream {}: {} (error {})", config.stream.name,
                                  nats_last_error(s),
                                  static_cast<int>(jerr));
      return nats_error(s);
    }
    stream_ready = true;
    return {};
  }

  // Sends what waits, oldest first: failed records again, then memory, then
  // the spool.
  std::error_code pump() {
    std::error_code result;
    auto keep_first = [&](std::error_code ec) {
      if (ec && !result) result = ec;
    };
    take_completions();
    {
      std::lock_guard lock(completions_mutex);
      if (!async_error.empty()) {
        st.last_error = "server: " + async_error;
        keep_first(nats_error(async_status == NATS_OK ? NATS_ERR : async_status));
        async_error.clear();
      }
    }
    if (nc != nullptr && !closed && closed_by_libnats(nc)) after_connection_closed();

    if (nc == nullptr && connection_waiting.exchange(false)) {
      natsConnection* c = nullptr;
      {
        std::lock_guard lock(connector_mutex);
        c = std::exchange(connector_result, nullptr);
      }
      if (c != nullptr) adopt(c);
    }
    // Not connected: why, once each time the reason changes (a refused
    // login, a server that is not there).
    if (nc == nullptr) {
      std::string why;
      natsStatus status = NATS_OK;
      {
        std::lock_guard lock(connector_mutex);
        why = attempt_error;
        status = attempt_status;
      }
      if (!why.empty() && connect_error != why) {
        connect_error = why;
        st.last_error = "connection: " + connect_error;
        keep_first(nats_error(status));
      }
    } else if (connected.load()) {
      connect_error.clear();
    }
    // (A connection that drops is closed at once, libnats' reconnect being
    // off: after_connection_closed() says why.)
    // The stream, at every (re)connect; again each second until it is there.
    if (js != nullptr && connected.load() &&
        (check_stream.exchange(false) || (!stream_ready && clk.now() >= next_stream_check))) {
      if (auto ec = ensure_stream()) {
        keep_first(ec);
        stream_ready = false;
        next_stream_check = clk.now() + seconds{1};
      }
    }
    // Runs of records that could not be kept are named at least once a
    // second, so that a crash in a long run still leaves its gap record.
    if (!owed.empty() && clk.now() >= next_owed_settle) {
      next_owed_settle = clk.now() + seconds{1};
      settle_all();
    }
    if (recovering) {
      if (!failure_reported) {
        failure_reported = true;
        keep_first(last_failure);
      }
      if (pending == 0 && !connected.load() && spool) {
        // NATS is away: what waits for a resend goes to disk, ahead of the
        // rest, so that a crash now loses none of it.
        keep_first(spool_unsent());
      } else if (pending == 0 && js != nullptr && connected.load() && stream_ready) {
        recovering = false;
        for (std::uint64_t seq = front_seq; seq < front_seq + outstanding.size() && !recovering; ++seq)
          if (outstanding[seq - front_seq].st == state::failed) send(seq);
        if (!recovering) failure_reported = false;
      }
    }
    while (can_publish() && !memory.empty()) {
      memory_bytes -= memory.front().line.size();
      publish_new(std::move(memory.front()));
      memory.pop_front();
    }
    while (can_publish() && spool_waiting()) {
      batch.clear();
      std::error_code ec;
      const std::size_t room = std::min<std::size_t>(config.max_in_flight - outstanding.size(), 1024);
      spool->read(batch, room, ec);
      if (ec) {
        st.last_error = fmt::format("spool: reading {}: {}", spool->dir().string(), ec.message());
        keep_first(ec);
      }
      const auto mark = spool->read_mark();
      for (std::size_t i = 0; i < batch.size(); ++i) {
        const auto m = i + 1 == batch.size() ? std::optional(mark) : std::nullopt;
        // After a failure the rest of the batch waits, in order, for the resend.
        if (recovering)
          outstanding.push_back(outgoing{std::move(batch[i]), state::failed, 0, m});
        else
          publish_new(std::move(batch[i]), m);
      }
      if (ec || batch.empty()) break;
    }
    if (spool)
      if (auto ec = spool->flush()) {
        st.last_error = fmt::format("spool: writing {}: {}", spool->dir().string(), ec.message());
        keep_first(ec);
      }
    return result;
  }

  // Moves every record not yet acknowledged (all failed: nothing is pending),
  // then the memory queue (newer, older than the spool's own), to the front
  // of the spool, in order, and out of memory.
  std::error_code spool_unsent() {
    std::vector<spooled_record> unsent;
    for (auto& o : outstanding)
      if (o.st != state::acked) unsent.push_back(o.rec);
    for (const auto& r : memory) unsent.push_back(r);
    if (unsent.empty()) return {};
    if (auto ec = spool->push_front(unsent)) return ec;
    memory.clear();
    memory_bytes = 0;
    front_seq += outstanding.size();
    outstanding.clear();  // their spool marks go too: the spool is read again from its new head
    seq_of.clear();
    recovering = false;
    failure_reported = false;
    return {};
  }

  // Keeps a record that cannot be sent now: memory, then the spool, else lost.
  std::error_code keep(spooled_record rec) {
    if (spool_waiting()) return to_spool(std::move(rec));
    if (memory_bytes + rec.line.size() <= config.memory_bytes) {
      memory_bytes += rec.line.size();
      memory.push_back(std::move(rec));
      return {};
    }
    if (spool) return to_spool(std::move(rec));
    return lose(rec, "memory full and no spool");
  }

  std::error_code to_spool(spooled_record rec) {
    const auto ec = spool->append(rec);
    if (!ec) return {};
    return lose(rec, ec == std::errc::no_space_on_device ? std::string("spool full") : "spool: " + ec.message());
  }

  std::error_code lose(const spooled_record& rec, std::string why) {
    ++st.records_lost;
    auto [it, fresh] = owed.try_emplace(stream_key(rec.venue, rec.channel, rec.symbol));
    lost_run& run = it->second;
    if (fresh) {
      run.venue = rec.venue;
      run.channel = rec.channel;
      run.symbol = rec.symbol;
      run.from = rec.id;
      run.first_received = rec.received;
      st.last_error = fmt::format("{}/{}/{}: {}: records are dropped; a gap record will name them", rec.venue,
                                  rec.channel, rec.symbol, why);
    }
    run.to = rec.id;
    ++run.count;
    return fresh ? std::make_error_code(std::errc::no_buffer_space) : std::error_code{};
  }

  spooled_record gap_for(const lost_run& run) {
    gap_record g;
    g.venue = run.venue;
    g.channel = run.channel;
    g.symbol = run.symbol;
    g.from = run.from;
    g.to = run.to;
    g.reason = fmt::format("nats sink: {} record(s) could not be kept while NATS was unavailable", run.count);
    g.ts_recv = run.first_received;
    gap_line.clear();
    append_json(gap_line, g);
    return spooled_record{record_kind::gap, run.venue, run.channel, run.symbol, run.from + "-" + run.to,
                          run.first_received, gap_line};
  }

  // Queues every owed gap record.
  void settle_all() {
    for (auto it = owed.begin(); it != owed.end();) {
      auto next = std::next(it);
      settle(it);
      it = next;
    }
  }

  // Queues the stream's owed gap record (small: past every limit).
  bool settle(std::map<std::string, lost_run, std::less<>>::iterator it) {
    spooled_record gap = gap_for(it->second);
    if (spool_waiting()) {
      if (spool->append_always(gap)) return false;
    } else {
      memory_bytes += gap.line.size();
      memory.push_back(std::move(gap));
    }
    ++st.gap_records;
    owed.erase(it);
    return true;
  }

  bool direct() const { return memory.empty() && !spool_waiting() && can_publish(); }

  // Whether a stream's gap record and its next record can both be kept.
  bool room_for(const spooled_record& gap, const spooled_record& rec) const {
    if (spool_waiting()) return spool->fits(record_spool::encoded_size(gap) + record_spool::encoded_size(rec));
    if (memory_bytes + gap.line.size() + rec.line.size() <= config.memory_bytes) return true;
    return spool && spool->fits(record_spool::encoded_size(rec));  // the gap goes to memory, ahead of it
  }

  std::error_code write(const sink_record& r) {
    ++st.accepted;
    if (!owed.empty()) {
      const auto it = owed.find(stream_key(r.venue, r.channel, r.symbol));
      if (it != owed.end()) {
        // The gap record goes ahead of the stream's next record, once both fit.
        spooled_record rec = copy_of(r);
        spooled_record gap = gap_for(it->second);
        const bool now = direct();
        if (!now && !room_for(gap, rec)) return lose(rec, "spool full");
        if (now) {
          owed.erase(it);
          ++st.gap_records;
          publish_new(std::move(gap));
          publish_new(std::move(rec));
          return {};
        }
        if (spool_waiting()) {
          if (auto ec = spool->append_always(gap)) return lose(rec, "spool: " + ec.message());
        } else {
          memory_bytes += gap.line.size();
          memory.push_back(std::move(gap));
        }
        owed.erase(it);
        ++st.gap_records;
        return keep(std::move(rec));
      }
    }
    if (memory.empty() && !spool_waiting()) {
      if (!can_publish() && outstanding.size() >= config.max_in_flight) take_completions();
      if (can_publish()) {
        publish_new(copy_of(r));
        return {};
      }
    }
    return keep(copy_of(r));
  }

  bool drained() const { return outstanding.empty() && memory.empty() && !spool_waiting() && owed.empty(); }

  void drain(std::chrono::milliseconds budget) {
    const time_point deadline = clk.now() + budget;
    while (true) {
      settle_all();  // gap records still owed go out too
      pump();
      if (drained() || clk.now() >= deadline) return;
      std::this_thread::sleep_for(std::chrono::milliseconds{1});
    }
  }

  std::error_code close() {
    if (closed) return {};
    closed = true;
    drain(config.drain_timeout);
    take_completions();
    std::error_code result;
    // What is still unsent goes to the front of the spool, in order.
    std::vector<spooled_record> left;
    for (auto& o : outstanding)
      if (o.st != state::acked) left.push_back(std::move(o.rec));
    for (auto& r : memory) left.push_back(std::move(r));
    std::vector<spooled_record> gaps;
    for (auto& [key, run] : owed) gaps.push_back(gap_for(run));
    if (spool) {
      if (auto ec = spool->push_front(left)) {
        st.records_lost += left.size();
        st.last_error = fmt::format("spool: keeping {} unsent record(s): {}", left.size(), ec.message());
        result = ec;
      }
      for (const auto& g : gaps)
        if (auto ec = spool->append_always(g); ec && !result) result = ec;
      if (auto ec = spool->flush(); ec && !result) result = ec;
    } else if (!left.empty() || !gaps.empty()) {
      st.records_lost += left.size();
      st.last_error = fmt::format("{} record(s) were not delivered before the drain timeout and there is no spool",
                                  left.size());
      result = std::make_error_code(std::errc::timed_out);
    }
    shutdown();
    return result;
  }

  void shutdown() {
    if (js != nullptr) {
      {
        std::lock_guard lock(completions_mutex);
        shutting_down = true;
      }
      // Messages libnats still holds come back to be destroyed; an ack being
      // handled right now finishes before PublishAsyncComplete returns.
      // (Only after a publish on this context: before the first, libnats
      // has no list and crashes when asked for it.)
      natsMsgList left;
      if (js_published > 0 && js_PublishAsyncGetPendingList(&left, js) == NATS_OK) natsMsgList_Destroy(&left);
      jsPubOptions po;
      jsPubOptions_Init(&po);
      po.MaxWait = 2000;
      if (js_published > 0) js_PublishAsyncComplete(js, &po);
    }
    std::vector<completion> done;
    {
      std::lock_guard lock(completions_mutex);
      done.swap(completions);
    }
    for (auto& c : done) natsMsg_Destroy(c.msg);
    outstanding.clear();
    seq_of.clear();
    teardown_handles();
  }
};

nats_sink::nats_sink(nats_sink_config config, const clock& clock)
    : impl_(std::make_unique<impl>(std::move(config), clock)) {
  auto& m = *impl_;
  if (m.config.max_in_flight == 0) throw std::runtime_error("nats sink: max_in_flight must be at least 1");
  if (m.config.spool) {
    m.spool = std::make_unique<record_spool>(*m.config.spool);
    if (auto ec = m.spool->open())
      throw std::runtime_error(fmt::format("nats sink: spool {}: {}", m.config.spool->dir.string(), ec.message()));
  }
  m.connect();
}

nats_sink::~nats_sink() { close(); }

std::string nats_sink::describe() const {
  const auto& c = impl_->config;
  std::string servers;
  for (const auto& s : c.servers) servers += (servers.empty() ? "" : ",") + without_credentials(s);
  return fmt::format("JetStream stream {} at {}, subjects {}.>", c.stream.name, servers, c.subject_prefix);
}

std::error_code nats_sink::write(const sink_record& r) { return impl_->write(r); }

std::error_code nats_sink::tick(time_point) { return impl_->pump(); }

std::error_code nats_sink::flush() {
  impl_->drain(impl_->config.drain_timeout);
  return impl_->drained() ? std::error_code{} : std::make_error_code(std::errc::timed_out);
}

std::error_code nats_sink::close() { return impl_->close(); }

sink_stats nats_sink::stats() const {
  const auto& m = *impl_;
  sink_stats s;
  s.records = m.st.accepted;
  s.bytes_written = m.st.bytes_acked;
  s.records_lost = m.st.records_lost;
  s.queued = m.memory.size();
  s.in_flight = m.outstanding.size();
  s.acks = m.st.acked;
  s.duplicates = m.st.duplicates;
  if (m.spool) {
    s.spool_records = m.spool->stats().unread;
    s.spool_bytes = m.spool->stats().bytes;
  }
  return s;
}

nats_sink_stats nats_sink::nats_stats() const {
  const auto& m = *impl_;
  nats_sink_stats s = m.st;
  s.in_flight = m.outstanding.size();
  s.queued = m.memory.size();
  s.queued_bytes = m.memory_bytes;
  if (m.spool) s.spool = m.spool->stats();
  s.connected = m.connected.load();
  s.reconnects = m.reconnects.load();
  return s;
}

}  // namespace sf
