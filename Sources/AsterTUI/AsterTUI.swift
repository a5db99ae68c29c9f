import ArgumentParser

/// `aster-tui`: a terminal for the Aster futures exchange, built on AsterKit.
@main
struct AsterTUI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aster-tui",
        abstract: "Aster DEX perpetual-futures market data in your terminal.",
        subcommands: [StreamCommand.self, SimCommand.self]
    )
}
