import AsterDashboard
import CNcurses

/// The only place that talks to ncurses: draws a ``CellGrid`` (changed cells only, then
/// `wnoutrefresh`/`doupdate`) and reads keys without blocking.
final class NcursesTerminal {
    private var previous: CellGrid?
    /// Whether colours are in use (false with --no-color, NO_COLOR or a monochrome terminal).
    let colors: Bool
    private(set) var isActive = false

    /// Whether the terminal's character set is UTF-8 (decided before the screen starts).
    static func localeIsUTF8() -> Bool { aster_set_locale() != 0 }

    /// Starts the screen.
    init(color: Bool) {
        aster_install_crash_restore()
        initscr()
        cbreak()
        noecho()
        nonl()
        intrflush(aster_stdscr(), false)
        keypad(aster_stdscr(), true)
        wtimeout(aster_stdscr(), 0)
        curs_set(0)
        _ = aster_enable_mouse()
        var useColor = false
        if color && has_colors() {
            start_color()
            use_default_colors()
            let map: [(PaletteColor, Int16)] = [
                (.dim, Int16(COLOR_WHITE)), (.green, Int16(COLOR_GREEN)), (.red, Int16(COLOR_RED)),
                (.yellow, Int16(COLOR_YELLOW)), (.cyan, Int16(COLOR_CYAN)), (.magenta, Int16(COLOR_MAGENTA)),
                (.blue, Int16(COLOR_BLUE)), (.white, Int16(COLOR_WHITE)),
            ]
            for (palette, c) in map { init_pair(Int16(palette.rawValue), c, -1) }
            useColor = true
        }
        colors = useColor
        isActive = true
    }

    /// Columns and rows now (ncurses updates them on KEY_RESIZE).
    var size: (width: Int, height: Int) { (Int(aster_cols()), Int(aster_lines())) }

    /// Every key pressed since the last call.
    func readKeys() -> [Key] {
        var keys: [Key] = []
        while true {
            let c = wgetch(aster_stdscr())
            if c == aster_err() { break }
            if let key = translate(c) { keys.append(key) }
        }
        return keys
    }

    private func translate(_ c: Int32) -> Key? {
        switch c {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_BTAB: return .backTab
        case KEY_BACKSPACE, 127, 8: return .backspace
        case KEY_ENTER, 10, 13: return .enter
        case 9: return .tab
        case 27: return .escape
        case 3: return .interrupt
        case aster_key_resize():
            previous = nil
            return .resize
        case aster_key_mouse():
            var x: Int32 = 0
            var y: Int32 = 0
            return aster_read_click(&x, &y) != 0 ? .mouseClick(x: Int(x), y: Int(y)) : nil
        default:
            guard c >= 32, c < 0x110000, let scalar = Unicode.Scalar(UInt32(c)) else { return nil }
            return .character(Character(scalar))
        }
    }

    /// Draws the grid, writing only the cells that changed since the last frame.
    func draw(_ grid: CellGrid) {
        if let previous, previous.width != grid.width || previous.height != grid.height { self.previous = nil }
        if previous == nil { werase(aster_stdscr()) }
        for y in 0..<grid.height {
            var x = 0
            while x < grid.width {
                let cell = grid[x, y]
                if let previous, previous[x, y] == cell {
                    x += 1
                    continue
                }
                // A run of changed cells with one style is written in one call.
                var run = String(cell.character)
                var end = x + 1
                while end < grid.width, grid[end, y].style == cell.style,
                      previous.map({ $0[end, y] != grid[end, y] }) ?? true {
                    run.append(grid[end, y].character)
                    end += 1
                }
                let attributes = attributes(for: cell.style)
                wattrset(aster_stdscr(), attributes)
                mvwaddstr(aster_stdscr(), Int32(y), Int32(x), run)
                x = end
            }
        }
        wattrset(aster_stdscr(), 0)
        wnoutrefresh(aster_stdscr())
        doupdate()
        previous = grid
    }

    private func attributes(for style: CellStyle) -> Int32 {
        var a: Int32 = 0
        if colors && style.color != .normal { a |= aster_color_pair(Int32(style.color.rawValue)) }
        if style.bold { a |= aster_a_bold() }
        if style.reverse { a |= aster_a_reverse() }
        if style.color == .dim { a |= aster_a_dim() }
        return a
    }

    /// Restores the terminal (idempotent).
    func restore() {
        guard isActive else { return }
        isActive = false
        endwin()
    }
}
