import Dispatch

/// A multi-literal automaton that finds every occurrence of every literal,
/// overlapping ones included, in one left-to-right pass.
///
/// It is a full DFA (Aho-Corasick with the failure links compiled away), so
/// each input byte costs one table load and one compare, independent of the
/// number of literals:
///
/// - **Byte classes.** Bytes that no literal distinguishes share a class, so a
///   row has one entry per class (typically 30 to 60) instead of 256.
/// - **Narrow cells for large tables.** A cell is normally the 32-bit row
///   offset of the next state (premultiplied), so each byte costs a load and
///   an add. A table far larger than the core's caches (the shipped packs':
///   12 MB) waits on memory whatever the arithmetic, so there, with fewer
///   than 65,536 states, a cell is a 16-bit state number and the row offset
///   costs a multiply: half the memory, at no measured cost in speed. A
///   small table stays wide: the multiply lengthens the chain of dependent
///   steps, and a cache-resident scan ran 35% slower with it.
/// - **Match states last.** States are renumbered so that every state with an
///   output has an id at or above `firstMatchState`; the hot loop tests one
///   integer per byte and only then looks up outputs.
///
/// Literals are raw bytes; the caller folds case beforehand. The automaton
/// is immutable and shared by every thread: scanning needs no scratch.
public struct AhoCorasick: Sendable {
    /// For each byte, its class.
    @usableFromInline let classes: [UInt8]
    /// Row-major transitions, one table or the other (see `TransitionCell`):
    /// 16-bit state numbers, or 32-bit premultiplied row offsets.
    @usableFromInline let narrow: [UInt16]
    @usableFromInline let wide: [UInt32]
    /// Which table holds the cells (a table is never empty: the root has a row).
    @inlinable var isNarrow: Bool { !narrow.isEmpty }
    /// The number of the first match state: states at or past it have outputs.
    @usableFromInline let firstMatchState: Int
    /// For match state number `s`, `outputs[outputStart[s - firstMatchState] ..< ...+1]`
    /// are the ids of the literals that end there.
    @usableFromInline let outputStart: [UInt32]
    @usableFromInline let outputs: [UInt32]
    /// The length of each literal, to turn an end offset into a start.
    public let literalLengths: [Int32]
    /// The longest literal, in bytes.
    public let maxLiteralLength: Int
    @usableFromInline let stride: Int

    /// The size of 32-bit table past which cells are narrow: well past the
    /// caches of a core.
    static var narrowAbove: Int { 4 << 20 }

    public var literalCount: Int { literalLengths.count }
    public var stateCount: Int { (narrow.count + wide.count) / max(stride, 1) }
    /// Bytes held by the tables, for reporting.
    public var memoryBytes: Int {
        narrow.count * 2 + wide.count * 4 + outputs.count * 4 + outputStart.count * 4 + 256
    }

    /// Builds the automaton. Literals must be non-empty; duplicates are fine
    /// (each keeps its own id and is reported).
    ///
    /// With `asciiCaseInsensitive`, the literals must hold no ASCII capital
    /// letter (they are case-folded), and the bytes `A`-`Z` of the text are
    /// read as `a`-`z`: an ASCII text can then be scanned without folding it
    /// first, for the price of nothing (the byte-class table does the folding).
    ///
    /// `narrowCells` overrides the choice of cell width, for tests; narrow
    /// cells are used only when every state number fits.
    public init(literals: [[UInt8]], asciiCaseInsensitive: Bool = false, narrowCells: Bool? = nil) {
        precondition(literals.allSatisfy { !$0.isEmpty }, "empty literal")

        // Byte classes: bytes used in literals get their own class, all other
        // bytes share class 0 (they only ever lead back towards the root).
        var classOf = [UInt8](repeating: 0, count: 256)
        var used = [Bool](repeating: false, count: 256)
        for lit in literals { for b in lit { used[Int(b)] = true } }
        var nclasses = 1
        for b in 0..<256 where used[b] {
            classOf[b] = UInt8(truncatingIfNeeded: nclasses)
            nclasses += 1
        }
        // 255 distinct bytes plus class 0 still fit; 256 used bytes would
        // overflow UInt8, so merge the last into class 0's neighbour scheme:
        // with every byte used, no class 0 is needed.
        if nclasses > 256 {
            for b in 0..<256 { classOf[b] = UInt8(b) }
            nclasses = 256
        }
        let stride = nclasses
        if asciiCaseInsensitive {
            precondition(!used[0x41...0x5A].contains(true), "case-insensitive literals must be folded")
            for b in 0x41...0x5A { classOf[b] = classOf[b + 0x20] }
        }

        // The build touches the full transition table once. A pack's
        // automaton has tens of thousands of states times a hundred classes
        // (11 MB for the shipped packs): building a dense trie first, then
        // the DFA, then a renumbered copy cost three times the page faults
        // and most of the build's time. So the trie is sparse (first child,
        // next sibling; the root's children in a table), failure links and
        // output links are computed on it, states get their final numbers,
        // and only then is each DFA row written, as a copy of its failure
        // state's row with its own children put in.
        var firstChild: [Int32] = [-1]
        var nextSibling: [Int32] = [-1]
        var label: [UInt8] = [0]
        var rootChild = [Int32](repeating: -1, count: stride)
        // Literal ids ending at each state, as linked lists: `ownHead[s]`
        // is the first (-1: none), `ownNext[id]` the next.
        var ownHead: [Int32] = [-1]
        var ownNext = [Int32](repeating: -1, count: literals.count)
        func child(_ s: Int, _ c: UInt8) -> Int32 {
            if s == 0 { return rootChild[Int(c)] }
            var k = firstChild[s]
            while k >= 0 && label[Int(k)] != c { k = nextSibling[Int(k)] }
            return k
        }
        for (id, lit) in literals.enumerated() {
            var s = 0
            for b in lit {
                let c = classOf[Int(b)]
                var next = child(s, c)
                if next < 0 {
                    next = Int32(label.count)
                    label.append(c)
                    firstChild.append(-1)
                    ownHead.append(-1)
                    nextSibling.append(firstChild[s])
                    firstChild[s] = next
                    if s == 0 { rootChild[Int(c)] = next }
                }
                s = Int(next)
            }
            ownNext[id] = ownHead[s]
            ownHead[s] = Int32(id)
        }
        let n = label.count

        // The table (11 MB for the shipped packs) is allocated as soon as the
        // number of states is known, and a second thread touches its pages
        // while this one computes the links: the page faults, most of the
        // build's time once the work itself was cheap, overlap that work.
        var outputStart = [UInt32]()
        var outputs = [UInt32]()
        var firstMatch: Int32 = 0
        func makeTable<Cell: TransitionCell>(_: Cell.Type) -> [Cell] {
            [Cell](unsafeUninitializedCapacity: n * stride) { buffer, initialized in
                nonisolated(unsafe) let table = buffer.baseAddress!  // the toucher writes only before `faulted.wait()`
                let faulted = DispatchGroup()
                DispatchQueue.global().async(group: faulted) {
                    var offset = 0
                    let page = 4096 / MemoryLayout<Cell>.stride
                    while offset < n * stride {
                        table[offset] = 0
                        offset += page
                    }
                }
                // Breadth-first: failure links (the longest proper suffix that is a
                // trie state) and output links (the nearest state on the failure
                // chain, the state itself excluded, where a literal ends; -1: none).
                // A state's outputs are its own literals, then its output link's.
                var fail = [Int32](repeating: 0, count: n)
                var outLink = [Int32](repeating: -1, count: n)
                var order: [Int32] = [0]
                order.reserveCapacity(n)
                var head = 0
                while head < order.count {
                    let s = Int(order[head])
                    head += 1
                    var k = firstChild[s]
                    while k >= 0 {
                        let c = label[Int(k)]
                        if s != 0 {
                            var f = Int(fail[s])
                            while f != 0 && child(f, c) < 0 { f = Int(fail[f]) }
                            let t = child(f, c)
                            fail[Int(k)] = t >= 0 && t != k ? t : 0
                        }
                        let f = Int(fail[Int(k)])
                        outLink[Int(k)] = ownHead[f] >= 0 ? Int32(f) : outLink[f]
                        order.append(k)
                        k = nextSibling[Int(k)]
                    }
                }

                // Number the states: non-match states first (the root stays 0), then
                // match states.
                func hasOutput(_ s: Int) -> Bool { ownHead[s] >= 0 || outLink[s] >= 0 }
                var newID = [Int32](repeating: 0, count: n)
                var next: Int32 = 0
                for s in 0..<n where !hasOutput(s) {
                    newID[s] = next
                    next += 1
                }
                firstMatch = next
                outputStart.reserveCapacity(n - Int(firstMatch) + 1)
                var ids = [UInt32]()
                for s in 0..<n where hasOutput(s) {
                    newID[s] = next
                    next += 1
                    outputStart.append(UInt32(outputs.count))
                    ids.removeAll(keepingCapacity: true)
                    var t = Int32(s)
                    while t >= 0 {
                        var id = ownHead[Int(t)]
                        while id >= 0 {
                            ids.append(UInt32(id))
                            id = ownNext[Int(id)]
                        }
                        t = outLink[Int(t)]
                    }
                    // Shortest literal first (the order a left-to-right reader
                    // expects), then by id.
                    ids.sort {
                        literals[Int($0)].count < literals[Int($1)].count
                            || (literals[Int($0)].count == literals[Int($1)].count && $0 < $1)
                    }
                    outputs.append(contentsOf: ids)
                }
                outputStart.append(UInt32(outputs.count))
                faulted.wait()

                // The DFA, in breadth-first order so that a failure state's row (a
                // shallower state) is complete before it is copied. Every row is
                // written exactly once, so the table starts uninitialised; the root's
                // missing transitions stay at the root (0).
                for s in order {
                    let s = Int(s)
                    let row = table + Int(newID[s]) * stride
                    if s == 0 {
                        row.initialize(repeating: 0, count: stride)
                    } else {
                        row.initialize(from: table + Int(newID[Int(fail[s])]) * stride, count: stride)
                    }
                    var k = firstChild[s]
                    while k >= 0 {
                        row[Int(label[Int(k)])] = Cell.cell(state: Int(newID[Int(k)]), stride: stride)
                        k = nextSibling[Int(k)]
                    }
                }
                initialized = n * stride
            }
        }

        let large = n * stride * MemoryLayout<UInt32>.stride > Self.narrowAbove
        let useNarrow = (narrowCells ?? large) && n <= Int(UInt16.max) + 1
        narrow = useNarrow ? makeTable(UInt16.self) : []
        wide = useNarrow ? [] : makeTable(UInt32.self)
        self.classes = classOf
        self.firstMatchState = Int(firstMatch)
        self.outputStart = outputStart
        self.outputs = outputs
        self.literalLengths = literals.map { Int32($0.count) }
        self.maxLiteralLength = literals.map(\.count).max() ?? 0
        self.stride = stride
    }

    /// Scans `text` from `position`, starting in automaton state `state`, and
    /// writes one hit per visit to a match state: `(row << 32) | endOffset`,
    /// where `row` indexes the state's outputs (see `forEachLiteral`). Stops
    /// at the end of the text or when `capacity` hits are written; `position`
    /// and `state` are updated so a further call resumes where this one stopped.
    ///
    /// Keeping the loop free of dispatch (no closure, no bookkeeping) is what
    /// makes it one table load and one compare per byte.
    @inlinable
    public func scan(
        _ text: UnsafeBufferPointer<UInt8>, from position: inout Int, state: inout UInt32,
        hits: UnsafeMutablePointer<UInt64>, capacity: Int
    ) -> Int {
        isNarrow
            ? narrow.withUnsafeBufferPointer {
                scan(text, $0, from: &position, state: &state, hits: hits, capacity: capacity)
            }
            : wide.withUnsafeBufferPointer {
                scan(text, $0, from: &position, state: &state, hits: hits, capacity: capacity)
            }
    }

    @inlinable
    func scan<Cell: TransitionCell>(
        _ text: UnsafeBufferPointer<UInt8>, _ table: UnsafeBufferPointer<Cell>, from position: inout Int,
        state: inout UInt32, hits: UnsafeMutablePointer<UInt64>, capacity: Int
    ) -> Int {
        guard let base = text.baseAddress, let next = table.baseAddress else {
            position = text.count
            return 0
        }
        return classes.withUnsafeBufferPointer { cls in
            let stride = self.stride
            let firstMatch = Cell.cell(state: firstMatchState, stride: stride)
            let classOf = cls.baseAddress!
            var s = Cell(truncatingIfNeeded: state)
            var p = UnsafePointer(base + position)
            let end = UnsafePointer(base + text.count)
            var count = 0
            while p < end {
                AhoCorasick.advance(&p, &s, end, classOf, next, firstMatch, stride)
                if s >= firstMatch {
                    hits[count] = (UInt64(Cell.row(s, from: firstMatch, stride: stride)) << 32) | UInt64(p - base)
                    count &+= 1
                    if count == capacity { break }
                }
            }
            position = p - base
            state = UInt32(s)
            return count
        }
    }

    /// Two scans at once: stream `a` over `text[a.position ..< aEnd]` and
    /// stream `b` over `text[b.position ..< text.count]`, each with its own
    /// state and hit buffer; `b` records only hits that end after `bFrom`.
    /// Runs until either stream reaches its end or either buffer holds
    /// `capacity - 1` hits (an iteration adds at most one to each).
    ///
    /// The transition loads of one stream depend on each other, so a single
    /// scan waits on memory at every byte; two independent streams in one loop
    /// let those waits overlap. The caller splits a field in two, starting
    /// `b` `maxLiteralLength - 1` bytes before the split so that no literal
    /// crossing it is missed, and dispatches all of `a`'s hits before `b`'s.
    @inlinable
    public func scanPair(
        _ text: UnsafeBufferPointer<UInt8>, a: inout ScanCursor, aEnd: Int, b: inout ScanCursor, bFrom: Int,
        hitsA: UnsafeMutablePointer<UInt64>, countA: inout Int, hitsB: UnsafeMutablePointer<UInt64>, countB: inout Int,
        capacity: Int
    ) {
        if isNarrow {
            narrow.withUnsafeBufferPointer {
                scanPair(
                    text, $0, a: &a, aEnd: aEnd, b: &b, bFrom: bFrom, hitsA: hitsA, countA: &countA, hitsB: hitsB,
                    countB: &countB, capacity: capacity)
            }
        } else {
            wide.withUnsafeBufferPointer {
                scanPair(
                    text, $0, a: &a, aEnd: aEnd, b: &b, bFrom: bFrom, hitsA: hitsA, countA: &countA, hitsB: hitsB,
                    countB: &countB, capacity: capacity)
            }
        }
    }

    @inlinable
    func scanPair<Cell: TransitionCell>(
        _ text: UnsafeBufferPointer<UInt8>, _ table: UnsafeBufferPointer<Cell>, a: inout ScanCursor, aEnd: Int,
        b: inout ScanCursor, bFrom: Int, hitsA: UnsafeMutablePointer<UInt64>, countA: inout Int,
        hitsB: UnsafeMutablePointer<UInt64>, countB: inout Int, capacity: Int
    ) {
        guard let base = text.baseAddress, let next = table.baseAddress else { return }
        classes.withUnsafeBufferPointer { cls in
            let stride = self.stride
            let firstMatch = Cell.cell(state: firstMatchState, stride: stride)
            let classOf = cls.baseAddress!
            var sa = Cell(truncatingIfNeeded: a.state)
            var sb = Cell(truncatingIfNeeded: b.state)
            var pa = base + a.position
            var pb = base + b.position
            var na = countA
            var nb = countB
            // Bounds are checked once: the loop runs a fixed number of
            // steps, and the two match tests share one rarely taken branch.
            let steps = min(aEnd - a.position, text.count - b.position)
            let stop = pa + max(steps, 0)
            let bFromPointer = base + bFrom
            while pa < stop {
                AhoCorasick.advancePair(&pa, &pb, &sa, &sb, stop, classOf, next, firstMatch, stride)
                if max(sa, sb) >= firstMatch {
                    if sa >= firstMatch {
                        hitsA[na] = (UInt64(Cell.row(sa, from: firstMatch, stride: stride)) << 32) | UInt64(pa - base)
                        na &+= 1
                    }
                    if sb >= firstMatch && pb > bFromPointer {
                        hitsB[nb] = (UInt64(Cell.row(sb, from: firstMatch, stride: stride)) << 32) | UInt64(pb - base)
                        nb &+= 1
                    }
                    if na >= capacity - 1 || nb >= capacity - 1 { break }
                }
            }
            a = ScanCursor(position: pa - base, state: UInt32(sa))
            b = ScanCursor(position: pb - base, state: UInt32(sb))
            countA = na
            countB = nb
        }
    }

    /// The inner loop of `scanPair`: steps both streams until either reaches
    /// a match state or `a` reaches `stop`. Kept out of line and small so that
    /// both states stay in registers: spilled to memory, each state's
    /// store-and-reload would lengthen the chain of dependent loads that
    /// bounds the scan.
    @inline(never) @usableFromInline
    static func advancePair<Cell: TransitionCell>(
        _ pa: inout UnsafePointer<UInt8>, _ pb: inout UnsafePointer<UInt8>, _ sa: inout Cell, _ sb: inout Cell,
        _ stop: UnsafePointer<UInt8>, _ classOf: UnsafePointer<UInt8>, _ next: UnsafePointer<Cell>, _ firstMatch: Cell,
        _ stride: Int
    ) {
        var a = pa
        var b = pb
        var x = sa
        var y = sb
        while a < stop {
            x = next[Cell.rowOffset(x, stride: stride) &+ Int(classOf[Int(a.pointee)])]
            y = next[Cell.rowOffset(y, stride: stride) &+ Int(classOf[Int(b.pointee)])]
            a += 1
            b += 1
            if max(x, y) >= firstMatch { break }
        }
        pa = a
        pb = b
        sa = x
        sb = y
    }

    /// The single-stream inner loop, on the same terms as `advancePair`.
    @inline(never) @usableFromInline
    static func advance<Cell: TransitionCell>(
        _ p: inout UnsafePointer<UInt8>, _ s: inout Cell, _ end: UnsafePointer<UInt8>, _ classOf: UnsafePointer<UInt8>,
        _ next: UnsafePointer<Cell>, _ firstMatch: Cell, _ stride: Int
    ) {
        var q = p
        var x = s
        while q < end {
            x = next[Cell.rowOffset(x, stride: stride) &+ Int(classOf[Int(q.pointee)])]
            q += 1
            if x >= firstMatch { break }
        }
        p = q
        s = x
    }

    /// The literals that end at a match state of row `row` (from a hit).
    @inlinable
    public func forEachLiteral(ofRow row: Int, _ body: (Int) -> Void) {
        outputStart.withUnsafeBufferPointer { starts in
            outputs.withUnsafeBufferPointer { outs in
                for k in Int(starts[row])..<Int(starts[row + 1]) { body(Int(outs[k])) }
            }
        }
    }

    /// Every occurrence of every literal in `text` as (literal, end offset),
    /// in order of end offset (ties: shorter literal first). For tests and
    /// tools; the scanner uses the batch form.
    public func occurrences(in text: UnsafeBufferPointer<UInt8>) -> [(literal: Int, end: Int)] {
        var out = [(Int, Int)]()
        var position = 0
        var state: UInt32 = 0
        let hits = UnsafeMutablePointer<UInt64>.allocate(capacity: 64)
        defer { hits.deallocate() }
        while position < text.count {
            let n = scan(text, from: &position, state: &state, hits: hits, capacity: 64)
            for h in 0..<n {
                let end = Int(hits[h] & 0xFFFF_FFFF)
                forEachLiteral(ofRow: Int(hits[h] >> 32)) { out.append(($0, end)) }
            }
        }
        return out
    }
}

/// A transition-table cell: what it stores for a state, and how the scan
/// finds that state's row from it.
@usableFromInline
protocol TransitionCell: FixedWidthInteger, UnsignedInteger {
    /// The cell that leads to state number `state`.
    static func cell(state: Int, stride: Int) -> Self
    /// The offset of the row of the state a cell leads to.
    static func rowOffset(_ cell: Self, stride: Int) -> Int
    /// The outputs row of a match state (`outputStart` index).
    static func row(_ cell: Self, from firstMatch: Self, stride: Int) -> Int
}

/// The state number itself; the scan multiplies by the stride.
extension UInt16: TransitionCell {
    @inlinable static func cell(state: Int, stride: Int) -> UInt16 { UInt16(state) }
    @inlinable static func rowOffset(_ cell: UInt16, stride: Int) -> Int { Int(cell) &* stride }
    @inlinable static func row(_ cell: UInt16, from firstMatch: UInt16, stride: Int) -> Int { Int(cell &- firstMatch) }
}

/// The row offset, premultiplied.
extension UInt32: TransitionCell {
    @inlinable static func cell(state: Int, stride: Int) -> UInt32 { UInt32(state * stride) }
    @inlinable static func rowOffset(_ cell: UInt32, stride: Int) -> Int { Int(cell) }
    @inlinable static func row(_ cell: UInt32, from firstMatch: UInt32, stride: Int) -> Int {
        Int(cell &- firstMatch) / stride
    }
}

/// Where a scan stands: the next byte and the automaton state.
public struct ScanCursor: Sendable, Hashable {
    public var position: Int
    public var state: UInt32

    @inlinable
    public init(position: Int, state: UInt32 = 0) {
        self.position = position
        self.state = state
    }
}
