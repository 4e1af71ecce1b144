import Foundation

/// A block of complete lines (or, in CSV mode, complete records) from the input.
///
/// Chunks are the unit of parallel work: each one is self-contained, so a
/// worker can parse it without looking at its neighbours, and it knows the
/// number of its first line so that error messages name the right line.
///
/// The bytes live in storage that goes back to its reader's pool when the
/// last copy of the chunk is gone, on whichever thread that happens.
public struct LineChunk: Sendable {
    let storage: ChunkStorage
    /// The number of bytes.
    public let count: Int
    /// The 1-based number of the first line.
    public let firstLine: Int
    /// The number of lines.
    public let lineCount: Int
    /// The 0-based position of this chunk in the input.
    public let index: Int
    /// The byte offset of the chunk in the input (after a skipped BOM).
    public let byteOffset: Int

    /// A chunk holding a copy of `bytes`, for tests and callers that already
    /// have the data in memory.
    public init(bytes: [UInt8], firstLine: Int = 1, index: Int = 0, byteOffset: Int = 0) {
        let storage = ChunkStorage(capacity: bytes.count, pool: nil)
        bytes.withUnsafeBufferPointer { b in
            if let src = b.baseAddress { storage.base.initialize(from: src, count: b.count) }
        }
        self.init(storage: storage, count: bytes.count, firstLine: firstLine, index: index, byteOffset: byteOffset)
    }

    init(storage: ChunkStorage, count: Int, firstLine: Int, index: Int, byteOffset: Int) {
        self.storage = storage
        self.count = count
        self.firstLine = firstLine
        self.lineCount = LineChunk.countLines(UnsafeBufferPointer(start: storage.base, count: count))
        self.index = index
        self.byteOffset = byteOffset
    }

    /// Calls `body` with the raw bytes: whole lines, each ending in `\n`
    /// except possibly the very last line of the input. The pointer is valid
    /// only inside `body`.
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeBufferPointer<UInt8>) throws(E) -> R) throws(E) -> R {
        defer { withExtendedLifetime(storage) {} }
        return try body(UnsafeBufferPointer(start: storage.base, count: count))
    }

    /// A copy of the raw bytes, for tests and paths that are not hot.
    public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }

    /// Calls `body` with each line (without its `\n`, and without the `\r`
    /// of a `\r\n` ending) and its 1-based line number. Blank lines are
    /// included: the caller decides what they mean.
    public func forEachLine<E: Error>(_ body: (UnsafeBufferPointer<UInt8>, Int) throws(E) -> Void) throws(E) {
        try withUnsafeBytes { (buf) throws(E) in
            guard let base = buf.baseAddress else { return }
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
        }
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
    private let pool: ChunkPool
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
        pool = ChunkPool(maxCapacity: 4 * self.chunkSize)
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
        // Fill up to the chunk size; when no record ends in that, keep
        // doubling, so a long line costs O(length) copying in all.
        var target = max(chunkSize, carry.count + 1)
        var storage = pool.take(capacity: max(target, 3))
        var count = carry.count
        var searchFrom = count
        carry.withUnsafeBufferPointer { c in
            if let src = c.baseAddress { storage.base.update(from: src, count: c.count) }
        }
        carry.removeAll(keepingCapacity: true)
        while true {
            if !eof {
                // The first read takes at least the three bytes of a BOM.
                count = try fill(storage, from: count, upTo: atStreamStart ? max(target, 3) : target)
                if atStreamStart {
                    atStreamStart = false
                    let b = storage.base
                    if count >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF {
                        b.update(from: b + 3, count: count - 3)
                        count -= 3
                    }
                }
            }
            let buffer = UnsafeBufferPointer(start: storage.base, count: count)
            if let cut = findCut(in: buffer, from: searchFrom) {
                carry.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[cut...]))
                return emit(storage, count: cut)
            }
            if eof {
                closeIfNeeded()
                return count == 0 ? nil : emit(storage, count: count)
            }
            if count >= maxLineLength {
                throw InputError("line \(nextLine) is longer than \(maxLineLength) bytes")
            }
            searchFrom = count
            target = count + max(chunkSize, count)
            let bigger = pool.take(capacity: target)
            bigger.base.update(from: storage.base, count: count)
            storage = bigger
        }
    }

    private func emit(_ storage: ChunkStorage, count: Int) -> LineChunk {
        let chunk = LineChunk(storage: storage, count: count, firstLine: nextLine, index: nextIndex, byteOffset: nextOffset)
        nextIndex += 1
        nextLine += chunk.lineCount
        nextOffset += count
        return chunk
    }

    /// Reads into `storage` after its first `count` bytes until it holds
    /// `target` bytes or the input ends; returns the new count.
    private func fill(_ storage: ChunkStorage, from count: Int, upTo target: Int) throws(InputError) -> Int {
        var n = count
        while n < target {
            let r = read(fileDescriptor, storage.base + n, target - n)
            if r > 0 {
                n += r
            } else if r == 0 {
                eof = true
                break
            } else if errno != EINTR {
                let failure = errno
                bytesRead += n - count
                throw InputError("read failed: \(String(cString: strerror(failure)))")
            }
        }
        bytesRead += n - count
        return n
    }

    /// The position just after the last record end in `b`, scanning
    /// only bytes from `from` on (earlier ones were scanned before).
    private func findCut(in b: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
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

/// Memory for one chunk's bytes. Written only by the reader before the chunk
/// is handed out and read-only afterwards, hence `@unchecked Sendable`.
final class ChunkStorage: @unchecked Sendable {
    let base: UnsafeMutablePointer<UInt8>
    let capacity: Int
    private let pool: ChunkPool?

    init(capacity: Int, pool: ChunkPool?) {
        self.capacity = max(capacity, 1)
        base = .allocate(capacity: self.capacity)
        self.pool = pool
    }

    init(reusing base: UnsafeMutablePointer<UInt8>, capacity: Int, pool: ChunkPool) {
        self.base = base
        self.capacity = capacity
        self.pool = pool
    }

    deinit {
        if let pool {
            pool.giveBack(base, capacity: capacity)
        } else {
            base.deallocate()
        }
    }
}

/// Chunk memory waiting to be reused.
///
/// Without it every chunk is a fresh megabyte, and with workers freeing
/// chunks while the reader allocates new ones, glibc keeps returning memory
/// to the kernel and faulting it in again: reading and parsing the 127 MB
/// corpus with two workers cost about 31,000 page faults (1,200 with one
/// worker), and about 4,500 with the pool, a quarter less time. Recycled
/// buffers are already mapped. `@unchecked Sendable` because the free list
/// is only touched under the lock; chunks are released on worker threads.
final class ChunkPool: @unchecked Sendable {
    private let lock = NSLock()
    private var free: [(base: UnsafeMutablePointer<UInt8>, capacity: Int)] = []
    private let maxCount: Int
    private let maxCapacity: Int

    /// Keeps at most `maxCount` buffers of at most `maxCapacity` bytes; the
    /// rare larger ones (from long lines) are freed.
    init(maxCount: Int = 16, maxCapacity: Int) {
        self.maxCount = maxCount
        self.maxCapacity = maxCapacity
    }

    deinit {
        for buffer in free { buffer.base.deallocate() }
    }

    func take(capacity: Int) -> ChunkStorage {
        lock.lock()
        if let i = free.lastIndex(where: { $0.capacity >= capacity }) {
            let buffer = free.remove(at: i)
            lock.unlock()
            return ChunkStorage(reusing: buffer.base, capacity: buffer.capacity, pool: self)
        }
        lock.unlock()
        return ChunkStorage(capacity: capacity, pool: self)
    }

    func giveBack(_ base: UnsafeMutablePointer<UInt8>, capacity: Int) {
        lock.lock()
        if free.count < maxCount && capacity <= maxCapacity {
            free.append((base, capacity))
            lock.unlock()
        } else {
            lock.unlock()
            base.deallocate()
        }
    }
}
