import ArgumentParser

/// `aster-tui`: a terminal for the Aster futures exchange, built on AsterKit.
@main
struct AsterTUI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aster-tui",
        abstract: "Aster DEX perpetual futures in your terminal: market data, account and trading.",
        discussion: "Run `aster-tui --demo` for the dashboard on the embedded simulator.",
        subcommands: [DashboardCommand.self, StreamCommand.self, BookCommand.self, AccountCommand.self, OrderCommand.self,
                      PositionCommand.self, SimCommand.self, ConfigCommand.self],
        defaultSubcommand: DashboardCommand.self
    )
}
