/// `unreachable-agent`: an agent that rules do name, but whose weights,
/// all added up (with the title weight where it can apply), stay below
/// `agents.threshold`; or `agents.max: 0`, which assigns no agent at all.
public struct UnreachableAgent: LintCheck {
    public static let id = "unreachable-agent"
    public static let level = LintFinding.Level.warning
    public static let summary = "An agent's weights from every rule together stay below agents.threshold, so it is never assigned."

    public init() {}

    public mutating func finalize(_ context: LintContext) -> [LintFinding] {
        let pack = context.pack
        if pack.maxAgents == 0 {
            return [Self.finding("agents.max is 0, so no agent is ever assigned", at: pack.agents.first?.location)]
        }
        var most = [String: Double]()
        var rulesOf = [String: [String]]()
        for lr in context.enabledRules {
            let r = lr.rule
            let inTitle = lr.leaves.contains { !$0.negated && $0.leaf.fields.contains(.title) }
            let factor = inTitle ? max(1, r.titleWeight ?? pack.titleWeight) : 1
            for w in r.agents where w.weight > 0 {
                most[w.agent, default: 0] += w.weight * factor
                rulesOf[w.agent, default: []].append(r.id)
            }
        }
        var out = [LintFinding]()
        for a in pack.agents {
            guard let m = most[a.id], m < pack.agentThreshold else { continue }
            out.append(
                Self.finding(
                    "agent \"\(a.id)\" is never assigned: all its weights together (\(rulesOf[a.id]!.joined(separator: ", "))) add up to at most \(formatNumber(m)), below agents.threshold \(formatNumber(pack.agentThreshold))",
                    at: a.location, rules: []))
        }
        return out
    }
}
