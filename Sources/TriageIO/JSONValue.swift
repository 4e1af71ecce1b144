/// Any JSON value, for the paths that are not hot: labels in a labelled
/// corpus line (`severity`, `agents`, `agents_complete`), configuration,
/// expected outputs in tests.
///
/// Objects keep their members in input order (duplicates included); lookups by
/// key take the last member with that key, as `JSONSerialization` does.
/// Numbers are `Double`s. Built on the same scanner as the incident fast path,
/// so errors carry the same columns and messages.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([Member])

    /// One member of an object.
    public struct Member: Sendable, Hashable {
        public var key: String
        public var value: JSONValue
        public init(_ key: String, _ value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    /// Parses one JSON text (any value at the top level, surrounded by
    /// optional whitespace). Containers may nest `maxDepth` levels.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int = 64) throws(JSONParseError) -> JSONValue {
        var s = JSONScanner(bytes, maxDepth: maxDepth)
        let scratch = ByteBuffer()
        s.skipWhitespace()
        let value = try s.parseValue(depth: 0, scratch: scratch)
        s.skipWhitespace()
        if !s.atEnd { throw s.error("unexpected characters after the value", at: s.p) }
        return value
    }

    /// Parses the UTF-8 of `text`.
    public static func parse(_ text: String, maxDepth: Int = 64) throws(JSONParseError) -> JSONValue {
        var text = text
        let result: Result<JSONValue, JSONParseError> = text.withUTF8 { bytes in
            do throws(JSONParseError) { return .success(try parse(bytes, maxDepth: maxDepth)) } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    // MARK: Access

    /// The value of the last member named `key`, if this is an object that has one.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.last { $0.key == key }?.value
    }

    /// The element at `index`, if this is an array that long.
    public subscript(index: Int) -> JSONValue? {
        guard case .array(let elements) = self, elements.indices.contains(index) else { return nil }
        return elements[index]
    }

    public var isNull: Bool { self == .null }

    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    public var doubleValue: Double? {
        if case .number(let d) = self { return d }
        return nil
    }

    /// The number as an `Int`, if it is integral and in range.
    public var intValue: Int? {
        guard case .number(let d) = self else { return nil }
        return Int(exactly: d)
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    public var objectValue: [Member]? {
        if case .object(let o) = self { return o }
        return nil
    }
}

extension JSONValue: CustomStringConvertible {
    /// Compact JSON text.
    public var description: String {
        var w = JSONWriter()
        w.value(self)
        return String(decoding: w.bytes, as: UTF8.self)
    }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(elements.map { Member($0.0, $0.1) })
    }
}

extension JSONScanner {
    /// Parses the value at `p`; `depth` is the depth of its container (0 at
    /// the top level).
    mutating func parseValue(depth: Int, scratch: ByteBuffer) throws(JSONParseError) -> JSONValue {
        guard p < end else { throw error("expected a value", at: p) }
        switch p.pointee {
        case ASCII.quote:
            return .string(try parseString(scratch))
        case ASCII.openBrace:
            try checkDepth(depth + 1)
            p += 1
            skipWhitespace()
            var members: [JSONValue.Member] = []
            if next(is: ASCII.closeBrace) {
                p += 1
                return .object(members)
            }
            while true {
                guard next(is: ASCII.quote) else { throw error("expected object key", at: p) }
                let key = try parseString(scratch)
                skipWhitespace()
                guard next(is: ASCII.colon) else { throw error("expected ':' after object key", at: p) }
                p += 1
                skipWhitespace()
                members.append(JSONValue.Member(key, try parseValue(depth: depth + 1, scratch: scratch)))
                skipWhitespace()
                if next(is: ASCII.comma) {
                    p += 1
                    skipWhitespace()
                } else if next(is: ASCII.closeBrace) {
                    p += 1
                    return .object(members)
                } else {
                    throw error("expected ',' or '}' after object member", at: p)
                }
            }
        case ASCII.openBracket:
            try checkDepth(depth + 1)
            p += 1
            skipWhitespace()
            var elements: [JSONValue] = []
            if next(is: ASCII.closeBracket) {
                p += 1
                return .array(elements)
            }
            while true {
                elements.append(try parseValue(depth: depth + 1, scratch: scratch))
                skipWhitespace()
                if next(is: ASCII.comma) {
                    p += 1
                    skipWhitespace()
                } else if next(is: ASCII.closeBracket) {
                    p += 1
                    return .array(elements)
                } else {
                    throw error("expected ',' or ']' after array element", at: p)
                }
            }
        case 0x74, 0x66, 0x6E:
            switch try scanLiteral() {
            case .true: return .bool(true)
            case .false: return .bool(false)
            case .null: return .null
            }
        case ASCII.minus, ASCII.zero...ASCII.nine:
            let numberStart = p
            let text = try scanNumber()
            // The grammar was checked above, so Double's parser sees valid text.
            guard let d = Double(String(decoding: text, as: UTF8.self)), d.isFinite else {
                throw error("number out of range", at: numberStart)
            }
            return .number(d)
        default:
            throw error("expected a value", at: p)
        }
    }

    private mutating func parseString(_ scratch: ByteBuffer) throws(JSONParseError) -> String {
        scratch.removeAll()
        try scanString(into: scratch)
        return scratch.string
    }
}
