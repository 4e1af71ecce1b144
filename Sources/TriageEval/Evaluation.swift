import TriageCore

/// What a pack made of one labelled row.
public struct EvalRow: Sendable, Hashable {
    public var id: String
    public var line: Int
    public var label: Severity
    public var predicted: Severity
    public var score: Double
    /// The labelled agents (empty when the row has none).
    public var labelAgents: [String]
    /// The assigned agents, heaviest first.
    public var predictedAgents: [String]
    public var agentsScored: Bool
    /// Rules that fired, in pack order.
    public var rules: [String]

    public var severityCorrect: Bool { label == predicted }
    public var agentsCorrect: Bool { Set(labelAgents) == Set(predictedAgents) }
}

/// How one rule fared on a corpus.
///
/// - `fired`: rows on which it fired.
/// - Severity agreement, for rules that affect severity (a score, floor,
///   ceiling or override): of the rows it fired on, those whose final
///   severity equals the label; the rest split into rows labelled more severe
///   than the result (`labelAbove`: the pack was too low) and less severe
///   (`labelBelow`: too high).
/// - Agent agreement, for rules that give agents a positive weight: over the
///   rows it fired on whose agents are scored, each (row, agent it argues
///   for) pair counts once, and agrees when the agent is labelled.
public struct RuleStats: Sendable, Hashable {
    public var id: String
    public var fired: Int = 0
    public var affectsSeverity: Bool
    public var severityAgreed: Int = 0
    public var labelAbove: Int = 0
    public var labelBelow: Int = 0
    /// The agents it gives a positive weight.
    public var agents: [String]
    public var agentPairs: Int = 0
    public var agentAgreed: Int = 0

    public var severityAgreement: Double? {
        affectsSeverity && fired > 0 ? Double(severityAgreed) / Double(fired) : nil
    }
    public var agentAgreement: Double? {
        agentPairs > 0 ? Double(agentAgreed) / Double(agentPairs) : nil
    }
}

/// Everything `triage eval` reports about one pack on one corpus.
public struct EvalReport: Sendable, Hashable {
    public var pack: PackMetadata
    public var rows: [EvalRow]
    public var severity: SeverityMetrics
    public var agents: AgentMetrics
    /// Every enabled rule, in pack order.
    public var rules: [RuleStats]
}

public enum Evaluator {
    /// Classifies every row and scores the results against the labels.
    public static func evaluate(_ pack: CompiledPack, corpus: [LabelledIncident]) -> EvalReport {
        let scratch = pack.makeScratch()
        var rows = [EvalRow]()
        var stats = pack.rules.map { r in
            RuleStats(
                id: r.id, affectsSeverity: r.affectsSeverity,
                agents: r.agents.filter { $0.weight > 0 }.map { pack.agents[$0.agent].id })
        }
        for item in corpus {
            let v = pack.classify(item.incident, scratch: scratch)
            let row = EvalRow(
                id: item.incident.id, line: item.line, label: item.severity, predicted: v.severity, score: v.score,
                labelAgents: item.agents ?? [], predictedAgents: v.agents.map(\.id), agentsScored: item.scoresAgents,
                rules: v.rules.map(\.id))
            rows.append(row)
            let labelled = Set(row.labelAgents)
            for fr in v.rules {
                var s = stats[fr.index]
                s.fired += 1
                if s.affectsSeverity {
                    if row.label == row.predicted {
                        s.severityAgreed += 1
                    } else if row.label > row.predicted {
                        s.labelAbove += 1
                    } else {
                        s.labelBelow += 1
                    }
                }
                if row.agentsScored {
                    for a in s.agents {
                        s.agentPairs += 1
                        if labelled.contains(a) { s.agentAgreed += 1 }
                    }
                }
                stats[fr.index] = s
            }
        }
        let severity = SeverityMetrics(pairs: rows.map { ($0.label, $0.predicted) })
        let agents = AgentMetrics(
            rows: rows.filter(\.agentsScored).map { (Set($0.labelAgents), Set($0.predictedAgents)) },
            order: pack.agents.map(\.id))
        return EvalReport(pack: pack.metadata, rows: rows, severity: severity, agents: agents, rules: stats)
    }
}
