import Foundation

extension TradingClient {
    /// Places up to 5 orders in one request (`POST /fapi/v1/batchOrders`), each checked first.
    ///
    /// Returns one result per order, in order: the order as placed, the local ``OrderRejection``
    /// of an order that broke a rule (it was not sent), or the exchange's refusal of that item
    /// (``TradingError/rejected(code:message:)``). When the outcome of the request is unknown,
    /// each order is looked up by its client order id.
    public func place(batch orders: [NewOrder]) async throws -> [Result<OpenOrder, any Error>] {
        guard (1...5).contains(orders.count) else {
            throw OrderRejection(.parameters, "a batch holds 1 to 5 orders, not \(orders.count)")
        }
        var results: [Result<OpenOrder, any Error>?] = Array(repeating: nil, count: orders.count)
        var sent: [(index: Int, order: NewOrder)] = []
        for (i, order) in orders.enumerated() {
            do {
                try await check(order)
                sent.append((i, order))
            } catch {
                results[i] = .failure(error)
            }
        }
        guard !sent.isEmpty else { return results.map { $0 ?? .failure(TradingError.notPlaced(clientOrderId: nil, reason: "not sent")) } }
        var list = JSONWriter()
        list.beginArray()
        for item in sent {
            list.beginObject()
            for (key, value) in item.order.parameters { list.field(key, value) }
            list.endObject()
        }
        list.endArray()
        let path = path("/fapi/v1/batchOrders", "/fapi/v3/batchOrders")
        let answers: [Result<OpenOrder, any Error>]
        do {
            let body = try await writeOnce(.POST, path, [("batchOrders", list.text)])
            answers = try Self.batchAnswers(body, path: path, count: sent.count)
        } catch let error as TradingError {
            guard case .unknownOutcome = error else { throw error }
            var resolved: [Result<OpenOrder, any Error>] = []
            for item in sent {
                do {
                    resolved.append(.success(try await order(symbol: item.order.symbol, clientOrderId: item.order.clientOrderId)))
                } catch {
                    resolved.append(.failure(error))
                }
            }
            answers = resolved
        }
        for (item, answer) in zip(sent, answers) { results[item.index] = answer }
        return results.map { $0 ?? .failure(TradingError.unknownOutcome(clientOrderId: nil, cause: "no answer for this item")) }
    }

    /// Cancels up to 10 orders of `symbol` by client order id (`DELETE /fapi/v1/batchOrders`); one
    /// result per id. Safe to repeat (an order already cancelled answers with its error).
    public func cancel(symbol: String, clientOrderIds: [String]) async throws -> [Result<OpenOrder, any Error>] {
        guard (1...10).contains(clientOrderIds.count) else {
            throw OrderRejection(.parameters, "a batch cancel holds 1 to 10 ids, not \(clientOrderIds.count)")
        }
        var ids = JSONWriter()
        ids.beginArray()
        clientOrderIds.forEach { ids.string($0) }
        ids.endArray()
        let path = path("/fapi/v1/batchOrders", "/fapi/v3/batchOrders")
        let body = try await account.signed(.DELETE, path, [("symbol", symbol.uppercased()), ("origClientOrderIdList", ids.text)],
                                            retry: .idempotent)
        return try Self.batchAnswers(body, path: path, count: clientOrderIds.count)
    }

    /// The answer of a batch: per element an order, or `{"code","msg"}`.
    static func batchAnswers(_ body: [UInt8], path: String, count: Int) throws -> [Result<OpenOrder, any Error>] {
        guard let items = try JSONSerialization.jsonObject(with: Data(body)) as? [Any], items.count == count else {
            throw RESTError(kind: .invalidResponse("expected an array of \(count) answers"), path: path)
        }
        return items.enumerated().map { i, item -> Result<OpenOrder, any Error> in
            let itemPath = "\(path)[\(i)]"
            guard let object = item as? [String: Any] else {
                return .failure(RESTError(kind: .invalidResponse("not an object"), path: itemPath))
            }
            if object["orderId"] == nil, let code = object["code"] as? Int {
                return .failure(TradingError.rejected(code: code, message: object["msg"] as? String ?? ""))
            }
            do {
                let data = try JSONSerialization.data(withJSONObject: object)
                return .success(try order(Array(data), path: itemPath))
            } catch {
                return .failure(error)
            }
        }
    }
}
