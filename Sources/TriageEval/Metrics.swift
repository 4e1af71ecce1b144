import TriageCore

/// Counts for one class (a severity, or an agent) and the scores derived from them.
///
/// Precision is 0 when nothing was predicted as the class, recall is 0 when
/// no row is labelled with it, and F1 is 0 when precision and recall are
/// both 0 (the convention of scikit-learn's `zero_division=0`).
public struct ClassScores: Sendable, Hashable {
    public var truePositives: Int
    public var falsePositives: Int
    public var falseNegatives: Int

    public init(truePositives: Int = 0, falsePositives: Int = 0, falseNegatives: Int = 0) {
        self.truePositives = truePositives
        self.falsePositives = falsePositives
        self.falseNegatives = falseNegatives
    }

    /// Rows labelled with the class.
    public var support: Int { truePositives + falseNegatives }
    /// Rows predicted as the class.
    public var predicted: Int { truePositives + falsePositives }

    public var precision: Double { predicted == 0 ? 0 : Double(truePositives) / Double(predicted) }
    public var recall: Double { support == 0 ? 0 : Double(truePositives) / Double(support) }
    public var f1: Double {
        let p = precision
        let r = recall
        return p + r == 0 ? 0 : 2 * p * r / (p + r)
    }

    /// Whether the class occurs at all, in the labels or the predictions.
    public var occurs: Bool { support > 0 || predicted > 0 }

    public static func + (a: ClassScores, b: ClassScores) -> ClassScores {
        ClassScores(
            truePositives: a.truePositives + b.truePositives, falsePositives: a.falsePositives + b.falsePositives,
            falseNegatives: a.falseNegatives + b.falseNegatives)
    }
}

/// Rows are labels, columns predictions: `counts[label][predicted]`.
public struct ConfusionMatrix<Label: Hashable & Sendable>: Sendable, Hashable {
    public let labels: [Label]
    public private(set) var counts: [[Int]]
    private let index: [Label: Int]

    public init(labels: [Label]) {
        self.labels = labels
        counts = Array(repeating: Array(repeating: 0, count: labels.count), count: labels.count)
        var index = [Label: Int]()
        for (i, l) in labels.enumerated() { index[l] = i }
        self.index = index
    }

    public mutating func add(label: Label, predicted: Label) {
        counts[index[label]!][index[predicted]!] += 1
    }

    public func count(label: Label, predicted: Label) -> Int { counts[index[label]!][index[predicted]!] }

    public var total: Int { counts.joined().reduce(0, +) }
    public var correct: Int { labels.indices.map { counts[$0][$0] }.reduce(0, +) }

    /// One class against the rest.
    public func scores(_ l: Label) -> ClassScores {
        let i = index[l]!
        let tp = counts[i][i]
        let row = counts[i].reduce(0, +)
        let column = counts.map { $0[i] }.reduce(0, +)
        return ClassScores(truePositives: tp, falsePositives: column - tp, falseNegatives: row - tp)
    }
}

/// Severity as a single-label classification.
public struct SeverityMetrics: Sendable, Hashable {
    /// From critical down to info.
    public var matrix: ConfusionMatrix<Severity>
    public var perClass: [Severity: ClassScores]
    /// The classes that appear in the labels or the predictions; macro
    /// averages are taken over these (a class nobody used is left out rather
    /// than counted as 0).
    public var classes: [Severity]

    public init(pairs: [(label: Severity, predicted: Severity)]) {
        var m = ConfusionMatrix(labels: Severity.descending)
        for p in pairs { m.add(label: p.label, predicted: p.predicted) }
        matrix = m
        var per = [Severity: ClassScores]()
        for s in Severity.descending { per[s] = m.scores(s) }
        perClass = per
        classes = Severity.descending.filter { per[$0]!.occurs }
    }

    public var rows: Int { matrix.total }
    /// The share of rows whose severity is exactly the label.
    public var accuracy: Double { rows == 0 ? 0 : Double(matrix.correct) / Double(rows) }
    /// The share of rows at most one level away from the label (severity is ordinal).
    public var withinOne: Double {
        guard rows > 0 else { return 0 }
        var n = 0
        for l in Severity.allCases {
            for p in Severity.allCases where abs(l.rawValue - p.rawValue) <= 1 { n += matrix.count(label: l, predicted: p) }
        }
        return Double(n) / Double(rows)
    }
    public var macroPrecision: Double { mean(classes.map { perClass[$0]!.precision }) }
    public var macroRecall: Double { mean(classes.map { perClass[$0]!.recall }) }
    public var macroF1: Double { mean(classes.map { perClass[$0]!.f1 }) }
}

/// Agents as a multi-label classification: each scored row compares the
/// set of assigned agents with the set of labelled agents, and every agent
/// counts a true positive (in both), a false positive (assigned only) or a
/// false negative (labelled only).
public struct AgentMetrics: Sendable, Hashable {
    /// Per agent, in the order given (the pack's catalogue), then any
    /// other labelled agent by name.
    public var perAgent: [(agent: String, scores: ClassScores)]
    /// Rows whose agents were scored.
    public var rows: Int
    /// Scored rows whose assigned set is exactly the labelled set.
    public var exactMatches: Int

    public init(rows: [(label: Set<String>, predicted: Set<String>)], order: [String]) {
        var per = [String: ClassScores]()
        var exact = 0
        for r in rows {
            if r.label == r.predicted { exact += 1 }
            for a in r.label.union(r.predicted) {
                var s = per[a, default: ClassScores()]
                if r.label.contains(a) && r.predicted.contains(a) {
                    s.truePositives += 1
                } else if r.predicted.contains(a) {
                    s.falsePositives += 1
                } else {
                    s.falseNegatives += 1
                }
                per[a] = s
            }
        }
        let known = Set(order)
        let names = order + per.keys.filter { !known.contains($0) }.sorted()
        perAgent = names.map { ($0, per[$0] ?? ClassScores()) }
        self.rows = rows.count
        exactMatches = exact
    }

    public func scores(_ agent: String) -> ClassScores? { perAgent.first { $0.agent == agent }?.scores }

    /// The agents that appear in the labels or the predictions.
    public var occurring: [(agent: String, scores: ClassScores)] { perAgent.filter { $0.scores.occurs } }

    /// Counts summed over agents, then scored.
    public var micro: ClassScores { perAgent.map(\.scores).reduce(ClassScores(), +) }
    public var macroPrecision: Double { mean(occurring.map(\.scores.precision)) }
    public var macroRecall: Double { mean(occurring.map(\.scores.recall)) }
    public var macroF1: Double { mean(occurring.map(\.scores.f1)) }
    public var exactMatchRate: Double { rows == 0 ? 0 : Double(exactMatches) / Double(rows) }

    public static func == (a: AgentMetrics, b: AgentMetrics) -> Bool {
        a.rows == b.rows && a.exactMatches == b.exactMatches && a.perAgent.map(\.agent) == b.perAgent.map(\.agent)
            && a.perAgent.map(\.scores) == b.perAgent.map(\.scores)
    }

    public func hash(into h: inout Hasher) {
        h.combine(rows)
        h.combine(exactMatches)
        for p in perAgent {
            h.combine(p.agent)
            h.combine(p.scores)
        }
    }
}

func mean(_ xs: [Double]) -> Double { xs.isEmpty ? 0 : xs.reduce(0, +) / Double(xs.count) }
