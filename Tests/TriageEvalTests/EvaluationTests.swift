import Testing
import TriageCore
import TriageEval
import TriageRegex
import TriageYAML

/// A small pack on a small corpus, every number worked out by hand.
@Suite struct EvaluationTests {
    static let pack = """
        pack: {name: eval-test}
        severity: {thresholds: {critical: 8, high: 5, medium: 2, low: 1}, default: medium}
        agents: {catalogue: [{id: db}, {id: net}]}
        rules:
          - {id: outage, match: outage, score: 5}
          - {id: db, match: postgres, score: 1, agents: {db: 2}}
          - {id: net, match: packet loss, agents: {net: 2}}
          - {id: done, match: resolved, score: -3}
          - {id: idle, match: zzz, score: 1}
        """

    static let corpus = """
        {"id":"1","title":"Postgres outage","description":"x","severity":"high","agents":["db"]}
        {"id":"2","title":"Packet loss","description":"x","severity":"medium","agents":["net"]}
        {"id":"3","title":"Postgres resolved","description":"x","severity":"low","agents":["db","net"]}
        {"id":"4","title":"Outage resolved","description":"packet loss","severity":"medium","agents":["net"],"agents_complete":false}
        {"id":"5","title":"Nothing","description":"x","severity":"info"}
        """

    static func report(_ packYAML: String = pack) throws -> EvalReport {
        let compiled = try PackCompiler(backend: PCRE2Backend()).compile(try PackLoader.decode(yaml: packYAML))
        let (rows, errors) = LabelledCorpus.parse(Array(corpus.utf8))
        #expect(errors.isEmpty)
        return Evaluator.evaluate(compiled, corpus: rows)
    }

    @Test func rowsAndMetrics() throws {
        let r = try Self.report()
        #expect(r.rows.map { "\($0.id) \($0.label)->\($0.predicted) \($0.predictedAgents) \($0.agentsScored)" } == [
            "1 high->high [\"db\"] true",
            "2 medium->medium [\"net\"] true",
            "3 low->info [\"db\"] true",
            "4 medium->medium [\"net\"] false",
            "5 info->medium [] false",
        ])
        #expect(abs(r.severity.accuracy - 0.6) < 1e-12)
        // Agents are scored on rows 1-3 only: db tp 2; net tp 1, fn 1.
        #expect(r.agents.rows == 3)
        #expect(r.agents.scores("db") == ClassScores(truePositives: 2))
        #expect(r.agents.scores("net") == ClassScores(truePositives: 1, falseNegatives: 1))
        #expect(abs(r.agents.micro.f1 - 6.0 / 7.0) < 1e-12)
    }

    /// (rule, fired, severity agreed, label above, label below, agent pairs, agent agreed)
    static let ruleRows: [(String, Int, Int, Int, Int, Int, Int)] = [
        ("outage", 2, 2, 0, 0, 0, 0),
        ("db", 2, 1, 1, 0, 2, 2),
        ("net", 2, 0, 0, 0, 1, 1),
        ("done", 2, 1, 1, 0, 0, 0),
        ("idle", 0, 0, 0, 0, 0, 0),
    ]

    @Test(arguments: ruleRows)
    func ruleStats(row: (String, Int, Int, Int, Int, Int, Int)) throws {
        let s = try Self.report().rules.first { $0.id == row.0 }!
        #expect([s.fired, s.severityAgreed, s.labelAbove, s.labelBelow, s.agentPairs, s.agentAgreed]
            == [row.1, row.2, row.3, row.4, row.5, row.6])
    }

    @Test func agreementRates() throws {
        let rules = try Self.report().rules
        #expect(rules[0].severityAgreement == 1)
        #expect(rules[1].severityAgreement == 0.5)
        #expect(rules[2].severityAgreement == nil)  // agents only
        #expect(rules[2].agentAgreement == 1)
        #expect(rules[4].severityAgreement == nil)  // never fired
    }

    @Test func namedMetricsAndGates() throws {
        let base = try Self.report()
        // The candidate drops the resolved rule: row 3 becomes low (fixed), row 4 becomes high (broken).
        let cand = try Self.report(Self.pack.replacingOccurrences(of: "score: -3}", with: "score: 0}"))
        #expect(Metric.value("accuracy", in: base) == 0.6)
        #expect(Metric.value("recall:medium", in: base) == 1)
        #expect(Metric.value("agent-f1:db", in: base) == 1)
        #expect(Metric.value("agent-f1:nobody", in: base) == 0)
        #expect(Metric.value("f1:urgent", in: base) == nil)
        #expect(Metric.value("nonsense", in: base) == nil)

        let c = Comparison(baseline: base, candidate: cand)
        #expect(c.changed.map { "\($0.candidate.id) \($0.baseline.predicted)->\($0.candidate.predicted) \($0.severityOutcome ?? "-")" } == [
            "3 info->low fixed", "4 medium->high broken",
        ])
        #expect(Metric.value("accuracy", in: cand) == 0.6)
        #expect(c.failures(dropGates: [MetricGate("accuracy:0")!]).isEmpty)
        let recall = c.failures(dropGates: [MetricGate("recall:medium:0.4")!, MetricGate("recall:medium:0.6")!])
        #expect(recall.map(\.gate.description) == ["recall:medium:0.4"])
        #expect(recall.first?.baseline == 1 && recall.first?.value == 0.5)
        #expect(cand.failures(minimums: [MetricGate("accuracy:0.6")!, MetricGate("accuracy:0.7")!]).map(\.gate.limit) == [0.7])
    }

    static let gateTexts: [(String, String?)] = [
        ("macro-f1:0.01", "macro-f1:0.01"), ("recall:critical:0.02", "recall:critical:0.02"),
        ("agent-f1:database:0", "agent-f1:database:0"), ("macro-f1", nil), ("macro-f1:-1", nil), ("f1:urgent:0.1", nil),
        ("speed:0.1", nil), ("macro-f1:x", nil),
    ]

    @Test(arguments: gateTexts)
    func gateParsing(row: (String, String?)) {
        #expect(MetricGate(row.0)?.description == row.1)
    }
}

extension String {
    fileprivate func replacingOccurrences(of a: String, with b: String) -> String {
        split(separator: a, omittingEmptySubsequences: false).joined(separator: b)
    }
}
