import Testing
import TriageCore
import TriageEval
import TriageRegex
import TriageYAML

/// The profile report merges workers' profiles and orders rules by cost.
@Suite struct ProfileReportTests {
    @Test func mergedCountsAndOrder() throws {
        let pack = try PackCompiler(backend: PCRE2Backend()).compile(try PackLoader.decode(yaml: #"""
            pack: {name: p}
            rules:
              - {id: kw, match: outage, score: 1}
              - {id: rx, match: {regex: '\b\d+ ?ms\b'}, score: 1}
              - {id: never, match: zzz, score: 1}
            """#))
        let a = pack.makeScratch(profiling: true)
        let b = pack.makeScratch(profiling: true)
        let texts = ["outage 500 ms", "all fine", "outage", "slow: 900ms"]
        for (i, t) in texts.enumerated() {
            _ = pack.classify(Incident(title: t, description: ""), scratch: i % 2 == 0 ? a : b)
        }
        let merged = ScanProfile(pack: pack)
        merged.merge(a.profile!)
        merged.merge(b.profile!)
        let r = ProfileReport(profile: merged, pack: pack, workers: 2)
        #expect(r.incidents == 4)
        #expect(r.workers == 2)
        #expect(r.shared.map(\.name) == ["normalise", "literal pass", "decide"])
        let byID = Dictionary(uniqueKeysWithValues: r.rules.map { ($0.id, $0) })
        #expect(byID["kw"]!.fired == 2 && byID["kw"]!.evaluations == 2)
        #expect(byID["rx"]!.fired == 2 && byID["rx"]!.regexMatches == 2)
        #expect(byID["never"]!.evaluations == 0 && byID["never"]!.nanoseconds == 0)
        #expect(zip(r.rules, r.rules.dropFirst()).allSatisfy { $0.nanoseconds >= $1.nanoseconds })
        #expect(r.rules.last?.id == "never")
        #expect(r.totalNanoseconds >= r.shared.map(\.nanoseconds).reduce(0, +))
    }
}
