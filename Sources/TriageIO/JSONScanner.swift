#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A syntax or shape error in one JSON text (one corpus line).
///
/// Errors are plain values so that a worker can collect them with the line
/// number and carry on with the next line. The message is lowercase and names
/// what was expected, such as `expected ':' after object key`.
public struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public var message: String
    /// The 1-based column of the offending character, counted in Unicode
    /// scalars (so a column in a line with `é` matches what an editor shows).
    /// A problem at the end of the line points one past the last character.
    public var column: Int
    /// The 0-based byte offset of the offending character.
    public var byteOffset: Int

    public init(message: String, column: Int, byteOffset: Int) {
        self.message = message
        self.column = column
        self.byteOffset = byteOffset
    }

    public var description: String { "column \(column): \(message)" }
}

/// ASCII bytes the scanners compare against.
enum ASCII {
    static let tab: UInt8 = 0x09
    static let newline: UInt8 = 0x0A
    static let carriageReturn: UInt8 = 0x0D
    static let space: UInt8 = 0x20
    static let quote: UInt8 = 0x22
    static let comma: UInt8 = 0x2C
    static let minus: UInt8 = 0x2D
    static let plus: UInt8 = 0x2B
    static let dot: UInt8 = 0x2E
    static let slash: UInt8 = 0x2F
    static let zero: UInt8 = 0x30
    static let nine: UInt8 = 0x39
    static let colon: UInt8 = 0x3A
    static let backslash: UInt8 = 0x5C
    static let openBracket: UInt8 = 0x5B
    static let closeBracket: UInt8 = 0x5D
    static let openBrace: UInt8 = 0x7B
    static let closeBrace: UInt8 = 0x7D
    static let lowerE: UInt8 = 0x65
    static let upperE: UInt8 = 0x45

    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c &- zero < 10 }
}

/// Eight-bytes-at-a-time ("SWAR") tests used by the string scanners.
///
/// Each function returns a word whose bit 7 of byte k is set when byte k
/// matches. Borrows can set flags above a true match, but never below the
/// first one, so the lowest set bit always marks the first matching byte,
/// which is all the scanners use.
enum SWAR {
    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let highs: UInt64 = 0x8080_8080_8080_8080

    @inline(__always) static func equal(_ w: UInt64, _ byte: UInt8) -> UInt64 {
        let x = w ^ (ones &* UInt64(byte))
        return (x &- ones) & ~x & highs
    }

    @inline(__always) static func less(_ w: UInt64, _ byte: UInt8) -> UInt64 {
        (w &- ones &* UInt64(byte)) & ~w & highs
    }

    /// Bytes that end a plain run inside a JSON string when decoding: a quote,
    /// a backslash, a control character or any non-ASCII byte (which must be
    /// checked for valid UTF-8).
    @inline(__always) static func stringStops(_ w: UInt64) -> UInt64 {
        equal(w, ASCII.quote) | equal(w, ASCII.backslash) | less(w, 0x20) | (w & highs)
    }

    /// The same without non-ASCII bytes, for strings that are only validated.
    @inline(__always) static func skipStops(_ w: UInt64) -> UInt64 {
        equal(w, ASCII.quote) | equal(w, ASCII.backslash) | less(w, 0x20)
    }

    @inline(__always) static func load(_ p: UnsafePointer<UInt8>) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(p).loadUnaligned(as: UInt64.self))
    }
}

/// The JSON tokenizer shared by the incident fast path and `JSONValue`.
///
/// It works on raw bytes through pointers with no per-byte bounds checks
/// beyond the `p < end` tests the grammar needs. Foundation's `JSONDecoder`
/// runs at roughly 150 MB/s on one core, slower than the matching engine it
/// feeds, so this hand-written scanner is what keeps parsing off the critical
/// path.
struct JSONScanner {
    let start: UnsafePointer<UInt8>
    let end: UnsafePointer<UInt8>
    var p: UnsafePointer<UInt8>
    let maxDepth: Int

    /// An address for empty input; never dereferenced, since `p == end`.
    /// Written once at initialization and never through, hence safe to share.
    nonisolated(unsafe) private static let emptyBase = UnsafePointer<UInt8>(UnsafeMutablePointer<UInt8>.allocate(capacity: 1))

    init(_ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        let base = bytes.baseAddress ?? JSONScanner.emptyBase
        start = base
        end = base + bytes.count
        p = base
        self.maxDepth = maxDepth
    }

    var buffer: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: start, count: end - start) }

    @inline(__always) var atEnd: Bool { p >= end }

    /// Whether the next byte is `c` (false at the end).
    @inline(__always) func next(is c: UInt8) -> Bool { p < end && p.pointee == c }

    @inline(__always) mutating func skipWhitespace() {
        while p < end {
            let c = p.pointee
            guard c == ASCII.space || c == ASCII.newline || c == ASCII.carriageReturn || c == ASCII.tab else { return }
            p += 1
        }
    }

    /// An error at `q`, with the column counted in scalars. Only runs on failure.
    func error(_ message: String, at q: UnsafePointer<UInt8>) -> JSONParseError {
        var column = 1
        var r = start
        while r < q {
            if r.pointee & 0xC0 != 0x80 { column += 1 }
            r += 1
        }
        return JSONParseError(message: message, column: column, byteOffset: q - start)
    }

    // MARK: Strings

    /// Decodes the string whose opening quote is at `p` and appends its UTF-8
    /// to `out`, leaving `p` after the closing quote. Escapes are resolved;
    /// invalid UTF-8 and lone surrogate escapes become U+FFFD.
    mutating func scanString(into out: ByteBuffer) throws(JSONParseError) {
        let open = p
        p += 1
        // Every input byte yields at most 3 output bytes (a bad byte becomes
        // EF BF BD; escapes shrink), plus 8 bytes of slack for the word stores.
        var d = out.reserveFree(3 * (end - p) + 8)
        while true {
            // Fast path: copy 8 plain bytes per step. The whole word is stored
            // even when a stop byte is inside it; `d` only advances past the
            // plain prefix, so the rest is overwritten next.
            while end - p >= 8 {
                let raw = UnsafeRawPointer(p).loadUnaligned(as: UInt64.self)
                UnsafeMutableRawPointer(d).storeBytes(of: raw, as: UInt64.self)
                let m = SWAR.stringStops(UInt64(littleEndian: raw))
                if m == 0 {
                    p += 8
                    d += 8
                    continue
                }
                let k = m.trailingZeroBitCount &>> 3
                p += k
                d += k
                break
            }
            guard p < end else { throw error("unterminated string", at: open) }
            let c = p.pointee
            if c == ASCII.quote {
                p += 1
                out.commit(upTo: d)
                return
            }
            if c == ASCII.backslash {
                try unescape(into: &d, open: open)
            } else if c >= 0x80 {
                copyNonASCII(to: &d)
            } else if c < 0x20 {
                throw error("unescaped control character in string", at: p)
            } else {
                d.pointee = c
                d += 1
                p += 1
            }
        }
    }

    /// Copies the UTF-8 sequence starting at `p` (a byte >= 0x80) to `d`, or
    /// writes U+FFFD and skips one byte if it is not valid UTF-8: the same
    /// rule as `UTF8Decoding.decode`, written out here because non-ASCII text
    /// is common enough in incidents for a call and a memcpy per character
    /// to show.
    @inline(__always)
    private mutating func copyNonASCII(to d: inout UnsafeMutablePointer<UInt8>) {
        let c0 = p[0]
        let left = end - p
        @inline(__always) func isContinuation(_ c: UInt8) -> Bool { c & 0xC0 == 0x80 }
        switch c0 {
        case 0xC2...0xDF:
            if left >= 2 && isContinuation(p[1]) {
                d[0] = c0
                d[1] = p[1]
                d += 2
                p += 2
                return
            }
        case 0xE0...0xEF:
            if left >= 3 {
                let c1 = p[1]
                let c2 = p[2]
                // E0 needs c1 >= A0 (no overlong forms); ED needs c1 < A0 (no surrogates).
                if isContinuation(c1) && isContinuation(c2) && (c0 != 0xE0 || c1 >= 0xA0) && (c0 != 0xED || c1 < 0xA0) {
                    d[0] = c0
                    d[1] = c1
                    d[2] = c2
                    d += 3
                    p += 3
                    return
                }
            }
        case 0xF0...0xF4:
            if left >= 4 {
                let c1 = p[1]
                // F0 needs c1 >= 90 (no overlong forms); F4 needs c1 < 90 (nothing above U+10FFFF).
                if isContinuation(c1) && isContinuation(p[2]) && isContinuation(p[3])
                    && (c0 != 0xF0 || c1 >= 0x90) && (c0 != 0xF4 || c1 < 0x90)
                {
                    UnsafeMutableRawPointer(d).storeBytes(
                        of: UnsafeRawPointer(p).loadUnaligned(as: UInt32.self), as: UInt32.self)
                    d += 4
                    p += 4
                    return
                }
            }
        default:
            break
        }
        d[0] = 0xEF
        d[1] = 0xBF
        d[2] = 0xBD
        d += 3
        p += 1
    }

    /// Validates the string whose opening quote is at `p` without decoding it.
    mutating func skipString() throws(JSONParseError) {
        let open = p
        p += 1
        while true {
            while end - p >= 8 {
                let m = SWAR.skipStops(SWAR.load(p))
                if m == 0 {
                    p += 8
                    continue
                }
                p += m.trailingZeroBitCount &>> 3
                break
            }
            guard p < end else { throw error("unterminated string", at: open) }
            let c = p.pointee
            if c == ASCII.quote {
                p += 1
                return
            }
            if c == ASCII.backslash {
                guard end - p >= 2 else { throw error("unterminated string", at: open) }
                switch p[1] {
                case ASCII.quote, ASCII.backslash, ASCII.slash, 0x62, 0x66, 0x6E, 0x72, 0x74:
                    p += 2
                case 0x75:
                    guard JSONScanner.hex4(p + 2, end) != nil else { throw error("invalid \\u escape", at: p) }
                    p += 6
                default:
                    throw error("invalid escape sequence", at: p)
                }
            } else if c < 0x20 {
                throw error("unescaped control character in string", at: p)
            } else {
                p += 1
            }
        }
    }

    /// Resolves the escape at `p` (a backslash), writing its UTF-8 to `d`.
    @inline(__always)
    private mutating func unescape(into d: inout UnsafeMutablePointer<UInt8>, open: UnsafePointer<UInt8>) throws(JSONParseError) {
        guard end - p >= 2 else { throw error("unterminated string", at: open) }
        let byte: UInt8
        switch p[1] {
        case ASCII.quote: byte = ASCII.quote
        case ASCII.backslash: byte = ASCII.backslash
        case ASCII.slash: byte = ASCII.slash
        case 0x62: byte = 0x08  // \b
        case 0x66: byte = 0x0C  // \f
        case 0x6E: byte = 0x0A  // \n
        case 0x72: byte = 0x0D  // \r
        case 0x74: byte = 0x09  // \t
        case 0x75:  // \u
            let scalar = try unicodeEscape()
            JSONScanner.encode(scalar, to: &d)
            return
        default:
            throw error("invalid escape sequence", at: p)
        }
        d.pointee = byte
        d += 1
        p += 2
    }

    /// Reads `\uXXXX` at `p`, and a following `\uXXXX` when the first is a high
    /// surrogate. A surrogate that is not part of a pair becomes U+FFFD, the
    /// same policy as for invalid UTF-8 bytes.
    private mutating func unicodeEscape() throws(JSONParseError) -> UInt32 {
        guard let v = JSONScanner.hex4(p + 2, end) else { throw error("invalid \\u escape", at: p) }
        p += 6
        switch v {
        case 0xD800...0xDBFF:
            if end - p >= 6, p[0] == ASCII.backslash, p[1] == 0x75,
                let low = JSONScanner.hex4(p + 2, end), (0xDC00...0xDFFF).contains(low)
            {
                p += 6
                return 0x10000 + ((v - 0xD800) << 10) + (low - 0xDC00)
            }
            return 0xFFFD
        case 0xDC00...0xDFFF:
            return 0xFFFD
        default:
            return v
        }
    }

    /// The value of four hex digits at `q`, or nil.
    @inline(__always)
    static func hex4(_ q: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> UInt32? {
        guard end - q >= 4 else { return nil }
        var v: UInt32 = 0
        for i in 0..<4 {
            let c = q[i]
            let digit: UInt8
            switch c {
            case 0x30...0x39: digit = c - 0x30
            case 0x41...0x46: digit = c - 0x41 + 10
            case 0x61...0x66: digit = c - 0x61 + 10
            default: return nil
            }
            v = v << 4 | UInt32(digit)
        }
        return v
    }

    /// Writes the UTF-8 encoding of `v` (a scalar value, never a surrogate).
    @inline(__always)
    static func encode(_ v: UInt32, to d: inout UnsafeMutablePointer<UInt8>) {
        switch v {
        case 0..<0x80:
            d[0] = UInt8(v)
            d += 1
        case 0x80..<0x800:
            d[0] = UInt8(0xC0 | v >> 6)
            d[1] = UInt8(0x80 | v & 0x3F)
            d += 2
        case 0x800..<0x10000:
            d[0] = UInt8(0xE0 | v >> 12)
            d[1] = UInt8(0x80 | (v >> 6) & 0x3F)
            d[2] = UInt8(0x80 | v & 0x3F)
            d += 3
        default:
            d[0] = UInt8(0xF0 | v >> 18)
            d[1] = UInt8(0x80 | (v >> 12) & 0x3F)
            d[2] = UInt8(0x80 | (v >> 6) & 0x3F)
            d[3] = UInt8(0x80 | v & 0x3F)
            d += 4
        }
    }

    // MARK: Numbers and literals

    /// Validates the number at `p` against the JSON grammar and returns its text.
    mutating func scanNumber() throws(JSONParseError) -> UnsafeBufferPointer<UInt8> {
        let s = p
        if next(is: ASCII.minus) { p += 1 }
        guard p < end, ASCII.isDigit(p.pointee) else { throw error("invalid number", at: p) }
        if p.pointee == ASCII.zero {
            p += 1
            if p < end && ASCII.isDigit(p.pointee) { throw error("leading zero in number", at: s) }
        } else {
            while p < end && ASCII.isDigit(p.pointee) { p += 1 }
        }
        if next(is: ASCII.dot) {
            p += 1
            guard p < end, ASCII.isDigit(p.pointee) else { throw error("invalid number", at: p) }
            while p < end && ASCII.isDigit(p.pointee) { p += 1 }
        }
        if p < end && (p.pointee == ASCII.lowerE || p.pointee == ASCII.upperE) {
            p += 1
            if p < end && (p.pointee == ASCII.plus || p.pointee == ASCII.minus) { p += 1 }
            guard p < end, ASCII.isDigit(p.pointee) else { throw error("invalid number", at: p) }
            while p < end && ASCII.isDigit(p.pointee) { p += 1 }
        }
        return UnsafeBufferPointer(start: s, count: p - s)
    }

    /// Consumes `true`, `false` or `null` at `p` and returns which.
    mutating func scanLiteral() throws(JSONParseError) -> Literal {
        @inline(__always) func matches(_ word: StaticString) -> Bool {
            let n = word.utf8CodeUnitCount
            guard end - p >= n else { return false }
            return memcmp(p, word.utf8Start, n) == 0
        }
        if matches("true") {
            p += 4
            return .true
        }
        if matches("false") {
            p += 5
            return .false
        }
        if matches("null") {
            p += 4
            return .null
        }
        throw error("invalid literal", at: p)
    }

    enum Literal { case `true`, `false`, null }

    // MARK: Skipping

    /// Validates and skips any value at `p`. `depth` is the nesting depth of
    /// the container holding the value (1 inside a top-level object).
    mutating func skipValue(depth: Int) throws(JSONParseError) {
        guard p < end else { throw error("expected a value", at: p) }
        switch p.pointee {
        case ASCII.quote: try skipString()
        case ASCII.openBrace: try skipObject(depth: depth + 1)
        case ASCII.openBracket: try skipArray(depth: depth + 1)
        case 0x74, 0x66, 0x6E: _ = try scanLiteral()
        case ASCII.minus, ASCII.zero...ASCII.nine: _ = try scanNumber()
        default: throw error("expected a value", at: p)
        }
    }

    /// Throws if a container opened at `p` would be nested at `depth` > the limit.
    @inline(__always)
    func checkDepth(_ depth: Int) throws(JSONParseError) {
        if depth > maxDepth { throw error("nesting deeper than \(maxDepth)", at: p) }
    }

    private mutating func skipObject(depth: Int) throws(JSONParseError) {
        try checkDepth(depth)
        p += 1
        skipWhitespace()
        if next(is: ASCII.closeBrace) {
            p += 1
            return
        }
        while true {
            guard next(is: ASCII.quote) else { throw error("expected object key", at: p) }
            try skipString()
            skipWhitespace()
            guard next(is: ASCII.colon) else { throw error("expected ':' after object key", at: p) }
            p += 1
            skipWhitespace()
            try skipValue(depth: depth)
            skipWhitespace()
            if next(is: ASCII.comma) {
                p += 1
                skipWhitespace()
            } else if next(is: ASCII.closeBrace) {
                p += 1
                return
            } else {
                throw error("expected ',' or '}' after object member", at: p)
            }
        }
    }

    private mutating func skipArray(depth: Int) throws(JSONParseError) {
        try checkDepth(depth)
        p += 1
        skipWhitespace()
        if next(is: ASCII.closeBracket) {
            p += 1
            return
        }
        while true {
            try skipValue(depth: depth)
            skipWhitespace()
            if next(is: ASCII.comma) {
                p += 1
                skipWhitespace()
            } else if next(is: ASCII.closeBracket) {
                p += 1
                return
            } else {
                throw error("expected ',' or ']' after array element", at: p)
            }
        }
    }
}
