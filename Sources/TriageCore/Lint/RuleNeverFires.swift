/// `rule-never-fires`: a rule whose condition contradicts itself.
///
/// The analysis is exact for what it claims and claims only contradictions:
/// a pattern required in some fields while an enclosing `all` excludes the
/// same pattern in those fields (`all: [x, none: [x]]`), and `at_least: N`
/// where fewer than N of the conditions can hold. Everything else is assumed
/// satisfiable, so a rule reported here really can never fire.
public struct RuleNeverFires: LintCheck {
    public static let id = "rule-never-fires"
    public static let level = LintFinding.Level.error
    public static let summary = "The rule's condition contradicts itself, so it can never fire."

    public init() {}

    public mutating func check(_ rule: LintRule, _ context: LintContext) -> [LintFinding] {
        guard rule.rule.enabled else { return [] }
        guard let why = Self.unsatisfiable(rule.condition, excluded: []) else { return [] }
        return [Self.finding("rule \"\(rule.id)\" can never fire: \(why)", at: rule.rule.location, rules: [rule.id])]
    }

    /// A pattern that must not match in any of `fields`.
    struct Exclusion {
        var pattern: PatternSpec
        var fields: FieldSet
    }

    /// Why `c` can never hold given the exclusions in force, or nil when it may hold.
    static func unsatisfiable(_ c: ExpandedCondition, excluded: [Exclusion]) -> String? {
        switch c {
        case .leaf(let leaf):
            // The leaf needs a match in one of its fields; excluded in all of them, it has none.
            if let x = excluded.first(where: { $0.pattern == leaf.pattern && leaf.fields.isSubset(of: $0.fields) }) {
                if leaf.fields == .all && x.fields == .all { return "it requires \(leaf.pattern.quoted) and also excludes it" }
                return "it requires \(leaf.pattern.quoted) in \(leaf.fields.names) and also excludes it in \(x.fields.names)"
            }
            return nil
        case .any(let xs):
            var reasons = [String]()
            for x in xs {
                guard let why = unsatisfiable(x, excluded: excluded) else { return nil }
                reasons.append(why)
            }
            return reasons.first
        case .all(let xs):
            var inForce = excluded
            for x in xs { if case .none(let ys) = x { inForce += exclusions(ys) } }
            for x in xs {
                if case .none = x { continue }
                if let why = unsatisfiable(x, excluded: inForce) { return why }
            }
            return nil
        case .none:
            return nil
        case .atLeast(let n, let xs):
            let possible = xs.filter { unsatisfiable($0, excluded: excluded) == nil }.count
            if possible < n {
                let first = xs.lazy.compactMap { unsatisfiable($0, excluded: excluded) }.first
                return "at_least \(n) of its conditions must hold but at most \(possible) can"
                    + (first.map { " (\($0))" } ?? "")
            }
            return nil
        }
    }

    /// The patterns a `none` over `items` forbids: its leaves, and the
    /// leaves of `any` groups (and lists) directly under it.
    static func exclusions(_ items: [ExpandedCondition]) -> [Exclusion] {
        var out = [Exclusion]()
        for item in items {
            switch item {
            case .leaf(let l): out.append(Exclusion(pattern: l.pattern, fields: l.fields))
            case .any(let ys): out += exclusions(ys)
            case .atLeast(1, let ys): out += exclusions(ys)
            default: break
            }
        }
        return out
    }
}
