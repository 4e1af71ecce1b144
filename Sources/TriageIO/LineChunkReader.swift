#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A block of complete lines (or, in CSV mode, complete records) from the input.
///
/// Chunks are the unit of parallel work: each one is self-contained, so a
/// worker can parse it without looking at its neighbours, and it knows the
/// number of its first line so that error messages name the right line.
public struct LineChunk: Sendable, Hashable {
    /// The raw bytes: whole lines, each ending in `\n` except possibly the
    /// very last line of the input.
    public var bytes: [UInt8]
    /// The 1-based number of the first line in `bytes`.
    public var firstLine: Int
    /// The number of lines in `bytes`.
    public var lineCount: Int
    /// The 0-based position of this chunk in the input.
    public var index: Int
    /// The byte offset of the chunk in the input (after a skipped BOM).
    public var byteOffset: Int

    public init(bytes: [UInt8], firstLine: Int = 1, lineCount: Int? = nil, index: Int = 0, byteOffset: Int = 0) {
        self.bytes = bytes
        self.firstLine = firstLine
        self.lineCount = lineCount ?? bytes.withUnsafeBufferPointer { LineChunk.countLines($0) }
        self.index = index
        self.byteOffset = byteOffset
    }

    /// Calls `body` with each line (without its `\n`, and without the `\r`
    /// of a `\r\n` ending) and its 1-based line number. Blank lines are
    /// included: the caller decides what they mean.
    public func forEachLine<E: Error>(_ body: (UnsafeBufferPointer<UInt8>, Int) throws(E) -> Void) throws(E) {
        let result: Result<Void, E> = bytes.withUnsafeBufferPointer { buf in
            do throws(E) {
                guard let base = buf.baseAddress else { return .success(()) }
                let end = base + buf.count
                var p = base
                var line = firstLine
                while p < end {
                    let nl = memchr(p, Int32(ASCII.newline), end - p)?.assumingMemoryBound(to: UInt8.self)
                    let lineEnd = nl.map { UnsafePointer($0) } ?? end
                    var n = lineEnd - p
                    if n > 0 && p[n - 1] == ASCII.carriageReturn { n -= 1 }
                    try body(UnsafeBufferPointer(start: p, count: n), line)
                    line += 1
                    p = lineEnd + 1
                }
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
    }

    /// The number of lines in `bytes`: its `\n`s, plus one for a last line
    /// without a newline.
    static func countLines(_ b: UnsafeBufferPointer<UInt8>) -> Int {
        guard !b.isEmpty else { return 0 }
        let n = countNewlines(b)
        return b.last == ASCII.newline ? n : n + 1
    }

    static func countNewlines(_ b: UnsafeBufferPointer<UInt8>) -> Int {
        guard let base = b.baseAddress else { return 0 }
        // memchr is vectorized; a plain byte loop here is several times
        // slower, and this runs on the reading thread for every chunk.
        var p = UnsafeRawPointer(base)
        let end = p + b.count
        var n = 0
        while p < end, let q = memchr(p, Int32(ASCII.newline), end - p) {
            n += 1
            p = UnsafeRawPointer(q) + 1
        }
        return n
    }
}

/// A failure to read the input.
public struct InputError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Reads a file descriptor in large blocks and cuts the stream into chunks of
/// whole lines.
///
/// Each chunk holds about `chunkSize` bytes; a line longer than that comes out
/// whole in a larger chunk, up to `maxLineLength`. The bytes are read with
/// `read(2)` straight into the array that becomes the chunk; only the partial
/// line at its end is copied into the next one. Memory is therefore bounded by
/// the chunk size times the number of chunks a consumer keeps in flight.
///
/// In `.csv` mode, chunks end only between records: a newline inside a quoted
/// field does not end a chunk, so every chunk can be parsed on its own. The
/// cut follows the same quoting rules as `CSVRecordParser`.
///
/// A UTF-8 byte order mark at the start of the stream is skipped.
public final class LineChunkReader {
    public enum Mode: Sendable, Hashable {
        /// Cut after any `\n`.
        case lines
        /// Cut only after a `\n` that ends a CSV record.
        case csv
    }

    public let fileDescriptor: Int32
    public let chunkSize: Int
    public let maxLineLength: Int
    public let mode: Mode
    private let closeWhenDone: Bool

    /// The number of bytes read so far.
    public private(set) var bytesRead = 0
    /// The input's size when it is a regular file (for progress), else nil.
    public let totalBytes: Int?

    /// Bytes after the last cut, waiting for the rest of their line.
    private var carry: [UInt8] = []
    private var eof = false
    private var closed = false
    private var nextIndex = 0
    private var nextLine = 1
    private var nextOffset = 0
    private var atStreamStart = true
    /// CSV mode: the quoting state at the end of `carry`.
    private var csvState = CSVCutState.fieldStart

    /// Reads from an open descriptor, such as `STDIN_FILENO`. The descriptor
    /// is not closed unless `closeWhenDone` is true.
    public init(
        fileDescriptor: Int32, chunkSize: Int = 1 << 20, mode: Mode = .lines,
        maxLineLength: Int = 256 << 20, closeWhenDone: Bool = false
    ) {
        self.fileDescriptor = fileDescriptor
        self.chunkSize = max(chunkSize, 1)
        self.mode = mode
        self.maxLineLength = maxLineLength
        self.closeWhenDone = closeWhenDone
        var st = stat()
        if fstat(fileDescriptor, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG {
            totalBytes = Int(st.st_size)
        } else {
            totalBytes = nil
        }
    }

    /// Opens `path` for reading; `-` means standard input.
    public convenience init(
        path: String, chunkSize: Int = 1 << 20, mode: Mode = .lines, maxLineLength: Int = 256 << 20
    ) throws(InputError) {
        if path == "-" {
            self.init(fileDescriptor: STDIN_FILENO, chunkSize: chunkSize, mode: mode, maxLineLength: maxLineLength)
            return
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw InputError("cannot open \(path): \(String(cString: strerror(errno)))") }
        self.init(fileDescriptor: fd, chunkSize: chunkSize, mode: mode, maxLineLength: maxLineLength, closeWhenDone: true)
    }

    deinit { closeIfNeeded() }

    private func closeIfNeeded() {
        if closeWhenDone && !closed {
            closed = true
            _ = close(fileDescriptor)
        }
    }

    /// The next chunk, or nil at the end of the input.
    public func next() throws(InputError) -> LineChunk? {
        var searchFrom = carry.count
        var buffer = carry
        carry = []
        // Fill up to the chunk size; when no record ends in that, keep
        // doubling, so a long line costs O(length) copying in all.
        var target = max(chunkSize, buffer.count + 1)
        while true {
            if !eof {
                // The first read takes at least the three bytes of a BOM.
                try fill(&buffer, upTo: atStreamStart ? max(target, 3) : target)
                if atStreamStart {
                    atStreamStart = false
                    if buffer.count >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF {
                        buffer.removeFirst(3)
                    }
                }
            }
            if let cut = findCut(in: buffer, from: searchFrom) {
                carry = Array(buffer[cut...])
                buffer.removeLast(buffer.count - cut)
                return emit(buffer)
            }
            if eof {
                closeIfNeeded()
                return buffer.isEmpty ? nil : emit(buffer)
            }
            if buffer.count >= maxLineLength {
                throw InputError("line \(nextLine) is longer than \(maxLineLength) bytes")
            }
            searchFrom = buffer.count
            target = buffer.count + max(chunkSize, buffer.count)
        }
    }

    private func emit(_ bytes: [UInt8]) -> LineChunk {
        let chunk = LineChunk(bytes: bytes, firstLine: nextLine, index: nextIndex, byteOffset: nextOffset)
        nextIndex += 1
        nextLine += chunk.lineCount
        nextOffset += bytes.count
        return chunk
    }

    /// Reads until `buffer` holds `target` bytes or the input ends.
    private func fill(_ buffer: inout [UInt8], upTo target: Int) throws(InputError) {
        var failure: Int32 = 0
        let old = buffer.count
        // A new array whose uninitialized tail read(2) writes directly: no
        // zero-filling, and only the carried partial line is copied.
        let filled = [UInt8](unsafeUninitializedCapacity: target) { buf, initialized in
            var n = buffer.withUnsafeBufferPointer { b in
                if let src = b.baseAddress, !b.isEmpty { buf.baseAddress!.initialize(from: src, count: b.count) }
                return b.count
            }
            while n < target {
                let r = read(fileDescriptor, buf.baseAddress! + n, target - n)
                if r > 0 {
                    n += r
                } else if r == 0 {
                    eof = true
                    break
                } else if errno != EINTR {
                    failure = errno
                    break
                }
            }
            initialized = n
        }
        buffer = filled
        bytesRead += buffer.count - old
        if failure != 0 { throw InputError("read failed: \(String(cString: strerror(failure)))") }
    }

    /// The position just after the last record end in `buffer`, scanning
    /// only bytes from `from` on (earlier ones were scanned before).
    private func findCut(in buffer: [UInt8], from: Int) -> Int? {
        buffer.withUnsafeBufferPointer { b in
            switch mode {
            case .lines:
                var i = b.count
                while i > from {
                    i -= 1
                    if b[i] == ASCII.newline { return i + 1 }
                }
                return nil
            case .csv:
                let (cut, state) = LineChunkReader.csvCut(b, from: from, state: from == 0 ? .fieldStart : csvState)
                // `carry` will be the tail after the cut, which ends in the
                // state reached at the end of the buffer.
                csvState = state
                return cut
            }
        }
    }

    /// The position after the last record-ending `\n` in `b[from...]`,
    /// starting in `state`, and the state at the end of `b`.
    ///
    /// Equivalent to feeding every byte to `CSVCutState`, but it jumps with
    /// `memchr`: inside a quoted field only a quote matters, and outside one
    /// only a quote at the start of a field opens a quoted field; the last
    /// newline outside quotes is looked for backwards, once per stretch
    /// between quoted fields.
    static func csvCut(
        _ b: UnsafeBufferPointer<UInt8>, from: Int, state initial: CSVCutState
    ) -> (cut: Int?, state: CSVCutState) {
        guard let p = b.baseAddress else { return (nil, initial) }
        let n = b.count
        var state = initial
        var i = from
        var cut: Int? = nil
        @inline(__always) func find(_ c: UInt8, from k: Int) -> Int? {
            guard k < n, let q = memchr(p + k, Int32(c), n - k) else { return nil }
            return UnsafeRawPointer(q) - UnsafeRawPointer(p)
        }
        while i < n {
            switch state {
            case .quoted:
                guard let r = find(ASCII.quote, from: i) else { return (cut, .quoted) }
                if r + 1 == n { return (cut, .quoteInQuoted) }
                if p[r + 1] == ASCII.quote {
                    i = r + 2
                } else {
                    i = r + 1
                    state = .unquoted
                }
            case .quoteInQuoted:
                if p[i] == ASCII.quote {
                    i += 1
                    state = .quoted
                } else {
                    state = .unquoted
                }
            case .fieldStart, .unquoted:
                // An outside stretch runs to the next quote that opens a field.
                let stretch = i
                var k = i
                var opening: Int? = nil
                while let r = find(ASCII.quote, from: k) {
                    let atFieldStart =
                        r == stretch ? state == .fieldStart : (p[r - 1] == ASCII.comma || p[r - 1] == ASCII.newline)
                    if atFieldStart {
                        opening = r
                        break
                    }
                    k = r + 1
                }
                let stretchEnd = opening ?? n
                var j = stretchEnd
                while j > stretch {
                    j -= 1
                    if p[j] == ASCII.newline {
                        cut = j + 1
                        break
                    }
                }
                if let opening {
                    i = opening + 1
                    state = .quoted
                } else {
                    if stretchEnd > stretch {
                        let last = p[n - 1]
                        state = last == ASCII.comma || last == ASCII.newline ? .fieldStart : .unquoted
                    }
                    return (cut, state)
                }
            }
        }
        return (cut, state)
    }
}

/// The quoting state of an RFC 4180 scanner, enough to know where records end.
///
/// A quote opens a quoted field only at the start of a field; inside one, a
/// doubled quote is a literal quote and a single quote closes it. A quote in
/// the middle of an unquoted field is literal. These are the rules
/// `CSVRecordParser` follows, so cuts always fall where it sees record ends.
enum CSVCutState {
    case fieldStart
    case unquoted
    case quoted
    /// Just after a quote inside a quoted field: either the closing quote or
    /// the first of a doubled pair.
    case quoteInQuoted
}
