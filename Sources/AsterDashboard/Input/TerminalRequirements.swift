/// What the terminal database says about a `TERM` name.
public enum TerminfoStatus: Sendable, Hashable {
    /// Known, with cursor addressing: the dashboard can draw.
    case usable
    /// Not in the terminal database.
    case unknown
    /// Known but cannot place the cursor (`dumb`, a printing terminal).
    case cannotAddressCursor
}

/// Why the dashboard cannot start on this terminal.
public enum TerminalProblem: Sendable, Hashable {
    /// Standard output is a file or pipe (`aster-tui --demo > file`).
    case outputNotTerminal
    /// Standard input is not a terminal (cron, `< /dev/null`).
    case inputNotTerminal
    /// `TERM` is unset or empty.
    case termUnset
    /// `TERM` names a terminal that cannot place the cursor (`dumb`).
    case cannotAddressCursor(term: String)
    /// `TERM` is not in the terminal database.
    case unknownTerm(String)
}

/// The dashboard's preconditions, checked before the screen starts: standard input and output
/// are a terminal, and `TERM` names a terminal that can place the cursor. A pure function of
/// the facts, so each case is tested without a terminal.
///
/// ```swift
/// if let problem = TerminalRequirements.check(stdinIsTerminal: isatty(0) == 1, stdoutIsTerminal: isatty(1) == 1,
///                                             term: env["TERM"], lookup: terminfo) {
///     print(TerminalRequirements.message(problem))   // one line, on standard error; exit 64
/// }
/// ```
public enum TerminalRequirements {
    /// The first problem found, or `nil` when the dashboard can start.
    public static func check(stdinIsTerminal: Bool, stdoutIsTerminal: Bool, term: String?,
                             lookup: (String) -> TerminfoStatus) -> TerminalProblem? {
        if !stdoutIsTerminal { return .outputNotTerminal }
        if !stdinIsTerminal { return .inputNotTerminal }
        guard let term, !term.isEmpty else { return .termUnset }
        switch lookup(term) {
        case .usable: return nil
        case .unknown: return .unknownTerm(term)
        case .cannotAddressCursor: return .cannotAddressCursor(term: term)
        }
    }

    /// The headless alternative the messages point to.
    public static let headless = "for output without a screen use `aster-tui stream …` (e.g. `aster-tui stream --json btcusdt@aggTrade`)"

    /// One line naming the problem and the headless alternative.
    public static func message(_ problem: TerminalProblem) -> String {
        let what = switch problem {
        case .outputNotTerminal: "standard output is not a terminal (redirected to a file or pipe?)"
        case .inputNotTerminal: "standard input is not a terminal (run from cron or with input redirected?)"
        case .termUnset: "TERM is not set"
        case .cannotAddressCursor(let term): "TERM=\(term) cannot position the cursor"
        case .unknownTerm(let term): "TERM=\(term) is not in the terminal database (try TERM=xterm-256color)"
        }
        return "aster-tui: the dashboard needs an interactive terminal: \(what); \(headless)"
    }
}
