import TriageCore

/// Named metrics, so CI can gate on any of them: `macro-f1`, `accuracy`,
/// `within-one`, `macro-precision`, `macro-recall`, `precision:SEVERITY`,
/// `recall:SEVERITY`, `f1:SEVERITY`, `agent-micro-precision`,
/// `agent-micro-recall`, `agent-micro-f1`, `agent-macro-precision`,
/// `agent-macro-recall`, `agent-macro-f1`, `agent-exact`,
/// `agent-precision:AGENT`, `agent-recall:AGENT`, `agent-f1:AGENT`.
public enum Metric {
    /// The summary metrics, in the order reports list them.
    public static let summary = [
        "accuracy", "within-one", "macro-precision", "macro-recall", "macro-f1", "agent-micro-precision",
        "agent-micro-recall", "agent-micro-f1", "agent-macro-precision", "agent-macro-recall", "agent-macro-f1",
        "agent-exact",
    ]

    /// The value of the named metric, or nil when there is no such metric.
    public static func value(_ name: String, in r: EvalReport) -> Double? {
        switch name {
        case "accuracy": return r.severity.accuracy
        case "within-one": return r.severity.withinOne
        case "macro-precision": return r.severity.macroPrecision
        case "macro-recall": return r.severity.macroRecall
        case "macro-f1": return r.severity.macroF1
        case "agent-micro-precision": return r.agents.micro.precision
        case "agent-micro-recall": return r.agents.micro.recall
        case "agent-micro-f1": return r.agents.micro.f1
        case "agent-macro-precision": return r.agents.macroPrecision
        case "agent-macro-recall": return r.agents.macroRecall
        case "agent-macro-f1": return r.agents.macroF1
        case "agent-exact": return r.agents.exactMatchRate
        default: break
        }
        guard let colon = name.firstIndex(of: ":") else { return nil }
        let kind = String(name[..<colon])
        let arg = String(name[name.index(after: colon)...])
        if let s = Severity(name: arg), let c = r.severity.perClass[s] {
            switch kind {
            case "precision": return c.precision
            case "recall": return c.recall
            case "f1": return c.f1
            default: return nil
            }
        }
        let a = r.agents.scores(arg) ?? ClassScores()
        switch kind {
        case "agent-precision": return a.precision
        case "agent-recall": return a.recall
        case "agent-f1": return a.f1
        default: return nil
        }
    }

    /// Whether `name` is a metric (agent metrics accept any agent name).
    public static func isKnown(_ name: String) -> Bool {
        if summary.contains(name) { return true }
        guard let colon = name.firstIndex(of: ":") else { return false }
        let kind = String(name[..<colon])
        let arg = String(name[name.index(after: colon)...])
        if ["precision", "recall", "f1"].contains(kind) { return Severity(name: arg) != nil }
        return ["agent-precision", "agent-recall", "agent-f1"].contains(kind) && !arg.isEmpty
    }

    public static var examples: [String] {
        summary + ["precision:critical", "recall:critical", "f1:critical", "agent-f1:database"]
    }
}

/// A limit a metric must respect: `--fail-on METRIC:TOLERANCE` (no drop from
/// the baseline by more than the tolerance) or `--fail-under METRIC:MINIMUM`.
public struct MetricGate: Sendable, Hashable, CustomStringConvertible {
    public var metric: String
    public var limit: Double

    /// Parses `macro-f1:0.01` or `recall:critical:0.02` (the number after the last colon).
    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let v = Double(text[text.index(after: colon)...]), v.isFinite, v >= 0
        else { return nil }
        metric = String(text[..<colon])
        limit = v
        guard Metric.isKnown(metric) else { return nil }
    }

    public var description: String { "\(metric):\(SeverityDecision.format(limit))" }
}

/// A gate that tripped.
public struct GateFailure: Sendable, Hashable {
    public var gate: MetricGate
    public var value: Double
    /// The baseline's value, for drop gates.
    public var baseline: Double?
}

/// Two packs on the same corpus.
public struct Comparison: Sendable, Hashable {
    public var baseline: EvalReport
    public var candidate: EvalReport
    /// Rows whose severity or (scored) agents differ between the packs.
    public var changed: [Change]

    /// One incident the two packs treat differently.
    public struct Change: Sendable, Hashable {
        public var baseline: EvalRow
        public var candidate: EvalRow

        public var severityChanged: Bool { baseline.predicted != candidate.predicted }
        public var agentsChanged: Bool { Set(baseline.predictedAgents) != Set(candidate.predictedAgents) }

        /// `fixed` when the candidate now matches the label and the baseline
        /// did not, `broken` for the reverse; for severity, which is ordinal,
        /// otherwise `closer` or `further` (from the label), and `changed`
        /// for agents. nil when that part did not change.
        public var severityOutcome: String? {
            guard severityChanged else { return nil }
            let o = Self.outcome(baseline.severityCorrect, candidate.severityCorrect)
            guard o == "changed" else { return o }
            let before = abs(baseline.predicted.rawValue - baseline.label.rawValue)
            let after = abs(candidate.predicted.rawValue - candidate.label.rawValue)
            return after < before ? "closer" : after > before ? "further" : "changed"
        }
        public var agentsOutcome: String? {
            guard agentsChanged else { return nil }
            guard candidate.agentsScored else { return "unscored" }
            return Self.outcome(baseline.agentsCorrect, candidate.agentsCorrect)
        }

        static func outcome(_ before: Bool, _ after: Bool) -> String {
            after && !before ? "fixed" : before && !after ? "broken" : "changed"
        }
    }

    public init(baseline: EvalReport, candidate: EvalReport) {
        self.baseline = baseline
        self.candidate = candidate
        changed = zip(baseline.rows, candidate.rows).compactMap { b, c in
            let change = Change(baseline: b, candidate: c)
            return change.severityChanged || change.agentsChanged ? change : nil
        }
    }

    /// The `--fail-on` gates a drop from the baseline trips.
    public func failures(dropGates: [MetricGate]) -> [GateFailure] {
        dropGates.compactMap { g in
            guard let b = Metric.value(g.metric, in: baseline), let c = Metric.value(g.metric, in: candidate) else { return nil }
            return b - c > g.limit + 1e-12 ? GateFailure(gate: g, value: c, baseline: b) : nil
        }
    }
}

extension EvalReport {
    /// The `--fail-under` gates this report trips.
    public func failures(minimums: [MetricGate]) -> [GateFailure] {
        minimums.compactMap { g in
            guard let v = Metric.value(g.metric, in: self) else { return nil }
            return v + 1e-12 < g.limit ? GateFailure(gate: g, value: v, baseline: nil) : nil
        }
    }
}
