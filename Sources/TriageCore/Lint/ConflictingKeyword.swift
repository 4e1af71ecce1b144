/// `conflicting-keyword`: the same keyword or phrase, on its own, makes two
/// rules fire that pull in opposite directions.
///
/// Only occurrences that suffice to fire their rule count (reached through
/// `any`, lists, macros, `at_least: 1`, or an `all` whose other parts are
/// exclusions): a keyword that only counts together with others in an `all`
/// is a deliberate combination, not a conflict. Two rules conflict when one
/// has a positive score and the other a negative one, when their overrides
/// differ, when one's floor is above the other's ceiling, or when they give
/// the same agent weights of opposite sign.
public struct ConflictingKeyword: LintCheck {
    public static let id = "conflicting-keyword"
    public static let level = LintFinding.Level.warning
    public static let summary = "The same keyword alone fires rules with opposite effects (score signs, overrides, floor above ceiling, agent weights)."

    public init() {}

    struct Use: Sendable {
        var rule: Rule
        var leaf: ConditionLeaf
    }

    var uses: [String: [Use]] = [:]
    var order: [String] = []

    public mutating func check(_ lr: LintRule, _ context: LintContext) -> [LintFinding] {
        guard lr.rule.enabled else { return [] }
        var seen = Set<String>()
        for leaf in Self.sufficientLeaves(lr.condition) where leaf.pattern.kind != .regex {
            let key = leaf.pattern.matchKey
            guard seen.insert(key).inserted else { continue }
            if uses[key] == nil { order.append(key) }
            uses[key, default: []].append(Use(rule: lr.rule, leaf: leaf))
        }
        return []
    }

    public mutating func finalize(_ context: LintContext) -> [LintFinding] {
        var out = [LintFinding]()
        for key in order {
            let us = uses[key]!
            guard us.count > 1 else { continue }
            var reported = Set<String>()
            for j in 1..<us.count {
                for i in 0..<j {
                    guard let why = Self.conflict(us[j].rule, us[i].rule) else { continue }
                    let pair = us[i].rule.id + "\u{0}" + us[j].rule.id
                    guard reported.insert(pair).inserted else { continue }
                    let a = us[i]
                    let b = us[j]
                    let firstAt = reference(a.leaf.location, from: b.leaf.location)
                    out.append(
                        Self.finding(
                            "\(b.leaf.pattern.quoted) alone fires rule \"\(b.rule.id)\" and rule \"\(a.rule.id)\"\(firstAt), which pull opposite ways: \(why)",
                            at: b.leaf.location ?? b.rule.location, rules: [a.rule.id, b.rule.id]))
                }
            }
        }
        return out
    }

    /// How two rules' effects oppose each other, or nil.
    static func conflict(_ a: Rule, _ b: Rule) -> String? {
        if a.score * b.score < 0 {
            return "score \(signed(a.score)) against \(signed(b.score))"
        }
        if let x = a.override, let y = b.override, x != y {
            return "override \(x) against override \(y)"
        }
        if let f = a.floor, let c = b.ceiling, c < f { return "floor \(f) against ceiling \(c)" }
        if let c = a.ceiling, let f = b.floor, c < f { return "ceiling \(c) against floor \(f)" }
        for wa in a.agents {
            if let wb = b.agents.first(where: { $0.agent == wa.agent }), wa.weight * wb.weight < 0 {
                return "\(wa.agent) \(signed(wa.weight)) against \(signed(wb.weight))"
            }
        }
        return nil
    }

    static func signed(_ x: Double) -> String { (x > 0 ? "+" : "") + formatNumber(x) }

    /// Leaves whose match alone makes the condition hold (when no exclusion matches).
    static func sufficientLeaves(_ c: ExpandedCondition) -> [ConditionLeaf] {
        switch c {
        case .leaf(let l): return [l]
        case .any(let xs), .atLeast(1, let xs): return xs.flatMap(sufficientLeaves)
        case .all(let xs):
            let required = xs.filter { if case .none = $0 { return false } else { return true } }
            return required.count == 1 ? sufficientLeaves(required[0]) : []
        case .none, .atLeast: return []
        }
    }
}
