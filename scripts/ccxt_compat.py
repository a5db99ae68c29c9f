#!/usr/bin/env python3
"""Points ccxt's `aster` exchange (ccxt.pro, async) at a running simulator and uses it as a user
would: markets, order book, ticker, OHLCV, trades, funding rate; websocket order book, trades,
ticker and OHLCV; and, signed with the spec's demonstration V3 agent wallet, balance, positions,
open orders, a limit order placed and cancelled, and positions watched on the user data stream.

    python3 scripts/ccxt_compat.py PORT

Prints one line per check ("ok NAME detail" or "FAIL NAME error") and exits non-zero when a check
fails. ccxt 4.5.90's own watch_balance and watch_orders raise ArgumentsRequired whatever they are
given (an upstream bug), so they are left out; two more of its quirks are worked around in
exchange_for (see the comments there).
"""
import asyncio
import sys
import traceback

import ccxt.pro as ccxtpro

# The spec's published demonstration V3 agent (it guards nothing); the simulator registers it.
USER = "0x63DD5aCC6b1aa0f563956C0e534DD30B6dcF7C4e"
SIGNER = "0x21cF8Ae13Bb72632562c6Fff438652Ba1a151bb0"
SIGNER_KEY = "0x4fd0a42218f3eae43a6ce26d22544e986139a01e5b34a62db53757ffca81bae1"


def exchange_for(port):
    base = f"http://127.0.0.1:{port}"
    ws = f"ws://127.0.0.1:{port}"
    ex = ccxtpro.aster({
        "walletAddress": USER,
        "privateKey": SIGNER_KEY,
        "options": {"signerAddress": SIGNER, "builderFee": False, "defaultType": "swap"},
        "timeout": 15000,
    })
    ex.urls["api"]["fapiPublic"] = base + "/fapi"
    ex.urls["api"]["fapiPrivate"] = base + "/fapi"
    ex.urls["api"]["sapiPublic"] = base + "/api"
    ex.urls["api"]["sapiPrivate"] = base + "/api"
    # ccxt takes `user` to be the address of the key it signs with; the spec's demonstration pair is
    # a main account (USER) with an agent (SIGNER) signing for it, so ccxt's cached wallet address
    # is set to USER for the agent's key.
    ex.options["cachedWalletAddress"] = USER
    ex.options["privateKeyHashForCachedWalletAddress"] = ex.hash(ex.encode(ex.privateKey), "keccak", "hex")
    # ccxt 4.5.90 files an ACCOUNT_UPDATE's balance under "swap" only when the websocket URL contains
    # "fstream" and never creates the "spot" entry it falls back to (the same upstream bug that
    # breaks watch_balance), so the entry is created here; positions are handled after it.
    ex.balance = {"spot": None, "swap": None}
    ex.urls["api"]["ws"] = {"public": {"spot": ws + "/stream", "swap": ws + "/stream"},
                            "private": {"spot": ws + "/ws", "swap": ws + "/ws"}}
    return ex


async def main(port):
    ex = exchange_for(port)
    failures = 0
    symbol = "BTC/USDT:USDT"

    async def check(name, make, test=lambda v: True, timeout=20):
        nonlocal failures
        try:
            value = await asyncio.wait_for(make(), timeout)
            detail = test(value)
            if detail is False:
                raise AssertionError(f"unexpected value: {str(value)[:200]}")
            print(f"ok {name} {detail if isinstance(detail, str) else ''}".rstrip(), flush=True)
            return value
        except Exception as e:  # noqa: BLE001 - every failure is reported, then the run goes on
            failures += 1
            print(f"FAIL {name} {type(e).__name__}: {str(e)[:300]}", flush=True)
            traceback.print_exc(file=sys.stderr)
            return None

    try:
        markets = await check("load_markets", ex.load_markets,
                              lambda m: symbol in m and f"{len(m)} markets")
        if markets is None:
            return 1
        await check("fetch_order_book", lambda: ex.fetch_order_book(symbol, 50),
                    lambda b: len(b["bids"]) > 0 and len(b["asks"]) > 0 and b["bids"][0][0] < b["asks"][0][0]
                    and f"{b['bids'][0][0]} / {b['asks'][0][0]}")
        await check("fetch_ticker", lambda: ex.fetch_ticker(symbol),
                    lambda t: t["last"] is not None and t["last"] > 0 and f"last {t['last']}")
        await check("fetch_ohlcv", lambda: ex.fetch_ohlcv(symbol, "1m", limit=30),
                    lambda c: len(c) >= 5 and all(r[2] >= r[3] for r in c) and f"{len(c)} candles")
        await check("fetch_trades", lambda: ex.fetch_trades(symbol, limit=20),
                    lambda t: len(t) > 0 and f"{len(t)} trades")
        await check("fetch_funding_rate", lambda: ex.fetch_funding_rate(symbol),
                    lambda f: f["fundingRate"] is not None and abs(f["fundingRate"]) < 0.01 and f"rate {f['fundingRate']}")

        await check("watch_order_book", lambda: watch_book(ex, symbol),
                    lambda b: len(b["bids"]) > 0 and b["bids"][0][0] < b["asks"][0][0] and f"{len(b['bids'])} bids")
        await check("watch_trades", lambda: ex.watch_trades(symbol), lambda t: len(t) > 0 and f"{len(t)} trades")
        await check("watch_ticker", lambda: ex.watch_ticker(symbol), lambda t: t["last"] is not None)
        await check("watch_ohlcv", lambda: ex.watch_ohlcv(symbol, "1m"), lambda c: len(c) > 0)

        await check("fetch_balance", ex.fetch_balance,
                    lambda b: b["USDT"]["total"] is not None and f"USDT {b['USDT']['total']}")
        await check("fetch_positions", lambda: ex.fetch_positions([symbol]), lambda p: isinstance(p, list))
        await check("fetch_open_orders", lambda: ex.fetch_open_orders(symbol), lambda o: isinstance(o, list))
        ticker = await ex.fetch_ticker(symbol)
        price = float(ex.price_to_precision(symbol, ticker["last"] * 0.97))
        order = await check("create_order", lambda: ex.create_order(symbol, "limit", "buy", 0.01, price),
                            lambda o: o["id"] is not None and f"order {o['id']} {o['status']}")
        if order is not None:
            await check("fetch_open_orders after create", lambda: ex.fetch_open_orders(symbol),
                        lambda o: any(x["id"] == order["id"] for x in o))
            await check("cancel_order", lambda: ex.cancel_order(order["id"], symbol),
                        lambda o: o["status"] == "canceled" and "canceled")
        await check("watch_positions", lambda: watch_positions_after_fill(ex, symbol),
                    lambda p: (p if isinstance(p, dict) else p[0])["symbol"] == symbol
                    and f"contracts {(p if isinstance(p, dict) else p[0])['contracts']}")
    finally:
        await ex.close()
    return 1 if failures else 0


async def watch_book(ex, symbol):
    book = None
    for _ in range(3):  # a few updates on top of ccxt's own snapshot and diff synchronisation
        book = await ex.watch_order_book(symbol)
    return book


async def watch_positions_after_fill(ex, symbol):
    await ex.watch_positions([symbol])  # the snapshot
    watcher = asyncio.ensure_future(ex.watch_positions([symbol]))
    await asyncio.sleep(0.5)
    await ex.create_order(symbol, "market", "buy", 0.01)
    return await watcher


if __name__ == "__main__":
    sys.exit(asyncio.run(main(int(sys.argv[1]))))
