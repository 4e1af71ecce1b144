/// Writes compact JSON into a growable byte array.
///
/// Used for `triage classify` output, one object per incident, so it appends
/// bytes directly instead of going through `JSONEncoder` (which builds an
/// intermediate tree and is several times slower than the classifier).
///
/// Commas are inserted automatically: after a value or a closing bracket the
/// next value or key is preceded by one; after an opening bracket or a key it
/// is not. `newline()` ends a JSONL record and resets that state.
///
/// ```swift
/// var w = JSONWriter()
/// w.beginObject()
/// w.key("id"); w.string("INC-1")
/// w.key("agents"); w.beginArray(); w.string("network"); w.endArray()
/// w.key("score"); w.double(2.5)
/// w.endObject(); w.newline()
/// // {"id":"INC-1","agents":["network"],"score":2.5}\n
/// ```
public struct JSONWriter: Sendable {
    /// The bytes written so far.
    public var bytes: [UInt8]
    private var needsComma = false

    public init(reservingCapacity capacity: Int = 4096) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Empties the output, keeping its storage.
    public mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        needsComma = false
    }

    @inline(__always) private mutating func separate() {
        if needsComma { bytes.append(ASCII.comma) }
    }

    // MARK: Structure

    public mutating func beginObject() {
        separate()
        bytes.append(ASCII.openBrace)
        needsComma = false
    }

    public mutating func endObject() {
        bytes.append(ASCII.closeBrace)
        needsComma = true
    }

    public mutating func beginArray() {
        separate()
        bytes.append(ASCII.openBracket)
        needsComma = false
    }

    public mutating func endArray() {
        bytes.append(ASCII.closeBracket)
        needsComma = true
    }

    /// Writes an object key and its colon.
    public mutating func key(_ name: String) {
        separate()
        appendQuoted(name)
        bytes.append(ASCII.colon)
        needsComma = false
    }

    /// Writes an object key known at compile time to need no escaping
    /// (plain ASCII letters), and its colon, without scanning it.
    public mutating func rawKey(_ name: StaticString) {
        separate()
        bytes.append(ASCII.quote)
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(ASCII.quote)
        bytes.append(ASCII.colon)
        needsComma = false
    }

    /// Ends a JSONL record with `\n`.
    public mutating func newline() {
        bytes.append(ASCII.newline)
        needsComma = false
    }

    /// Appends bytes that are already JSON (a pre-rendered fragment) as one value.
    public mutating func rawValue(_ json: UnsafeBufferPointer<UInt8>) {
        separate()
        bytes.append(contentsOf: json)
        needsComma = true
    }

    // MARK: Values

    public mutating func null() {
        separate()
        appendASCII("null")
        needsComma = true
    }

    public mutating func bool(_ b: Bool) {
        separate()
        appendASCII(b ? "true" : "false")
        needsComma = true
    }

    public mutating func string(_ s: String) {
        separate()
        appendQuoted(s)
        needsComma = true
    }

    /// Writes a string given as UTF-8 bytes. The bytes must be valid UTF-8
    /// (the parsers' buffers always are); they are not checked again.
    public mutating func string(utf8 s: UnsafeBufferPointer<UInt8>) {
        separate()
        appendQuoted(s)
        needsComma = true
    }

    public mutating func int(_ v: Int) {
        separate()
        appendInteger(v)
        needsComma = true
    }

    /// Writes `v` in the shortest form that reads back as the same `Double`,
    /// without a trailing `.0` for integral values (`3`, `2.5`, `-0.75`,
    /// `1e+16`). NaN and infinities are not JSON and are written as `null`.
    public mutating func double(_ v: Double) {
        separate()
        appendDouble(v)
        needsComma = true
    }

    /// Writes any `JSONValue`.
    public mutating func value(_ v: JSONValue) {
        switch v {
        case .null: null()
        case .bool(let b): bool(b)
        case .number(let d): double(d)
        case .string(let s): string(s)
        case .array(let elements):
            beginArray()
            for e in elements { value(e) }
            endArray()
        case .object(let members):
            beginObject()
            for m in members {
                key(m.key)
                value(m.value)
            }
            endObject()
        }
    }

    // MARK: Encoding

    private mutating func appendASCII(_ s: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    private mutating func appendQuoted(_ s: String) {
        var s = s
        s.withUTF8 { appendQuoted($0) }
    }

    /// Writes `"…"`, escaping quotes, backslashes and control characters;
    /// everything else (including non-ASCII) is copied as raw UTF-8 in runs.
    private mutating func appendQuoted(_ s: UnsafeBufferPointer<UInt8>) {
        bytes.append(ASCII.quote)
        var runStart = 0
        var i = 0
        let n = s.count
        while i < n {
            // Skip plain bytes eight at a time.
            while n - i >= 8 {
                let m = SWAR.skipStops(SWAR.load(s.baseAddress! + i))
                if m == 0 {
                    i += 8
                } else {
                    i += m.trailingZeroBitCount &>> 3
                    break
                }
            }
            guard i < n else { break }
            let c = s[i]
            if c != ASCII.quote && c != ASCII.backslash && c >= 0x20 {
                i += 1
                continue
            }
            if i > runStart { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: s[runStart..<i])) }
            JSONWriter.appendEscape(c, to: &bytes)
            i += 1
            runStart = i
        }
        if n > runStart { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: s[runStart..<n])) }
        bytes.append(ASCII.quote)
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    private static func appendEscape(_ c: UInt8, to bytes: inout [UInt8]) {
        bytes.append(ASCII.backslash)
        switch c {
        case ASCII.quote: bytes.append(ASCII.quote)
        case ASCII.backslash: bytes.append(ASCII.backslash)
        case 0x0A: bytes.append(0x6E)  // n
        case 0x09: bytes.append(0x74)  // t
        case 0x0D: bytes.append(0x72)  // r
        case 0x08: bytes.append(0x62)  // b
        case 0x0C: bytes.append(0x66)  // f
        default:
            bytes.append(contentsOf: [0x75, 0x30, 0x30, hexDigits[Int(c >> 4)], hexDigits[Int(c & 0xF)]])  // u00XX
        }
    }

    private mutating func appendInteger(_ v: Int) {
        if v < 0 { bytes.append(ASCII.minus) }
        appendDigits(v.magnitude)
    }

    private mutating func appendDigits(_ v: UInt) {
        // Digits are produced last-first into a small stack buffer.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buf in
            var i = 20
            var x = v
            repeat {
                i -= 1
                buf[i] = ASCII.zero + UInt8(x % 10)
                x /= 10
            } while x != 0
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buf[i..<20]))
        }
    }

    private mutating func appendDouble(_ v: Double) {
        guard v.isFinite else {
            appendASCII("null")
            return
        }
        // Integral values below 2^53 print exactly as integers; this is also
        // the common case (counts, whole scores) and avoids a String.
        if v == v.rounded(.towardZero) && v.magnitude < 9_007_199_254_740_992 {
            if v == 0 && v.sign == .minus {
                appendASCII("-0")
            } else {
                appendInteger(Int(v))
            }
            return
        }
        // Swift's description is the shortest text that round-trips, such as
        // "0.1", "1e-05" or "1e+16": all valid JSON numbers.
        var text = v.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }
}
