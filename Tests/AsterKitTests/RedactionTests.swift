import AsterTestSupport
import Foundation
import Testing

@testable import AsterKit

@Suite("Redaction of secrets in recordings")
struct RedactionTests {
    @Test("every secret key's string value is replaced; other text, and keys used as values, are kept", arguments: [
        (#"{"e":"listenKeyExpired","E":1,"listenKey":"abc123"}"#, #"{"e":"listenKeyExpired","E":1,"listenKey":"<redacted>"}"#),
        (#"{"signature" : "ff00", "apiKey":"k", "x":"secret"}"#, #"{"signature" : "<redacted>", "apiKey":"<redacted>", "x":"secret"}"#),
        (#"{"a":{"privateKey":"0xdead"},"signerKey":"s","secret":"t"}"#, #"{"a":{"privateKey":"<redacted>"},"signerKey":"<redacted>","secret":"<redacted>"}"#),
        (#"{"listenKey":12,"secret":"unterminated"#, #"{"listenKey":12,"secret":"unterminated"#),
        (#"{"e":"aggTrade","p":"1.5"}"#, #"{"e":"aggTrade","p":"1.5"}"#),
        ("", ""),
    ])
    func redacts(_ input: String, _ expected: String) {
        #expect(Redaction.redact(input) == expected)
    }

    @Test("a recorded line is `<ms>\\t<frame>\\n`, the frame redacted and on one line")
    func recordedLine() throws {
        let path = temporaryPath("redact.rec")
        let recorder = try StreamRecorder(path: path, bufferBytes: 16)
        recorder.record("{\"listenKey\":\"abc\",\n\"E\":1}", receivedAt: 1_700_000_000_123)
        recorder.record("{\"e\":\"x\"}", receivedAt: -5)
        recorder.close()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text == "1700000000123\t{\"listenKey\":\"<redacted>\", \"E\":1}\n-5\t{\"e\":\"x\"}\n")
    }

    @Test("lines are buffered and all reach the file on close, in order")
    func bufferedWrites() throws {
        let path = temporaryPath("buffered.rec")
        let recorder = try StreamRecorder(path: path)
        for i in 0..<5_000 { recorder.record(#"{"e":"aggTrade","a":\#(i)}"#, receivedAt: 1_000 + Int64(i / 100)) }
        recorder.close()
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 5_000)
        #expect(lines.last == "1049\t{\"e\":\"aggTrade\",\"a\":4999}")
        #expect(recorder.writeFailures == 0)
    }
}
