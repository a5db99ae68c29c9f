/// What a ``ReplayPlayer`` plays into: state folded from events, which it can hand out as a
/// keyframe and be put back to.
///
/// A seek puts the consumer back to the nearest keyframe before the target (or to its empty
/// state) and plays the frames from there as fast as it can, so the consumer lands on exactly
/// the state a replay played through to that point would have: `replay` must be a pure fold
/// of the events (and their recorded times) into the state.
///
/// ```swift
/// actor Books: ReplayConsumer {
///     var book: [String: [PriceLevel]] = [:]
///     func replay(_ events: [(event: StreamEvent, receivedAt: Int64)]) {
///         for case (.message(let m), _) in events { if case .depth(let d) = m.event { book[d.symbol] = d.bids } }
///     }
///     func keyframe() -> [String: [PriceLevel]] { book }
///     func restore(_ keyframe: [String: [PriceLevel]]?) { book = keyframe ?? [:] }
/// }
/// ```
public protocol ReplayConsumer: Sendable {
    /// A copy of the consumer's state (a value: the player keeps it).
    associatedtype Keyframe: Sendable

    /// Folds events in, in order, each with its recorded time (ms; monotonic).
    func replay(_ events: [(event: StreamEvent, receivedAt: Int64)]) async
    /// The state now.
    func keyframe() async -> Keyframe
    /// Puts the state back to a keyframe, or (`nil`) to the state before the first frame.
    func restore(_ keyframe: Keyframe?) async
}
