/// The elements of a REST answer's lists that failed to decode, each with the error naming its
/// path (`/fapi/v1/exchangeInfo: invalid response: missing field "symbols[FOO].pair"`).
///
/// A list is as tolerant as a stream array: one bad symbol, order, position or kline is left out
/// and recorded here, and the rest is delivered. ``RESTClient`` counts and logs what a decode
/// recorded (``RESTClient/skippedElements``). One instance is shared by every object of one answer.
final class SkippedElements {
    private(set) var errors: [RESTError] = []

    init() {}

    func record(_ error: RESTError) { errors.append(error) }
}
