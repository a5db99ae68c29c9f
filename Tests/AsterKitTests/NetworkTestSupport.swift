import AsterTestSupport
import Foundation
import Logging
import NIOCore
import NIOPosix

@testable import AsterKit

// Connections made directly in the network tests (the probes are in AsterTestSupport).

/// Settings for a connection made directly in a test.
func testConnectionSettings(connectTimeout: Duration = .seconds(8), resolver: (any Resolver & Sendable)? = nil)
    -> ConnectionSettings
{
    var settings = StreamConfiguration(connectTimeout: connectTimeout)
        .connectionSettings(counters: StreamCounters(), staleTimeout: nil, logger: Logger(label: "test"))
    settings.resolver = resolver
    return settings
}

let ignoringCallbacks = ConnectionCallbacks(deliver: { _, _ in }, rolloverDue: { _ in }, hashing: { false },
                                            wantsRaw: { false }, raw: { _ in })
