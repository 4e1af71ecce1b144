/// A rule's condition with its lists and macros written out: what the
/// compiler evaluates, as a tree that analyses (lint, test coverage) can walk
/// without knowing about names.
public indirect enum ExpandedCondition: Sendable, Hashable {
    case leaf(ConditionLeaf)
    case any([ExpandedCondition])
    case all([ExpandedCondition])
    case none([ExpandedCondition])
    case atLeast(Int, [ExpandedCondition])
}

/// One pattern of an expanded condition, with the fields it counts in.
public struct ConditionLeaf: Sendable, Hashable {
    public var pattern: PatternSpec
    /// The fields this occurrence looks at (its own, its list reference's or the rule's).
    public var fields: FieldSet
    /// The lists and macros it came through, outermost first (`list db_engines`).
    public var via: [String]

    public init(pattern: PatternSpec, fields: FieldSet, via: [String] = []) {
        self.pattern = pattern
        self.fields = fields
        self.via = via
    }

    /// Where the pattern was written (a list item's place for list members).
    public var location: SourceLocation? { pattern.location }
}

/// A leaf and whether it sits under an odd number of `none`s (an exclusion).
public struct ConditionLeafOccurrence: Sendable, Hashable {
    public var leaf: ConditionLeaf
    public var negated: Bool
}

extension RulePack {
    /// The rule's condition with every list and macro inlined; nil when it
    /// names a list or macro the pack does not define, or a macro refers to
    /// itself (the compiler reports those).
    public func expandedCondition(of rule: Rule) -> ExpandedCondition? {
        var lists = [String: PatternList]()
        for l in self.lists where lists[l.name] == nil { lists[l.name] = l }
        var macros = [String: Macro]()
        for m in self.macros where macros[m.name] == nil { macros[m.name] = m }
        var expanding = [String]()

        func expand(_ c: Condition, via: [String]) -> ExpandedCondition? {
            switch c {
            case .pattern(let spec, let fields):
                return .leaf(ConditionLeaf(pattern: spec, fields: fields ?? rule.fields, via: via))
            case .list(let name, let fields, _):
                guard let list = lists[name] else { return nil }
                return .any(list.patterns.map { .leaf(ConditionLeaf(pattern: $0, fields: fields ?? rule.fields, via: via + ["list \(name)"])) })
            case .macro(let name, _):
                guard let m = macros[name], !expanding.contains(name) else { return nil }
                expanding.append(name)
                defer { expanding.removeLast() }
                return expand(m.condition, via: via + ["macro \(name)"])
            case .any(let items):
                return group(items, via: via).map(ExpandedCondition.any)
            case .all(let items):
                return group(items, via: via).map(ExpandedCondition.all)
            case .none(let items):
                return group(items, via: via).map(ExpandedCondition.none)
            case .atLeast(let n, let items, _):
                return group(items, via: via).map { .atLeast(n, $0) }
            }
        }
        func group(_ items: [Condition], via: [String]) -> [ExpandedCondition]? {
            var out = [ExpandedCondition]()
            for item in items {
                guard let e = expand(item, via: via) else { return nil }
                out.append(e)
            }
            return out
        }
        return expand(rule.condition, via: [])
    }
}

extension ExpandedCondition {
    /// Every leaf in source order, with whether it is an exclusion.
    public var leafOccurrences: [ConditionLeafOccurrence] {
        var out = [ConditionLeafOccurrence]()
        func walk(_ c: ExpandedCondition, _ negated: Bool) {
            switch c {
            case .leaf(let l): out.append(ConditionLeafOccurrence(leaf: l, negated: negated))
            case .any(let xs), .all(let xs), .atLeast(_, let xs): for x in xs { walk(x, negated) }
            case .none(let xs): for x in xs { walk(x, !negated) }
            }
        }
        walk(self, false)
        return out
    }

    /// Whether the condition can hold when no pattern matches at all (it
    /// then fires on every incident that lacks its exclusions).
    public var holdsWithNoMatch: Bool {
        switch self {
        case .leaf: return false
        case .any(let xs): return xs.contains { $0.holdsWithNoMatch }
        case .all(let xs): return xs.allSatisfy { $0.holdsWithNoMatch }
        case .none: return true
        case .atLeast(let n, let xs): return xs.filter { $0.holdsWithNoMatch }.count >= n
        }
    }
}
