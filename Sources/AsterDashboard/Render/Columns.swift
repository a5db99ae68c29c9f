/// One column of a pane's table: a header, its cells, how they align and how much it matters.
struct Column {
    enum Alignment { case left, right }
    var header: String
    var cells: [String]
    var alignment: Alignment
    /// Higher stays longer: when the pane is too narrow, the lowest priority goes first.
    var priority: Int
    /// Per-row styles (`nil` for the row's default).
    var styles: [CellStyle?] = []

    /// The width that shows every cell and the header whole.
    var naturalWidth: Int { cells.reduce(header.count) { max($0, $1.count) } }
}

/// Fits table columns into a width without ever cutting a cell: each column is as wide as its
/// widest cell (numbers right-aligned, so equal fraction digits line up on the point), one
/// space apart; when they do not fit, whole columns are dropped, lowest priority first.
enum Columns {
    /// The kept columns' indices with their x offsets (from 0) and widths; spare width goes
    /// between the columns, so the last one ends at the right edge.
    static func fit(_ columns: [Column], width: Int) -> [(index: Int, x: Int, width: Int)] {
        var kept = Array(columns.indices)
        func needed(_ set: [Int]) -> Int { set.reduce(0) { $0 + columns[$1].naturalWidth } + max(0, set.count - 1) }
        while !kept.isEmpty, needed(kept) > width {
            let lowest = kept.min { (columns[$0].priority, -$0) < (columns[$1].priority, -$1) }!
            kept.removeAll { $0 == lowest }
        }
        guard !kept.isEmpty else { return [] }
        let spare = width - needed(kept)
        // Spare space is spread over the gaps after the first column (left-aligned names stay
        // left, numbers move right); with one column it goes before it when right-aligned.
        var out: [(Int, Int, Int)] = []
        var x = kept.count == 1 && columns[kept[0]].alignment == .right ? spare : 0
        let gaps = kept.count - 1
        for (n, index) in kept.enumerated() {
            if n > 0 { x += 1 + spare / gaps + (n <= spare % gaps ? 1 : 0) }
            out.append((index, x, columns[index].naturalWidth))
            x += columns[index].naturalWidth
        }
        return out
    }

    /// Draws the fitted columns: an optional header row, then the cells, clipped to `rect`'s
    /// height (never its width: the fit guarantees every cell is whole).
    @discardableResult
    static func draw(_ columns: [Column], in rect: Rect, into grid: inout CellGrid, header: Bool, rowStyle: (Int) -> CellStyle,
                     headerStyle: CellStyle = CellStyle(.dim, bold: true)) -> Int {
        let layout = fit(columns, width: rect.width)
        var y = rect.y
        let bottom = rect.y + rect.height
        if header, y < bottom {
            for (index, x, width) in layout {
                let c = columns[index]
                let text = c.alignment == .right ? Format.padLeft(c.header, width) : Format.padRight(c.header, width)
                grid.put(text, x: rect.x + x, y: y, style: headerStyle)
            }
            y += 1
        }
        let rows = columns.map(\.cells.count).max() ?? 0
        for row in 0..<rows where y < bottom {
            for (index, x, width) in layout where row < columns[index].cells.count {
                let c = columns[index]
                let cell = c.cells[row]
                let text = c.alignment == .right ? Format.padLeft(cell, width) : Format.padRight(cell, width)
                let style = (row < c.styles.count ? c.styles[row] : nil) ?? rowStyle(row)
                grid.put(text, x: rect.x + x, y: y, style: style)
            }
            y += 1
        }
        return y - rect.y
    }
}

/// Decimal places for a symbol's prices and quantities: from `exchangeInfo` (tick and step
/// size) when known, else the most any of the values shown has.
public struct SymbolPrecision: Sendable, Hashable {
    /// Fraction digits of a price (the tick size's).
    public var price: Int
    /// Fraction digits of a quantity (the step size's).
    public var quantity: Int

    /// Creates a precision.
    public init(price: Int, quantity: Int) {
        self.price = price
        self.quantity = quantity
    }
}
