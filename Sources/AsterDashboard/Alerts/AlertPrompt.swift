import AsterKit
import Foundation

/// The new-alert prompt's little language: `>97000` (price at or above), `<95000` (at or
/// below), `2.5%` (a move of 2.5 % either way within 5 minutes), `2.5%/15` (within 15 minutes).
public enum AlertPrompt {
    /// The rule `text` asks for on `symbol`, or `nil` when it is not one.
    public static func parse(_ text: String, symbol: String) -> AlertRule? {
        let t = text.replacingOccurrences(of: " ", with: "")
        if t.hasPrefix(">") || t.hasPrefix("<"), let value = ExactDecimal(String(t.dropFirst())), value > .zero {
            return AlertRule(kind: t.hasPrefix(">") ? .priceAbove : .priceBelow, symbol: symbol, value: value)
        }
        let parts = t.split(separator: "%", omittingEmptySubsequences: false)
        guard parts.count == 2, let value = ExactDecimal(String(parts[0])), value > .zero else { return nil }
        var rest = parts[1]
        if rest.hasPrefix("/") { rest = rest.dropFirst() }
        if rest.hasSuffix("m") { rest = rest.dropLast() }
        let minutes = rest.isEmpty ? 5 : Int(rest) ?? 0
        guard (1...1_440).contains(minutes) else { return nil }
        return AlertRule(kind: .move, symbol: symbol, value: value, minutes: minutes)
    }

    /// The prompt text of a rule the prompt can express; the other kinds are edited in the config file.
    public static func text(of rule: AlertRule) -> String {
        switch rule.kind {
        case .priceAbove: ">\(rule.value)"
        case .priceBelow: "<\(rule.value)"
        case .move: "\(rule.value)%/\(rule.minutes)"
        default: ""
        }
    }
}


