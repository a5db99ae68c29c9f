import AsterKit
import AsterTestSupport
import Testing

@testable import AsterDashboard

@Suite("Help overlay: every key, whole, on pages or in columns")
struct HelpOverlayTests {
    /// Every page of the help at a size, as screen text.
    func pages(width: Int, height: Int) async -> [String] {
        let model = DashboardModel(mode: .demo, symbol: "BTCUSDT")
        _ = await model.perform(.toggleHelp)
        let count = HelpOverlay.pages(KeyBindings.help, width: width, height: height)?.pages.count ?? 0
        var out: [String] = []
        for _ in 0..<count {
            let s = await model.snapshot(now: 0)
            out.append(DashboardRenderer().render(s, width: width, height: height).lines.joined(separator: "\n"))
            _ = await model.perform(.moveFocus(1))
        }
        return out
    }

    @Test("every binding and every word of its description shows, at 80x24 and up",
          arguments: [(80, 24), (100, 28), (120, 40), (200, 60)])
    func complete(width: Int, height: Int) async throws {
        let shown = await pages(width: width, height: height)
        #expect(!shown.isEmpty)
        let words = Set(shown.joined(separator: "\n").split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "│" }).map(String.init))
        for row in KeyBindings.help {
            for word in (row.keys + " " + row.what).split(separator: " ").map(String.init) {
                #expect(words.contains(word), "\"\(word)\" of \(row.keys) missing at \(width)x\(height)")
            }
        }
        // Each page stays inside the screen and says how to turn it.
        if shown.count > 1 { #expect(shown.allSatisfy { $0.contains("↓ next page") }) }
    }

    @Test("two columns on a wide screen; one column in pages on a small one; ↓ turns, ? closes")
    func layout() async throws {
        #expect(HelpOverlay.pages(KeyBindings.help, width: 200, height: 60)?.columns == 2)
        #expect(HelpOverlay.pages(KeyBindings.help, width: 200, height: 60)?.pages.count == 1)
        let small = try #require(HelpOverlay.pages(KeyBindings.help, width: 80, height: 24))
        #expect(small.columns == 1 && small.pages.count > 1)
        let model = DashboardModel(mode: .demo, symbol: "BTCUSDT")
        _ = await model.perform(.toggleHelp)
        _ = await model.perform(.moveFocus(1))
        var s = await model.snapshot(now: 0)
        #expect(s.helpPage == 1 && s.symbol == "BTCUSDT")
        let text = DashboardRenderer().render(s, width: 80, height: 24).lines.joined()
        #expect(text.contains("Keys 2/\(small.pages.count)"))
        _ = await model.perform(.toggleHelp)
        s = await model.snapshot(now: 0)
        #expect(!s.showHelp && s.helpPage == 0)
        #expect(HelpOverlay.wrap("move the focus by ten rows", 10) == ["move the", "focus by", "ten rows"])
    }
}
