import Testing
@testable import TriageCore

/// Both run searches (probes, and 64-byte blocks) must find exactly the runs
/// a byte-by-byte scan finds.
@Suite struct RunGateTableTests {
    /// Every run of at least `need` members, as (start, end), scanning from `from`.
    static func naiveRuns(_ member: Set<UInt8>, _ need: Int, _ text: [UInt8], from: Int) -> [Range<Int>] {
        var runs: [Range<Int>] = []
        var start = from
        for i in from...text.count {
            if i < text.count && member.contains(text[i]) { continue }
            if i - start >= need { runs.append(start..<i) }
            start = i + 1
        }
        return runs
    }

    static func runs(_ table: RunGateTable, _ text: [UInt8], from: Int) -> [Range<Int>] {
        text.withUnsafeBufferPointer { buffer in
            var runs: [Range<Int>] = []
            var at = from
            while let run = table.nextRun(in: buffer, from: at) {
                runs.append(run.start..<run.end)
                at = run.end
            }
            return runs
        }
    }

    /// Random texts over a small alphabet, long enough to span several blocks,
    /// with runs that cross block boundaries and run lengths past 64.
    @Test(arguments: 0..<400)
    func matchesANaiveScan(seed: Int) {
        var rng = SplitMix64(seed: UInt64(seed) &+ 99)
        let alphabet = Array("0123456789 -abyz.".utf8)
        var members = Set(alphabet.filter { _ in rng.next() % 3 != 0 })
        if members.isEmpty { members.insert(UInt8(ascii: "a")) }
        let need = 1 + Int(rng.next() % (seed % 4 == 0 ? 90 : 20))
        let length = Int(rng.next() % 420)
        // Stretches of one byte make long runs as well as short ones.
        var text: [UInt8] = []
        while text.count < length {
            let b = alphabet[Int(rng.next() % UInt64(alphabet.count))]
            text += repeatElement(b, count: 1 + Int(rng.next() % (rng.next() % 2 == 0 ? 3 : 40)))
        }
        text = Array(text.prefix(length))
        let from = text.isEmpty ? 0 : Int(rng.next() % UInt64(text.count))
        var set = ByteSet()
        for m in members { set.insert(m) }
        let expected = Self.naiveRuns(members, need, text, from: from)
        let context = "need \(need), from \(from), members \(String(decoding: members.sorted(), as: UTF8.self)) in \(String(decoding: text, as: UTF8.self))"
        for byBlocks in [false, true] {
            let table = RunGateTable(RegexRunGate(bytes: set, minLength: need), byBlocks: byBlocks)
            #expect(Self.runs(table, text, from: from) == expected, "byBlocks \(byBlocks): \(context)")
            let first = text.withUnsafeBufferPointer { table.firstRunStart(in: $0) }
            #expect(first == Self.naiveRuns(members, need, text, from: 0).first?.lowerBound, "byBlocks \(byBlocks): \(context)")
        }
    }

    /// The choice the compiler makes: blocks for a class of most letters in
    /// at most four ranges, probes otherwise.
    @Test(arguments: [
        ("a-z0-9-", true), ("0-9a-f-", false), ("0-9 -", false), ("a-z", true), ("a-m", true), ("a-l", false),
        ("a-z0-9_.@+", false), ("a-z0-9_.", true),
    ])
    func choosesBlocksForLetterClasses(spec: String, expected: Bool) {
        var set = ByteSet()
        let u = Array(spec.utf8)
        var i = 0
        while i < u.count {
            if i + 2 < u.count && u[i + 1] == UInt8(ascii: "-") {
                set.insert(u[i]...u[i + 2])
                i += 3
            } else {
                set.insert(u[i])
                i += 1
            }
        }
        // Blocks read vector lanes as little-endian words; elsewhere every class probes.
        let littleEndian = 1.littleEndian == 1
        #expect(RunGateTable(RegexRunGate(bytes: set, minLength: 8)).byBlocks == (expected && littleEndian), "\(spec)")
    }
}
