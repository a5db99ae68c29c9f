import Foundation

/// A secret string (API secret, private key) that never shows itself: printing, logging,
/// string interpolation and reflection all give `••••`.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    let value: String

    /// Wraps a secret.
    public init(_ value: String) { self.value = value }

    public var description: String { "••••" }
    public var debugDescription: String { "Secret(••••)" }
    public var customMirror: Mirror { Mirror(self, children: []) }
    /// Whether the secret is empty.
    public var isEmpty: Bool { value.isEmpty }
}

/// How requests are authenticated: a V1 API key with its HMAC secret, or a V3 agent wallet.
///
/// Loaded only from the environment or from a file only its owner can read; never printed in
/// full (``description`` shows the first and last four characters of the key alone).
public enum Credentials: Sendable, Hashable, CustomStringConvertible {
    /// V1: `X-MBX-APIKEY` plus HMAC-SHA256 signatures (`ASTER_API_KEY`, `ASTER_API_SECRET`).
    case hmac(apiKey: String, secret: Secret)
    /// V3: the main account `user`, the agent `signer` address and its secp256k1 private key
    /// (`ASTER_USER`, `ASTER_SIGNER`, `ASTER_SIGNER_KEY`).
    case agent(user: String, signer: String, privateKey: Secret)

    public var description: String {
        switch self {
        case .hmac(let key, _): "V1 API key \(Credentials.redact(key))"
        case .agent(let user, let signer, _): "V3 agent \(Credentials.redact(signer)) for \(Credentials.redact(user))"
        }
    }

    /// `abcd…wxyz`: enough to tell keys apart, never enough to use one.
    public static func redact(_ text: String) -> String {
        text.count <= 8 ? "••••" : "\(text.prefix(4))…\(text.suffix(4))"
    }

    /// Credentials from environment variables; `nil` when none are set.
    ///
    /// - Throws: ``CredentialsError`` when a set is incomplete.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws(CredentialsError) -> Credentials? {
        func value(_ name: String) -> String? {
            environment[name].map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        let v3 = ["ASTER_USER", "ASTER_SIGNER", "ASTER_SIGNER_KEY"].map(value)
        if v3.contains(where: { $0 != nil }) {
            guard let user = v3[0], let signer = v3[1], let key = v3[2] else {
                throw .incomplete("V3 needs ASTER_USER, ASTER_SIGNER and ASTER_SIGNER_KEY")
            }
            return .agent(user: user, signer: signer, privateKey: Secret(key))
        }
        switch (value("ASTER_API_KEY"), value("ASTER_API_SECRET")) {
        case (nil, nil): return nil
        case (let key?, let secret?): return .hmac(apiKey: key, secret: Secret(secret))
        default: throw .incomplete("V1 needs both ASTER_API_KEY and ASTER_API_SECRET")
        }
    }

    /// Credentials from a `NAME=value` file (the same names as the environment) that only its
    /// owner may read or write (mode 0600 or stricter).
    public static func fromFile(_ path: String) throws(CredentialsError) -> Credentials {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue else {
            throw .unreadable(path)
        }
        guard mode & 0o077 == 0 else { throw .permissions(path: path, mode: mode) }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw .unreadable(path) }
        var values: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.hasPrefix("#"), let eq = trimmed.firstIndex(of: "=") else { continue }
            var v = String(trimmed[trimmed.index(after: eq)...]).trimmingCharacters(in: .whitespaces)
            if v.count >= 2, v.hasPrefix("\""), v.hasSuffix("\"") { v = String(v.dropFirst().dropLast()) }
            values[String(trimmed[..<eq]).replacingOccurrences(of: "export ", with: "")] = v
        }
        guard let credentials = try fromEnvironment(values) else { throw .incomplete("\(path) sets no credentials") }
        return credentials
    }
}

/// Why credentials could not be loaded. Never contains a secret.
public enum CredentialsError: Error, Sendable, Hashable, CustomStringConvertible {
    case incomplete(String)
    case unreadable(String)
    case permissions(path: String, mode: Int)

    public var description: String {
        switch self {
        case .incomplete(let why): why
        case .unreadable(let path): "cannot read \(path)"
        case .permissions(let path, let mode):
            "\(path) is readable by others (mode \(String(mode, radix: 8))); chmod 600 it"
        }
    }
}
