#!/usr/bin/env python3
"""A widely used third-party client, unmodified, against steadyfeed-sim.

Starts the real simulator binary on 127.0.0.1 (ephemeral port) with server
pings every 200 ms and a 1 s pong deadline, then uses the `websockets`
library (Debian's python3-websockets) with its defaults to:
  * Binance Spot: open a combined stream from the URL, SUBSCRIBE one more
    stream by method, check the ack, trade ids without holes, depthUpdate
    U == previous u + 1, and stay connected past the pong deadline (the
    library answers the server's pings on its own);
  * OKX: subscribe books and trades, check the acks, the snapshot
    (prevSeqId -1), the seqId chain and every CRC32 checksum against a
    book built here, and the text ping/pong.
Exit status 0: all good; 1: a check failed (the message says which).

Usage: third_party_client_check.py PATH/TO/steadyfeed-sim
"""
import asyncio
import json
import signal
import subprocess
import sys
import time
import zlib
from decimal import Decimal

try:
    import websockets
except ImportError:
    print("the Python 'websockets' package is missing: apt-get install python3-websockets "
          "(listed in scripts/install-deps)", file=sys.stderr)
    sys.exit(1)


def fail(msg):
    raise AssertionError(msg)


def start_sim(binary):
    proc = subprocess.Popen(
        [binary, "--listen", "127.0.0.1:0", "--rate", "100", "--depth", "40",
         "--ping-interval", "200ms", "--pong-timeout", "1s"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    deadline = time.monotonic() + 5
    base = None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        if line.startswith("okx ws"):
            url = line.split()[-1]  # ws://127.0.0.1:PORT/okx/ws/v5/public
            base = url[: url.index("/okx/")]
            break
    if base is None:
        proc.kill()
        fail("the simulator did not print its URLs")
    return proc, base


async def binance(base):
    url = base + "/binance-spot/stream?streams=btcusdt@trade/ethusdt@depth@100ms"
    async with websockets.connect(url) as ws:
        await ws.send(json.dumps({"method": "SUBSCRIBE", "params": ["btcusdt@aggTrade"], "id": 1}))
        acked = False
        last_t = last_u = None
        trades = depth = agg = 0
        start = time.monotonic()
        while time.monotonic() - start < 1.6 or not (acked and trades > 5 and depth > 3 and agg > 5):
            if time.monotonic() - start > 5:
                fail(f"binance: too few frames (ack {acked}, trades {trades}, depth {depth}, aggTrade {agg})")
            msg = json.loads(await asyncio.wait_for(ws.recv(), 2))
            if "result" in msg:
                if msg != {"result": None, "id": 1}:
                    fail(f"binance: unexpected ack {msg}")
                acked = True
                continue
            stream, data = msg["stream"], msg["data"]
            if stream == "btcusdt@trade":
                if data["e"] != "trade" or data["s"] != "BTCUSDT" or not isinstance(data["p"], str):
                    fail(f"binance: bad trade {data}")
                if last_t is not None and data["t"] != last_t + 1:
                    fail(f"binance: trade id {data['t']} after {last_t}")
                last_t = data["t"]
                trades += 1
            elif stream == "ethusdt@depth@100ms":
                if data["e"] != "depthUpdate" or data["s"] != "ETHUSDT":
                    fail(f"binance: bad depth {data}")
                if last_u is not None and data["U"] != last_u + 1:
                    fail(f"binance: U {data['U']} after u {last_u}")
                last_u = data["u"]
                depth += 1
            elif stream == "btcusdt@aggTrade":
                if data["e"] != "aggTrade" or data["f"] > data["l"]:
                    fail(f"binance: bad aggTrade {data}")
                agg += 1
            else:
                fail(f"binance: unexpected stream {stream}")
    print(f"binance-spot: ok ({trades} trades, {agg} aggTrades, {depth} depth events, pinged past the deadline)")


def okx_checksum(bids, asks):
    def ordered(side, reverse):
        return sorted(side.items(), key=lambda kv: Decimal(kv[0]), reverse=reverse)[:25]
    b, a = ordered(bids, True), ordered(asks, False)
    parts = []
    for i in range(25):
        if i < len(b):
            parts += [b[i][0], b[i][1]]
        if i < len(a):
            parts += [a[i][0], a[i][1]]
    crc = zlib.crc32(":".join(parts).encode())
    return crc - (1 << 32) if crc >= (1 << 31) else crc


async def okx(base):
    async with websockets.connect(base + "/okx/ws/v5/public") as ws:
        await ws.send(json.dumps({"id": "1", "op": "subscribe", "args": [
            {"channel": "books", "instId": "BTC-USDT"}, {"channel": "trades", "instId": "BTC-USDT"}]}))
        acks = 0
        bids, asks = {}, {}
        last_seq = None
        updates = trades = 0
        ponged = False
        start = time.monotonic()
        while not (acks == 2 and updates >= 20 and trades >= 5 and ponged):
            if time.monotonic() - start > 5:
                fail(f"okx: too few frames (acks {acks}, updates {updates}, trades {trades}, pong {ponged})")
            if updates == 10 and not ponged:
                await ws.send("ping")
            text = await asyncio.wait_for(ws.recv(), 2)
            if text == "pong":
                ponged = True
                continue
            msg = json.loads(text)
            if msg.get("event") == "subscribe":
                if msg.get("id") != "1" or "connId" not in msg:
                    fail(f"okx: bad ack {msg}")
                acks += 1
                continue
            channel = msg["arg"]["channel"]
            data = msg["data"][0]
            if channel == "trades":
                if data["instId"] != "BTC-USDT" or data["side"] not in ("buy", "sell"):
                    fail(f"okx: bad trade {data}")
                trades += 1
                continue
            if msg["action"] == "snapshot":
                if data["prevSeqId"] != -1:
                    fail(f"okx: snapshot prevSeqId {data['prevSeqId']}")
                bids, asks = {}, {}
            elif data["prevSeqId"] != last_seq:
                fail(f"okx: prevSeqId {data['prevSeqId']} after seqId {last_seq}")
            else:
                updates += 1
            for side, levels in ((bids, data["bids"]), (asks, data["asks"])):
                for px, sz, _, _ in levels:
                    if Decimal(sz) == 0:
                        side.pop(px, None)
                    else:
                        side[px] = sz
            if okx_checksum(bids, asks) != data["checksum"]:
                fail(f"okx: checksum {data['checksum']} != {okx_checksum(bids, asks)} at seqId {data['seqId']}")
            last_seq = data["seqId"]
    print(f"okx: ok ({updates} book updates with matching checksums, {trades} trades, ping/pong)")


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    proc, base = start_sim(sys.argv[1])
    try:
        async def both():
            await asyncio.gather(binance(base), okx(base))
        asyncio.run(asyncio.wait_for(both(), 20))
        print(f"websockets {websockets.__version__}: ok")
        return 0
    except (AssertionError, OSError, asyncio.TimeoutError, websockets.exceptions.WebSocketException) as e:
        cause = f" (cause: {type(e.__cause__).__name__}: {e.__cause__})" if e.__cause__ else ""
        print(f"FAILED: {type(e).__name__}: {e}{cause}", file=sys.stderr)
        return 1
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    sys.exit(main())
