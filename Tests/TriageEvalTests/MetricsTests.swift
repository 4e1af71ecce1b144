import Testing
import TriageCore
@testable import TriageEval

/// Precision, recall and F1 against values worked out by hand.
@Suite struct MetricsTests {
    /// (tp, fp, fn) → (precision, recall, f1)
    static let classRows: [(Int, Int, Int, Double, Double, Double)] = [
        (0, 0, 0, 0, 0, 0),
        (5, 0, 0, 1, 1, 1),
        (3, 1, 2, 0.75, 0.6, 0.9 / 1.35),
        (0, 4, 0, 0, 0, 0),
        (0, 0, 4, 0, 0, 0),
        (1, 1, 1, 0.5, 0.5, 0.5),
        (2, 0, 6, 1, 0.25, 0.4),
        (6, 2, 0, 0.75, 1, 6.0 / 7.0),
        (1, 9, 0, 0.1, 1, 0.2 / 1.1),
        (9, 1, 1, 0.9, 0.9, 0.9),
        (2, 2, 0, 0.5, 1, 2.0 / 3.0),
        (1, 0, 3, 1, 0.25, 0.4),
    ]

    @Test(arguments: classRows)
    func classScores(row: (Int, Int, Int, Double, Double, Double)) {
        let s = ClassScores(truePositives: row.0, falsePositives: row.1, falseNegatives: row.2)
        #expect(abs(s.precision - row.3) < 1e-12)
        #expect(abs(s.recall - row.4) < 1e-12)
        #expect(abs(s.f1 - row.5) < 1e-12)
        #expect(s.support == row.0 + row.2)
        #expect(s.predicted == row.0 + row.1)
    }

    struct SeverityCase: Sendable, CustomStringConvertible {
        var name: String
        var pairs: [(Severity, Severity)]
        /// critical, high, medium, low, info: (precision, recall, f1)
        var perClass: [Severity: (Double, Double, Double)]
        var classes: [Severity]
        var accuracy: Double
        var withinOne: Double
        var macroF1: Double
        var description: String { name }
    }

    static let severityCases: [SeverityCase] = [
        SeverityCase(
            name: "ten rows, every class",
            pairs: [
                (.critical, .critical), (.critical, .high), (.high, .high), (.high, .high), (.high, .medium),
                (.medium, .medium), (.medium, .low), (.low, .low), (.low, .medium), (.info, .low),
            ],
            perClass: [
                .critical: (1, 0.5, 2.0 / 3.0), .high: (2.0 / 3.0, 2.0 / 3.0, 2.0 / 3.0), .medium: (1.0 / 3.0, 0.5, 0.4),
                .low: (1.0 / 3.0, 0.5, 0.4), .info: (0, 0, 0),
            ],
            classes: [.critical, .high, .medium, .low, .info], accuracy: 0.5, withinOne: 1,
            macroF1: (2.0 / 3.0 + 2.0 / 3.0 + 0.4 + 0.4 + 0) / 5),
        SeverityCase(
            name: "a class nobody used is left out of the macro average",
            pairs: [(.high, .high), (.high, .critical), (.low, .info)],
            perClass: [.high: (1, 0.5, 2.0 / 3.0), .critical: (0, 0, 0), .low: (0, 0, 0), .info: (0, 0, 0), .medium: (0, 0, 0)],
            classes: [.critical, .high, .low, .info], accuracy: 1.0 / 3.0, withinOne: 1, macroF1: (2.0 / 3.0) / 4),
        SeverityCase(
            name: "two levels off", pairs: [(.critical, .medium), (.critical, .critical)],
            perClass: [.critical: (1, 0.5, 2.0 / 3.0), .medium: (0, 0, 0)], classes: [.critical, .medium],
            accuracy: 0.5, withinOne: 0.5, macroF1: 1.0 / 3.0),
        SeverityCase(
            name: "all correct", pairs: [(.low, .low), (.info, .info), (.low, .low)],
            perClass: [.low: (1, 1, 1), .info: (1, 1, 1)], classes: [.low, .info], accuracy: 1, withinOne: 1, macroF1: 1),
        SeverityCase(name: "no rows", pairs: [], perClass: [:], classes: [], accuracy: 0, withinOne: 0, macroF1: 0),
    ]

    @Test(arguments: severityCases)
    func severity(c: SeverityCase) {
        let m = SeverityMetrics(pairs: c.pairs.map { (label: $0.0, predicted: $0.1) })
        #expect(m.classes == c.classes)
        #expect(abs(m.accuracy - c.accuracy) < 1e-12)
        #expect(abs(m.withinOne - c.withinOne) < 1e-12)
        #expect(abs(m.macroF1 - c.macroF1) < 1e-12)
        for (s, v) in c.perClass {
            let got = m.perClass[s]!
            #expect(abs(got.precision - v.0) < 1e-12, "\(s) precision")
            #expect(abs(got.recall - v.1) < 1e-12, "\(s) recall")
            #expect(abs(got.f1 - v.2) < 1e-12, "\(s) f1")
        }
        #expect(m.matrix.total == c.pairs.count)
    }

    @Test func confusionMatrixCells() {
        let m = SeverityMetrics(pairs: Self.severityCases[0].pairs.map { (label: $0.0, predicted: $0.1) }).matrix
        #expect(m.counts == [
            [1, 1, 0, 0, 0],
            [0, 2, 1, 0, 0],
            [0, 0, 1, 1, 0],
            [0, 0, 1, 1, 0],
            [0, 0, 0, 1, 0],
        ])
        #expect(m.count(label: .low, predicted: .medium) == 1)
        #expect(m.correct == 5)
    }

    @Test func agents() {
        let rows: [(label: Set<String>, predicted: Set<String>)] = [
            (["db"], ["db"]),
            (["db", "net"], ["db"]),
            (["net"], ["dns"]),
            (["storage"], ["storage", "db"]),
            ([], []),
            (["zeta"], []),
        ]
        let m = AgentMetrics(rows: rows, order: ["db", "net", "dns", "storage", "auth"])
        #expect(m.perAgent.map(\.agent) == ["db", "net", "dns", "storage", "auth", "zeta"])
        let table: [String: (Int, Int, Int, Double)] = [
            "db": (2, 1, 0, 0.8), "net": (0, 0, 2, 0), "dns": (0, 1, 0, 0), "storage": (1, 0, 0, 1), "auth": (0, 0, 0, 0),
            "zeta": (0, 0, 1, 0),
        ]
        for (a, v) in table {
            let s = m.scores(a)!
            #expect([s.truePositives, s.falsePositives, s.falseNegatives] == [v.0, v.1, v.2], "\(a)")
            #expect(abs(s.f1 - v.3) < 1e-12, "\(a)")
        }
        #expect(m.occurring.map(\.agent) == ["db", "net", "dns", "storage", "zeta"])
        let micro = m.micro
        #expect([micro.truePositives, micro.falsePositives, micro.falseNegatives] == [3, 2, 3])
        #expect(abs(micro.precision - 0.6) < 1e-12)
        #expect(abs(micro.recall - 0.5) < 1e-12)
        #expect(abs(micro.f1 - 6.0 / 11.0) < 1e-12)
        #expect(abs(m.macroF1 - (0.8 + 0 + 0 + 1 + 0) / 5) < 1e-12)
        #expect(abs(m.macroPrecision - (2.0 / 3.0 + 0 + 0 + 1 + 0) / 5) < 1e-12)
        #expect(abs(m.macroRecall - (1 + 0 + 0 + 1 + 0) / 5) < 1e-12)
        #expect(m.exactMatches == 2)
        #expect(abs(m.exactMatchRate - 2.0 / 6.0) < 1e-12)
    }
}
