import Testing

@testable import TriageCore

/// The set operations of the literal analysis against plain reference
/// versions, over random sets built to collide: a small alphabet, shared
/// prefixes, literals that contain each other.
@Suite struct LiteralSetTests {
    /// Random distinct literals over `alphabet`, lengths 1 to `maxLength`:
    /// `count` of them, or fewer when that many draws find no more.
    static func randomLiterals(_ rng: inout SplitMix64, count: Int, alphabet: [UInt8], maxLength: Int) -> [[UInt8]] {
        var seen = Set<[UInt8]>()
        var out: [[UInt8]] = []
        for _ in 0..<(20 * count) where out.count < count {
            let n = 1 + Int(rng.next() % UInt64(maxLength))
            let lit = (0..<n).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            if seen.insert(lit).inserted { out.append(lit) }
        }
        return out
    }

    /// The definition: shortest first (ties by position), a literal is
    /// dropped when a kept one occurs in it, and the lead covers the bytes
    /// before the first occurrence of the first such kept literal.
    static func referenceSubstringMinimal(_ literals: [[UInt8]]) -> ([[UInt8]], Lead) {
        let byLength = literals.indices.sorted { (literals[$0].count, $0) < (literals[$1].count, $1) }
        var kept: [[UInt8]] = []
        var shift = Lead.zero
        for k in byLength {
            let lit = literals[k]
            var redundant = false
            for shorter in kept where shorter.count < lit.count {
                if let at = (0...(lit.count - shorter.count)).first(where: { lit[$0..<($0 + shorter.count)].elementsEqual(shorter) }) {
                    redundant = true
                    shift = Lead.either([shift, Lead(bytes: ByteSet(lit[..<at]).wholeCharacters, maxLength: at)])
                    break
                }
            }
            if !redundant { kept.append(lit) }
        }
        return (kept, shift)
    }

    @Test(arguments: 0..<60)
    func substringMinimalMatchesTheDefinition(seed: Int) {
        var rng = SplitMix64(seed: UInt64(seed) &* 7919 &+ 1)
        let alphabets: [[UInt8]] = [Array("ab".utf8), Array("abc".utf8), Array("ab-".utf8), Array("xyz01 ".utf8)]
        let alphabet = alphabets[seed % alphabets.count]
        let count = 1 + Int(rng.next() % 200)
        let literals = Self.randomLiterals(&rng, count: count, alphabet: alphabet, maxLength: 2 + seed % 9)
        let set = LiteralSet(literals)
        let (got, gotShift) = set.substringMinimal()
        let (want, wantShift) = Self.referenceSubstringMinimal(literals)
        if set.uniformLength {
            #expect(got.literals == literals)
            #expect(gotShift == .zero)
        } else {
            #expect(got.literals == want, "seed \(seed)")
            #expect(gotShift == wantShift, "seed \(seed)")
            #expect(want.count < literals.count || literals.count < 20, "seed \(seed): nothing was redundant")
        }
    }

    @Test(arguments: 0..<40)
    func crossAndUnionMatchTheDefinition(seed: Int) {
        var rng = SplitMix64(seed: UInt64(seed) &+ 404)
        let alphabet = Array("ab-".utf8)
        let a = Self.randomLiterals(&rng, count: 1 + Int(rng.next() % 15), alphabet: alphabet, maxLength: 3)
        let b = Self.randomLiterals(&rng, count: 1 + Int(rng.next() % 15), alphabet: alphabet, maxLength: 3)
        // Every concatenation once, in first-seen order.
        var seen = Set<[UInt8]>()
        let products = a.flatMap { x in b.map { x + $0 } }.filter { seen.insert($0).inserted }
        let cross = LiteralSet.cross(LiteralSet(a), LiteralSet(b))
        #expect(cross?.literals == products, "seed \(seed)")
        seen = []
        let unionWant = (a + b + a).filter { seen.insert($0).inserted }
        let union = LiteralSet.union([LiteralSet(a), LiteralSet(b), LiteralSet(a)])
        #expect(union?.literals == unionWant, "seed \(seed)")
    }
}
