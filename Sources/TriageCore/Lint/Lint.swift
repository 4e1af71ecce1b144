/// Static checks of a rule pack that compiles: problems the compiler does not
/// refuse but an author wants to know about (rules that can never fire,
/// keywords that argue both ways, regexes that run on every incident or may
/// backtrack without end, severities no rule reaches, unused definitions).
///
/// Each check is a `LintCheck` in its own file with a stable kebab-case id.
/// The linter shows every check each rule, then lets each check finish with
/// what it gathered across rules (`finalize`), and drops findings that the
/// rules concerned suppress with `lint: {ignore: [check-id]}`.

/// One thing a lint check found.
public struct LintFinding: Sendable, Hashable, CustomStringConvertible {
    public enum Level: String, Sendable, Hashable, Comparable, CaseIterable {
        case info, warning, error

        var rank: Int {
            switch self {
            case .info: 0
            case .warning: 1
            case .error: 2
            }
        }

        public static func < (a: Level, b: Level) -> Bool { a.rank < b.rank }
    }

    public var level: Level
    /// The check's stable id, such as `conflicting-keyword`.
    public var check: String
    public var message: String
    public var location: SourceLocation?
    /// The rules the finding is about (empty for pack-wide findings such as
    /// an unused list). It is dropped when every one of them suppresses the check.
    public var rules: [String]

    public init(level: Level, check: String, message: String, location: SourceLocation?, rules: [String] = []) {
        self.level = level
        self.check = check
        self.message = message
        self.location = location
        self.rules = rules
    }

    /// `file:line:col: warning: message [check-id]`, like pack errors.
    public var description: String {
        let prefix = location.map { "\($0): " } ?? ""
        return "\(prefix)\(level.rawValue): \(message) [\(check)]"
    }

    /// By file, line and column (findings without a place first), then check id.
    public static func sourceOrder(_ a: LintFinding, _ b: LintFinding) -> Bool {
        switch (a.location, b.location) {
        case (nil, nil): return (a.check, a.message) < (b.check, b.message)
        case (nil, _): return true
        case (_, nil): return false
        case (let x?, let y?):
            return (x.file, x.line, x.column, a.check, a.message) < (y.file, y.line, y.column, b.check, b.message)
        }
    }
}

/// One check. Implementations are small values: `check` sees each rule in
/// pack order, `finalize` reports what needs every rule (conflicts between
/// rules) or concerns the pack as a whole.
public protocol LintCheck: Sendable {
    /// Stable kebab-case id, used in output and in `lint: {ignore: […]}`.
    static var id: String { get }
    static var level: LintFinding.Level { get }
    /// One line for `triage lint --list-checks` and the docs.
    static var summary: String { get }
    init()
    mutating func check(_ rule: LintRule, _ context: LintContext) -> [LintFinding]
    mutating func finalize(_ context: LintContext) -> [LintFinding]
}

extension LintCheck {
    public mutating func check(_ rule: LintRule, _ context: LintContext) -> [LintFinding] { [] }
    public mutating func finalize(_ context: LintContext) -> [LintFinding] { [] }

    /// A finding of this check at its default level.
    static func finding(_ message: String, at location: SourceLocation?, rules: [String] = []) -> LintFinding {
        LintFinding(level: level, check: id, message: message, location: location, rules: rules)
    }
}

/// A rule as the checks see it.
public struct LintRule: Sendable {
    public let rule: Rule
    /// Lists and macros inlined.
    public let condition: ExpandedCondition
    /// Every leaf with whether it is an exclusion.
    public let leaves: [ConditionLeafOccurrence]

    public var id: String { rule.id }
}

/// What the checks may consult: the pack as written, the compiled pack and
/// the expanded rules.
public struct LintContext: Sendable {
    public let pack: RulePack
    public let compiled: CompiledPack
    /// Every rule whose condition expands, enabled or not, in pack order.
    public let rules: [LintRule]
    let compiledPatterns: [PatternSpec: CompiledPattern]

    init(pack: RulePack, compiled: CompiledPack) {
        self.pack = pack
        self.compiled = compiled
        rules = pack.rules.compactMap { r in
            pack.expandedCondition(of: r).map { LintRule(rule: r, condition: $0, leaves: $0.leafOccurrences) }
        }
        var patterns = [PatternSpec: CompiledPattern]()
        for p in compiled.patterns { patterns[p.spec] = p }
        compiledPatterns = patterns
    }

    public var enabledRules: [LintRule] { rules.filter(\.rule.enabled) }

    /// How the compiled pack runs a pattern of an enabled rule.
    public func compiledPattern(_ spec: PatternSpec) -> CompiledPattern? { compiledPatterns[spec] }

    /// Every distinct written pattern (by place) of the enabled rules, with the rules using it.
    public func patternOccurrences() -> [(leaf: ConditionLeaf, negated: Bool, rules: [String])] {
        var order = [PatternKey]()
        var found = [PatternKey: (ConditionLeaf, Bool, [String])]()
        for r in enabledRules {
            for o in r.leaves {
                let key = PatternKey(spec: o.leaf.pattern, location: o.leaf.location, negated: o.negated)
                if var e = found[key] {
                    if !e.2.contains(r.id) { e.2.append(r.id) }
                    found[key] = e
                } else {
                    order.append(key)
                    found[key] = (o.leaf, o.negated, [r.id])
                }
            }
        }
        return order.map { found[$0]! }.map { (leaf: $0.0, negated: $0.1, rules: $0.2) }
    }

    struct PatternKey: Hashable {
        var spec: PatternSpec
        var location: SourceLocation?
        var negated: Bool
    }
}

/// Runs the checks.
public struct Linter: Sendable {
    /// Every check, in the order the docs list them.
    public static let checks: [any LintCheck.Type] = [
        RuleNeverFires.self, FiresWithoutMatch.self, ConflictingKeyword.self, ShadowedKeyword.self,
        ShortKeywordWithoutBoundary.self, RegexWithoutLiteral.self, CatastrophicBacktracking.self,
        UnreachableSeverity.self, UnusedList.self, UnusedMacro.self, UnusedAgent.self, UnreachableAgent.self,
        NoEffect.self, DisabledRule.self,
    ]

    /// The id of the finding about a suppression naming no check.
    public static let unknownCheckID = "unknown-lint-check"

    public static var checkIDs: [String] { checks.map { $0.id } + [unknownCheckID] }

    /// Checks not to run at all (`triage lint --disable`).
    public var disabled: Set<String>

    public init(disabled: Set<String> = []) { self.disabled = disabled }

    /// Every finding, in source order.
    public func run(pack: RulePack, compiled: CompiledPack) -> [LintFinding] {
        let context = LintContext(pack: pack, compiled: compiled)
        var all = [LintFinding]()
        for type in Self.checks where !disabled.contains(type.id) {
            all += Self.run(type, context)
        }
        if !disabled.contains(Self.unknownCheckID) {
            let known = Set(Self.checkIDs)
            for r in pack.rules {
                for s in r.lintSuppressions where !known.contains(s.check) {
                    all.append(
                        LintFinding(
                            level: .warning, check: Self.unknownCheckID,
                            message: "rule \"\(r.id)\" ignores \"\(s.check)\", which is no lint check"
                                + Suggestions.hint(for: s.check, in: known),
                            location: s.location ?? r.location, rules: []))
                }
            }
        }
        // Drop what every rule concerned suppresses; merge duplicates (a list
        // item used by several rules is one finding).
        var suppressions = [String: Set<String>]()
        for r in pack.rules { suppressions[r.id, default: []].formUnion(r.lintSuppressions.map(\.check)) }
        var merged = [LintFinding]()
        var index = [FindingKey: Int]()
        for f in all {
            if !f.rules.isEmpty, f.rules.allSatisfy({ suppressions[$0]?.contains(f.check) == true }) { continue }
            let key = FindingKey(check: f.check, message: f.message, location: f.location)
            if let i = index[key] {
                for r in f.rules where !merged[i].rules.contains(r) { merged[i].rules.append(r) }
            } else {
                index[key] = merged.count
                merged.append(f)
            }
        }
        return merged.sorted(by: LintFinding.sourceOrder)
    }

    private static func run<C: LintCheck>(_ type: C.Type, _ context: LintContext) -> [LintFinding] {
        var check = C()
        var out = [LintFinding]()
        for r in context.rules { out += check.check(r, context) }
        out += check.finalize(context)
        return out
    }

    private struct FindingKey: Hashable {
        var check: String
        var message: String
        var location: SourceLocation?
    }
}

// MARK: - Helpers shared by checks

extension PatternSpec {
    /// `keyword "disk full"`, or `regex '\bora-\d+'` (single-quoted as in
    /// YAML, so backslashes read as written), for messages.
    var quoted: String {
        if kind == .regex && !text.contains("\n") {
            return "regex '" + text.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''") + "'"
        }
        return "\(kind.rawValue) \(String(reflecting: text))"
    }

    /// The text a keyword or phrase matches, folded unless case-sensitive,
    /// with a phrase's whitespace runs as single spaces.
    var matchKey: String {
        let t = caseSensitive ? text : CaseFolding.fold(text)
        if kind == .phrase { return t.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ") }
        return t
    }
}

extension FieldSet {
    var names: String { fields.map(\.name).joined(separator: ", ") }
}

/// ` (12:5)` for a place in the same file as `other`, ` (file:12:5)` otherwise.
func reference(_ l: SourceLocation?, from other: SourceLocation?) -> String {
    guard let l else { return "" }
    return l.file == other?.file ? " (\(l.line):\(l.column))" : " (\(l))"
}

func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }

func formatNumber(_ x: Double) -> String { SeverityDecision.format(x) }
