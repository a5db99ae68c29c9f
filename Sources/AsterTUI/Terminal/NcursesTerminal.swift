import AsterDashboard
import CNcurses

/// The only place that talks to ncurses: draws a ``CellGrid`` (changed cells only, then
/// `wnoutrefresh`/`doupdate`) and reads keys without blocking.
final class NcursesTerminal {
    private var previous: CellGrid?
    /// Whether colours are in use (false with --no-color, NO_COLOR, the monochrome theme or a monochrome terminal).
    let colors: Bool
    /// How many colours the palette uses (0 without colour; more than 256 on a direct-colour terminal).
    let colorCount: Int
    /// The theme's attributes: dim text dimmed, everything bold.
    private let dimAttribute: Bool
    private let boldText: Bool
    private(set) var isActive = false

    /// Whether the terminal's character set is UTF-8 (decided before the screen starts).
    static func localeIsUTF8() -> Bool { aster_set_locale() != 0 }

    /// What the terminal database says about `term` (nothing is drawn).
    static func terminfoStatus(_ term: String) -> TerminfoStatus {
        switch aster_terminfo_status(term) {
        case 0: .usable
        case 2: .cannotAddressCursor
        default: .unknown
        }
    }

    /// Starts the screen.
    ///
    /// - Parameters:
    ///   - theme: which colour each palette role is.
    ///   - color: false for monochrome whatever the theme (`--no-color`, `NO_COLOR`).
    ///   - depth: colours to assume (never more than the terminal reports).
    init(theme: Theme, color: Bool, depth: ColorDepth) {
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
        var used = 0
        if color && theme.usesColor && has_colors() {
            start_color()
            use_default_colors()
            let available = Int(aster_colors())
            let count = switch depth {
            case .auto: available
            case .c256: min(256, available)
            case .c16: min(16, available)
            }
            // Extended pairs: a direct-colour terminal's RGB values do not fit a short.
            for role in PaletteColor.allCases where role != .normal {
                init_extended_pair(Int32(role.rawValue), Int32(theme.foreground(role, colors: count) ?? -1), -1)
            }
            useColor = true
            used = count
        }
        colors = useColor
        colorCount = used
        dimAttribute = theme.dimAttribute || !useColor
        boldText = theme.boldText
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
        if style.bold || boldText { a |= aster_a_bold() }
        if style.reverse { a |= aster_a_reverse() }
        if style.color == .dim && dimAttribute { a |= aster_a_dim() }
        return a
    }

    /// Rings the terminal bell (a fired alert).
    func bell() { _ = beep() }

    /// Restores the terminal (idempotent).
    func restore() {
        guard isActive else { return }
        isActive = false
        endwin()
    }
}
