/// `unused-list`: a list no rule or macro refers to.
public struct UnusedList: LintCheck {
    public static let id = "unused-list"
    public static let level = LintFinding.Level.warning
    public static let summary = "A list is defined but no rule or macro uses it."

    public init() {}

    public mutating func finalize(_ context: LintContext) -> [LintFinding] {
        let used = References(context.pack).lists
        return context.pack.lists.filter { !used.contains($0.name) }.map {
            Self.finding("list \"\($0.name)\" is never used", at: $0.location)
        }
    }
}

/// The lists and macros a pack's rules and macros name.
struct References {
    var lists = Set<String>()
    var macros = Set<String>()

    init(_ pack: RulePack) {
        for r in pack.rules { visit(r.condition) }
        for m in pack.macros { visit(m.condition) }
    }

    mutating func visit(_ c: Condition) {
        switch c {
        case .pattern: break
        case .list(let name, _, _): lists.insert(name)
        case .macro(let name, _): macros.insert(name)
        case .any(let xs), .all(let xs), .none(let xs), .atLeast(_, let xs, _): for x in xs { visit(x) }
        }
    }
}
