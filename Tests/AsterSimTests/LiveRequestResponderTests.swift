import AsterTestSupport
import AsterKit
import AsterSim
import Testing

@Suite("Simulator live-request replies follow the spec")
struct LiveRequestResponderTests {
    @Test(arguments: [
        (#"{"method":"SUBSCRIBE","params":["btcusdt@aggTrade"],"id":1}"#, #"{"result":null,"id":1}"#),
        (#"{"method":"GET_PROPERTY","params":["combined"],"id":2}"#, #"{"result":true,"id":2}"#),
        (#"{"method":"SET_PROPERTY","params":["combined",true],"id":5}"#, #"{"result":null,"id":5}"#),
        (#"{"method":"SET_PROPERTY","params":["combined","yes"],"id":5}"#, #"{"code":1,"msg":"Invalid value type: expected Boolean","id":5}"#),
        (#"{"method":"GET_PROPERTY","params":["colour"],"id":6}"#, #"{"code":0,"msg":"Unknown property","id":6}"#),
        (#"{"method":"SUBSCRIBE","params":[],"id":-1}"#, #"{"code":2,"msg":"Invalid request: request ID must be an unsigned integer, a string or null"}"#),
        ("not json", #"{"code":3,"msg":"Invalid JSON: expected value at line 1 column 1"}"#),
    ])
    func replies(request: String, reply: String) throws {
        #expect(LiveRequestResponder.reply(to: request, subscriptions: []) == reply)
        _ = try EventDecoder().decode(reply)
    }

    /// Widely used clients send no `id`, or `null`, or a string; the reply echoes it (raw text
    /// compared, no AsterKit decoding).
    @Test(arguments: [
        (#"{"method":"SUBSCRIBE","params":["btcusdt@aggTrade"]}"#, #"{"result":null,"id":null}"#),
        (#"{"method":"SUBSCRIBE","params":["btcusdt@aggTrade"],"id":null}"#, #"{"result":null,"id":null}"#),
        (#"{"method":"SUBSCRIBE","params":["btcusdt@aggTrade"],"id":"abc-1"}"#, #"{"result":null,"id":"abc-1"}"#),
        (#"{"method":"LIST_SUBSCRIPTIONS","id":"q\"1"}"#, #"{"result":[],"id":"q\"1"}"#),
        (#"{"method":"SUBSCRIBE","params":["btcusdt@aggTrade"],"id":7}"#, #"{"result":null,"id":7}"#),
        (#"{"method":"SUBSCRIBE","params":["nope"],"id":"x"}"#, #"{"code":2,"msg":"Invalid request: invalid stream name nope","id":"x"}"#),
        (#"{"method":"SUBSCRIBE","params":[],"id":1.5}"#, #"{"code":2,"msg":"Invalid request: request ID must be an unsigned integer, a string or null"}"#),
        (#"{"method":"SUBSCRIBE","params":[],"id":true}"#, #"{"code":2,"msg":"Invalid request: request ID must be an unsigned integer, a string or null"}"#),
    ])
    func idsAsClientsSendThem(request: String, reply: String) {
        #expect(LiveRequestResponder.reply(to: request, subscriptions: []) == reply)
    }

    @Test func listing() {
        #expect(LiveRequestResponder.reply(to: #"{"method":"LIST_SUBSCRIPTIONS","id":3}"#, subscriptions: ["btcusdt@aggTrade"])
            == #"{"result":["btcusdt@aggTrade"],"id":3}"#)
    }
}
