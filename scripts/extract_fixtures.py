#!/usr/bin/env python3
"""Copy the payload examples of the Aster futures API documents into test fixtures.

The documents' examples are JavaScript-ish (comments, trailing commas, a missing comma, single
quotes, a full-width comma, a tab inside the "0" string of the index and mark price klines). This
script cleans each one into strict JSON (nothing else changes: every key and value stays as
printed), checks it parses, and writes Tests/AsterTestSupport/Fixtures/<name>.json. The market-data
answers are taken from the V3 document and checked to be identical in V1. Run from the repository
root:

    python3 scripts/extract_fixtures.py ../shared/reference
"""
import json
import pathlib
import re
import sys

ref = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/reference")
out = pathlib.Path("Tests/AsterTestSupport/Fixtures")
out.mkdir(parents=True, exist_ok=True)

# (fixture name, document, section heading, which javascript block under it)
WANTED = [
    ("aggTrade", "v1", "## Aggregate Trade Streams", 0),
    ("markPrice", "v1", "## Mark Price Stream", 0),
    ("markPriceArr", "v1", "## Mark Price Stream for All market", 0),
    ("kline", "v1", "## Kline/Candlestick Streams", 0),
    ("miniTicker", "v1", "## Individual Symbol Mini Ticker Stream", 0),
    ("miniTickerArr", "v1", "## All Market Mini Tickers Stream", 0),
    ("ticker", "v1", "## Individual Symbol Ticker Streams", 0),
    ("tickerArr", "v1", "## All Market Tickers Streams", 0),
    ("bookTicker", "v1", "## Individual Symbol Book Ticker Streams", 0),
    ("forceOrder", "v1", "## Liquidation Order Streams", 0),
    ("forceOrderArr", "v1", "## All Market Liquidation Order Streams", 0),
    ("depthPartial", "v1", "## Partial Book Depth Streams", 0),
    ("depthDiff", "v1", "## Diff. Book Depth Streams", 0),
    ("tradePro", "v1", "## Event: TradePro", 1),
    ("listenKeyExpired", "v1", "## Event: User Data Stream Expired", 0),
    ("marginCall", "v1", "## Event: Margin Call", 0),
    ("accountUpdate", "v1", "## Event: Balance and Position Update", 0),
    ("orderTradeUpdate", "v1", "## Event: Order Update", 0),
    ("accountConfigLeverage", "v1", "## Event: Account Configuration Update previous Leverage Update", 0),
    ("accountConfigInfo", "v1", "## Event: Account Configuration Update previous Leverage Update", 1),
    ("announcementPublic", "v3", "## Event: Public Announcement", 0),
    ("announcementDirect", "v3", "## Event: Direct Announcement", 0),
    ("subscribeReply", "v1", "### Subscribe to a stream", 0),
    ("listSubscriptionsReply", "v1", "### Listing Subscriptions", 0),
    ("getPropertyReply", "v1", "### Retrieving Properties", 0),
]

# REST responses (the V3 document; V1's examples are the same shapes), under Fixtures/rest/.
REST = [
    ("ping", "## Test Connectivity", 0), ("time", "## Check Server Time", 0),
    ("exchangeInfo", "## Exchange Information", 0), ("depth", "## Order Book", 0),
    ("trades", "## Recent Trades List", 0), ("historicalTrades", "## Old Trades Lookup (MARKET_DATA)", 0),
    ("aggTrades", "## Compressed/Aggregate Trades List", 0), ("klines", "## Kline/Candlestick Data", 0),
    ("indexPriceKlines", "## Index Price Kline/Candlestick Data", 0),
    ("markPriceKlines", "## Mark Price Kline/Candlestick Data", 0),
    ("premiumIndex", "## Mark Price", 0), ("premiumIndexAll", "## Mark Price", 1),
    ("fundingRate", "## Get Funding Rate History", 0), ("fundingInfo", "## Get Funding Rate Config", 0),
    ("ticker24hr", "## 24hr Ticker Price Change Statistics", 0),
    ("ticker24hrAll", "## 24hr Ticker Price Change Statistics", 1),
    ("tickerPrice", "## Symbol Price Ticker", 0), ("tickerPriceAll", "## Symbol Price Ticker", 1),
    ("bookTicker", "## Symbol Order Book Ticker", 0), ("bookTickerAll", "## Symbol Order Book Ticker", 1),
    ("positionSideDual", "## Get Current Position Mode(USER_DATA)", 0),
    ("changeSuccess", "## Change Position Mode(TRADE)", 0),
    ("multiAssetsMargin", "## Get Current Multi-Assets Mode (USER_DATA)", 0),
    ("newOrder", "## New Order  (TRADE)", 0), ("batchOrders", "## Place Multiple Orders  (TRADE)", 0),
    ("queryOrder", "## Query Order (USER_DATA)", 0), ("cancelOrder", "## Cancel Order (TRADE)", 0),
    ("cancelAll", "## Cancel All Open Orders (TRADE)", 0), ("openOrder", "## Query Current Open Order (USER_DATA)", 0),
    ("openOrders", "## Current All Open Orders (USER_DATA)", 0), ("allOrders", "## All Orders (USER_DATA)", 0),
    ("balance", "## Futures Account Balance v3 (USER_DATA)", 0),
    ("account", "## Account Information v3 (USER_DATA)", 0),
    ("leverage", "## Change Initial Leverage (TRADE)", 0), ("marginType", "## Change Margin Type (TRADE)", 0),
    ("positionRisk", "## Position Information v3 (USER_DATA)", 0),
    ("userTrades", "## Account Trade List (USER_DATA)", 0), ("income", "## Get Income History(USER_DATA)", 0),
    ("leverageBracketAll", "## Notional and Leverage Brackets (USER_DATA)", 0),
    ("leverageBracket", "## Notional and Leverage Brackets (USER_DATA)", 1),
    ("commissionRate", "## User Commission Rate (USER_DATA)", 0),
]


def blocks(text, heading):
    start = text.index("\n" + heading + "\n")
    nxt = re.search(r"\n#{1,3} ", text[start + len(heading) + 2:])
    section = text[start: start + len(heading) + 2 + (nxt.start() if nxt else len(text))]
    return re.findall(r"```javascript\n(.*?)```", section, re.S)


def clean(js):
    js = js.replace("\t", " ").replace('"0 "', '"0"').replace("\uff0c", ",").replace("\xa0", " ").replace("'", '"')
    js = re.sub(r"(?<!:)//[^\n]*", "", js)               # comments (not the // of a URL)
    js = re.sub(r",(\s*[}\]])", r"\1", js)               # trailing commas
    js = re.sub(r'("|\d|true|false|null)(\s*\n\s*")', r"\1,\2", js)  # missing comma between fields
    return json.loads(js)


docs = {"v1": (ref / "aster-futures-api-v1.md").read_text(), "v3": (ref / "aster-futures-api-v3.md").read_text()}
for name, doc, heading, index in WANTED:
    value = clean(blocks(docs[doc], heading)[index])
    (out / f"{name}.json").write_text(json.dumps(value, indent=2, ensure_ascii=False) + "\n")
    print("wrote", name)

rest = out / "rest"
rest.mkdir(exist_ok=True)
MARKET = 20  # the first REST entries are the public market-data answers, printed alike in both documents
for name, heading, index in REST[:MARKET]:
    assert clean(blocks(docs["v1"], heading)[index]) == clean(blocks(docs["v3"], heading)[index]), name
for name, heading, index in REST:
    value = clean(blocks(docs["v3"], heading)[index])
    (rest / f"{name}.json").write_text(json.dumps(value, indent=2, ensure_ascii=False) + "\n")
    print("wrote rest/" + name)
