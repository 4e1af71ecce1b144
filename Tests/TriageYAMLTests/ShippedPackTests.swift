import Foundation
import Testing
import TriageCore
import TriageRegex
import TriageYAML

/// The packs shipped in rules/ load, compile, and pass their own inline tests.
@Suite struct ShippedPackTests {
    static let rulesPath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("rules").path

    @Test func compiles() throws {
        let pack = try PackLoader.compile(path: Self.rulesPath, backend: PCRE2Backend())
        #expect(pack.metadata.name == "triagekit-core")
        #expect(pack.agents.count == 15)
        #expect(!pack.rules.isEmpty)
    }

    /// Each inline test: whether its rule fires, and the pack-level severity and agents it states.
    @Test func inlineTestsPass() throws {
        let pack = try PackLoader.compile(path: Self.rulesPath, backend: PCRE2Backend())
        let scratch = pack.makeScratch()
        var cases = 0
        for rule in pack.rules {
            for t in rule.tests {
                cases += 1
                let v = pack.classify(t.incident, scratch: scratch)
                let fired = v.rules.contains { $0.id == rule.id }
                #expect(fired == t.expectMatch, "\(rule.id): \(t.incident.title)")
                if let s = t.severity { #expect(v.severity == s, "\(rule.id): \(t.incident.title) \(v.decision.steps)") }
                if let a = t.agents { #expect(Set(v.agents.map(\.id)) == Set(a), "\(rule.id): \(t.incident.title) agents \(v.agents)") }
            }
        }
        #expect(cases >= 2 * pack.rules.count)
    }
}
