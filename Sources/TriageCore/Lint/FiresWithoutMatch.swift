/// `fires-without-match`: a rule that fires when none of its patterns match.
///
/// The compiler refuses a rule made of exclusions alone, but a `none` inside
/// an `any` (`any: [outage, {none: [resolved]}]`) still lets the rule fire
/// on every incident that does not mention the excluded words, which is
/// rarely what was meant.
public struct FiresWithoutMatch: LintCheck {
    public static let id = "fires-without-match"
    public static let level = LintFinding.Level.warning
    public static let summary = "The rule's condition holds when no pattern matches, so it fires on almost every incident."

    public init() {}

    public mutating func check(_ rule: LintRule, _ context: LintContext) -> [LintFinding] {
        guard rule.rule.enabled, rule.condition.holdsWithNoMatch else { return [] }
        return [
            Self.finding(
                "rule \"\(rule.id)\" fires on every incident that lacks its exclusions: its condition holds when nothing matches (a `none` where an `any` or `at_least` counts it as one option)",
                at: rule.rule.location, rules: [rule.id])
        ]
    }
}
