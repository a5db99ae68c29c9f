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
    static let e = JSONKey(packed: 0x65)  // "e"
    static let E_ = JSONKey(packed: 0x45)  // "E"
    static let U_ = JSONKey(packed: 0x55)  // "U"
    static let s = JSONKey(packed: 0x73)  // "s"
    static let a = JSONKey(packed: 0x61)  // "a"
    static let p = JSONKey(packed: 0x70)  // "p"
    static let q = JSONKey(packed: 0x71)  // "q"
    static let f = JSONKey(packed: 0x66)  // "f"
    static let l = JSONKey(packed: 0x6C)  // "l"
    static let T_ = JSONKey(packed: 0x54)  // "T"
    static let m = JSONKey(packed: 0x6D)  // "m"
    static let i = JSONKey(packed: 0x69)  // "i"
    static let P_ = JSONKey(packed: 0x50)  // "P"
    static let r = JSONKey(packed: 0x72)  // "r"
    static let t = JSONKey(packed: 0x74)  // "t"
    static let L_ = JSONKey(packed: 0x4C)  // "L"
    static let o = JSONKey(packed: 0x6F)  // "o"
    static let c = JSONKey(packed: 0x63)  // "c"
    static let h = JSONKey(packed: 0x68)  // "h"
    static let v = JSONKey(packed: 0x76)  // "v"
    static let n = JSONKey(packed: 0x6E)  // "n"
    static let x = JSONKey(packed: 0x78)  // "x"
    static let V_ = JSONKey(packed: 0x56)  // "V"
    static let Q_ = JSONKey(packed: 0x51)  // "Q"
    static let B_ = JSONKey(packed: 0x42)  // "B"
    static let w = JSONKey(packed: 0x77)  // "w"
    static let O_ = JSONKey(packed: 0x4F)  // "O"
    static let C_ = JSONKey(packed: 0x43)  // "C"
    static let F_ = JSONKey(packed: 0x46)  // "F"
    static let u = JSONKey(packed: 0x75)  // "u"
    static let b = JSONKey(packed: 0x62)  // "b"
    static let A_ = JSONKey(packed: 0x41)  // "A"
    static let S_ = JSONKey(packed: 0x53)  // "S"
    static let ap = JSONKey(packed: 0x7061)  // "ap"
    static let X_ = JSONKey(packed: 0x58)  // "X"
    static let z = JSONKey(packed: 0x7A)  // "z"
    static let pu = JSONKey(packed: 0x7570)  // "pu"
    static let k = JSONKey(packed: 0x6B)  // "k"
    static let ac = JSONKey(packed: 0x6361)  // "ac"
    static let ai = JSONKey(packed: 0x6961)  // "ai"
    static let j = JSONKey(packed: 0x6A)  // "j"
    static let d = JSONKey(packed: 0x64)  // "d"
    static let cw = JSONKey(packed: 0x7763)  // "cw"
    static let ps = JSONKey(packed: 0x7370)  // "ps"
    static let pa = JSONKey(packed: 0x6170)  // "pa"
    static let mt = JSONKey(packed: 0x746D)  // "mt"
    static let iw = JSONKey(packed: 0x7769)  // "iw"
    static let mp = JSONKey(packed: 0x706D)  // "mp"
    static let up = JSONKey(packed: 0x7075)  // "up"
    static let mm = JSONKey(packed: 0x6D6D)  // "mm"
    static let wb = JSONKey(packed: 0x6277)  // "wb"
    static let bc = JSONKey(packed: 0x6362)  // "bc"
    static let ep = JSONKey(packed: 0x7065)  // "ep"
    static let cr = JSONKey(packed: 0x7263)  // "cr"
    static let sp = JSONKey(packed: 0x7073)  // "sp"
    static let N_ = JSONKey(packed: 0x4E)  // "N"
    static let R_ = JSONKey(packed: 0x52)  // "R"
    static let wt = JSONKey(packed: 0x7477)  // "wt"
    static let ot = JSONKey(packed: 0x746F)  // "ot"
    static let cp = JSONKey(packed: 0x7063)  // "cp"
    static let AP_ = JSONKey(packed: 0x5041)  // "AP"
    static let rp = JSONKey(packed: 0x7072)  // "rp"
    static let en = JSONKey(packed: 0x6E65)  // "en"
    static let zh = JSONKey(packed: 0x687A)  // "zh"
    static let stream = JSONKey(packed: 0x6D6165727473)  // "stream"
    static let data = JSONKey(packed: 0x61746164)  // "data"
    static let result = JSONKey(packed: 0x746C75736572)  // "result"
    static let id = JSONKey(packed: 0x6469)  // "id"
    static let code = JSONKey(packed: 0x65646F63)  // "code"
    static let msg = JSONKey(packed: 0x67736D)  // "msg"
}

/// Event type names (`e`) packed the same way.
enum EventTypeKey {
    static let aggTrade = JSONKey(packed: 0x6564617254676761)  // "aggTrade"
    static let markPriceUpdate = JSONKey(packed: 0xDA9D0DB965CBFD5C)  // "markPriceUpdate"
    static let kline = JSONKey(packed: 0x656E696C6B)  // "kline"
    static let miniTicker = JSONKey(packed: 0xD2351C570C37D448)  // "24hrMiniTicker"
    static let ticker = JSONKey(packed: 0xB3B57610EF0B6AB7)  // "24hrTicker"
    static let bookTicker = JSONKey(packed: 0xB63DFAED85E74966)  // "bookTicker"
    static let forceOrder = JSONKey(packed: 0xC8AA1DFB0A9CA21C)  // "forceOrder"
    static let depthUpdate = JSONKey(packed: 0xAAC23423FC27DC83)  // "depthUpdate"
    static let tradePro = JSONKey(packed: 0x6F72706564617274)  // "tradepro"
    static let listenKeyExpired = JSONKey(packed: 0x8DD09FF8F6FBFA1A)  // "listenKeyExpired"
    static let marginCall = JSONKey(packed: 0xD244435E08FB422C)  // "MARGIN_CALL"
    static let accountUpdate = JSONKey(packed: 0x9B80DEC1B03FC878)  // "ACCOUNT_UPDATE"
    static let orderTradeUpdate = JSONKey(packed: 0xBFA0EFD342441BFA)  // "ORDER_TRADE_UPDATE"
    static let accountConfigUpdate = JSONKey(packed: 0x8C21FB3AD654577D)  // "ACCOUNT_CONFIG_UPDATE"
    static let announcement = JSONKey(packed: 0x900DE167907C171A)  // "announcement"
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
