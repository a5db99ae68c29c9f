import Foundation
import Testing

@testable import AsterKit

/// Loads a fixture copied from the spec by scripts/extract_fixtures.py.
func fixture(_ name: String) throws -> String {
    let url = try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures"))
    return try String(contentsOf: url, encoding: .utf8)
}

/// Every fixture name.
let allFixtureNames: [String] = {
    let dir = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
    let files = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
    return files.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
}()

/// Decodes text, failing the test on error.
func decode(_ text: String) throws -> StreamMessage {
    try EventDecoder().decode(text)
}

/// Shorthand for an exact decimal literal in tests.
func dec(_ text: String) -> ExactDecimal {
    try! ExactDecimal(parsing: text)
}
