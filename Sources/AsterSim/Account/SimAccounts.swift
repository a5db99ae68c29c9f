import AsterKit

/// How one simulated account is reached: a V1 API key and its HMAC secret, or a V3 main wallet
/// (`user`) and an agent wallet (`signer`) registered for it.
public enum SimCredential: Sendable, Hashable {
    /// `X-MBX-APIKEY` and the HMAC-SHA256 secret.
    case hmac(apiKey: String, secret: String)
    /// The main wallet address and its agent (API wallet) address.
    case agent(user: String, signer: String)

    /// Parses `KEY:SECRET` (`--account`) or `USER:SIGNER` (`--agent`); `nil` when a part is
    /// missing, or, for an agent, when either part is not a `0x` address of 40 hex digits.
    public static func parse(_ text: String, agent: Bool) -> SimCredential? {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        guard agent else { return .hmac(apiKey: parts[0], secret: parts[1]) }
        guard parts.allSatisfy(isAddress) else { return nil }
        return .agent(user: parts[0], signer: parts[1])
    }

    /// Whether `text` is `0x` and 40 hex digits.
    static func isAddress(_ text: String) -> Bool {
        text.count == 42 && text.hasPrefix("0x") && text.dropFirst(2).allSatisfy(\.isHexDigit)
    }

    /// Reads an accounts file: one credential a line, `account KEY:SECRET` or `agent USER:SIGNER`;
    /// blank lines and lines starting with `#` are skipped.
    ///
    /// - Throws: ``SimAccountsFileError`` naming the first line that is neither.
    public static func parseFile(_ text: String) throws -> [SimCredential] {
        var out: [SimCredential] = []
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let words = line.split(separator: " ", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard words.count == 2, words[0] == "account" || words[0] == "agent",
                  let credential = parse(words[1], agent: words[0] == "agent") else {
                throw SimAccountsFileError(line: n + 1)
            }
            out.append(credential)
        }
        return out
    }
}

/// A line of an accounts file that is neither `account KEY:SECRET` nor `agent USER:SIGNER`.
public struct SimAccountsFileError: Error, CustomStringConvertible {
    /// The line number, from 1.
    public let line: Int
    public var description: String {
        "accounts file line \(line): expected `account KEY:SECRET` or `agent USER:SIGNER` (0x addresses)"
    }
}

/// Every account of the simulated exchange, found by API key, agent signer or listen key.
///
/// Account 0 is the demo account (the demo API key and the spec's demonstration wallet).
public struct SimAccounts: Sendable {
    /// The accounts, by id.
    public private(set) var all: [SimAccount] = []
    private var byAPIKey: [String: Int] = [:]
    private var bySigner: [String: Int] = [:]
    private var byUser: [String: Int] = [:]

    /// The demo account's id.
    public static let demo = 0

    /// No accounts yet.
    public init() {}

    /// The account with `id`.
    public subscript(id: Int) -> SimAccount {
        get { all[id] }
        _modify { yield &all[id] }
    }

    /// Adds an account reached by `credentials` (an API key, agents of one user, or both);
    /// a `user` already known gets the agents added to its account instead. Returns the id.
    @discardableResult
    public mutating func add(_ credentials: [SimCredential], seed: UInt64, balance: ExactDecimal,
                             listenKeyValidity: Duration) -> Int {
        let users = credentials.compactMap { if case .agent(let user, _) = $0 { user.lowercased() } else { nil } }
        if let user = users.first, let existing = byUser[user] {
            for case .agent(_, let signer) in credentials { register(signer: signer, for: existing) }
            return existing
        }
        let id = all.count
        let hmac = credentials.lazy.compactMap { if case .hmac(let k, let s) = $0 { (k, s) } else { nil } }.first
        var account = SimAccount(apiKey: hmac?.0 ?? "", secret: hmac?.1 ?? "",
                                 seed: seed &+ UInt64(id) &* 0x9E37_79B9_7F4A_7C15,
                                 listenKeyValidity: listenKeyValidity, balance: balance)
        account.id = id
        // Order ids are unique across the exchange: each account numbers in its own range of 10⁹.
        account.nextOrderId = 8_000_000 + Int64(id) * 1_000_000_000
        all.append(account)
        if let key = hmac?.0, byAPIKey[key] == nil { byAPIKey[key] = id }
        for case .agent(let user, let signer) in credentials {
            if all[id].user.isEmpty {
                all[id].user = user
                byUser[user.lowercased()] = id
            }
            register(signer: signer, for: id)
        }
        return id
    }

    private mutating func register(signer: String, for id: Int) {
        guard bySigner[signer.lowercased()] == nil else { return }
        bySigner[signer.lowercased()] = id
        all[id].signers.append(signer)
    }

    /// The account of a V1 API key.
    public func id(apiKey: String) -> Int? { byAPIKey[apiKey] }

    /// The account an agent `signer` is registered for.
    public func id(signer: String) -> Int? { bySigner[signer.lowercased()] }

    /// The account of a V3 main wallet.
    public func id(user: String) -> Int? { byUser[user.lowercased()] }

    /// The account whose active listen key is `key`.
    public func id(listenKey key: String, now: Int64) -> Int? {
        all.firstIndex { $0.isActive(key, now: now) }
    }

    /// A new listen key for account `id` (its active one, extended, if it has one), unique across accounts.
    mutating func createListenKey(for id: Int, now: Int64) -> String {
        while true {
            let key = all[id].createListenKey(now: now)
            if !all.indices.contains(where: { $0 != id && all[$0].listenKeys[key] != nil }) { return key }
            all[id].closeListenKeys(now: now)
        }
    }
}
