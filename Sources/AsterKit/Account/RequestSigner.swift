import Crypto
import Foundation

/// V1 request signing: HMAC-SHA256 of `totalParams` (the query string followed by the body)
/// with the API secret, as lower-case hex, appended last as `signature=`.
public struct HMACSigner: Sendable {
    private let key: SymmetricKey

    /// A signer for `secret`.
    public init(secret: Secret) { key = SymmetricKey(data: Data(secret.value.utf8)) }

    /// The hex signature of `totalParams`.
    public func signature(for totalParams: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Data(totalParams.utf8), using: key)
            .map { String(format: "%02x", $0) }.joined()
    }

    /// `totalParams` with its signature appended.
    public func signed(_ totalParams: String) -> String {
        (totalParams.isEmpty ? "" : totalParams + "&") + "signature=" + signature(for: totalParams)
    }
}
