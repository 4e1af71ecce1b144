/// `no-effect`: a rule, or part of one, that changes nothing when it fires.
///
/// - no score, floor, ceiling, override or agent weight at all;
/// - `floor: info` (nothing is below info) or `ceiling: critical` (nothing is above);
/// - a score next to an `override`, which decides the severity whatever the score.
public struct NoEffect: LintCheck {
    public static let id = "no-effect"
    public static let level = LintFinding.Level.info
    public static let summary = "The rule, or one of its settings, changes nothing when it fires."

    public init() {}

    public mutating func check(_ lr: LintRule, _ context: LintContext) -> [LintFinding] {
        let r = lr.rule
        guard r.enabled else { return [] }
        var out = [LintFinding]()
        func add(_ message: String) {
            out.append(Self.finding("rule \"\(r.id)\" \(message)", at: r.location, rules: [r.id]))
        }
        if r.score == 0 && r.floor == nil && r.ceiling == nil && r.override == nil && !r.agents.contains(where: { $0.weight != 0 }) {
            add("has no effect when it fires: no score, floor, ceiling, override or agent weight")
        }
        if r.floor == .info { add("has floor info, which raises nothing") }
        if r.ceiling == .critical { add("has ceiling critical, which lowers nothing") }
        if r.override != nil && r.score != 0 {
            add("has score \(formatNumber(r.score)) and override \(r.override!): the override decides the severity, so the score changes nothing")
        }
        return out
    }
}
