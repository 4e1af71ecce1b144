import Testing
import TriageCore
import TriageRegex
import TriageYAML

/// `classifySummary` is the allocation-free path `triage classify` writes its
/// lines from; on every incident of the corpus, with and without a caller's
/// severity override, it must agree with the `Verdict` of the same scan.
@Suite struct VerdictSummaryTests {
    @Test(arguments: [nil, Severity.critical, .info])
    func summaryAgreesWithTheVerdictOnTheCorpus(override: Severity?) throws {
        let pack = try PackLoader.compile(
            path: ShippedPackCorpusTests.root.appendingPathComponent("rules").path, backend: PCRE2Backend())
        let forVerdicts = pack.makeScratch()
        let forSummaries = pack.makeScratch()
        let rows = try ShippedPackCorpusTests.loadRows()
        #expect(!rows.isEmpty)
        var firedSomething = 0
        for row in rows {
            let v = pack.classify(row.incident, scratch: forVerdicts, options: ClassifyOptions(severityOverride: override))
            var title = row.incident.title
            var description = row.incident.description
            var context = row.incident.context ?? ""
            let hasContext = row.incident.context != nil
            let (severity, score, rules, agents, diagnostics) = title.withUTF8 { t in
                description.withUTF8 { d in
                    context.withUTF8 { c in
                        let s = pack.classifySummary(
                            IncidentText(title: t, description: d, context: hasContext ? c : nil), scratch: forSummaries,
                            severityOverride: override)
                        return (s.severity, s.score, s.rules.map { Int($0) }, s.agents.map { pack.agents[Int($0)].id }, s.hasDiagnostics)
                    }
                }
            }
            #expect(severity == v.severity, "\(row.incident.id)")
            #expect(score == v.score, "\(row.incident.id)")
            #expect(rules == v.rules.map(\.index), "\(row.incident.id)")
            #expect(agents == v.agents.map(\.id), "\(row.incident.id)")
            #expect(diagnostics == !v.diagnostics.isEmpty, "\(row.incident.id)")
            #expect(pack.lastVerdict(scratch: forSummaries) == Verdict(
                severity: v.severity, score: v.score, agents: v.agents, rules: v.rules, decision: v.decision,
                evidence: nil, diagnostics: v.diagnostics), "\(row.incident.id)")
            if !rules.isEmpty { firedSomething += 1 }
        }
        #expect(firedSomething > rows.count / 2)
    }
}
