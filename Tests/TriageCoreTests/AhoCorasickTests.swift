import Testing
@testable import TriageCore

/// The automaton against a naive search: every occurrence of every literal,
/// overlapping ones included, in end order.
@Suite struct AhoCorasickTests {
    static func naive(_ literals: [[UInt8]], _ text: [UInt8]) -> [(Int, Int)] {
        var out = [(Int, Int, Int)]()  // end, length, id
        for (id, lit) in literals.enumerated() where lit.count <= text.count {
            for start in 0...(text.count - lit.count) where Array(text[start..<start + lit.count]) == lit {
                out.append((start + lit.count, lit.count, id))
            }
        }
        return out.sorted { ($0.0, $0.1, $0.2) < ($1.0, $1.1, $1.2) }.map { ($0.2, $0.0) }
    }

    static let tables: [([String], String)] = [
        (["he", "she", "his", "hers"], "ushers"),
        (["a", "aa", "aaa"], "aaaa"),
        (["abc", "bc", "c"], "xabcabc"),
        (["unauthorized", "unauthorized access", "access", "ied"], "unauthorized access denied"),
        (["x"], ""),
        (["needle"], "haystack without it"),
        (["ab", "ab"], "abab"),
        (["é", "ü", "田中"], "zoë müller 田中 é"),
        (["\u{0}", "\u{FF}"], "a\u{0}b"),
    ]

    /// Both cell widths: 16-bit state numbers and 32-bit row offsets.
    static let widths = [true, false]

    @Test(arguments: tables, widths)
    func findsEveryOccurrence(table: ([String], String), narrow: Bool) {
        let (literals, text) = table
        let lits = literals.map { Array($0.utf8) }
        let ac = AhoCorasick(literals: lits, narrowCells: narrow)
        #expect(ac.isNarrow == narrow)
        let t = Array(text.utf8)
        let got = t.withUnsafeBufferPointer { ac.occurrences(in: $0) }.map { ($0.literal, $0.end) }
        let want = Self.naive(lits, t)
        #expect(got.map { "\($0.0)@\($0.1)" } == want.map { "\($0.0)@\($0.1)" })
    }

    /// Up to 30 literals and a text over a small alphabet, so that literals overlap often.
    static func randomCase(
        _ rng: inout SplitMix64, longestLiteral: Int, textLength: Range<Int>
    ) -> (literals: [[UInt8]], text: [UInt8]) {
        let alphabet = Array("abc-1 ".utf8)
        func letter() -> UInt8 { alphabet[Int(rng.next() % UInt64(alphabet.count))] }
        let literals = (0..<(1 + Int(rng.next() % 30))).map { _ in
            (0..<(1 + Int(rng.next() % UInt64(longestLiteral)))).map { _ in letter() }
        }
        let n = textLength.lowerBound + Int(rng.next() % UInt64(textLength.count))
        return (literals, (0..<n).map { _ in letter() })
    }

    /// Random literal sets over a small alphabet (many overlaps) against the naive search,
    /// with a tiny hit buffer so that resuming mid-text is exercised.
    @Test(arguments: 0..<40, widths)
    func randomAgainstNaive(seed: Int, narrow: Bool) {
        var rng = SplitMix64(seed: UInt64(seed) &+ 1)
        let (lits, text) = Self.randomCase(&rng, longestLiteral: 5, textLength: 0..<300)
        let ac = AhoCorasick(literals: lits, narrowCells: narrow)
        var got = [(Int, Int)]()
        text.withUnsafeBufferPointer { t in
            var position = 0
            var state: UInt32 = 0
            let hits = UnsafeMutablePointer<UInt64>.allocate(capacity: 3)
            defer { hits.deallocate() }
            while position < t.count {
                let n = ac.scan(t, from: &position, state: &state, hits: hits, capacity: 3)
                for h in 0..<n {
                    let end = Int(hits[h] & 0xFFFF_FFFF)
                    ac.forEachLiteral(ofRow: Int(hits[h] >> 32)) { got.append(($0, end)) }
                }
            }
        }
        let want = Self.naive(lits, text)
        #expect(got.map { "\($0.0)@\($0.1)" } == want.map { "\($0.0)@\($0.1)" })
    }

    /// Two streams over the halves of a text, the second starting early by
    /// the longest literal less one, find what one stream finds: the first
    /// half's hits, then the second's after the cut.
    @Test(arguments: 0..<40, widths)
    func pairedScanAgainstNaive(seed: Int, narrow: Bool) {
        var rng = SplitMix64(seed: UInt64(seed) &+ 7)
        let (lits, text) = Self.randomCase(&rng, longestLiteral: 6, textLength: 40..<440)
        let ac = AhoCorasick(literals: lits, narrowCells: narrow)
        var got = [(Int, Int)]()
        text.withUnsafeBufferPointer { t in
            let capacity = 4 + Int(rng.next() % 8)
            let hitsA = UnsafeMutablePointer<UInt64>.allocate(capacity: capacity)
            let hitsB = UnsafeMutablePointer<UInt64>.allocate(capacity: capacity)
            defer {
                hitsA.deallocate()
                hitsB.deallocate()
            }
            let mid = t.count / 2
            var a = ScanCursor(position: 0)
            var b = ScanCursor(position: max(0, mid - (ac.maxLiteralLength - 1)))
            var na = 0
            var nb = 0
            var second = [(Int, Int)]()
            func drain(_ hits: UnsafeMutablePointer<UInt64>, _ n: inout Int, into out: inout [(Int, Int)]) {
                for h in 0..<n {
                    let end = Int(hits[h] & 0xFFFF_FFFF)
                    ac.forEachLiteral(ofRow: Int(hits[h] >> 32)) { out.append(($0, end)) }
                }
                n = 0
            }
            while a.position < mid && b.position < t.count {
                ac.scanPair(
                    t, a: &a, aEnd: mid, b: &b, bFrom: mid, hitsA: hitsA, countA: &na, hitsB: hitsB, countB: &nb,
                    capacity: capacity)
                drain(hitsA, &na, into: &got)
                drain(hitsB, &nb, into: &second)
            }
            // Whatever either stream has left, one at a time.
            var state = a.state
            var position = a.position
            while position < mid {
                let n = ac.scan(UnsafeBufferPointer(rebasing: t[..<mid]), from: &position, state: &state, hits: hitsA, capacity: capacity)
                var k = n
                drain(hitsA, &k, into: &got)
            }
            state = b.state
            position = b.position
            while position < t.count {
                let n = ac.scan(t, from: &position, state: &state, hits: hitsB, capacity: capacity)
                var rest = [(Int, Int)]()
                var k = n
                drain(hitsB, &k, into: &rest)
                second += rest.filter { $0.1 > mid }
            }
            got += second
        }
        let want = Self.naive(lits, text)
        #expect(got.map { "\($0.0)@\($0.1)" } == want.map { "\($0.0)@\($0.1)" })
    }

    /// Cells are narrow only for a table far past the caches, and only when
    /// every state number fits in 16 bits.
    @Test func cellWidthFollowsTableSize() {
        #expect(!AhoCorasick(literals: [Array("timeout".utf8), Array("refused".utf8)]).isNarrow)
        var rng = SplitMix64(seed: 3)
        let alphabet = (UInt8(0x21)...UInt8(0x7E)).map { $0 }
        let many = (0..<2000).map { _ in (0..<8).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] } }
        let big = AhoCorasick(literals: many)
        #expect(big.stateCount < 65536)
        #expect(big.stateCount * alphabet.count * 4 > 4 << 20)
        #expect(big.isNarrow)
    }
}
