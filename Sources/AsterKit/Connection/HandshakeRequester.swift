import NIOCore
import NIOHTTP1

/// Sends the HTTP upgrade request once the socket (and TLS) is up; reports a refused handshake.
final class HandshakeRequester: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    let url: WebSocketURL
    let promise: EventLoopPromise<Void>

    init(url: WebSocketURL, promise: EventLoopPromise<Void>) {
        self.url = url
        self.promise = promise
    }

    func channelActive(context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        let defaultPort = url.tls ? 443 : 80
        headers.add(name: "Host", value: url.port == defaultPort ? url.host : "\(url.host):\(url.port)")
        headers.add(name: "Content-Length", value: "0")
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: url.pathAndQuery, headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // Only a response that was not an upgrade reaches this handler.
        if case .head(let head) = unwrapInboundIn(data) {
            promise.fail(ConnectionError("websocket handshake refused: HTTP \(head.status.code) \(head.status.reasonPhrase)"))
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(ConnectionError("websocket handshake failed: \(error)"))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(ConnectionError("closed during the websocket handshake"))
        context.fireChannelInactive()
    }
}
