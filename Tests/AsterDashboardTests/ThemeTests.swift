import AsterTestSupport
import AsterDashboard
import Testing

@Suite("Themes and colours")
struct ThemeTests {
    @Test("dark is the default: rising green, falling red, dim text dimmed")
    func dark() {
        let theme = DashboardConfig().theme
        #expect(theme.name == .dark && theme.usesColor && theme.dimAttribute)
        #expect(theme.foreground(.up, colors: 256) == 2 && theme.foreground(.down, colors: 256) == 1)
        #expect(theme.foreground(.normal, colors: 256) == nil)  // the terminal's own colour
    }

    @Test("the colour-blind preset makes rising blue and falling orange, on 256 and 16 colours")
    func colorBlind() throws {
        var config = DashboardConfig()
        config.colorBlind = true
        let theme = config.theme
        #expect(theme.foreground(.up, colors: 256) == 33 && theme.foreground(.down, colors: 256) == 208)
        #expect(theme.foreground(.up, colors: 16) == 12 && theme.foreground(.down, colors: 16) == 3)
        #expect(theme.foreground(.up, colors: 8) == 4 && theme.foreground(.down, colors: 8) == 3)
        // Explicit colours win over the preset.
        config.up = TerminalColor(parsing: "cyan")
        #expect(config.theme.foreground(.up, colors: 256) == 6 && config.theme.foreground(.down, colors: 256) == 208)
    }

    @Test("light: dark inks only (no white, no bright yellow or cyan), no dim attribute")
    func light() {
        let theme = Theme(.light)
        #expect(!theme.dimAttribute)
        for role in PaletteColor.allCases where role != .normal {
            for colors in [8, 16, 256] {
                let index = theme.foreground(role, colors: colors)!
                #expect(![7, 15, 231, 255, 11, 14, 226, 51].contains(index), "\(role) on \(colors) colours is \(index)")
            }
        }
    }

    @Test("high contrast uses bright colours and bold; monochrome uses no colour")
    func others() {
        let high = Theme(.highContrast)
        #expect(high.boldText && high.foreground(.up, colors: 16) == 10 && high.foreground(.down, colors: 16) == 9)
        #expect(!Theme(.monochrome).usesColor)
    }

    @Test("each role resolves to a colour the terminal has", arguments: ThemeName.allCases)
    func depth(name: ThemeName) {
        let theme = Theme(name)
        for role in PaletteColor.allCases where role != .normal {
            #expect((0..<8).contains(theme.foreground(role, colors: 8)!))
            #expect((0..<16).contains(theme.foreground(role, colors: 16)!))
            #expect((0..<256).contains(theme.foreground(role, colors: 256)!))
        }
    }

    @Test("colours by name or 256-colour index; the 16-colour fallback is the nearest basic colour")
    func names() {
        #expect(TerminalColor(parsing: "Orange")?.index256 == 208)
        #expect(TerminalColor(parsing: "196")?.index16 == 9)      // bright red
        #expect(TerminalColor(parsing: "21")?.index16 == 12)      // bright blue
        #expect(TerminalColor(parsing: "22")?.index16 == 2)       // dark green
        #expect(TerminalColor(parsing: "240")?.index16 == 8)      // grey
        #expect(TerminalColor(parsing: "256") == nil && TerminalColor(parsing: "mauve") == nil)
    }

    @Test("rising and falling prices are drawn with the up and down roles")
    func roles() async throws {
        let grid = DashboardRenderer(layout: .full).render(try await filledSnapshot(), width: 120, height: 40)
        #expect(!grid.cells.contains { $0.style.color == .green || $0.style.color == .red })
    }
}
