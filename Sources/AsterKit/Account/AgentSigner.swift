import CSecp256k1

/// V3 request signing with an agent (API) wallet: the url-encoded parameters are signed as the
/// EIP-712 typed message `Message(string msg)` in the `AsterSignTransaction` domain (version 1,
/// chain 1666, zero verifying contract), with the agent's secp256k1 key; the signature is the
/// 65-byte `r ‖ s ‖ v` (v = 27 + recovery id), deterministic (RFC 6979) and low-s, so it equals
/// what the spec's Python example (eth-account) produces for the same message.
public struct AgentSigner: Sendable {
    private let key: [UInt8]
    /// The agent's address (`0x…`, EIP-55 checksummed), derived from the key.
    public let address: String

    /// A signer for a private key given as hex (with or without `0x`).
    public init(privateKey: Secret) throws(AgentSignerError) {
        guard let bytes = [UInt8](hex: privateKey.value), bytes.count == 32 else { throw .malformedKey }
        guard let pub = EIP712.publicKey(of: bytes) else { throw .malformedKey }
        key = bytes
        address = EIP712.address(ofPublicKey: pub)
    }

    /// The `0x`-prefixed hex signature of `message` (the url-encoded parameters).
    public func signature(for message: String) throws(AgentSignerError) -> String {
        "0x" + (try sign(digest: EIP712.digest(message: message))).hexString
    }

    /// `message` with its signature appended last.
    public func signed(_ message: String) throws(AgentSignerError) -> String {
        (message.isEmpty ? "" : message + "&") + "signature=" + (try signature(for: message))
    }

    /// The 65-byte recoverable signature of a 32-byte digest. libsecp256k1 refuses only an
    /// invalid key (the initialiser already checked it) or a failed nonce; either is an error.
    func sign(digest: [UInt8]) throws(AgentSignerError) -> [UInt8] {
        guard digest.count == 32 else { throw .signingFailed }
        let context = EIP712.context
        var signature = secp256k1_ecdsa_recoverable_signature()
        let ok = digest.withUnsafeBufferPointer { d in
            key.withUnsafeBufferPointer { k -> Int32 in
                guard let d = d.baseAddress, let k = k.baseAddress else { return 0 }
                return secp256k1_ecdsa_sign_recoverable(context, &signature, d, k, nil, nil)
            }
        }
        guard ok == 1 else { throw .signingFailed }
        var compact = [UInt8](repeating: 0, count: 64)
        var recid: Int32 = 0
        _ = secp256k1_ecdsa_recoverable_signature_serialize_compact(context, &compact, &recid, &signature)
        return compact + [UInt8(27 + recid)]
    }
}

/// Why an agent key was refused. Never contains the key.
public enum AgentSignerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The key is not 32 bytes of hex, or not a valid secp256k1 secret.
    case malformedKey
    /// libsecp256k1 did not sign (nothing was sent).
    case signingFailed
    public var description: String {
        switch self {
        case .malformedKey: "the agent private key is not a valid secp256k1 key (32 bytes of hex)"
        case .signingFailed: "the agent key could not sign the request"
        }
    }
}

/// The EIP-712 pieces of Aster's V3 signatures, and signer recovery (what a server does).
public enum EIP712 {
    nonisolated(unsafe) static let context: OpaquePointer = secp256k1_context_create(UInt32(SECP256K1_CONTEXT_NONE))!

    /// `keccak256("\x19\x01" ‖ domainSeparator ‖ hashStruct(Message{msg}))`.
    public static func digest(message: String) -> [UInt8] {
        Keccak256.hash([0x19, 0x01] + domainSeparator + Keccak256.hash(messageTypeHash + Keccak256.hash(message)))
    }

    static let messageTypeHash = Keccak256.hash("Message(string msg)")

    static let domainSeparator: [UInt8] = {
        var chainId = [UInt8](repeating: 0, count: 32)
        chainId[30] = UInt8(1666 >> 8)
        chainId[31] = UInt8(1666 & 0xff)
        return Keccak256.hash(
            Keccak256.hash("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)")
                + Keccak256.hash("AsterSignTransaction") + Keccak256.hash("1") + chainId + [UInt8](repeating: 0, count: 32))
    }()

    /// The uncompressed public key (64 bytes, without the 0x04 prefix) of a private key.
    static func publicKey(of privateKey: [UInt8]) -> [UInt8]? {
        guard privateKey.count == 32 else { return nil }
        var pub = secp256k1_pubkey()
        let ok = privateKey.withUnsafeBufferPointer { secp256k1_ec_pubkey_create(context, &pub, $0.baseAddress!) }
        guard ok == 1 else { return nil }
        return serialize(&pub)
    }

    private static func serialize(_ pub: inout secp256k1_pubkey) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 65)
        var length = 65
        _ = secp256k1_ec_pubkey_serialize(context, &out, &length, &pub, UInt32(SECP256K1_EC_UNCOMPRESSED))
        return Array(out.dropFirst())
    }

    /// `0x` + EIP-55 checksummed address of a 64-byte public key.
    static func address(ofPublicKey pub: [UInt8]) -> String {
        let hex = Array(Keccak256.hash(pub).suffix(20)).hexString
        let check = Keccak256.hash(hex).hexString
        return "0x" + String(zip(hex, check).map { c, h in c.isLetter && "89abcdef".contains(h) ? Character(c.uppercased()) : c })
    }

    /// The address that signed `message` with `signature` (65 bytes hex, v 27/28 or 0/1);
    /// `nil` when the signature is malformed or recovers no key.
    public static func recoverSigner(message: String, signature: String) -> String? {
        guard var bytes = [UInt8](hex: signature), bytes.count == 65 else { return nil }
        var v = Int32(bytes[64])
        if v >= 27 { v -= 27 }
        guard (0...3).contains(v) else { return nil }
        bytes.removeLast()
        var recoverable = secp256k1_ecdsa_recoverable_signature()
        guard secp256k1_ecdsa_recoverable_signature_parse_compact(context, &recoverable, bytes, v) == 1 else { return nil }
        var pub = secp256k1_pubkey()
        let digest = digest(message: message)
        guard secp256k1_ecdsa_recover(context, &pub, &recoverable, digest) == 1 else { return nil }
        return address(ofPublicKey: serialize(&pub))
    }
}
