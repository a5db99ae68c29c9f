/// A colour role of the dashboard palette; the terminal asks the ``Theme`` which colour each is.
///
/// ``up`` and ``down`` are rising and falling prices (buys and sells, gains and losses): they
/// follow the theme's up/down colours (the colour-blind preset makes them blue and orange).
/// ``heat1`` to ``heat6`` are the depth heatmap's ramp, least to most resting quantity.
public enum PaletteColor: UInt8, Sendable, Hashable, CaseIterable {
    case normal, dim, green, red, yellow, cyan, magenta, blue, white, up, down
    case heat1, heat2, heat3, heat4, heat5, heat6

    /// The heatmap ramp, least to most.
    public static let heatRamp: [PaletteColor] = [.heat1, .heat2, .heat3, .heat4, .heat5, .heat6]
}

/// How one cell looks.
public struct CellStyle: Sendable, Hashable {
    /// Foreground colour.
    public var color: PaletteColor
    /// Bold text.
    public var bold: Bool
    /// Reverse video (selection, bars).
    public var reverse: Bool

    /// Creates a style.
    public init(_ color: PaletteColor = .normal, bold: Bool = false, reverse: Bool = false) {
        self.color = color
        self.bold = bold
        self.reverse = reverse
    }

    /// The default style.
    public static let plain = CellStyle()
}

/// One screen cell: a character and its style.
public struct Cell: Sendable, Hashable {
    /// The character (one column wide).
    public var character: Character
    /// Its style.
    public var style: CellStyle

    /// A blank cell.
    public static let blank = Cell(character: " ", style: .plain)
}

/// A rectangle of the screen, in cells.
public struct Rect: Sendable, Hashable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    /// Creates a rectangle.
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    /// The area inside a one-cell border.
    public var inset: Rect { Rect(x: x + 1, y: y + 1, width: width - 2, height: height - 2) }
}

/// The whole screen as styled cells: what every pane renders into, and what the terminal draws.
public struct CellGrid: Sendable, Hashable {
    /// Columns.
    public let width: Int
    /// Rows.
    public let height: Int
    /// Cells, row by row.
    public private(set) var cells: [Cell]

    /// A blank grid.
    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: .blank, count: self.width * self.height)
    }

    /// The cell at a position.
    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set {
            guard x >= 0, y >= 0, x < width, y < height else { return }
            cells[y * width + x] = newValue
        }
    }

    /// Writes text at a position, clipped to `maxWidth` and the grid; returns columns written.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: CellStyle = .plain, maxWidth: Int? = nil) -> Int {
        guard y >= 0, y < height else { return 0 }
        let limit = min(maxWidth ?? width, width - x)
        var column = 0
        for ch in text where column < limit {
            if x + column >= 0 { self[x + column, y] = Cell(character: ch, style: style) }
            column += 1
        }
        return column
    }

    /// Fills a rectangle with one cell.
    public mutating func fill(_ rect: Rect, with cell: Cell = .blank) {
        for row in rect.y..<(rect.y + rect.height) {
            for col in rect.x..<(rect.x + rect.width) { self[col, row] = cell }
        }
    }

    /// The rows as plain text (tests, snapshots).
    public var lines: [String] {
        (0..<height).map { row in String(cells[(row * width)..<((row + 1) * width)].map(\.character)) }
    }
}
