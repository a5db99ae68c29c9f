import Foundation

/// Standard output and error for the line-printing commands. Writes never trap: when the reader
/// has gone away (`aster-tui stream … | head -5`), the command ends quietly with status 0, as a
/// pipeline expects, instead of crashing on the broken pipe.
enum Console {
    static func out(_ text: String) { write(text, to: .standardOutput) }
    static func err(_ text: String) { write(text, to: .standardError) }

    private static func write(_ text: String, to handle: FileHandle) {
        do {
            try handle.write(contentsOf: Data(text.utf8))
        } catch {
            exit(0)
        }
    }
}
