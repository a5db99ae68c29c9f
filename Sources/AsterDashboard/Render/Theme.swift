/// A terminal colour: an index on a 256-colour terminal and the nearest of the 16 basic colours.
public struct TerminalColor: Sendable, Hashable, CustomStringConvertible {
    /// The xterm 256-colour index.
    public var index256: Int
    /// The nearest of the 16 ANSI colours (8...15 are the bright ones).
    public var index16: Int
    /// The name it was given by (for `config --print`), or the 256-colour index.
    public var name: String

    /// Creates a colour from its two indices.
    public init(_ name: String, index256: Int, index16: Int) {
        self.name = name
        self.index256 = index256
        self.index16 = index16
    }

    /// The name, as the config file writes it.
    public var description: String { name }

    /// The colour to use on a terminal with `colors` colours (`COLORS`): the 256-colour index
    /// from 256 up, the 16-colour one from 16 up, else the base colour (bright ones lose their brightness).
    public func index(colors: Int) -> Int {
        if colors > 256 { return Self.directValue(index256) }
        if colors >= 256 { return index256 }
        if colors >= 16 { return index16 }
        return index16 % 8
    }

    /// Colours by name, as the config file and `--up-color`/`--down-color` take them.
    public static let named: [String: TerminalColor] = {
        let list: [(String, Int, Int)] = [
            ("black", 0, 0), ("red", 1, 1), ("green", 2, 2), ("yellow", 3, 3), ("blue", 4, 4), ("magenta", 5, 5),
            ("cyan", 6, 6), ("white", 7, 7), ("gray", 244, 8), ("grey", 244, 8), ("bright-red", 9, 9),
            ("bright-green", 10, 10), ("bright-yellow", 11, 11), ("bright-blue", 12, 12), ("bright-magenta", 13, 13),
            ("bright-cyan", 14, 14), ("bright-white", 15, 15), ("orange", 208, 3), ("dark-orange", 166, 3),
            ("sky-blue", 33, 12), ("dark-blue", 25, 4), ("dark-green", 28, 2), ("dark-red", 160, 1),
            ("brown", 130, 3), ("teal", 30, 6), ("purple", 90, 5),
        ]
        return Dictionary(uniqueKeysWithValues: list.map { ($0.0, TerminalColor($0.0, index256: $0.1, index16: $0.2)) })
    }()

    /// Parses a colour name (`orange`, `bright-blue`) or a 256-colour index (`208`); `nil` when neither.
    public init?(parsing text: String) {
        let key = text.lowercased()
        if let known = Self.named[key] {
            self = known
        } else if let n = Int(key), (0...255).contains(n) {
            self.init(text, index256: n, index16: Self.nearest16(n))
        } else {
            return nil
        }
    }

    /// A 256-colour index as a direct-colour terminal takes it (`TERM=*-direct`, more than 256
    /// colours): 0...7 stay the ANSI colours, the rest become their xterm RGB value `0xRRGGBB`.
    public static func directValue(_ index: Int) -> Int {
        let n = min(max(index, 0), 255)
        if n < 8 { return n }
        let (r, g, b) = rgb(n)
        return r << 16 | g << 8 | b
    }

    /// The xterm palette's RGB of a 256-colour index.
    static func rgb(_ n: Int) -> (Int, Int, Int) {
        if n < 16 {
            let base = [(0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
                        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255)]
            return base[n]
        }
        if n >= 232 {
            let v = 8 + (n - 232) * 10
            return (v, v, v)
        }
        let c = n - 16
        func level(_ v: Int) -> Int { v == 0 ? 0 : 55 + v * 40 }
        return (level(c / 36), level(c / 6 % 6), level(c % 6))
    }

    /// The nearest basic colour of a 256-colour index (the 6x6x6 cube and the grey ramp).
    static func nearest16(_ n: Int) -> Int {
        if n < 16 { return n }
        if n >= 232 { return n < 244 ? 8 : 7 }
        let c = n - 16
        let (r, g, b) = (c / 36, c / 6 % 6, c % 6)
        let top = max(r, g, b)
        if top == 0 { return 0 }
        // A channel counts when it is at least half the strongest one.
        func on(_ v: Int) -> Bool { v > 0 && v * 2 >= top }
        let bits = (on(r) ? 1 : 0) | (on(g) ? 2 : 0) | (on(b) ? 4 : 0)
        return bits + (top >= 4 ? 8 : 0)
    }
}

/// The built-in themes.
public enum ThemeName: String, Sendable, Hashable, CaseIterable {
    case dark, light
    case highContrast = "high-contrast"
    case monochrome
}

/// How the palette's roles look: a foreground colour per ``PaletteColor`` and whether dim text
/// uses the terminal's dim attribute. The renderer only names roles (``PaletteColor/up``,
/// ``PaletteColor/dim``…); the terminal asks the theme which colour each one is.
///
/// ```swift
/// let theme = Theme(.light, up: TerminalColor(parsing: "blue"), down: TerminalColor(parsing: "orange"))
/// theme.foreground(.up, colors: 256)   // 33
/// ```
public struct Theme: Sendable, Hashable {
    /// Which theme this is.
    public var name: ThemeName
    /// The foreground of every role but ``PaletteColor/normal`` (the terminal's own colour).
    public var colors: [PaletteColor: TerminalColor]
    /// Whether ``PaletteColor/dim`` text also gets the dim attribute (not on light backgrounds).
    public var dimAttribute: Bool
    /// Whether every role is drawn in bold (high contrast).
    public var boldText: Bool

    /// The colour-blind preset for rising prices: blue.
    public static let colorBlindUp = TerminalColor("sky-blue", index256: 33, index16: 12)
    /// The colour-blind preset for falling prices: orange.
    public static let colorBlindDown = TerminalColor("orange", index256: 208, index16: 3)

    /// A built-in theme, with rising and falling colours replaced when given; `colorBlind` gives
    /// the heatmap a ramp that stays readable without red and green (dark violet to yellow).
    public init(_ name: ThemeName, up: TerminalColor? = nil, down: TerminalColor? = nil, colorBlind: Bool = false) {
        self.name = name
        func c(_ name: String, _ i256: Int, _ i16: Int) -> TerminalColor { TerminalColor(name, index256: i256, index16: i16) }
        switch name {
        case .dark, .monochrome:
            colors = [.dim: c("white", 7, 7), .green: c("green", 2, 2), .red: c("red", 1, 1), .yellow: c("yellow", 3, 3),
                      .cyan: c("cyan", 6, 6), .magenta: c("magenta", 5, 5), .blue: c("blue", 4, 4),
                      .white: c("white", 7, 7), .up: c("green", 2, 2), .down: c("red", 1, 1)]
            dimAttribute = true
            boldText = false
        case .light:
            // Dark inks for a light background: no white, no pale yellow or cyan, no dim attribute.
            colors = [.dim: c("gray", 242, 8), .green: c("dark-green", 28, 2), .red: c("dark-red", 160, 1),
                      .yellow: c("brown", 130, 3), .cyan: c("dark-blue", 25, 4), .magenta: c("purple", 90, 5),
                      .blue: c("dark-blue", 19, 4), .white: c("black", 16, 0), .up: c("dark-green", 28, 2),
                      .down: c("dark-red", 160, 1)]
            dimAttribute = false
            boldText = false
        case .highContrast:
            colors = [.dim: c("white", 252, 7), .green: c("bright-green", 46, 10), .red: c("bright-red", 196, 9),
                      .yellow: c("bright-yellow", 226, 11), .cyan: c("bright-cyan", 51, 14),
                      .magenta: c("bright-magenta", 201, 13), .blue: c("bright-blue", 75, 12),
                      .white: c("bright-white", 231, 15), .up: c("bright-green", 46, 10), .down: c("bright-red", 196, 9)]
            dimAttribute = false
            boldText = true
        }
        if let up { colors[.up] = up }
        if let down { colors[.down] = down }
        for (role, color) in zip(PaletteColor.heatRamp, Self.heatRamp(name, colorBlind: colorBlind)) { colors[role] = color }
    }

    /// The heatmap's ramp, least to most resting quantity: on dark backgrounds from dark blue to
    /// hot orange (or, colour-blind, viridis-like violet to yellow), on light ones from pale to deep ink.
    static func heatRamp(_ name: ThemeName, colorBlind: Bool) -> [TerminalColor] {
        func c(_ i256: Int, _ i16: Int) -> TerminalColor { TerminalColor("\(i256)", index256: i256, index16: i16) }
        switch (name, colorBlind) {
        case (.light, false): return [c(153, 6), c(117, 6), c(75, 4), c(32, 4), c(25, 5), c(18, 4)]
        case (.light, true): return [c(187, 3), c(150, 2), c(108, 2), c(66, 6), c(60, 4), c(54, 5)]
        case (.highContrast, false): return [c(21, 4), c(33, 12), c(51, 14), c(46, 10), c(226, 11), c(196, 9)]
        case (_, true): return [c(54, 5), c(61, 4), c(31, 6), c(36, 6), c(149, 10), c(226, 11)]
        default: return [c(17, 4), c(25, 4), c(31, 6), c(71, 2), c(178, 3), c(208, 11)]
        }
    }

    /// Whether the theme draws colours at all (the monochrome theme uses attributes only).
    public var usesColor: Bool { name != .monochrome }

    /// The foreground index of `role` on a terminal with `colors` colours; `nil` for the
    /// terminal's default (``PaletteColor/normal``).
    public func foreground(_ role: PaletteColor, colors count: Int) -> Int? {
        colors[role]?.index(colors: count)
    }
}
