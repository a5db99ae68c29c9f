/// How the grid view divides the screen between tiles: as many columns and rows as fit tiles of
/// at least ``minimumTile``, no more than there are symbols, each tile as large as the space
/// allows; symbols beyond one screen go to further pages (the page with the selected tile shows).
public struct GridLayout: Sendable, Hashable {
    /// The smallest tile (border included): the price and change, funding, one sparkline row.
    public static let minimumTile = (width: 22, height: 5)

    public var columns: Int
    public var rows: Int
    public var tileWidth: Int
    public var tileHeight: Int
    /// The area the tiles fill (between the status bar and the footer).
    public var body: Rect

    /// Tiles per page.
    public var perPage: Int { columns * rows }

    /// The layout of `count` tiles in a `width`x`height` terminal; `nil` when not even one tile fits.
    public static func make(count: Int, width: Int, height: Int) -> GridLayout? {
        let body = Rect(x: 0, y: 1, width: width, height: height - 2)
        let maxColumns = body.width / minimumTile.width
        let maxRows = body.height / minimumTile.height
        guard maxColumns >= 1, maxRows >= 1 else { return nil }
        let n = max(1, count)
        var columns = maxColumns
        var rows = maxRows
        if n < maxColumns * maxRows {
            // Room for every tile: the grid whose tiles are closest to 4:1 in cells (about 2:1 on
            // screen), then the one with fewest empty places.
            var best: (score: Double, empty: Int)?
            for c in 1...min(n, maxColumns) {
                let r = (n + c - 1) / c
                guard r <= maxRows else { continue }
                let ratio = Double(body.width / c) / Double(body.height / r)
                let score = abs((ratio / 4).magnitude.squareRoot() - 1)
                let empty = c * r - n
                if best.map({ score < $0.score - 1e-9 || (abs(score - $0.score) < 1e-9 && empty < $0.empty) }) ?? true {
                    best = (score, empty)
                    columns = c
                    rows = r
                }
            }
        }
        return GridLayout(columns: columns, rows: rows, tileWidth: body.width / columns, tileHeight: body.height / rows, body: body)
    }

    /// The first tile index on the page that shows `cursor`.
    public func pageStart(cursor: Int) -> Int { max(0, cursor) / perPage * perPage }

    /// The rectangle of tile `index` (on the page starting at `pageStart`).
    public func rect(_ index: Int, pageStart: Int) -> Rect {
        let i = index - pageStart
        let column = i % columns
        let row = i / columns
        // The last column and row take the remainder, so the tiles fill the terminal exactly.
        let x = body.x + column * tileWidth
        let y = body.y + row * tileHeight
        let w = column == columns - 1 ? body.x + body.width - x : tileWidth
        let h = row == rows - 1 ? body.y + body.height - y : tileHeight
        return Rect(x: x, y: y, width: w, height: h)
    }
}
