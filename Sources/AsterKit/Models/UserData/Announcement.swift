/// A public or direct announcement (v3 user data stream, `announcement`).
public struct Announcement: Sendable, Hashable {
    /// The announcement in one language.
    public struct Content: Sendable, Hashable {
        /// Announcement id (`i`).
        public var id: Int64
        /// Title (`t`).
        public var title: String
        /// Subtitle (`s`).
        public var subtitle: String
        /// Category (`c`): `NEW_LISTING` (public) or `DIRECT` (personal).
        public var category: String
        /// Timestamp (`d`, ms).
        public var time: Int64
        /// Read status (`S`).
        public var isRead: Bool
        /// Link (`j`).
        public var link: String
        /// HTML content (`C`).
        public var content: String

        /// Creates content.
        public init(id: Int64, title: String, subtitle: String, category: String, time: Int64, isRead: Bool,
                    link: String, content: String) {
            self.id = id
            self.title = title
            self.subtitle = subtitle
            self.category = category
            self.time = time
            self.isRead = isRead
            self.link = link
            self.content = content
        }

        init(reader r: inout JSONReader) throws(DecodingFailure) {
            var i: Int64?, t: String?, s: String?, c: String?, d: Int64?, S: Bool?, j: String?, C: String?
            try r.beginObject()
            while let key = try r.nextKey() {
                if r.consumeNull() { continue }
                switch key {
                case .i: i = try r.readInt64()
                case .t: t = try r.readString()
                case .s: s = try r.readString()
                case .c: c = try r.readString()
                case .d: d = try r.readInt64()
                case .S_: S = try r.readBool()
                case .j: j = try r.readString()
                case .C_: C = try r.readString()
                default: try r.skipValue()
                }
            }
            self.init(id: try required(i, "i", r), title: try required(t, "t", r), subtitle: try required(s, "s", r),
                      category: try required(c, "c", r), time: try required(d, "d", r), isRead: try required(S, "S", r),
                      link: try required(j, "j", r), content: try required(C, "C", r))
        }
    }

    /// Event time (`E`), when the server sends one.
    public var eventTime: Int64?
    /// Content by language code (`en`, `zh`, …).
    public var contents: [String: Content]

    /// The English content, or any content when there is no English.
    public var primary: Content? { contents["en"] ?? contents.sorted { $0.key < $1.key }.first?.value }

    /// Creates an announcement.
    public init(eventTime: Int64?, contents: [String: Content]) {
        self.eventTime = eventTime
        self.contents = contents
    }

    init(reader r: inout JSONReader) throws(DecodingFailure) {
        var E: Int64?
        var contents: [String: Content] = [:]
        try r.beginObject()
        while let key = try r.nextKey() {
            switch key {
            case .e: try r.skipValue()
            case .E_: E = try r.readInt64()
            default:
                guard r.peek() == UInt8(ascii: "{") else {
                    try r.skipValue()
                    continue
                }
                let language = key == .en ? "en" : key == .zh ? "zh" : key.text
                do {
                    contents[language] = try Content(reader: &r)
                } catch {
                    throw error.nested(in: language)
                }
            }
        }
        guard contents["en"] != nil else { throw r.fail(.missingField("en")) }
        guard contents["zh"] != nil else { throw r.fail(.missingField("zh")) }
        self.init(eventTime: E, contents: contents)
    }
}
