import Foundation

/// A config file that cannot be used: where and why.
///
/// `description` reads `FILE:LINE: reason`, the form editors and compilers use.
public struct ConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file.
    public var file: String
    /// The 1-based line (0 when unknown, e.g. the file cannot be read).
    public var line: Int
    /// Why, readable.
    public var reason: String

    /// Creates an error.
    public init(file: String, line: Int, reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    public var description: String { line > 0 ? "\(file):\(line): \(reason)" : "\(file): \(reason)" }
}

/// Finds the line of a key in TOML text, for error messages (TOMLKit gives lines for syntax
/// errors only). It follows `[table]` and `[[array]]` headers and `key =` lines; it is no parser:
/// the text has already parsed when it is asked.
struct TOMLLineLocator {
    /// Every `key =` line: its table path (array tables as `name#index`) plus key, and its line.
    private var entries: [(path: [String], line: Int)] = []

    init(_ text: String) {
        var table: [String] = []
        var arrayCounts: [String: Int] = [:]
        var inMultiline = false
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if inMultiline {
                if line.contains("\"\"\"") || line.contains("'''") { inMultiline = false }
                continue
            }
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("[[") {
                let name = Self.keyPath(line.dropFirst(2).prefix { $0 != "]" })
                let joined = name.joined(separator: ".")
                let index = arrayCounts[joined, default: 0]
                arrayCounts[joined] = index + 1
                table = Array(name.dropLast()) + ["\(name.last ?? "")#\(index)"]
                entries.append((table, n + 1))
            } else if line.hasPrefix("[") {
                table = Self.keyPath(line.dropFirst().prefix { $0 != "]" })
                entries.append((table, n + 1))
            } else if let eq = line.firstIndex(of: "=") {
                let key = Self.keyPath(line[..<eq])
                entries.append((table + key, n + 1))
                let value = line[line.index(after: eq)...]
                if (value.components(separatedBy: "\"\"\"").count == 2) || (value.components(separatedBy: "'''").count == 2) {
                    inMultiline = true
                }
            }
        }
    }

    private static func keyPath(_ text: Substring) -> [String] {
        text.split(separator: ".").map { $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"'")) }
    }

    /// The line of `path` (or of the nearest enclosing table found), 0 when none.
    func line(of path: [String]) -> Int {
        var path = path
        while !path.isEmpty {
            if let hit = entries.first(where: { $0.path == path }) { return hit.line }
            path.removeLast()
        }
        return 0
    }
}
