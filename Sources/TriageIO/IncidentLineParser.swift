#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TriageCore

/// The four things an input record supplies for an incident.
public enum IncidentKey: Int, CaseIterable, Sendable, Hashable, CustomStringConvertible {
    case id = 0
    case title = 1
    case description = 2
    case context = 3

    public var name: String {
        switch self {
        case .id: "id"
        case .title: "title"
        case .description: "description"
        case .context: "context"
        }
    }

    public var description: String { name }

    @inline(__always) var bit: UInt8 { 1 << UInt8(rawValue) }
}

/// Which JSON key (or CSV column) feeds each part of an incident, and which
/// parts must be present.
///
/// The default reads `id`, `title`, `description` and `context`, with the
/// first three required. Remapping supports corpora that name things
/// differently, as in `--title-column summary`. Two parts may read the same
/// key. An optional part also accepts `null`, which counts as absent.
public struct IncidentKeyMap: Sendable, Hashable {
    public var id: String
    public var title: String
    public var description: String
    public var context: String
    public var required: Set<IncidentKey>

    public init(
        id: String = "id", title: String = "title", description: String = "description",
        context: String = "context", required: Set<IncidentKey> = [.id, .title, .description]
    ) {
        self.id = id
        self.title = title
        self.description = description
        self.context = context
        self.required = required
    }

    public static let standard = IncidentKeyMap()

    /// The key name for a part.
    public subscript(key: IncidentKey) -> String {
        get {
            switch key {
            case .id: id
            case .title: title
            case .description: description
            case .context: context
            }
        }
        set {
            switch key {
            case .id: id = newValue
            case .title: title = newValue
            case .description: description = newValue
            case .context: context = newValue
            }
        }
    }
}

/// Parses one JSONL line holding an incident object into reusable buffers.
///
/// This is the hot path of `triage classify`: Foundation's `JSONDecoder` runs
/// at roughly 150 MB/s on one core, slower than the matching engine, so the
/// object is scanned by hand. The wanted keys are decoded (escapes resolved)
/// straight into the `id`, `title`, `description` and `context` buffers;
/// every other key is validated and skipped without allocating. After a
/// successful `parse`, the buffers hold valid UTF-8 (invalid input bytes and
/// lone surrogate escapes become U+FFFD, so one bad byte does not drop the
/// incident) and stay valid until the next call.
///
/// - `id` may be a string or a number; a number is kept as its source text.
/// - A key that appears twice takes its last value, like `JSONSerialization`.
/// - Values of other keys may be of any JSON type, nested up to `maxDepth`
///   levels (the incident object itself is level 1).
///
/// One parser per thread: it is a mutable scratch object, not `Sendable`.
public final class IncidentLineParser {
    /// What a line held.
    public enum Outcome: Sendable, Hashable {
        /// An incident; read it from the buffers.
        case incident
        /// Nothing but whitespace; the buffers are empty.
        case blank
    }

    public let keys: IncidentKeyMap
    public let maxDepth: Int

    public let id = ByteBuffer()
    public let title = ByteBuffer()
    public let description = ByteBuffer()
    public let context = ByteBuffer()

    private let buffers: [ByteBuffer]
    private let names: [[UInt8]]
    private let requiredMask: UInt8
    private var presentMask: UInt8 = 0
    private let keyScratch = ByteBuffer()

    public init(keys: IncidentKeyMap = .standard, maxDepth: Int = 64) {
        self.keys = keys
        self.maxDepth = maxDepth
        buffers = [id, title, description, context]
        names = IncidentKey.allCases.map { Array(keys[$0].utf8) }
        requiredMask = keys.required.reduce(0) { $0 | $1.bit }
    }

    /// The buffer that holds `key`'s value.
    public func buffer(for key: IncidentKey) -> ByteBuffer { buffers[key.rawValue] }

    /// Whether the last parsed line had a (non-null) value for `key`.
    public func has(_ key: IncidentKey) -> Bool { presentMask & key.bit != 0 }

    /// The last parsed incident as Strings, for tests and non-hot paths.
    public var incident: Incident {
        Incident(
            id: id.string, title: title.string, description: description.string,
            context: has(.context) ? context.string : nil)
    }

    /// Parses one line (without its line ending).
    public func parse(_ line: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> Outcome {
        for b in buffers { b.removeAll() }
        presentMask = 0
        var s = JSONScanner(line, maxDepth: maxDepth)
        s.skipWhitespace()
        if s.atEnd { return .blank }
        let openBrace = s.p
        guard s.next(is: ASCII.openBrace) else { throw s.error("expected '{'", at: s.p) }
        s.p += 1
        s.skipWhitespace()
        if s.next(is: ASCII.closeBrace) {
            s.p += 1
        } else {
            try members(&s)
        }
        s.skipWhitespace()
        if !s.atEnd { throw s.error("unexpected characters after the object", at: s.p) }
        let missing = requiredMask & ~presentMask
        if missing != 0 {
            let key = IncidentKey.allCases.first { missing & $0.bit != 0 }!
            throw s.error("missing required field \"\(keys[key])\"", at: openBrace)
        }
        return .incident
    }

    /// The object's members, from the first key to the closing brace.
    private func members(_ s: inout JSONScanner) throws(JSONParseError) {
        while true {
            guard s.next(is: ASCII.quote) else { throw s.error("expected object key", at: s.p) }
            let mask = try wantedKey(&s)
            s.skipWhitespace()
            guard s.next(is: ASCII.colon) else { throw s.error("expected ':' after object key", at: s.p) }
            s.p += 1
            s.skipWhitespace()
            if mask == 0 {
                try s.skipValue(depth: 1)
            } else {
                try wantedValue(&s, mask: mask)
            }
            s.skipWhitespace()
            if s.next(is: ASCII.comma) {
                s.p += 1
                s.skipWhitespace()
            } else if s.next(is: ASCII.closeBrace) {
                s.p += 1
                return
            } else {
                throw s.error("expected ',' or '}' after object member", at: s.p)
            }
        }
    }

    /// Reads the key at `s.p` and returns the mask of parts it feeds.
    @inline(__always)
    private func wantedKey(_ s: inout JSONScanner) throws(JSONParseError) -> UInt8 {
        // Keys are short and almost never escaped: find the closing quote and
        // compare the raw bytes. Only an escaped key is decoded first.
        let open = s.p
        var q = open + 1
        while q < s.end {
            let c = q.pointee
            if c == ASCII.quote || c == ASCII.backslash || c < 0x20 { break }
            q += 1
        }
        if q < s.end && q.pointee == ASCII.quote {
            s.p = q + 1
            return match(open + 1, q - open - 1)
        }
        keyScratch.removeAll()
        try s.scanString(into: keyScratch)
        return match(UnsafePointer(keyScratch.base), keyScratch.count)
    }

    @inline(__always)
    private func match(_ k: UnsafePointer<UInt8>, _ n: Int) -> UInt8 {
        var mask: UInt8 = 0
        for i in 0..<4 {
            names[i].withUnsafeBufferPointer { name in
                if name.count == n && (n == 0 || memcmp(name.baseAddress!, k, n) == 0) {
                    mask |= 1 << UInt8(i)
                }
            }
        }
        return mask
    }

    /// Reads the value at `s.p` into the parts in `mask`, checking its type.
    private func wantedValue(_ s: inout JSONScanner, mask: UInt8) throws(JSONParseError) {
        guard !s.atEnd else { throw s.error("expected a value", at: s.p) }
        let c = s.p.pointee
        if c == ASCII.quote {
            let first = mask.trailingZeroBitCount
            let buf = buffers[first]
            buf.removeAll()
            try s.scanString(into: buf)
            for i in (first + 1)..<4 where mask & (1 << UInt8(i)) != 0 { buffers[i].assign(buf) }
            presentMask |= mask
        } else if c == ASCII.minus || ASCII.isDigit(c) {
            // Only an id may be a number; it is kept as written.
            if mask & ~IncidentKey.id.bit != 0 { throw typeError(s, mask: mask & ~IncidentKey.id.bit) }
            let text = try s.scanNumber()
            id.removeAll()
            id.append(text)
            presentMask |= mask
        } else if c == 0x6E, mask & requiredMask == 0 {
            // null for optional parts: absent.
            let valueStart = s.p
            guard try s.scanLiteral() == .null else { throw typeError(s, mask: mask, at: valueStart) }
            for i in 0..<4 where mask & (1 << UInt8(i)) != 0 { buffers[i].removeAll() }
            presentMask &= ~mask
        } else {
            throw typeError(s, mask: mask)
        }
    }

    private func typeError(_ s: JSONScanner, mask: UInt8, at q: UnsafePointer<UInt8>? = nil) -> JSONParseError {
        let key = IncidentKey.allCases.first { mask & $0.bit != 0 }!
        let nullable = requiredMask & key.bit == 0
        let kinds: String
        switch (key == .id, nullable) {
        case (true, false): kinds = "a string or a number"
        case (true, true): kinds = "a string, a number or null"
        case (false, false): kinds = "a string"
        case (false, true): kinds = "a string or null"
        }
        return s.error("field \"\(keys[key])\" must be \(kinds)", at: q ?? s.p)
    }

    // MARK: Conveniences

    /// Parses the UTF-8 of `line`.
    public func parse(_ line: String) throws(JSONParseError) -> Outcome {
        var line = line
        // withUTF8 cannot forward a typed error, so it travels as a Result.
        let result: Result<Outcome, JSONParseError> = line.withUTF8 { bytes in
            do throws(JSONParseError) { return .success(try parse(bytes)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Parses one line into an `Incident` with Strings; nil for a blank line.
    public func parseIncident(_ line: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> Incident? {
        try parse(line) == .incident ? incident : nil
    }

    /// Parses `line` into an `Incident` with Strings; nil for a blank line.
    public func parseIncident(_ line: String) throws(JSONParseError) -> Incident? {
        try parse(line) == .incident ? incident : nil
    }
}
