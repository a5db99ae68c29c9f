import Foundation
import Testing

@Suite("The README's examples")
struct ReadmeTests {
    /// The repository's root, from this file's path.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Lines without their indentation, blank lines and imports dropped.
    static func normalized(_ text: Substring) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("import ") }
    }

    @Test("every ```swift block of the README is compiled by the suite, verbatim (ReadmeSnippets.swift)")
    func blocksAreCompiled() throws {
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        let snippets = try String(contentsOf: Self.root.appendingPathComponent("Tests/DocumentationTests/ReadmeSnippets.swift"),
                                  encoding: .utf8)
        let compiled = Self.normalized(snippets[...]).joined(separator: "\n")
        let blocks = readme.matches(of: /```swift\n((?:.|\n)*?)```/).map { $0.1 }
        #expect(blocks.count >= 6)
        for block in blocks {
            let lines = Self.normalized(block)
            #expect(compiled.contains(lines.joined(separator: "\n")),
                    "README block not compiled verbatim; copy it into ReadmeSnippets.swift:\n\(block)")
        }
    }

    @Test("the checker finds a block that is not in the snippets")
    func checkerCatchesDrift() throws {
        let snippets = try String(contentsOf: Self.root.appendingPathComponent("Tests/DocumentationTests/ReadmeSnippets.swift"),
                                  encoding: .utf8)
        let compiled = Self.normalized(snippets[...]).joined(separator: "\n")
        let drifted = Self.normalized("try await client.subscribe([.depth(symbol: \"ethusdt\")])"[...]).joined(separator: "\n")
        #expect(!compiled.contains(drifted))
    }
}
