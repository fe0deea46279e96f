// The simulator served on 127.0.0.1 (ephemeral port) and spoken to by a Beast
// client: URL and method subscriptions, OKX book chaining and checksums,
// venue rules scaled to milliseconds, faults through the control API, and
// complete truth files after stop.
#include "sim/server.hpp"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>
#include <fstream>
#include <future>
#include <thread>

#include "sim/decimal.hpp"
#include "sim/okx_checksum.hpp"

namespace sf::sim {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace json = boost::json;
using tcp = asio::ip::tcp;

class running_server {
 public:
  explicit running_server(server_config config) : srv_(ioc_, system_clock_source::instance(), std::move(config)) {
    srv_.start();
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~running_server() {
    stop();
    thread_.join();
  }
  void stop() {
    std::promise<void> done;
    auto f = done.get_future();
    asio::post(ioc_, [&] {
      srv_.stop();
      ioc_.stop();
      done.set_value();
    });
    if (!stopped_) f.wait_for(std::chrono::seconds(5));
    stopped_ = true;
  }
  unsigned short port() const { return srv_.port(); }

 private:
  asio::io_context ioc_;
  server srv_;
  std::thread thread_;
  bool stopped_ = false;
};

server_config fast_config() {
  server_config c;
  c.market.rate = 200;
  c.market.depth = 60;
  c.symbols = {"BTCUSDT", "ETHUSDT"};
  c.tick = milliseconds{2};
  c.log_to_stderr = false;
  return c;
}

struct client {
  asio::io_context ioc;
  websocket::stream<tcp::socket> ws{ioc};
  beast::flat_buffer buffer;

  client(unsigned short port, const std::string& target) {
    tcp::resolver resolver(ioc);
    asio::connect(beast::get_lowest_layer(ws), resolver.resolve("127.0.0.1", std::to_string(port)));
    ws.handshake("127.0.0.1", target);
  }
  std::string read() {
    buffer.consume(buffer.size());
    ws.read(buffer);
    return beast::buffers_to_string(buffer.data());
  }
  json::object read_json() { return json::parse(read()).as_object(); }
  void send(const std::string& text) { ws.write(asio::buffer(text)); }
  // Reads until a frame satisfying `pred` (at most `limit` frames).
  template <class Pred>
  json::object read_until(Pred pred, int limit = 2000) {
    for (int i = 0; i < limit; ++i) {
      auto text = read();
      if (text == "pong") continue;
      auto o = json::parse(text).as_object();
      if (pred(o)) return o;
    }
    ADD_FAILURE() << "frame not seen";
    return {};
  }
};

std::pair<int, std::string> http_request(unsigned short port, http::verb verb, const std::string& target,
                                         const std::string& body = {}) {
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  tcp::resolver resolver(ioc);
  stream.connect(resolver.resolve("127.0.0.1", std::to_string(port)));
  http::request<http::string_body> req{verb, target, 11};
  req.set(http::field::host, "127.0.0.1");
  req.body() = body;
  req.prepare_payload();
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  return {res.result_int(), res.body()};
}

TEST(ServerLoopback, BinanceRawStreamAndSubscribeMethod) {
  running_server srv(fast_config());
  client c(srv.port(), "/binance-spot/ws/btcusdt@trade");
  const auto first = c.read_json();
  EXPECT_EQ(first.at("e").as_string(), "trade");
  EXPECT_EQ(first.at("s").as_string(), "BTCUSDT");
  EXPECT_TRUE(first.at("p").is_string());
  const auto second = c.read_json();
  EXPECT_EQ(second.at("t").as_int64(), first.at("t").as_int64() + 1);

  c.send(R"({"method":"SUBSCRIBE","params":["ethusdt@depth@100ms"],"id":1})");
  c.read_until([](const json::object& o) { return o.contains("result") && o.at("id").as_int64() == 1; });
  c.send(R"({"method":"LIST_SUBSCRIPTIONS","id":2})");
  const auto list = c.read_until([](const json::object& o) { return o.contains("result"); });
  EXPECT_EQ(json::serialize(list), R"({"result":["btcusdt@trade","ethusdt@depth@100ms"],"id":2})");
  std::int64_t last_u = 0;
  for (int seen = 0; seen < 5;) {
    const auto o = c.read_json();
    if (o.at("e").as_string() != "depthUpdate") continue;
    EXPECT_EQ(o.at("s").as_string(), "ETHUSDT");
    if (last_u != 0) {
      EXPECT_EQ(o.at("U").as_int64(), last_u + 1);
    }
    last_u = o.at("u").as_int64();
    ++seen;
  }
  c.send("not json");
  const auto err = c.read_until([](const json::object& o) { return o.contains("code"); });
  EXPECT_EQ(err.at("code").as_int64(), 3);
}

TEST(ServerLoopback, AnUpgradeUrlOver8KiBIsRefusedOutLoud) {
  running_server srv(fast_config());
  std::string target = "/binance-spot/stream?streams=btcusdt@trade";
  while (target.size() < 9000) target += "/btcusdt@depth@100ms";
  const auto [status, body] = http_request(srv.port(), http::verb::get, target);
  EXPECT_EQ(status, 431);
  EXPECT_EQ(body, R"({"error":"request line and headers exceed 8192 bytes"})");
  EXPECT_THROW(client(srv.port(), target), boost::system::system_error);
  // The simulator goes on serving, URLs up to the limit included.
  target.resize(target.rfind('/', 7800));
  client c(srv.port(), target);
  EXPECT_EQ(std::string_view(c.read_json().at("stream").as_string()).substr(0, 7), "btcusdt");
}

TEST(ServerLoopback, BinanceCombinedStreamAndRestSnapshotStitch) {
  running_server srv(fast_config());
  client c(srv.port(), "/binance-spot/stream?streams=btcusdt@depth");
  const auto first = c.read_json();
  EXPECT_EQ(first.at("stream").as_string(), "btcusdt@depth");
  const auto [status, body] = http_request(srv.port(), http::verb::get, "/binance-spot/api/v3/depth?symbol=BTCUSDT&limit=1000");
  ASSERT_EQ(status, 200);
  const auto snapshot = json::parse(body).as_object();
  const auto last_update_id = snapshot.at("lastUpdateId").as_int64();
  // The documented procedure: the first event after the snapshot contains lastUpdateId + 1.
  for (int i = 0; i < 2000; ++i) {
    const auto data = c.read_json().at("data").as_object();
    if (data.at("u").as_int64() <= last_update_id) continue;
    EXPECT_LE(data.at("U").as_int64(), last_update_id + 1);
    break;
  }
  EXPECT_EQ(http_request(srv.port(), http::verb::get, "/binance-spot/api/v3/depth?symbol=NOPE").second,
            R"({"code":-1121,"msg":"Invalid symbol."})");
}

TEST(ServerLoopback, OkxBooksSnapshotUpdatesAndChecksums) {
  running_server srv(fast_config());
  client c(srv.port(), "/okx/ws/v5/public");
  c.send("ping");
  EXPECT_EQ(c.read(), "pong");
  c.send(R"({"id":"7","op":"subscribe","args":[{"channel":"books","instId":"BTC-USDT"}]})");
  const auto ack = c.read_json();
  EXPECT_EQ(ack.at("event").as_string(), "subscribe");
  EXPECT_EQ(ack.at("id").as_string(), "7");
  const auto snap = c.read_json();
  ASSERT_EQ(snap.at("action").as_string(), "snapshot");
  order_book book;
  const auto apply = [&](const json::object& data) {
    for (const auto& [side_name, side] : {std::pair{"bids", book_side::bid}, std::pair{"asks", book_side::ask}}) {
      for (const auto& l : data.at(side_name).as_array()) {
        const auto& a = l.as_array();
        book.set(side, *parse_decimal(a[0].as_string()), *parse_decimal(a[1].as_string()));
      }
    }
  };
  auto data = snap.at("data").as_array()[0].as_object();
  EXPECT_EQ(data.at("prevSeqId").as_int64(), -1);
  apply(data);
  EXPECT_EQ(okx_checksum(book), data.at("checksum").as_int64());
  auto last = data.at("seqId").as_int64();
  for (int i = 0; i < 50; ++i) {
    const auto msg = c.read_json();
    data = msg.at("data").as_array()[0].as_object();
    ASSERT_EQ(data.at("prevSeqId").as_int64(), last);
    last = data.at("seqId").as_int64();
    apply(data);
    ASSERT_EQ(okx_checksum(book), data.at("checksum").as_int64());
  }
  c.send(R"({"op":"subscribe","args":[{"channel":"books","instId":"XRP-USDT"}]})");
  const auto err = c.read_until([](const json::object& o) { return o.contains("event"); });
  EXPECT_EQ(err.at("code").as_string(), "60018");
}

TEST(ServerLoopback, NoServerForAnUnknownVenueOrOptionsItsDialectRefuses) {
  asio::io_context ioc;
  const auto make = [&](const server_config& cfg) { server s(ioc, system_clock_source::instance(), cfg); };
  auto cfg = fast_config();
  cfg.venues = {"okx", "kraken"};
  EXPECT_THROW(make(cfg), std::invalid_argument);
  EXPECT_THROW(cfg.venue("kraken"), std::invalid_argument);

  cfg = fast_config();
  cfg.venue("okx").options["checksum"] = "sha";
  cfg.venue("okx").options["keepalive"] = "never";
  try {
    make(cfg);
    ADD_FAILURE() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "okx: checksum: 'sha' is neither crc32 nor zero; "
                           "keepalive: 'never' is not a duration (e.g. 500ms, 30s, 24h)");
  }
  cfg = fast_config();
  cfg.venue("binance-spot").options["checksum"] = "zero";
  EXPECT_THROW(make(cfg), std::invalid_argument);

  cfg = fast_config();
  cfg.per_venue.clear();  // every venue on its defaults
  EXPECT_NO_THROW(make(cfg));
}

TEST(ServerLoopback, RulesScaledDownCloseConnections) {
  auto cfg = fast_config();
  cfg.venue("okx").rules.limits.idle_timeout = milliseconds{150};
  cfg.venue("binance-spot").rules.limits.lifetime = milliseconds{300};
  running_server srv(cfg);
  client idle(srv.port(), "/okx/ws/v5/public");  // never subscribes: nothing is pushed
  beast::error_code ec;
  idle.ws.read(idle.buffer, ec);
  EXPECT_EQ(ec, websocket::error::closed);
  EXPECT_EQ(idle.ws.reason().code, 4004);

  client old(srv.port(), "/binance-spot/ws/btcusdt@trade");
  ec = {};
  for (int i = 0; i < 100000 && !ec; ++i) old.ws.read(old.buffer, ec);
  EXPECT_EQ(ec, websocket::error::closed);
  EXPECT_EQ(old.ws.reason().code, 1000);
}

TEST(ServerLoopback, ControlApiFaults) {
  running_server srv(fast_config());
  client c(srv.port(), "/okx/ws/v5/public");
  c.send(R"({"op":"subscribe","args":[{"channel":"trades","instId":"ETH-USDT"}]})");
  c.read_json();
  const auto [status, conns] = http_request(srv.port(), http::verb::get, "/_sim/connections");
  ASSERT_EQ(status, 200);
  const auto list = json::parse(conns).as_array();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(json::serialize(list[0].at("topics")), R"(["trades:ETH-USDT"])");
  const auto id = list[0].at("id").as_int64();

  const auto bad = http_request(srv.port(), http::verb::post, "/_sim/faults", R"({"fault":"explode","target":"okx"})");
  EXPECT_EQ(bad.first, 400);
  EXPECT_NE(bad.second.find("unknown fault 'explode'"), std::string::npos);

  const auto ok = http_request(srv.port(), http::verb::post, "/_sim/faults",
                               R"({"fault":"maintenance","connection":)" + std::to_string(id) + R"(,"duration":"50ms"})");
  EXPECT_EQ(ok.first, 202);
  const auto notice = c.read_until([](const json::object& o) { return o.contains("event"); });
  EXPECT_EQ(notice.at("code").as_string(), "64008");
  beast::error_code ec;
  for (int i = 0; i < 10000 && !ec; ++i) c.ws.read(c.buffer, ec);
  EXPECT_EQ(ec, websocket::error::closed);
  const auto log = http_request(srv.port(), http::verb::get, "/_sim/faults").second;
  EXPECT_NE(log.find(R"("fault":"maintenance")"), std::string::npos);
}

TEST(ServerLoopback, BlastIdsRunOnAcrossRepetitions) {
  running_server srv(fast_config());
  // Two whole blocks of 4096 and a tail, in the combined wrapper.
  constexpr std::int64_t frames = 2 * 4096 + 7;
  client c(srv.port(), "/_sim/blast/" + std::to_string(frames) + "/stream?streams=btcusdt@trade");
  std::int64_t first_id = 0, last_time = 0;
  for (std::int64_t i = 0; i < frames; ++i) {
    const auto o = c.read_json();
    ASSERT_EQ(o.at("stream").as_string(), "btcusdt@trade");
    const auto& t = o.at("data").as_object();
    if (i == 0) first_id = t.at("t").as_int64();
    ASSERT_EQ(t.at("t").as_int64(), first_id + i);
    ASSERT_GE(t.at("T").as_int64(), last_time);
    last_time = t.at("T").as_int64();
  }
  beast::error_code ec;
  c.ws.read(c.buffer, ec);
  EXPECT_EQ(ec, websocket::error::closed);

  // Only trade streams are blasted: the upgrade to anything else is refused.
  EXPECT_THROW(client(srv.port(), "/_sim/blast/10/stream?streams=btcusdt@depth"),
               boost::system::system_error);
}

// --blast: each venue's own trade URL blasts, Binance's at once, OKX's after
// the client's subscribe is acknowledged as the venue acknowledges it.
TEST(ServerLoopback, BlastModeServesEachVenuesTradeUrl) {
  auto cfg = fast_config();
  cfg.blast = true;
  running_server srv(cfg);
  constexpr std::int64_t frames = 4096 + 5;  // past one repetition

  client raw(srv.port(), "/binance-spot/ws/ethusdt@trade");
  std::int64_t first_id = 0;
  for (std::int64_t i = 0; i < frames; ++i) {
    const auto t = raw.read_json();
    ASSERT_EQ(t.at("s").as_string(), "ETHUSDT");
    if (i == 0) first_id = t.at("t").as_int64();
    ASSERT_EQ(t.at("t").as_int64(), first_id + i);
  }
  client combined(srv.port(), "/binance-spot/stream?streams=btcusdt@trade");
  EXPECT_EQ(combined.read_json().at("stream").as_string(), "btcusdt@trade");

  client okx(srv.port(), "/okx/ws/v5/public");
  okx.send(R"({"op":"subscribe","args":[{"channel":"trades","instId":"ETH-USDT"}]})");
  const auto ack = okx.read_json();
  EXPECT_EQ(ack.at("event").as_string(), "subscribe");
  EXPECT_EQ(ack.at("arg").as_object().at("instId").as_string(), "ETH-USDT");
  std::uint64_t first_trade = 0;
  std::string last_ts;
  for (std::int64_t i = 0; i < frames; ++i) {
    const auto o = okx.read_json();
    ASSERT_EQ(o.at("arg").as_object().at("channel").as_string(), "trades");
    const auto& t = o.at("data").as_array().at(0).as_object();
    ASSERT_EQ(t.at("instId").as_string(), "ETH-USDT");
    const std::uint64_t id = std::stoull(std::string(t.at("tradeId").as_string()));
    if (i == 0) first_trade = id;
    ASSERT_EQ(id, first_trade + static_cast<std::uint64_t>(i));
    ASSERT_EQ(static_cast<std::uint64_t>(t.at("seqId").as_int64()), id);
    const std::string ts(t.at("ts").as_string());
    ASSERT_GE(ts, last_ts);  // 13 digits each: text order is time order
    last_ts = ts;
  }

  // More than one trade stream, or another channel, is not a blast.
  EXPECT_THROW(client(srv.port(), "/binance-spot/stream?streams=btcusdt@trade/ethusdt@trade"),
               boost::system::system_error);
  client books(srv.port(), "/okx/ws/v5/public");
  books.send(R"({"op":"subscribe","args":[{"channel":"books","instId":"BTC-USDT"}]})");
  bool refused = false;
  for (int i = 0; i < 3 && !refused; ++i) refused = books.read_json().at("event").as_string() == "error";
  EXPECT_TRUE(refused);
}

TEST(ServerLoopback, TruthFilesAreCompleteAfterStop) {
  const auto dir = std::filesystem::path(::testing::TempDir()) / "sim_loopback_truth";
  std::filesystem::remove_all(dir);
  auto cfg = fast_config();
  cfg.truth_dir = dir;
  cfg.checkpoint_every = 10;
  {
    running_server srv(cfg);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // let the markets generate
    srv.stop();
  }
  for (const auto* file : {"binance-spot/trades/BTCUSDT.ndjson", "okx/book/ETH-USDT.ndjson",
                           "okx/book/ETH-USDT.checkpoints.ndjson"}) {
    std::ifstream in(dir / file);
    std::string line, last;
    int n = 0;
    while (std::getline(in, line)) {
      last = line;
      ++n;
    }
    EXPECT_GT(n, 2) << file;
    EXPECT_EQ(last.back(), '}') << file;
    EXPECT_NO_THROW(json::parse(last)) << file;
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace sf::sim
