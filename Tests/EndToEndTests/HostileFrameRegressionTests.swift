import AsterTestSupport
import AsterDashboard
import AsterKit
import Testing

/// The frames that once killed or fooled the dashboard, each through decode → model → renderer.
@Suite("Hostile frames (regressions)")
struct HostileFrameRegressionTests {
    static func liquidation(price: String, quantity: String) -> String {
        #"{"e":"forceOrder","E":1568014460893,"o":{"s":"BTCUSDT","S":"SELL","o":"LIMIT","f":"IOC","q":"\#(quantity)","#
            + #""p":"\#(price)","ap":"\#(price)","X":"FILLED","l":"\#(quantity)","z":"\#(quantity)","T":1568014460893}}"#
    }

    /// The full layout and the liquidations pane alone, as text.
    static func screens(_ model: DashboardModel, now: Int64) async -> (full: String, liquidations: String) {
        let s = await model.snapshot(now: now)
        let full = DashboardRenderer(layout: .full).render(s, width: 120, height: 40).lines.joined(separator: "\n")
        let pane = DashboardRenderer(layout: .single(.liquidations)).render(s, width: 60, height: 10).lines.joined(separator: "\n")
        return (full, pane)
    }

    @Test("a liquidation at 1e17 × 1000 is a decode failure naming the price, and the dashboard lives on")
    func liquidationAt1e17() async throws {
        let frame = Self.liquidation(price: "1e17", quantity: "1000")
        // Before the fix this frame decoded, and the liquidations pane trapped on 1e17 × 1000.
        var caught: DecodingFailure?
        do { _ = try EventDecoder().decode(frame) } catch { caught = error }
        let failure = try #require(caught, "1e17 must not decode as a price")
        let description = failure.description
        #expect(description.contains("forceOrder") && description.contains("\"p\"") && description.contains("out of range"), "\(description)")
        let model = DashboardModel(mode: .live, symbol: "BTCUSDT", account: true,
                                   alerts: [AlertRule(kind: .liquidationAbove, value: 1)])
        if let message = try? EventDecoder().decode(frame) { await model.apply(message.event, receivedAt: 1_568_014_460_900) }
        await model.apply(.decodeFailure(failure), receivedAt: 1_568_014_460_900)
        _ = await Self.screens(model, now: 1_568_014_460_900)
    }

    @Test("a liquidation whose price × quantity passes the decimal range shows an unknown notional, no crash",
          arguments: [("9999999999999999", "9999999999999999"), ("-9999999999999999", "9999999999999999"), ("9e15", "1e15")])
    func notionalOverflow(price: String, quantity: String) async throws {
        let message = try EventDecoder().decode(Self.liquidation(price: price, quantity: quantity))
        let model = DashboardModel(mode: .live, symbol: "BTCUSDT", alerts: [AlertRule(kind: .liquidationAbove, value: 1)])
        await model.apply(message.event, receivedAt: 1_568_014_460_900)
        let (full, pane) = await Self.screens(model, now: 1_568_014_460_900)
        #expect(pane.contains("BTC") && pane.contains("?"), "\(pane)")
        #expect(!pane.contains("9223372") && !full.contains("9223372"), "a saturated product must not be shown as a figure")
    }

    @Test("lat shows unknown, not an absurd figure, when the server's event times are far off")
    func latencyWithSkewedClock() async throws {
        let model = DashboardModel(mode: .live, symbol: "BTCUSDT")
        let now: Int64 = 1_700_000_000_000
        let trade = { (time: Int64) in
            #"{"e":"aggTrade","E":\#(time),"s":"BTCUSDT","a":5933014,"p":"0.001","q":"100","f":100,"l":105,"T":\#(time),"m":true}"#
        }
        await model.apply(try EventDecoder().decode(trade(now - 96_312_710_667)).event, receivedAt: now)
        var bar = DashboardRenderer(layout: .full).render(await model.snapshot(now: now), width: 120, height: 40).lines[0]
        #expect(bar.contains("lat ?") && !bar.contains("96312710667"), "\(bar)")
        // A server clock far ahead is as unknown as one far behind.
        await model.apply(try EventDecoder().decode(trade(now + 3_600_000)).event, receivedAt: now)
        bar = DashboardRenderer(layout: .full).render(await model.snapshot(now: now), width: 120, height: 40).lines[0]
        #expect(bar.contains("lat ?"), "\(bar)")
        // Sane times measure again.
        await model.apply(try EventDecoder().decode(trade(now - 120)).event, receivedAt: now)
        bar = DashboardRenderer(layout: .full).render(await model.snapshot(now: now), width: 120, height: 40).lines[0]
        #expect(bar.contains("lat 120ms"), "\(bar)")
    }

    @Test("whole numbers past ±1e18 (times, ids) are decode failures naming the field")
    func hugeIntegers() throws {
        for (frame, field) in [
            (#"{"e":"aggTrade","E":-9223372036854775808,"s":"BTCUSDT","a":1,"p":"1","q":"1","f":1,"l":1,"T":1,"m":true}"#, "E"),
            (#"{"e":"aggTrade","E":1,"s":"BTCUSDT","a":1,"p":"1","q":"1","f":1,"l":1,"T":1000000000000000001,"m":true}"#, "T"),
        ] {
            var description = ""
            do { _ = try EventDecoder().decode(frame) } catch { description = error.description }
            #expect(description.contains("\"\(field)\"") && description.contains("out of range"), "\(description)")
        }
    }
}
