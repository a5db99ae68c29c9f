import AsterTestSupport
import AsterKit
@testable import AsterTUI
import Testing

@Suite("The dashboard's event inbox")
struct InboxTests {
    @Test("bounded: when drawing stalls the oldest events are dropped and counted")
    func bounded() {
        let inbox = EventInbox(limit: 1_000)
        let update = ConnectionUpdate(connection: ConnectionID(shard: 0, generation: 1), state: .connected)
        for i in 0..<1_500 { inbox.push(.state(update), at: Int64(i)) }
        let drained = inbox.drain()
        #expect(drained.count == 1_000)
        #expect(drained.first?.receivedAt == 500 && drained.last?.receivedAt == 1_499)
        #expect(inbox.dropped == 500)
        #expect(inbox.drain().isEmpty)
    }
}

@Suite("The dashboard's event inbox, batches")
struct InboxBatchTests {
    @Test("a delivered batch goes in under one lock, in order, bounded the same way")
    func batches() {
        let inbox = EventInbox(limit: 1_000)
        let update = ConnectionUpdate(connection: ConnectionID(shard: 0, generation: 1), state: .connected)
        inbox.push(contentsOf: Array(repeating: .state(update), count: 700), at: 1)
        inbox.push(contentsOf: [], at: 2)
        inbox.push(contentsOf: Array(repeating: .state(update), count: 700), at: 3)
        let drained = inbox.drain()
        #expect(drained.count == 1_000)
        #expect(drained.filter { $0.receivedAt == 1 }.count == 300 && drained.last?.receivedAt == 3)
        #expect(inbox.dropped == 400)
    }
}
