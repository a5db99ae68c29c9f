import AsterTestSupport
import AsterSim
import Foundation
import Synchronization
import Testing

@testable import AsterKit

@Suite("Signing and credentials")
struct SigningTests {
    @Test("V1 HMAC-SHA256 matches the spec's worked example")
    func specExample() {
        let signer = HMACSigner(secret: Secret("2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9"))
        let total = "symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=9000&timeInForce=GTC&recvWindow=5000&timestamp=1591702613943"
        #expect(signer.signature(for: total) == "3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9")
        #expect(signer.signed(total) == total + "&signature=3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9")
    }

    @Test("credentials come from the environment; incomplete sets are refused; nothing secret is ever shown")
    func environment() throws {
        #expect(try Credentials.fromEnvironment([:]) == nil)
        let v1 = try #require(try Credentials.fromEnvironment(["ASTER_API_KEY": "dbefbc809e3e83c283a984c3", "ASTER_API_SECRET": "topsecretvalue123"]))
        #expect(v1 == .hmac(apiKey: "dbefbc809e3e83c283a984c3", secret: Secret("topsecretvalue123")))
        for text in [v1.description, "\(v1)", String(reflecting: v1), "\(Secret("topsecretvalue123"))"] {
            #expect(!text.contains("topsecretvalue123") && !text.contains("dbefbc809e3e83c283a984c3"), "\(text)")
        }
        #expect(v1.description == "V1 API key dbef…a984c3".replacingOccurrences(of: "a984c3", with: "84c3"))
        #expect(throws: CredentialsError.self) { try Credentials.fromEnvironment(["ASTER_API_KEY": "k"]) }
        #expect(throws: CredentialsError.self) { try Credentials.fromEnvironment(["ASTER_USER": "0xabc", "ASTER_SIGNER": "0xdef"]) }
        let v3 = try #require(try Credentials.fromEnvironment(["ASTER_USER": "0x63DD5aCC6b1aa0f563956C0e534DD30B6dcF7C4e",
                                                                "ASTER_SIGNER": "0x21cF8Ae13Bb72632562c6Fff438652Ba1a151bb0",
                                                                "ASTER_SIGNER_KEY": "0x4fd0a42218f3eae43a6ce26d22544e986139a01e5b34a62db53757ffca81bae1"]))
        #expect(!v3.description.contains("4fd0a42218f3"))
    }

    @Test("a credentials file must be private (0600)")
    func file() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("aster-cred-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "# demo\nASTER_API_KEY=abc123abc123\nexport ASTER_API_SECRET=\"s3cr3t-value\"\n".write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        #expect(throws: CredentialsError.self) { try Credentials.fromFile(path) }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        #expect(try Credentials.fromFile(path) == .hmac(apiKey: "abc123abc123", secret: Secret("s3cr3t-value")))
    }
}



@Suite("Account against the simulator", .serialized, .timeLimit(.minutes(3)))
struct AccountSimulatorTests {
    @Test("signed requests are accepted; a tampered signature, a stale timestamp and bad keys get the spec's errors")
    func signedRequests() async throws {
        try await withSimulator(SimConfiguration(seed: 41, rate: 2_000)) { _, port in
            let client = demoAccount(port: port)
            try await client.synchronizeTime()
            let account = try await client.account()
            #expect(account.assets.first?.asset == "USDT" && account.totalWalletBalance > .zero)
            #expect(account.positions.count == SimSymbol.defaults.count)
            _ = try await client.openOrders()

            // Signed with the wrong secret: -1022, and the message says why.
            do {
                _ = try await demoAccount(port: port, secret: "not-the-secret").account()
                Issue.record("accepted a bad signature")
            } catch {
                #expect(serverCode(error) == -1022 && "\(error)".contains("Signature"), "\(error)")
                #expect(!"\(error)".contains("not-the-secret") && !"\(error)".contains("signature="))
            }
            // A timestamp 10 s old with recvWindow 5000: -1021.
            let rest = RESTClient(baseURL: "http://127.0.0.1:\(port)", configuration: RESTConfiguration(maxRetries: 0))
            let signer = HMACSigner(secret: Secret(SimAccount.demoSecret))
            let old = "recvWindow=5000&timestamp=\(Int64(Date().timeIntervalSince1970 * 1000) - 10_000)"
            do {
                _ = try await rest.send(.GET, "/fapi/v4/account", query: signer.signed(old), headers: [("X-MBX-APIKEY", SimAccount.demoAPIKey)])
                Issue.record("accepted a stale timestamp")
            } catch {
                #expect(serverCode(error) == -1021, "\(error)")
            }
            // A valid signature whose parameters were changed afterwards: -1022.
            let fresh = "recvWindow=5000&timestamp=\(Int64(Date().timeIntervalSince1970 * 1000))"
            let tampered = signer.signed(fresh).replacingOccurrences(of: "recvWindow=5000", with: "recvWindow=6000")
            do {
                _ = try await rest.send(.GET, "/fapi/v4/account", query: tampered, headers: [("X-MBX-APIKEY", SimAccount.demoAPIKey)])
                Issue.record("accepted tampered parameters")
            } catch {
                #expect(serverCode(error) == -1022, "\(error)")
            }
            do {
                _ = try await demoAccount(port: port, apiKey: "someone-else").createListenKey()
                Issue.record("accepted a wrong API key")
            } catch {
                #expect(serverCode(error) == -2015, "\(error)")
            }
        }
    }

    @Test("V3: agent-signed requests are accepted; a foreign key, a tampered message and a reused or stale nonce are refused")
    func agentRequests() async throws {
        try await withSimulator(SimConfiguration(seed: 46, rate: 2_000)) { _, port in
            let credentials = Credentials.agent(user: SimAccount.demoUser, signer: SimAccount.demoSigner,
                                                privateKey: Secret(SimAccount.demoSignerKey))
            let client = AccountClient(rest: RESTClient(baseURL: "http://127.0.0.1:\(port)", configuration: RESTConfiguration(maxRetries: 0)),
                                       credentials: credentials)
            try await client.synchronizeTime()
            #expect(try await client.account().assets.first?.asset == "USDT")
            _ = try await client.openOrders()
            let key = try await client.createListenKey()
            #expect(key.count == 64)
            try await client.keepAliveListenKey()
            // Many requests in a row: every nonce is fresh.
            for _ in 0..<5 { _ = try await client.openOrders() }

            // Another wallet signing as the registered signer: the signature recovers someone else.
            let impostor = AccountClient(rest: client.rest, credentials: .agent(
                user: SimAccount.demoUser, signer: SimAccount.demoSigner,
                privateKey: Secret("0x" + String(repeating: "11", count: 32))))
            do {
                _ = try await impostor.account()
                Issue.record("accepted a foreign signature")
            } catch {
                #expect(serverCode(error) == -1022, "\(error)")
            }
            let signer = try AgentSigner(privateKey: Secret(SimAccount.demoSignerKey))
            let nonce = Int64(Date().timeIntervalSince1970 * 1_000_000)
            let message = "nonce=\(nonce)&user=\(SimAccount.demoUser)&signer=\(SimAccount.demoSigner)"
            let tampered = try signer.signed(message).replacingOccurrences(of: "nonce=\(nonce)", with: "nonce=\(nonce + 1)")
            do {
                _ = try await client.rest.send(.GET, "/fapi/v3/openOrders", query: tampered)
                Issue.record("accepted a tampered message")
            } catch {
                #expect(serverCode(error) == -1022, "\(error)")
            }
            _ = try await client.rest.send(.GET, "/fapi/v3/openOrders", query: signer.signed(message))
            do {
                _ = try await client.rest.send(.GET, "/fapi/v3/openOrders", query: signer.signed(message))
                Issue.record("accepted a reused nonce")
            } catch {
                #expect(serverCode(error) == -4225, "\(error)")
            }
            let old = "nonce=\(nonce - 30_000_000)&user=\(SimAccount.demoUser)&signer=\(SimAccount.demoSigner)"
            do {
                _ = try await client.rest.send(.GET, "/fapi/v3/openOrders", query: signer.signed(old))
                Issue.record("accepted a stale nonce")
            } catch {
                #expect(serverCode(error) == -4225, "\(error)")
            }
        }
    }

    @Test("V3: the user data stream runs on agent credentials")
    func agentUserStream() async throws {
        try await withSimulator(SimConfiguration(seed: 47, rate: 5_000, demoTrader: .demoAccount)) { _, port in
            let client = AccountClient(rest: RESTClient(baseURL: "http://127.0.0.1:\(port)"), credentials: .agent(
                user: SimAccount.demoUser, signer: SimAccount.demoSigner, privateKey: Secret(SimAccount.demoSignerKey)))
            let user = UserDataStream(account: client, webSocketBase: "ws://127.0.0.1:\(port)")
            let kinds = Collected<String>()
            let userEvents = user.events()
            let running = Task { try await user.run() }
            let task = Task { for await e in userEvents { if case .message(let m) = e { kinds.append(m.event.eventType ?? "?") } } }
            try await waitUntil { kinds.all.contains("ORDER_TRADE_UPDATE") }
            running.cancel()
            _ = await running.result
            await task.value
        }
    }

    @Test("the user stream delivers account events; an expired key and a failed keepalive are renewed and events keep coming")
    func lifecycle() async throws {
        try await withSimulator(SimConfiguration(seed: 42, rate: 5_000, listenKeyValidity: .milliseconds(2_500), demoTrader: .demoAccount)) { server, port in
            let user = UserDataStream(account: demoAccount(port: port), webSocketBase: "ws://127.0.0.1:\(port)",
                                      keepAliveInterval: .seconds(3_600),
                                      configuration: StreamConfiguration(backoff: Backoff(initial: .milliseconds(50))))
            let states = Collected<ConnectionState>(), kinds = Collected<String>()
            let userEvents = user.events()
            let running = Task { try await user.run() }
            let task = Task {
                for await event in userEvents {
                    switch event {
                    case .state(let s): states.append(s.state)
                    case .message(let m): kinds.append(m.event.eventType ?? "?")
                    case .decodeFailure: break
                    }
                }
            }
            // The key lapses after 2.5 s: the server says listenKeyExpired, a new key is made.
            try await waitUntil(timeout: .seconds(30)) {
                kinds.all.contains("listenKeyExpired") && states.all.filter { $0 == .authenticating }.count >= 2
            }
            #expect(states.all.contains(.listenKeyInvalid(reason: "listenKeyExpired")))
            let before = kinds.count
            try await waitUntil(timeout: .seconds(30)) { kinds.all.dropFirst(before).contains("ORDER_TRADE_UPDATE") }
            running.cancel()
            _ = await running.result
            await task.value
            try await waitUntil { server.accountSnapshot.listenKeys.isEmpty }   // DELETE on shutdown
        }
    }

    @Test("a keepalive refused by the server makes a new key")
    func keepAliveFailure() async throws {
        try await withSimulator(SimConfiguration(seed: 43, rate: 2_000)) { server, port in
            let user = UserDataStream(account: demoAccount(port: port), webSocketBase: "ws://127.0.0.1:\(port)",
                                      keepAliveInterval: .milliseconds(400))
            let states = Collected<ConnectionState>()
            let userEvents = user.events()
            let running = Task { try await user.run() }
            let task = Task { for await event in userEvents { if case .state(let s) = event { states.append(s.state) } } }
            try await waitUntil { states.all.contains(.keptAlive) }
            server.revokeListenKeys()
            try await waitUntil {
                states.all.contains { if case .listenKeyInvalid(let r) = $0 { r.contains("-1125") } else { false } }
                    && states.all.filter { $0 == .authenticating }.count >= 2
            }
            try await waitUntil { states.all.filter { $0 == .keptAlive }.count >= 2 && server.accountSnapshot.listenKeys.count == 1 }
            running.cancel()
            _ = await running.result
            await task.value
        }
    }

    @Test("LiveAccount across listen-key renewals: snapshot per connection plus deltas equal the simulator's account, no gap")
    func liveAccountAcrossRenewals() async throws {
        try await withSimulator(SimConfiguration(seed: 49, rate: 8_000, listenKeyValidity: .milliseconds(2_000), demoTrader: .demoAccount)) { server, port in
            let live = LiveAccount(account: demoAccount(port: port), webSocketBase: "ws://127.0.0.1:\(port)")
            let runner = Task { try await live.run() }
            defer { runner.cancel() }
            try await waitUntil(timeout: .seconds(40)) {
                let snapshots = await live.snapshots
                guard snapshots >= 3, let state = await live.state else { return false }
                let sim = server.accountSnapshot
                return state.balances["USDT"]?.walletBalance == sim.wallet
                    && Set(state.openOrders.keys) == Set(sim.orders.keys)
                    && state.openPositions.count == sim.positions.filter({ !$0.value.amount.isZero }).count
                    && state.openPositions.allSatisfy { sim.positions[$0.symbol]?.amount == $0.amount }
            }
            if let ratio = await live.state?.marginRatio { #expect(ratio >= .zero) }
        }
    }

    @Test("a REST snapshot plus the user stream's deltas equal the simulator's account")
    func reconcile() async throws {
        try await withSimulator(SimConfiguration(seed: 44, rate: 8_000, demoTrader: .demoAccount)) { server, port in
            let client = demoAccount(port: port)
            let user = UserDataStream(account: client, webSocketBase: "ws://127.0.0.1:\(port)")
            let events = Collected<AsterEvent>()
            let connected = Collected<Bool>()
            let userEvents = user.events()
            let running = Task { try await user.run() }
            let task = Task {
                for await event in userEvents {
                    if event.connectionState == .connected { connected.append(true) }
                    if case .message(let m) = event, m.event.isUserEvent { events.append(m.event) }
                }
            }
            try await waitUntil { connected.count > 0 }
            try await client.synchronizeTime()
            let snapshotTime = client.timestamp()
            var state = AccountState(account: try await client.account(), openOrders: try await client.openOrders(), at: snapshotTime)
            // Apply what arrives (including what raced the snapshot: older events are ignored).
            var applied = 0
            try await waitUntil(timeout: .seconds(40)) {
                let all = events.all
                for e in all.dropFirst(applied) { state.apply(e) }
                applied = all.count
                let fills = all.filter { if case .orderTradeUpdate(let o) = $0 { o.executionType == .trade } else { false } }.count
                let sim = server.accountSnapshot
                return fills >= 3 && state.balances["USDT"]?.walletBalance == sim.wallet
                    && Set(state.openOrders.keys) == Set(sim.orders.keys)
                    && state.openPositions.allSatisfy { sim.positions[$0.symbol]?.amount == $0.amount }
                    && sim.positions.filter { !$0.value.amount.isZero }.count == state.openPositions.count
            }
            running.cancel()
            _ = await running.result
            await task.value
        }
    }
}

@Suite("Account state reconciliation")
struct AccountStateTests {
    func order(_ id: Int64, _ status: String, _ execution: String, at time: Int64, filled: String = "0", last: String = "0", trade: Int64 = 0) throws -> AsterEvent {
        try EventDecoder().decode(#"""
        {"e":"ORDER_TRADE_UPDATE","E":\#(time),"T":\#(time),"o":{"s":"BTCUSDT","c":"c\#(id)","S":"BUY","o":"LIMIT","f":"GTC","q":"2","p":"100","ap":"0","sp":"0","x":"\#(execution)","X":"\#(status)","i":\#(id),"l":"\#(last)","z":"\#(filled)","L":"100","N":"USDT","n":"0.01","T":\#(time),"t":\#(trade),"b":"0","a":"0","m":true,"R":false,"wt":"CONTRACT_PRICE","ot":"LIMIT","ps":"BOTH","cp":false,"rp":"0"}}
        """#).event
    }

    func position(_ amount: String, at time: Int64) throws -> AsterEvent {
        try EventDecoder().decode(#"""
        {"e":"ACCOUNT_UPDATE","E":\#(time),"T":\#(time),"a":{"m":"ORDER","B":[{"a":"USDT","wb":"\#(1000 + time)","cw":"\#(1000 + time)","bc":"0"}],"P":[{"s":"BTCUSDT","pa":"\#(amount)","ep":"100","cr":"0","up":"0","mt":"cross","iw":"0","ps":"BOTH"}]}}
        """#).event
    }

    var empty: AccountState {
        AccountState(account: AccountInformation(updateTime: 0, totalWalletBalance: 1000, totalUnrealizedProfit: .zero, totalMarginBalance: 1000,
                                                 availableBalance: 1000, assets: [AssetBalance(asset: "USDT", walletBalance: 1000)], positions: []),
                     openOrders: [], at: 0)
    }

    @Test("deltas in any order give the state of the in-order sequence")
    func outOfOrder() throws {
        let sequence = [try order(1, "NEW", "NEW", at: 10), try order(2, "NEW", "NEW", at: 11),
                        try order(1, "PARTIALLY_FILLED", "TRADE", at: 12, filled: "1", last: "1", trade: 7), try position("1", at: 12),
                        try order(1, "FILLED", "TRADE", at: 13, filled: "2", last: "1", trade: 8), try position("2", at: 13),
                        try order(2, "CANCELED", "CANCELED", at: 14)]
        var inOrder = empty
        sequence.forEach { inOrder.apply($0) }
        #expect(inOrder.openOrders.isEmpty && inOrder.openPositions.first?.amount == 2 && inOrder.recentFills.count == 2)
        #expect(inOrder.balances["USDT"]?.walletBalance == 1013)
        var generator = SeededGenerator(seed: 5)
        for _ in 0..<50 {
            var shuffled = empty
            sequence.shuffled(using: &generator).forEach { shuffled.apply($0) }
            #expect(shuffled.openOrders == inOrder.openOrders)
            #expect(shuffled.openPositions.map(\.amount) == inOrder.openPositions.map(\.amount))
            #expect(shuffled.balances["USDT"]?.walletBalance == 1013)
            #expect(Set(shuffled.recentFills.map(\.tradeId)) == [7, 8])
        }
    }


    @Test("an order event older than the snapshot, for an order the snapshot does not list, adds no ghost open order")
    func noGhostFromARacingEvent() throws {
        var state = AccountState(account: AccountInformation(updateTime: 0, totalWalletBalance: 1000, totalUnrealizedProfit: .zero,
                                                             totalMarginBalance: 1000, availableBalance: 1000,
                                                             assets: [AssetBalance(asset: "USDT", walletBalance: 1000)], positions: []),
                                 openOrders: [], at: 5_000)
        // Placed and cancelled before the snapshot; the stream delivers its NEW after the snapshot.
        #expect(state.apply(try order(7, "NEW", "NEW", at: 4_000)) == false)
        #expect(state.openOrders[7] == nil)
        #expect(state.staleEventsIgnored == 1)
        // An order placed after the snapshot is added, and its cancel removes it.
        #expect(state.apply(try order(8, "NEW", "NEW", at: 5_001)))
        #expect(state.openOrders[8] != nil)
        #expect(state.apply(try order(8, "CANCELED", "CANCELED", at: 5_002)))
        #expect(state.openOrders.isEmpty)
    }

    @Test("unrealised PnL follows the mark price")
    func marking() throws {
        var s = empty
        s.apply(try position("-3", at: 5))
        s.mark("BTCUSDT", price: dec("90"))
        #expect(s.totalUnrealizedPnL == dec("30"))
        #expect(s.marginBalance() == dec("1035"))
    }
}

@Suite("V3 agent-wallet signing (EIP-712)")
struct AgentSigningTests {
    struct Vectors: Decodable {
        struct Vector: Decodable { let msg, digest, signature: String }
        struct KeccakVector: Decodable { let input, keccak256: String }
        let privateKey, address, user, signer: String
        let vectors: [Vector]
        let keccak: [KeccakVector]
    }

    func vectors() throws -> Vectors {
        try JSONDecoder().decode(Vectors.self, from: Data(try fixture("v3Signatures").utf8))
    }

    @Test("Keccak-256 matches eth-utils across the 136-byte block edges")
    func keccak() throws {
        for v in try vectors().keccak {
            #expect("0x" + Keccak256.hash(v.input).hexString == v.keccak256, "\(v.input.prefix(20))… (\(v.input.count) bytes)")
        }
    }

    @Test("EIP-712 digests and 65-byte signatures equal eth-account's for the spec's demo agent key")
    func signatures() throws {
        let v = try vectors()
        let signer = try AgentSigner(privateKey: Secret(v.privateKey))
        #expect(signer.address == v.address && signer.address == v.signer)
        for vector in v.vectors {
            #expect("0x" + EIP712.digest(message: vector.msg).hexString == vector.digest)
            #expect(try signer.signature(for: vector.msg) == vector.signature, "\(vector.msg.prefix(40))")
            #expect(EIP712.recoverSigner(message: vector.msg, signature: vector.signature) == v.signer)
        }
        // A changed message recovers someone else.
        #expect(EIP712.recoverSigner(message: "tampered", signature: v.vectors[0].signature) != v.signer)
        #expect(throws: AgentSignerError.self) { try AgentSigner(privateKey: Secret("0x1234")) }
        #expect(!"\(AgentSignerError.malformedKey)".contains(v.privateKey.dropFirst(2).prefix(8)))
        // What libsecp256k1 cannot sign is an error, never a trap.
        #expect(throws: AgentSignerError.signingFailed) { try signer.sign(digest: [1, 2, 3]) }
    }
}
