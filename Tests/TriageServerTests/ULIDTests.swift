import Foundation
import Testing
@testable import TriageServer

@Suite struct ULIDTests {
    // timestamp (ms), random high 16 bits, random low 64 bits, canonical text
    static let vectors: [(UInt64, UInt16, UInt64, String)] = [
        (0, 0, 0, "00000000000000000000000000"),
        (ULID.maxTimestamp, .max, .max, "7ZZZZZZZZZZZZZZZZZZZZZZZZZ"),
        // The spec's example time, 2016-07-30T23:16:16.385Z, is "01ARYZ6S41".
        (1_469_918_176_385, 0, 0, "01ARYZ6S410000000000000000"),
        (1_469_918_176_385, 0, 1, "01ARYZ6S410000000000000001"),
        (1, 0, 0, "00000000010000000000000000"),
        (0, 1, 0, "0000000000000G000000000000"),
        (0, 0, 1 << 63, "00000000000008000000000000"),
        (0, 0, 31, "0000000000000000000000000Z"),
        (0, 0, 32, "00000000000000000000000010"),
    ]

    @Test(arguments: vectors)
    func encodesAndDecodes(v: (UInt64, UInt16, UInt64, String)) throws {
        let id = ULID(timestamp: v.0, randomHigh: v.1, randomLow: v.2)
        #expect(id.description == v.3)
        #expect(id.timestamp == v.0)
        let parsed = try #require(ULID(v.3))
        #expect(parsed == id)
        #expect(ULID(v.3.lowercased()) == id)
    }

    // text, parses
    static let parsing: [(String, Bool)] = [
        ("01ARYZ6S41TSV4RRFFQ69G5FAV", true),
        ("01aryz6s41tsv4rrffq69g5fav", true),
        ("O1ARYZ6S41TSV4RRFFQ69G5FAV", true),  // O reads as 0
        ("01ARYZ6S4ITSV4RRFFQ69G5FAV", true),  // I reads as 1
        ("01ARYZ6S41TSV4RRFFQ69G5FA", false),  // 25 characters
        ("01ARYZ6S41TSV4RRFFQ69G5FAVX", false),  // 27
        ("01ARYZ6S41TSV4RRFFQ69G5FAU", false),  // U is not in the alphabet
        ("8ZZZZZZZZZZZZZZZZZZZZZZZZZ", false),  // more than 128 bits
        ("01ARYZ6S41TSV4RRFFQ69G5FA!", false),
        ("", false),
    ]

    @Test(arguments: parsing)
    func parses(row: (String, Bool)) {
        #expect((ULID(row.0) != nil) == row.1)
    }

    @Test func aliasesParseToTheCanonicalValue() {
        #expect(ULID("O1ARYZ6S4ITSV4RRFFQ69G5FAV")?.description == "01ARYZ6S41TSV4RRFFQ69G5FAV")
        #expect(ULID("01ARYZ6S4LTSV4RRFFQ69G5FAV")?.description == "01ARYZ6S41TSV4RRFFQ69G5FAV")
    }

    @Test func textOrderIsTimeOrder() {
        let times: [UInt64] = [0, 1, 31, 32, 1_000, 1_469_918_176_385, 1_800_000_000_000, ULID.maxTimestamp]
        let ids = times.map { ULID(timestamp: $0, randomHigh: 0xBEEF, randomLow: 42) }
        #expect(ids.map(\.description) == ids.map(\.description).sorted())
        #expect(ids == ids.sorted())
    }

    /// Within one millisecond (and when the clock steps back) each ULID is
    /// the previous one plus one; a new millisecond draws new random bits.
    @Test func monotonicWithinAMillisecond() {
        let clock = TestMillis(1_000)
        let generator = ULIDGenerator(now: { clock.value }, random: { (0x0001, 0xFFFF_FFFF_FFFF_FFFE) })
        let a = generator.next()
        let b = generator.next()
        let c = generator.next()
        #expect(a.timestamp == 1_000 && b.timestamp == 1_000)
        #expect(b == ULID(high: a.high, low: a.low + 1))
        // The low 64 bits overflow into the high 16 random bits.
        #expect(c == ULID(high: a.high + 1, low: 0))
        clock.value = 999  // the clock stepped back
        let d = generator.next()
        #expect(d > c && d.timestamp == 1_000)
        clock.value = 1_001
        let e = generator.next()
        #expect(e == ULID(timestamp: 1_001, randomHigh: 0x0001, randomLow: 0xFFFF_FFFF_FFFF_FFFE))
    }

    /// When all 80 random bits are ones, the next ULID moves to the next millisecond.
    @Test func exhaustedRandomBitsMoveTheTimestampOn() {
        let generator = ULIDGenerator(now: { 5 }, random: { (.max, .max) })
        let a = generator.next()
        let b = generator.next()
        #expect(a.timestamp == 5)
        #expect(b == ULID(timestamp: 6, randomHigh: 0, randomLow: 0))
    }

    @Test func manyFromManyTasksAreUniqueAndIncreasing() async {
        let generator = ULIDGenerator()
        let ids = await withTaskGroup(of: [ULID].self) { group in
            for _ in 0..<8 { group.addTask { (0..<2_000).map { _ in generator.next() } } }
            var all = [[ULID]]()
            for await chunk in group { all.append(chunk) }
            return all
        }
        for chunk in ids { #expect(chunk == chunk.sorted()) }
        #expect(Set(ids.joined()).count == 16_000)
        let now = UInt64(Date().timeIntervalSince1970 * 1000)
        #expect(ids[0][0].timestamp <= now && now - ids[0][0].timestamp < 60_000)
    }
}

final class TestMillis: @unchecked Sendable {
    private let lock = NSLock()
    private var ms: UInt64
    init(_ ms: UInt64) { self.ms = ms }
    var value: UInt64 {
        get { lock.lock(); defer { lock.unlock() }; return ms }
        set { lock.lock(); ms = newValue; lock.unlock() }
    }
}
