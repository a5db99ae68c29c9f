@testable import AsterKit
import NIOHTTP1
import Testing

/// The spec's rate-limit headers: `X-MBX-USED-WEIGHT-(n)(unit)` on every answer and
/// `X-MBX-ORDER-COUNT-(n)(unit)` on order answers, read per interval.
@Suite struct RateHeaderTests {
    @Test func readsEveryIntervalOfAPrefix() {
        let headers = HTTPHeaders([("X-MBX-USED-WEIGHT-1M", "37"), ("x-mbx-order-count-10s", "3"),
                                   ("X-MBX-ORDER-COUNT-1M", " 12 "), ("Content-Type", "application/json")])
        #expect(RESTClient.intervals(headers, prefix: "x-mbx-order-count") == ["10s": 3, "1m": 12])
        #expect(RESTClient.intervals(headers, prefix: "x-mbx-used-weight") == ["1m": 37])
    }

    @Test func aBareHeaderIsTheTotalAndGarbageIsLeftOut() {
        let headers = HTTPHeaders([("X-MBX-USED-WEIGHT", "5"), ("X-MBX-ORDER-COUNT-1M", "many"),
                                   ("X-MBX-ORDER-COUNT-1D", "99999999999999999999999")])
        #expect(RESTClient.intervals(headers, prefix: "x-mbx-used-weight") == ["total": 5])
        #expect(RESTClient.intervals(headers, prefix: "x-mbx-order-count").isEmpty)
    }
}
