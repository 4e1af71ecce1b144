import Foundation
import TriageCore
import TriageEval
import TriageIO

/// `triage eval` output: one pack's metrics, or two packs side by side.
enum EvalRenderer {
    static func f3(_ x: Double) -> String { String(format: "%.3f", x) }
    static func signed3(_ x: Double) -> String { (x > 0 ? "+" : x < 0 ? "" : "±") + String(format: "%.3f", x) }

    static func pad(_ s: String, _ n: Int) -> String {
        s.count >= n ? s : s + String(repeating: " ", count: n - s.count)
    }

    /// Columns padded to their widest cell; `rightAligned` columns (numbers) pad on the left.
    static func table(_ rows: [[String]], rightAligned: Set<Int> = []) -> [String] {
        guard let n = rows.map(\.count).max() else { return [] }
        var widths = [Int](repeating: 0, count: n)
        for r in rows { for (i, c) in r.enumerated() { widths[i] = max(widths[i], c.count) } }
        return rows.map { r in
            let line = r.enumerated().map { i, c in
                rightAligned.contains(i)
                    ? String(repeating: " ", count: widths[i] - c.count) + c
                    : i == r.count - 1 ? c : pad(c, widths[i])
            }.joined(separator: "  ")
            return String(line.reversed().drop(while: { $0 == " " }).reversed())
        }
    }

    static func packLine(_ label: String, _ m: PackMetadata, _ path: String) -> String {
        "\(pad(label, 9)) \(m.name) \(m.version) (\(m.hash)) from \(path)"
    }

    // MARK: One pack

    static func text(_ r: EvalReport, packPath: String, corpus: String) -> String {
        var out = [packLine("pack", r.pack, packPath)]
        out.append("\(pad("corpus", 9)) \(corpus): \(plural(r.rows.count, "row")), agents scored on \(r.agents.rows)")
        out.append("")
        out += severityText(r.severity)
        out.append("")
        out += agentsText(r.agents)
        out.append("")
        out += rulesText(r.rules)
        return out.joined(separator: "\n")
    }

    static func severityText(_ s: SeverityMetrics) -> [String] {
        var out = [
            "severity: accuracy \(f3(s.accuracy)), within one level \(f3(s.withinOne)), macro-F1 \(f3(s.macroF1)) over \(plural(s.classes.count, "class", "classes"))"
        ]
        var rows = [["", "precision", "recall", "f1", "labelled", "predicted"]]
        for sev in Severity.descending {
            let c = s.perClass[sev]!
            rows.append([sev.name, f3(c.precision), f3(c.recall), f3(c.f1), "\(c.support)", "\(c.predicted)"])
        }
        out += table(rows).map { "  " + $0 }
        out.append("")
        out.append("confusion matrix (rows: label, columns: predicted)")
        var m = [[""] + Severity.descending.map(\.name)]
        for l in Severity.descending {
            m.append([l.name] + Severity.descending.map { "\(s.matrix.count(label: l, predicted: $0))" })
        }
        out += table(m).map { "  " + $0 }
        return out
    }

    static func agentsText(_ a: AgentMetrics) -> [String] {
        let micro = a.micro
        var out = [
            "agents: micro precision \(f3(micro.precision)), recall \(f3(micro.recall)), F1 \(f3(micro.f1)); macro F1 \(f3(a.macroF1)) over \(plural(a.occurring.count, "agent")); exact set \(f3(a.exactMatchRate)) of \(plural(a.rows, "row"))"
        ]
        var rows = [["", "precision", "recall", "f1", "labelled", "predicted"]]
        for (agent, c) in a.perAgent {
            rows.append([agent, f3(c.precision), f3(c.recall), f3(c.f1), "\(c.support)", "\(c.predicted)"])
        }
        out += table(rows).map { "  " + $0 }
        return out
    }

    static func rulesText(_ rules: [RuleStats]) -> [String] {
        var out = [
            "rules: how often each fired, and how often it agreed with the label when it did",
            "  (severity: the final severity equals the label, else the label was above or below it;",
            "   agents: the share of the agents the rule argued for that the row's label names)",
        ]
        var rows = [["rule", "fired", "severity", "label above", "label below", "agents"]]
        for s in rules {
            rows.append([
                s.id, "\(s.fired)", s.severityAgreement.map(f3) ?? "-", s.affectsSeverity ? "\(s.labelAbove)" : "-",
                s.affectsSeverity ? "\(s.labelBelow)" : "-", s.agentAgreement.map(f3) ?? "-",
            ])
        }
        out += table(rows).map { "  " + $0 }
        return out
    }

    // MARK: Two packs

    static func comparisonText(_ c: Comparison, baselinePath: String, candidatePath: String, corpus: String) -> String {
        var out = [packLine("baseline", c.baseline.pack, baselinePath), packLine("candidate", c.candidate.pack, candidatePath)]
        out.append("\(pad("corpus", 9)) \(corpus): \(plural(c.candidate.rows.count, "row")), agents scored on \(c.candidate.agents.rows)")
        out.append("")
        var rows = [["metric", "baseline", "candidate", "change"]]
        for name in comparedMetrics(c) {
            let b = Metric.value(name, in: c.baseline) ?? 0
            let n = Metric.value(name, in: c.candidate) ?? 0
            rows.append([name, f3(b), f3(n), abs(n - b) < 5e-4 ? "" : signed3(n - b)])
        }
        out += table(rows)
        out.append("")
        var ruleRows = [["rule", "fired before", "fired after"]]
        let before = Dictionary(c.baseline.rules.map { ($0.id, $0.fired) }, uniquingKeysWith: { a, _ in a })
        let after = Dictionary(c.candidate.rules.map { ($0.id, $0.fired) }, uniquingKeysWith: { a, _ in a })
        for id in (c.baseline.rules.map(\.id) + c.candidate.rules.map(\.id).filter { before[$0] == nil }) where before[id] != after[id] {
            ruleRows.append([id, before[id].map(String.init) ?? "-", after[id].map(String.init) ?? "-"])
        }
        if ruleRows.count > 1 {
            out.append("rules that fire on a different number of rows")
            out += table(ruleRows).map { "  " + $0 }
            out.append("")
        }
        let fixed = c.changed.filter { $0.severityOutcome == "fixed" || $0.agentsOutcome == "fixed" }.count
        let broken = c.changed.filter { $0.severityOutcome == "broken" || $0.agentsOutcome == "broken" }.count
        out.append(
            "changed incidents (\(c.changed.count)): \(fixed) now match their label where they did not, \(broken) no longer match it")
        for ch in c.changed {
            var parts = [String]()
            if let o = ch.severityOutcome {
                parts.append("severity \(ch.baseline.predicted) -> \(ch.candidate.predicted) (label \(ch.candidate.label): \(o))")
            }
            if let o = ch.agentsOutcome {
                parts.append(
                    "agents \(list(ch.baseline.predictedAgents)) -> \(list(ch.candidate.predictedAgents)) (label \(list(ch.candidate.labelAgents)): \(o))")
            }
            out.append("  \(ch.candidate.id)  " + parts.joined(separator: "; "))
        }
        return out.joined(separator: "\n")
    }

    /// The summary metrics, then per severity and per agent.
    static func comparedMetrics(_ c: Comparison) -> [String] {
        var names = Metric.summary
        for s in Severity.descending { names += ["precision:\(s)", "recall:\(s)", "f1:\(s)"] }
        for a in c.candidate.agents.perAgent.map(\.agent) { names.append("agent-f1:\(a)") }
        return names
    }

    static func list(_ xs: [String]) -> String { "[" + xs.joined(separator: ", ") + "]" }

    static func gateText(_ failures: [GateFailure], checked: Int) -> [String] {
        guard checked > 0 else { return [] }
        if failures.isEmpty { return ["", "gates: \(plural(checked, "gate")) checked, none tripped"] }
        var out = ["", "gates: \(failures.count) of \(checked) tripped"]
        for f in failures {
            if let b = f.baseline {
                out.append(
                    "  \(f.gate.metric) dropped by \(f3(b - f.value)) (\(f3(b)) -> \(f3(f.value))), more than the tolerance \(SeverityDecision.format(f.gate.limit))")
            } else {
                out.append("  \(f.gate.metric) is \(f3(f.value)), below the minimum \(SeverityDecision.format(f.gate.limit))")
            }
        }
        return out
    }

    // MARK: JSON

    static func reportJSON(_ w: inout JSONWriter, _ r: EvalReport) {
        w.beginObject()
        w.key("pack"); w.packMetadata(r.pack)
        w.key("rows"); w.int(r.rows.count)
        w.key("severity")
        w.beginObject()
        w.key("accuracy"); w.double(r.severity.accuracy)
        w.key("withinOne"); w.double(r.severity.withinOne)
        w.key("macroPrecision"); w.double(r.severity.macroPrecision)
        w.key("macroRecall"); w.double(r.severity.macroRecall)
        w.key("macroF1"); w.double(r.severity.macroF1)
        w.key("macroClasses"); w.beginArray(); for s in r.severity.classes { w.string(s.name) }; w.endArray()
        w.key("perClass")
        w.beginObject()
        for s in Severity.descending {
            w.key(s.name)
            scoresJSON(&w, r.severity.perClass[s]!)
        }
        w.endObject()
        w.key("confusion")
        w.beginObject()
        w.key("labels"); w.beginArray(); for s in Severity.descending { w.string(s.name) }; w.endArray()
        w.key("counts")
        w.beginArray()
        for row in r.severity.matrix.counts {
            w.beginArray()
            for n in row { w.int(n) }
            w.endArray()
        }
        w.endArray()
        w.endObject()
        w.endObject()
        w.key("agents")
        w.beginObject()
        w.key("rows"); w.int(r.agents.rows)
        w.key("exactMatch"); w.double(r.agents.exactMatchRate)
        w.key("micro"); scoresJSON(&w, r.agents.micro)
        w.key("macroPrecision"); w.double(r.agents.macroPrecision)
        w.key("macroRecall"); w.double(r.agents.macroRecall)
        w.key("macroF1"); w.double(r.agents.macroF1)
        w.key("perAgent")
        w.beginObject()
        for (a, c) in r.agents.perAgent {
            w.key(a)
            scoresJSON(&w, c)
        }
        w.endObject()
        w.endObject()
        w.key("rules")
        w.beginArray()
        for s in r.rules {
            w.beginObject()
            w.key("id"); w.string(s.id)
            w.key("fired"); w.int(s.fired)
            w.key("affectsSeverity"); w.bool(s.affectsSeverity)
            w.key("severityAgreed"); w.int(s.severityAgreed)
            w.key("labelAbove"); w.int(s.labelAbove)
            w.key("labelBelow"); w.int(s.labelBelow)
            w.key("severityAgreement"); if let x = s.severityAgreement { w.double(x) } else { w.null() }
            w.key("agents"); w.beginArray(); for a in s.agents { w.string(a) }; w.endArray()
            w.key("agentPairs"); w.int(s.agentPairs)
            w.key("agentAgreed"); w.int(s.agentAgreed)
            w.key("agentAgreement"); if let x = s.agentAgreement { w.double(x) } else { w.null() }
            w.endObject()
        }
        w.endArray()
        w.endObject()
    }

    static func scoresJSON(_ w: inout JSONWriter, _ c: ClassScores) {
        w.beginObject()
        w.key("precision"); w.double(c.precision)
        w.key("recall"); w.double(c.recall)
        w.key("f1"); w.double(c.f1)
        w.key("truePositives"); w.int(c.truePositives)
        w.key("falsePositives"); w.int(c.falsePositives)
        w.key("falseNegatives"); w.int(c.falseNegatives)
        w.endObject()
    }

    static func gatesJSON(_ w: inout JSONWriter, drop: [MetricGate], minimum: [MetricGate], failures: [GateFailure]) {
        w.beginArray()
        for (kind, gates) in [("drop", drop), ("minimum", minimum)] {
            for g in gates {
                let f = failures.first { $0.gate == g && ($0.baseline != nil) == (kind == "drop") }
                w.beginObject()
                w.key("metric"); w.string(g.metric)
                w.key("kind"); w.string(kind)
                w.key("limit"); w.double(g.limit)
                w.key("failed"); w.bool(f != nil)
                w.endObject()
            }
        }
        w.endArray()
    }

    static func comparisonJSON(_ w: inout JSONWriter, _ c: Comparison) {
        w.key("baseline"); reportJSON(&w, c.baseline)
        w.key("candidate"); reportJSON(&w, c.candidate)
        w.key("metrics")
        w.beginArray()
        for name in comparedMetrics(c) {
            let b = Metric.value(name, in: c.baseline) ?? 0
            let n = Metric.value(name, in: c.candidate) ?? 0
            w.beginObject()
            w.key("name"); w.string(name)
            w.key("baseline"); w.double(b)
            w.key("candidate"); w.double(n)
            w.key("change"); w.double(n - b)
            w.endObject()
        }
        w.endArray()
        w.key("changed")
        w.beginArray()
        for ch in c.changed {
            w.beginObject()
            w.key("id"); w.string(ch.candidate.id)
            w.key("line"); w.int(ch.candidate.line)
            w.key("label")
            w.beginObject()
            w.key("severity"); w.string(ch.candidate.label.name)
            w.key("agents"); w.beginArray(); for a in ch.candidate.labelAgents { w.string(a) }; w.endArray()
            w.endObject()
            for (k, row) in [("baseline", ch.baseline), ("candidate", ch.candidate)] {
                w.key(k)
                w.beginObject()
                w.key("severity"); w.string(row.predicted.name)
                w.key("score"); w.double(row.score)
                w.key("agents"); w.beginArray(); for a in row.predictedAgents { w.string(a) }; w.endArray()
                w.key("rules"); w.beginArray(); for a in row.rules { w.string(a) }; w.endArray()
                w.endObject()
            }
            w.key("severityOutcome"); if let o = ch.severityOutcome { w.string(o) } else { w.null() }
            w.key("agentsOutcome"); if let o = ch.agentsOutcome { w.string(o) } else { w.null() }
            w.endObject()
        }
        w.endArray()
    }
}

func plural(_ n: Int, _ word: String, _ many: String) -> String { "\(n) \(n == 1 ? word : many)" }
