import ArgumentParser
import AsterDashboard
import Foundation

/// `aster-tui config`: shows the configuration the dashboard would use.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Print the dashboard's configuration (the config file, checked) or a commented default.",
        discussion: """
            The dashboard reads $XDG_CONFIG_HOME/aster-tui/config.toml (default ~/.config/aster-tui/config.toml),
            or the file given with --config; flags override it. A bad file (syntax, unknown key, bad value) is
            reported with its file and line, and the command exits 64. Start one with:
              mkdir -p ~/.config/aster-tui && aster-tui config --print-default > ~/.config/aster-tui/config.toml
            """
    )

    @Flag(help: "Print the effective configuration (the file's values and the defaults for the rest).")
    var print = false

    @Flag(name: .customLong("print-default"), help: "Print the default configuration, commented.")
    var printDefault = false

    @Flag(help: "Print the config file's path.")
    var path = false

    @Option(help: ArgumentHelp("Read FILE instead of the default config file.", valueName: "FILE"))
    var config: String?

    func validate() throws {
        if [print, printDefault, path].filter({ $0 }).count != 1 {
            throw ValidationError("give one of --print, --print-default or --path.")
        }
    }

    func run() throws {
        let file = config ?? ConfigFile.defaultPath()
        if path {
            Console.out(file + "\n")
        } else if printDefault {
            Console.out(DashboardConfig().tomlText)
        } else {
            do {
                Console.out(try ConfigFile.load(path: file, required: config != nil).tomlText)
            } catch {
                Console.err("aster-tui: bad config file: \(error)\n")
                throw ExitCode(64)
            }
        }
    }
}
