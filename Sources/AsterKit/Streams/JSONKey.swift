/// A JSON object key (or short enum text) packed into 64 bits for branch-cheap comparison.
///
/// Keys of up to 8 bytes are stored verbatim (little-endian); longer ones as a 64-bit FNV-1a hash
/// with the top bit set, which no ASCII key of 8 bytes or fewer can have.
struct JSONKey: Hashable, Sendable {
    let raw: UInt64

    init(packed: UInt64) { raw = packed }

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        if bytes.count <= 8 {
            var v: UInt64 = 0
            var shift: UInt64 = 0
            for b in bytes {
                v |= UInt64(b) << shift
                shift &+= 8
            }
            raw = v
        } else {
            var h: UInt64 = 0xcbf2_9ce4_8422_2325
            for b in bytes {
                h ^= UInt64(b)
                h = h &* 0x100_0000_01b3
            }
            raw = h | (1 << 63)
        }
    }

    /// The key of a Swift string (tests, tables; not for hot paths).
    init(_ text: String) {
        var copy = text
        raw = copy.withUTF8 { JSONKey($0).raw }
    }

    static func == (lhs: JSONKey, rhs: JSONKey) -> Bool { lhs.raw == rhs.raw }
}

// Every key the stream payloads use; each constant equals `JSONKey("<its text>")` (checked by tests).
extension JSONKey {
    static var e: JSONKey { JSONKey(packed: 0x65) }  // "e"
    static var E_: JSONKey { JSONKey(packed: 0x45) }  // "E"
    static var U_: JSONKey { JSONKey(packed: 0x55) }  // "U"
    static var s: JSONKey { JSONKey(packed: 0x73) }  // "s"
    static var a: JSONKey { JSONKey(packed: 0x61) }  // "a"
    static var p: JSONKey { JSONKey(packed: 0x70) }  // "p"
    static var q: JSONKey { JSONKey(packed: 0x71) }  // "q"
    static var f: JSONKey { JSONKey(packed: 0x66) }  // "f"
    static var l: JSONKey { JSONKey(packed: 0x6C) }  // "l"
    static var T_: JSONKey { JSONKey(packed: 0x54) }  // "T"
    static var m: JSONKey { JSONKey(packed: 0x6D) }  // "m"
    static var i: JSONKey { JSONKey(packed: 0x69) }  // "i"
    static var P_: JSONKey { JSONKey(packed: 0x50) }  // "P"
    static var r: JSONKey { JSONKey(packed: 0x72) }  // "r"
    static var t: JSONKey { JSONKey(packed: 0x74) }  // "t"
    static var L_: JSONKey { JSONKey(packed: 0x4C) }  // "L"
    static var o: JSONKey { JSONKey(packed: 0x6F) }  // "o"
    static var c: JSONKey { JSONKey(packed: 0x63) }  // "c"
    static var h: JSONKey { JSONKey(packed: 0x68) }  // "h"
    static var v: JSONKey { JSONKey(packed: 0x76) }  // "v"
    static var n: JSONKey { JSONKey(packed: 0x6E) }  // "n"
    static var x: JSONKey { JSONKey(packed: 0x78) }  // "x"
    static var V_: JSONKey { JSONKey(packed: 0x56) }  // "V"
    static var Q_: JSONKey { JSONKey(packed: 0x51) }  // "Q"
    static var B_: JSONKey { JSONKey(packed: 0x42) }  // "B"
    static var w: JSONKey { JSONKey(packed: 0x77) }  // "w"
    static var O_: JSONKey { JSONKey(packed: 0x4F) }  // "O"
    static var C_: JSONKey { JSONKey(packed: 0x43) }  // "C"
    static var F_: JSONKey { JSONKey(packed: 0x46) }  // "F"
    static var u: JSONKey { JSONKey(packed: 0x75) }  // "u"
    static var b: JSONKey { JSONKey(packed: 0x62) }  // "b"
    static var A_: JSONKey { JSONKey(packed: 0x41) }  // "A"
    static var S_: JSONKey { JSONKey(packed: 0x53) }  // "S"
    static var ap: JSONKey { JSONKey(packed: 0x7061) }  // "ap"
    static var X_: JSONKey { JSONKey(packed: 0x58) }  // "X"
    static var z: JSONKey { JSONKey(packed: 0x7A) }  // "z"
    static var pu: JSONKey { JSONKey(packed: 0x7570) }  // "pu"
    static var k: JSONKey { JSONKey(packed: 0x6B) }  // "k"
    static var ac: JSONKey { JSONKey(packed: 0x6361) }  // "ac"
    static var ai: JSONKey { JSONKey(packed: 0x6961) }  // "ai"
    static var j: JSONKey { JSONKey(packed: 0x6A) }  // "j"
    static var d: JSONKey { JSONKey(packed: 0x64) }  // "d"
    static var cw: JSONKey { JSONKey(packed: 0x7763) }  // "cw"
    static var ps: JSONKey { JSONKey(packed: 0x7370) }  // "ps"
    static var pa: JSONKey { JSONKey(packed: 0x6170) }  // "pa"
    static var mt: JSONKey { JSONKey(packed: 0x746D) }  // "mt"
    static var iw: JSONKey { JSONKey(packed: 0x7769) }  // "iw"
    static var mp: JSONKey { JSONKey(packed: 0x706D) }  // "mp"
    static var up: JSONKey { JSONKey(packed: 0x7075) }  // "up"
    static var mm: JSONKey { JSONKey(packed: 0x6D6D) }  // "mm"
    static var wb: JSONKey { JSONKey(packed: 0x6277) }  // "wb"
    static var bc: JSONKey { JSONKey(packed: 0x6362) }  // "bc"
    static var ep: JSONKey { JSONKey(packed: 0x7065) }  // "ep"
    static var cr: JSONKey { JSONKey(packed: 0x7263) }  // "cr"
    static var sp: JSONKey { JSONKey(packed: 0x7073) }  // "sp"
    static var N_: JSONKey { JSONKey(packed: 0x4E) }  // "N"
    static var R_: JSONKey { JSONKey(packed: 0x52) }  // "R"
    static var wt: JSONKey { JSONKey(packed: 0x7477) }  // "wt"
    static var ot: JSONKey { JSONKey(packed: 0x746F) }  // "ot"
    static var cp: JSONKey { JSONKey(packed: 0x7063) }  // "cp"
    static var AP_: JSONKey { JSONKey(packed: 0x5041) }  // "AP"
    static var rp: JSONKey { JSONKey(packed: 0x7072) }  // "rp"
    static var en: JSONKey { JSONKey(packed: 0x6E65) }  // "en"
    static var zh: JSONKey { JSONKey(packed: 0x687A) }  // "zh"
    static var stream: JSONKey { JSONKey(packed: 0x6D6165727473) }  // "stream"
    static var data: JSONKey { JSONKey(packed: 0x61746164) }  // "data"
    static var result: JSONKey { JSONKey(packed: 0x746C75736572) }  // "result"
    static var id: JSONKey { JSONKey(packed: 0x6469) }  // "id"
    static var code: JSONKey { JSONKey(packed: 0x65646F63) }  // "code"
    static var msg: JSONKey { JSONKey(packed: 0x67736D) }  // "msg"
}

/// Event type names (`e`) packed the same way.
enum EventTypeKey {
    static var aggTrade: JSONKey { JSONKey(packed: 0x6564617254676761) }  // "aggTrade"
    static var markPriceUpdate: JSONKey { JSONKey(packed: 0xDA9D0DB965CBFD5C) }  // "markPriceUpdate"
    static var kline: JSONKey { JSONKey(packed: 0x656E696C6B) }  // "kline"
    static var miniTicker: JSONKey { JSONKey(packed: 0xD2351C570C37D448) }  // "24hrMiniTicker"
    static var ticker: JSONKey { JSONKey(packed: 0xB3B57610EF0B6AB7) }  // "24hrTicker"
    static var bookTicker: JSONKey { JSONKey(packed: 0xB63DFAED85E74966) }  // "bookTicker"
    static var forceOrder: JSONKey { JSONKey(packed: 0xC8AA1DFB0A9CA21C) }  // "forceOrder"
    static var depthUpdate: JSONKey { JSONKey(packed: 0xAAC23423FC27DC83) }  // "depthUpdate"
    static var tradePro: JSONKey { JSONKey(packed: 0x6F72706564617274) }  // "tradepro"
    static var listenKeyExpired: JSONKey { JSONKey(packed: 0x8DD09FF8F6FBFA1A) }  // "listenKeyExpired"
    static var marginCall: JSONKey { JSONKey(packed: 0xD244435E08FB422C) }  // "MARGIN_CALL"
    static var accountUpdate: JSONKey { JSONKey(packed: 0x9B80DEC1B03FC878) }  // "ACCOUNT_UPDATE"
    static var orderTradeUpdate: JSONKey { JSONKey(packed: 0xBFA0EFD342441BFA) }  // "ORDER_TRADE_UPDATE"
    static var accountConfigUpdate: JSONKey { JSONKey(packed: 0x8C21FB3AD654577D) }  // "ACCOUNT_CONFIG_UPDATE"
    static var announcement: JSONKey { JSONKey(packed: 0x900DE167907C171A) }  // "announcement"
}

extension JSONKey {
    /// The key's text when it is 8 bytes or shorter; `"?"` for hashed long keys.
    var text: String {
        guard raw & (1 << 63) == 0 else { return "?" }
        var bytes: [UInt8] = []
        var v = raw
        while v != 0 {
            bytes.append(UInt8(truncatingIfNeeded: v))
            v >>= 8
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
