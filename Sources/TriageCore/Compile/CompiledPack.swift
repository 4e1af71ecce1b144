/// A rule pack compiled for scanning: immutable, shared by every thread.
///
/// Compiling (`PackCompiler`) may fail; scanning cannot. Everything a scan
/// needs is flattened into arrays indexed by small integers: pattern ids,
/// regex ids, rule ids and condition nodes. Per-scan mutable state lives in a
/// `ScanScratch`, one per thread.
public final class CompiledPack: Sendable {
    public let metadata: PackMetadata
    public let agents: [AgentDefinition]
    public let agentThreshold: Double
    public let maxAgents: Int
    public let thresholds: SeverityThresholds
    public let defaultSeverity: Severity
    public let limits: MatchLimits
    /// Enabled rules, in pack order.
    public let rules: [CompiledRule]
    /// Distinct patterns of all enabled rules.
    public let patterns: [CompiledPattern]
    /// The regex backend's name, for reports.
    public let regexBackendName: String

    @usableFromInline let automaton: AhoCorasick
    /// For AC literal `l`, `targets[targetStart[l] ..< targetStart[l + 1]]`.
    @usableFromInline let targetStart: [Int32]
    @usableFromInline let targets: [LiteralTarget]
    @usableFromInline let keywordChecks: [KeywordCheck]
    @usableFromInline let regexes: [RegexProgram]
    /// Regexes with no usable literal: they run on every incident.
    @usableFromInline let unconditionalRegexes: [Int32]
    @usableFromInline let nodes: [ConditionNode]
    @usableFromInline let children: [Int32]
    /// For pattern `p`, the rules that use it: `patternRules[patternRuleStart[p] ..< ...]`.
    @usableFromInline let patternRuleStart: [Int32]
    @usableFromInline let patternRules: [Int32]
    /// Rules whose condition can hold with no pattern matching (only exclusions):
    /// they are evaluated for every incident.
    @usableFromInline let alwaysEvaluated: [Int32]
    let backend: any RegexBackend

    init(
        metadata: PackMetadata, agents: [AgentDefinition], agentThreshold: Double, maxAgents: Int,
        thresholds: SeverityThresholds, defaultSeverity: Severity, limits: MatchLimits, rules: [CompiledRule],
        patterns: [CompiledPattern], automaton: AhoCorasick, targetStart: [Int32], targets: [LiteralTarget],
        keywordChecks: [KeywordCheck], regexes: [RegexProgram], unconditionalRegexes: [Int32],
        nodes: [ConditionNode], children: [Int32], patternRuleStart: [Int32], patternRules: [Int32],
        alwaysEvaluated: [Int32], backend: any RegexBackend
    ) {
        self.metadata = metadata
        self.agents = agents
        self.agentThreshold = agentThreshold
        self.maxAgents = maxAgents
        self.thresholds = thresholds
        self.defaultSeverity = defaultSeverity
        self.limits = limits
        self.rules = rules
        self.patterns = patterns
        self.automaton = automaton
        self.targetStart = targetStart
        self.targets = targets
        self.keywordChecks = keywordChecks
        self.regexes = regexes
        self.unconditionalRegexes = unconditionalRegexes
        self.nodes = nodes
        self.children = children
        self.patternRuleStart = patternRuleStart
        self.patternRules = patternRules
        self.alwaysEvaluated = alwaysEvaluated
        self.backend = backend
        self.regexBackendName = backend.name
    }

    /// Fresh per-thread state for `classify`. With `profiling`, the scratch
    /// also records where the time goes (`ScanScratch.profile`).
    public func makeScratch(profiling: Bool = false) -> ScanScratch { ScanScratch(pack: self, profiling: profiling) }

    /// Statistics for reports and `--profile`.
    public var statistics: Statistics {
        Statistics(
            rules: rules.count, patterns: patterns.count, literals: automaton.literalCount,
            automatonStates: automaton.stateCount, automatonBytes: automaton.memoryBytes, regexes: regexes.count,
            prefilteredRegexes: regexes.count - unconditionalRegexes.count)
    }

    public struct Statistics: Sendable, Hashable {
        public var rules: Int
        public var patterns: Int
        public var literals: Int
        public var automatonStates: Int
        public var automatonBytes: Int
        public var regexes: Int
        public var prefilteredRegexes: Int
    }
}

/// A rule ready to evaluate.
public struct CompiledRule: Sendable {
    public let id: String
    public let description: String
    public let tags: [String]
    public let score: Double
    public let floor: Severity?
    public let ceiling: Severity?
    public let override: Severity?
    /// Agent index into `CompiledPack.agents`, and weight.
    public let agents: [(agent: Int, weight: Double)]
    public let titleWeight: Double
    public let tests: [RuleTest]
    /// Whether the rule has any say in severity (a score, floor, ceiling or
    /// override); rules that only assign agents do not displace the default.
    public var affectsSeverity: Bool { score != 0 || floor != nil || ceiling != nil || override != nil }
    public let location: SourceLocation?
    @usableFromInline let root: Int32
    /// Patterns that argue for the rule (not under `none`), with the fields they count in.
    @usableFromInline let positiveLeaves: [Leaf]
    /// Patterns under `none`.
    @usableFromInline let negativeLeaves: [Leaf]

    @usableFromInline
    struct Leaf: Sendable {
        @usableFromInline let pattern: Int32
        @usableFromInline let fields: FieldSet
    }
}

/// A distinct pattern and how it is matched.
public struct CompiledPattern: Sendable {
    public let spec: PatternSpec
    /// Every field some rule looks for this pattern in.
    public let fields: FieldSet
    public let engine: Engine

    public enum Engine: Sendable, Hashable {
        /// Found by the automaton as this literal, then checked.
        case keyword(literal: Int)
        /// Run by the regex backend (phrases compile to regexes too).
        case regex(index: Int, prefiltered: Bool, atMatchStart: Bool)
    }
}

/// What a literal found by the automaton means.
@usableFromInline
enum LiteralTarget: Sendable {
    /// A keyword to verify (word boundaries, exact case) and record.
    case keyword(check: Int32)
    /// One of this regex's required literals: the regex becomes a candidate.
    case regexTrigger(regex: Int32)
}

@usableFromInline
struct KeywordCheck: Sendable {
    @usableFromInline let pattern: Int32
    @usableFromInline let boundaryBefore: Bool
    @usableFromInline let boundaryAfter: Bool
    /// For case-sensitive keywords, the exact bytes the original text must hold.
    @usableFromInline let exact: [UInt8]?
}

@usableFromInline
struct RegexProgram: Sendable {
    @usableFromInline let pattern: Int32
    @usableFromInline let regex: any CompiledRegex
    /// Searches the case-folded text (else the original: case-sensitive regexes).
    @usableFromInline let onFolded: Bool
    @usableFromInline let prefiltered: Bool
    @usableFromInline let atMatchStart: Bool
    @usableFromInline let fields: FieldSet
}

@usableFromInline
struct ConditionNode: Sendable {
    @usableFromInline enum Op: UInt8, Sendable { case leaf, any, all, none, atLeast }
    @usableFromInline let op: Op
    /// Pattern id for a leaf; N for at-least-N.
    @usableFromInline let arg: Int32
    @usableFromInline let fields: FieldSet
    @usableFromInline let childStart: Int32
    @usableFromInline let childCount: Int32
}
