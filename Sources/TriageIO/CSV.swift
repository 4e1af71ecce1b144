#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TriageCore

// RFC 4180 CSV, hand-written rather than taken from a library because it has
// to work on `LineChunk`s (so that workers can parse chunks in parallel, with
// `LineChunkReader` cutting only between records) and report the line where
// each record starts, which a record may not share with its fields' newlines.

/// A CSV problem, naming the line where it was found.
public struct CSVError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The 1-based line number.
    public var line: Int
    public var message: String

    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }

    public var description: String { "line \(line): \(message)" }
}

/// One parsed record, valid only inside the callback that receives it: its
/// fields point into the parser's reusable storage.
public struct CSVRecord {
    let storage: UnsafePointer<UInt8>
    let ends: UnsafeBufferPointer<Int>

    /// The number of fields.
    public var count: Int { ends.count }

    /// The UTF-8 of field `i` (quotes removed, `""` unescaped, invalid UTF-8
    /// replaced by U+FFFD).
    public subscript(i: Int) -> UnsafeBufferPointer<UInt8> {
        let start = i == 0 ? 0 : ends[i - 1]
        return UnsafeBufferPointer(start: storage + start, count: ends[i] - start)
    }

    /// Field `i` as a String.
    public func string(at i: Int) -> String { String(decoding: self[i], as: UTF8.self) }

    /// All fields as Strings.
    public var strings: [String] { (0..<count).map(string(at:)) }
}

/// Parses RFC 4180 records out of a chunk of bytes.
///
/// - Fields are separated by `,` and records by `\n` or `\r\n`.
/// - A field that starts with `"` is quoted: it may contain commas, newlines
///   and `""` (a literal quote), and must be followed by a comma or the end
///   of the record.
/// - A `"` in the middle of an unquoted field is kept as a literal character
///   (as Python's `csv` module does), since rejecting it would lose data.
/// - Completely empty lines between records are skipped.
/// - Invalid UTF-8 becomes U+FFFD, as in the JSONL parser.
///
/// One parser per thread: it reuses its storage from record to record.
public final class CSVRecordParser {
    /// When set, every record must have exactly this many fields (the
    /// header's count).
    public var expectedFieldCount: Int?

    private let storage = ByteBuffer(capacity: 4096)
    private var ends: [Int] = []

    public init(expectedFieldCount: Int? = nil) {
        self.expectedFieldCount = expectedFieldCount
    }

    /// Calls `body` with each record in `chunk` and the line it starts on,
    /// after skipping the first `skipping` records (1 to skip a header).
    /// Throws a `CSVError`, or whatever `body` throws.
    ///
    /// With `onError`, a record that cannot be read (wrong field count, stray
    /// quote) is reported there and skipped, and the next record is read: one
    /// bad row must not cost the rest of the chunk. An unterminated quote
    /// still ends the chunk, since it swallows everything after it.
    public func forEachRecord(
        in chunk: LineChunk, skipping: Int = 0, onError: ((CSVError) -> Void)? = nil,
        _ body: (CSVRecord, Int) throws -> Void
    ) throws {
        try chunk.withUnsafeBytes { b in
            try forEachRecord(in: b, firstLine: chunk.firstLine, skipping: skipping, onError: onError, body)
        }
    }

    /// Calls `body` with each record in `bytes`, whose first line is `firstLine`.
    public func forEachRecord(
        in bytes: UnsafeBufferPointer<UInt8>, firstLine: Int = 1, skipping: Int = 0,
        onError: ((CSVError) -> Void)? = nil, _ body: (CSVRecord, Int) throws -> Void
    ) throws {
        guard let base = bytes.baseAddress else { return }
        var p = base
        let end = base + bytes.count
        var line = firstLine
        var toSkip = skipping
        while p < end {
            let recordLine = line
            // A blank line (or a lone "\r") is no record.
            if p.pointee == ASCII.newline {
                p += 1
                line += 1
                continue
            }
            if p.pointee == ASCII.carriageReturn && end - p >= 2 && p[1] == ASCII.newline {
                p += 2
                line += 1
                continue
            }
            do {
                try parseRecord(&p, end, &line)
            } catch {
                guard let onError, error.message != "unterminated quoted field" else { throw error }
                onError(error)
                // Resume after the line the bad record broke on.
                while p < end && p.pointee != ASCII.newline { p += 1 }
                if p < end {
                    p += 1
                    line += 1
                }
                continue
            }
            if let expected = expectedFieldCount, ends.count != expected {
                let error = CSVError(
                    line: recordLine,
                    message: "expected \(expected) field\(expected == 1 ? "" : "s"), found \(ends.count)")
                guard let onError else { throw error }
                onError(error)
                continue
            }
            if toSkip > 0 {
                toSkip -= 1
                continue
            }
            try ends.withUnsafeBufferPointer { e in
                try body(CSVRecord(storage: UnsafePointer(storage.base), ends: e), recordLine)
            }
        }
    }

    /// The first record of `chunk` as Strings (a header), or nil if it has none.
    public func firstRecord(in chunk: LineChunk) throws -> [String]? {
        var result: [String]?
        let saved = expectedFieldCount
        expectedFieldCount = nil
        defer { expectedFieldCount = saved }
        try chunk.withUnsafeBytes { b in
            guard let base = b.baseAddress else { return }
            var p = base
            var line = chunk.firstLine
            let end = base + b.count
            while p < end && (p.pointee == ASCII.newline || p.pointee == ASCII.carriageReturn) {
                if p.pointee == ASCII.newline { line += 1 }
                p += 1
            }
            guard p < end else { return }
            try parseRecord(&p, end, &line)
            result = ends.withUnsafeBufferPointer { CSVRecord(storage: UnsafePointer(storage.base), ends: $0).strings }
        }
        return result
    }

    /// Parses the record at `p` into `storage`/`ends`, leaving `p` after its
    /// line ending and `line` counting every newline consumed.
    private func parseRecord(
        _ p: inout UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, _ line: inout Int
    ) throws(CSVError) {
        storage.removeAll()
        ends.removeAll(keepingCapacity: true)
        while true {
            if p < end && p.pointee == ASCII.quote {
                // Quoted field: runs up to a quote that is not doubled.
                let openLine = line
                p += 1
                while true {
                    let q = memchr(p, Int32(ASCII.quote), end - p)?.assumingMemoryBound(to: UInt8.self)
                    guard let q = q.map({ UnsafePointer($0) }) else {
                        throw CSVError(line: openLine, message: "unterminated quoted field")
                    }
                    let segment = UnsafeBufferPointer(start: p, count: q - p)
                    line += LineChunk.countNewlines(segment)
                    UTF8Repair.append(segment, to: storage)
                    p = q + 1
                    if p < end && p.pointee == ASCII.quote {
                        storage.append(ASCII.quote)
                        p += 1
                    } else {
                        break
                    }
                }
                ends.append(storage.count)
                if p == end { return }
                switch p.pointee {
                case ASCII.comma:
                    p += 1
                    continue
                case ASCII.newline:
                    p += 1
                    line += 1
                    return
                case ASCII.carriageReturn where end - p >= 2 && p[1] == ASCII.newline:
                    p += 2
                    line += 1
                    return
                case ASCII.carriageReturn where end - p == 1:
                    p += 1
                    return
                default:
                    throw CSVError(line: line, message: "expected ',' or end of line after closing quote")
                }
            }
            // Unquoted field: runs up to a comma or the end of the line.
            let fieldStart = p
            while p < end && p.pointee != ASCII.comma && p.pointee != ASCII.newline { p += 1 }
            var n = p - fieldStart
            let atLineEnd = p == end || p.pointee == ASCII.newline
            if atLineEnd && n > 0 && fieldStart[n - 1] == ASCII.carriageReturn { n -= 1 }
            UTF8Repair.append(UnsafeBufferPointer(start: fieldStart, count: n), to: storage)
            ends.append(storage.count)
            if p == end { return }
            p += 1
            if atLineEnd {
                line += 1
                return
            }
        }
    }
}

/// A header row: column names and their indexes.
public struct CSVHeader: Sendable, Hashable {
    public let names: [String]
    private let indexes: [String: Int]

    public init(names: [String]) {
        self.names = names
        var indexes: [String: Int] = [:]
        // The first column with a name wins.
        for (i, name) in names.enumerated() where indexes[name] == nil { indexes[name] = i }
        self.indexes = indexes
    }

    public init(_ record: CSVRecord) { self.init(names: record.strings) }

    public var count: Int { names.count }

    /// The index of the first column called `name`.
    public func index(of name: String) -> Int? { indexes[name] }
}

/// Where the parts of an incident are in a CSV record.
public struct CSVIncidentColumns: Sendable, Hashable {
    /// Column indexes by `IncidentKey.rawValue`; nil for a missing optional column.
    public let columns: [Int?]

    /// Looks up the columns named by `keys`; a missing required column is an
    /// error on `headerLine`.
    public init(header: CSVHeader, keys: IncidentKeyMap = .standard, headerLine: Int = 1) throws(CSVError) {
        var columns: [Int?] = []
        for key in IncidentKey.allCases {
            let index = header.index(of: keys[key])
            if index == nil && keys.required.contains(key) {
                throw CSVError(line: headerLine, message: "missing required column \"\(keys[key])\"")
            }
            columns.append(index)
        }
        self.columns = columns
    }

    public func column(for key: IncidentKey) -> Int? { columns[key.rawValue] }

    /// The field of `record` for `key`, or nil when that column is absent.
    public func field(_ key: IncidentKey, of record: CSVRecord) -> UnsafeBufferPointer<UInt8>? {
        columns[key.rawValue].map { record[$0] }
    }

    /// The incident in `record` as Strings. An empty context field counts as no context.
    public func incident(from record: CSVRecord) -> Incident {
        func text(_ key: IncidentKey) -> String? { field(key, of: record).map { String(decoding: $0, as: UTF8.self) } }
        let context = text(.context)
        return Incident(
            id: text(.id) ?? "", title: text(.title) ?? "", description: text(.description) ?? "",
            context: context?.isEmpty == false ? context : nil)
    }
}

/// Writes RFC 4180 CSV into a growable byte array.
///
/// A field is quoted only when it must be: when it contains a comma, a quote,
/// `\r` or `\n`, or when it is the only field of its record and empty (an
/// unquoted empty line would read back as no record at all).
public struct CSVWriter: Sendable {
    public enum LineEnding: Sendable, Hashable {
        case lf
        case crlf
    }

    public var bytes: [UInt8] = []
    public var lineEnding: LineEnding
    private var fieldsInRecord = 0
    private var recordStart = 0

    public init(lineEnding: LineEnding = .lf) {
        self.lineEnding = lineEnding
    }

    /// Empties the output, keeping its storage.
    public mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        fieldsInRecord = 0
        recordStart = 0
    }

    public mutating func field(_ s: String) {
        var s = s
        s.withUTF8 { field(utf8: $0) }
    }

    public mutating func field(utf8 s: UnsafeBufferPointer<UInt8>) {
        if fieldsInRecord > 0 { bytes.append(ASCII.comma) }
        fieldsInRecord += 1
        let needsQuotes = s.contains { $0 == ASCII.comma || $0 == ASCII.quote || $0 == ASCII.newline || $0 == ASCII.carriageReturn }
        guard needsQuotes else {
            bytes.append(contentsOf: s)
            return
        }
        bytes.append(ASCII.quote)
        for c in s {
            if c == ASCII.quote { bytes.append(ASCII.quote) }
            bytes.append(c)
        }
        bytes.append(ASCII.quote)
    }

    public mutating func endRecord() {
        // A record of one empty field would be a blank line, which readers skip.
        if fieldsInRecord == 1 && bytes.count == recordStart { bytes.append(contentsOf: [ASCII.quote, ASCII.quote]) }
        switch lineEnding {
        case .lf: bytes.append(ASCII.newline)
        case .crlf: bytes.append(contentsOf: [ASCII.carriageReturn, ASCII.newline])
        }
        fieldsInRecord = 0
        recordStart = bytes.count
    }

    /// Writes a whole record.
    public mutating func record(_ fields: [String]) {
        for f in fields { field(f) }
        endRecord()
    }
}
