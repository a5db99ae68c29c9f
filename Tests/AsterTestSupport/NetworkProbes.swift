import Foundation
import NIOCore
import NIOPosix

/// A resolver that answers every A query with `addresses` (and AAAA with none), so NIO tries
/// them in order, the next one 250 ms after the previous (Happy Eyeballs).
public struct FixedResolver: Resolver, Sendable {
    public let addresses: [SocketAddress]
    public init(addresses: [SocketAddress]) { self.addresses = addresses }
    public func initiateAQuery(host: String, port: Int) -> EventLoopFuture<[SocketAddress]> {
        MultiThreadedEventLoopGroup.singleton.any().makeSucceededFuture(addresses)
    }
    public func initiateAAAAQuery(host: String, port: Int) -> EventLoopFuture<[SocketAddress]> {
        MultiThreadedEventLoopGroup.singleton.any().makeSucceededFuture([])
    }
    public func cancelQueries() {}
}

/// IPv4 TCP sockets of this machine toward `127.0.0.1:port` in the kernel state `state`
/// (`/proc/net/tcp`: "02" is SYN_SENT); -1 where that table does not exist.
public func loopbackSockets(toPort port: Int, state: String? = nil) -> Int {
    guard let table = try? String(contentsOfFile: "/proc/net/tcp", encoding: .utf8) else { return -1 }
    let remote = String(format: "0100007F:%04X", port)
    return table.split(separator: "\n").dropFirst().filter { line in
        let fields = line.split(separator: " ")
        return fields.count > 3 && fields[2] == remote && (state.map { fields[3] == $0 } ?? true)
    }.count
}

/// Sockets this process holds (open file descriptors) whose peer is 127.0.0.1 on one of `ports`.
public func ownSockets(toPorts ports: Set<Int>) -> Int {
    guard let table = try? String(contentsOfFile: "/proc/net/tcp", encoding: .utf8),
          let fds = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return -1 }
    let inodes = Set(fds.compactMap { fd -> String? in
        guard let link = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fd)"),
              link.hasPrefix("socket:[") else { return nil }
        return String(link.dropFirst(8).dropLast())
    })
    let remotes = Set(ports.map { String(format: "0100007F:%04X", $0) })
    return table.split(separator: "\n").dropFirst().filter { line in
        let f = line.split(separator: " ")
        return f.count > 9 && remotes.contains(String(f[2])) && inodes.contains(String(f[9]))
    }.count
}
