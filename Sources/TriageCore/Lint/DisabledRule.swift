/// `disabled-rule`: a rule with `enabled: false`, checked but never used.
public struct DisabledRule: LintCheck {
    public static let id = "disabled-rule"
    public static let level = LintFinding.Level.info
    public static let summary = "The rule is disabled: it is checked but never fires."

    public init() {}

    public mutating func check(_ rule: LintRule, _ context: LintContext) -> [LintFinding] {
        guard !rule.rule.enabled else { return [] }
        return [Self.finding("rule \"\(rule.id)\" is disabled", at: rule.rule.location, rules: [rule.id])]
    }
}
