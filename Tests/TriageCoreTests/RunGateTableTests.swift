import Testing
@testable import TriageCore

/// The probing run search must find exactly the first run a byte-by-byte scan finds.
@Suite struct RunGateTableTests {
    static func naive(_ member: Set<UInt8>, _ need: Int, _ text: [UInt8]) -> Int? {
        var start = 0
        for i in 0..<text.count {
            if member.contains(text[i]) {
                if i + 1 - start >= need { return start }
            } else {
                start = i + 1
            }
        }
        return nil
    }

    @Test(arguments: 0..<300)
    func matchesANaiveScan(seed: Int) {
        var rng = SplitMix64(seed: UInt64(seed) &+ 99)
        let alphabet = Array("0123456789 -ab".utf8)
        let members = Set(alphabet.filter { _ in rng.next() % 2 == 0 })
        let need = 1 + Int(rng.next() % 12)
        let text = (0..<Int(rng.next() % 200)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
        var set = ByteSet()
        for m in members { set.insert(m) }
        let table = RunGateTable(RegexRunGate(bytes: set, minLength: need))
        let got = text.withUnsafeBufferPointer { table.firstRunStart(in: $0) }
        #expect(got == Self.naive(members, need, text), "need \(need) in \(String(decoding: text, as: UTF8.self))")
    }
}
