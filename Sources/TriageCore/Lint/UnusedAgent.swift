/// `unused-agent`: an agent of the catalogue that no enabled rule gives a
/// positive weight, so it is never assigned.
public struct UnusedAgent: LintCheck {
    public static let id = "unused-agent"
    public static let level = LintFinding.Level.warning
    public static let summary = "An agent of the catalogue gets a positive weight from no enabled rule."

    public init() {}

    public mutating func finalize(_ context: LintContext) -> [LintFinding] {
        var enabled = Set<String>()
        var disabled = Set<String>()
        for r in context.pack.rules {
            for w in r.agents where w.weight > 0 {
                if r.enabled { enabled.insert(w.agent) } else { disabled.insert(w.agent) }
            }
        }
        return context.pack.agents.filter { !enabled.contains($0.id) }.map { a in
            Self.finding(
                "agent \"\(a.id)\" is never assigned: "
                    + (disabled.contains(a.id) ? "only disabled rules give it a weight" : "no rule gives it a positive weight"),
                at: a.location)
        }
    }
}
