/// What a pack concluded about one incident.
public struct Verdict: Sendable, Hashable {
    public var severity: Severity
    /// The summed contributions of every rule that fired.
    public var score: Double
    /// Assigned agents, heaviest first.
    public var agents: [AgentScore]
    /// Rules that fired, in pack order.
    public var rules: [FiredRule]
    /// How the severity was reached.
    public var decision: SeverityDecision
    /// Where each fired rule matched; present when asked for.
    public var evidence: Evidence?
    /// Searches cut short by a limit, and other runtime problems.
    public var diagnostics: [ScanDiagnostic]

    public init(
        severity: Severity, score: Double, agents: [AgentScore], rules: [FiredRule], decision: SeverityDecision,
        evidence: Evidence? = nil, diagnostics: [ScanDiagnostic] = []
    ) {
        self.severity = severity
        self.score = score
        self.agents = agents
        self.rules = rules
        self.decision = decision
        self.evidence = evidence
        self.diagnostics = diagnostics
    }
}

/// A verdict's outcome as views of a `ScanScratch`, valid until the
/// scratch's next scan (`CompiledPack.classifySummary`).
public struct VerdictSummary {
    public var severity: Severity
    public var score: Double
    /// Indices into `CompiledPack.rules` of the rules that fired, in pack order.
    public var rules: UnsafeBufferPointer<Int32>
    /// Indices into `CompiledPack.agents` of the assigned agents, heaviest first.
    public var agents: UnsafeBufferPointer<Int32>
    /// Whether the scan recorded diagnostics (a regex limit hit, say).
    public var hasDiagnostics: Bool
}

public struct AgentScore: Sendable, Hashable {
    public var id: String
    public var weight: Double

    public init(id: String, weight: Double) {
        self.id = id
        self.weight = weight
    }
}

/// A rule that fired and what it added.
public struct FiredRule: Sendable, Hashable {
    /// Index into `CompiledPack.rules`.
    public var index: Int
    public var id: String
    /// Score added: the rule's score times the title weight when it matched in the title.
    public var contribution: Double
    /// Whether one of its patterns matched in the title.
    public var titleMatched: Bool

    public init(index: Int, id: String, contribution: Double, titleMatched: Bool) {
        self.index = index
        self.id = id
        self.contribution = contribution
        self.titleMatched = titleMatched
    }
}

/// The steps from score to severity, in the order of precedence (lowest first):
/// default, score thresholds, floor and ceiling, rule override, caller override.
public struct SeverityDecision: Sendable, Hashable {
    /// A severity some rule imposed, and which rule.
    public struct Imposed: Sendable, Hashable {
        public var severity: Severity
        public var ruleID: String

        public init(severity: Severity, ruleID: String) {
            self.severity = severity
            self.ruleID = ruleID
        }
    }

    public var score: Double
    /// True when no rule with a say in severity fired (rules that only assign
    /// agents do not count) and the pack's default severity applied.
    public var defaulted: Bool
    /// The severity the score reached (the default when nothing fired).
    public var byScore: Severity
    /// The threshold the score crossed to reach `byScore`, if any.
    public var threshold: Double?
    /// The highest floor among fired rules.
    public var floor: Imposed?
    /// The lowest ceiling among fired rules.
    public var ceiling: Imposed?
    /// The most severe override among fired rules.
    public var ruleOverride: Imposed?
    /// A severity the caller imposed (for example an API `priority`).
    public var callerOverride: Severity?
    public var final: Severity

    public init(
        score: Double, defaulted: Bool, byScore: Severity, threshold: Double?, floor: Imposed? = nil,
        ceiling: Imposed? = nil, ruleOverride: Imposed? = nil, callerOverride: Severity? = nil, final: Severity
    ) {
        self.score = score
        self.defaulted = defaulted
        self.byScore = byScore
        self.threshold = threshold
        self.floor = floor
        self.ceiling = ceiling
        self.ruleOverride = ruleOverride
        self.callerOverride = callerOverride
        self.final = final
    }

    /// The severity the rules reached on their own, before any caller
    /// override: what a report shows beside a `priority` that replaced it.
    public var ruleSeverity: Severity {
        var severity = byScore
        if let c = ceiling, severity > c.severity { severity = c.severity }
        if let f = floor, severity < f.severity { severity = f.severity }
        if let o = ruleOverride { severity = o.severity }
        return severity
    }

    /// One line per step that applied, for humans.
    public var steps: [String] {
        var out = [String]()
        if defaulted {
            out.append("no rule affecting severity fired: default severity \(byScore)")
        } else if let t = threshold {
            out.append("score \(Self.format(score)) >= \(byScore) threshold \(Self.format(t)): \(byScore)")
        } else {
            out.append("score \(Self.format(score)) is below every threshold: \(byScore)")
        }
        var current = byScore
        if let c = ceiling {
            if current > c.severity {
                out.append("ceiling \(c.severity) from rule \(c.ruleID): \(current) -> \(c.severity)")
                current = c.severity
            } else {
                out.append("ceiling \(c.severity) from rule \(c.ruleID): no change")
            }
        }
        if let f = floor {
            if current < f.severity {
                out.append("floor \(f.severity) from rule \(f.ruleID): \(current) -> \(f.severity)")
                current = f.severity
            } else {
                out.append("floor \(f.severity) from rule \(f.ruleID): no change")
            }
        }
        if let o = ruleOverride {
            out.append("override \(o.severity) from rule \(o.ruleID): \(current) -> \(o.severity)")
            current = o.severity
        }
        if let p = callerOverride {
            out.append("caller override \(p): \(current) -> \(p)")
        }
        return out
    }

    /// Scores print without a trailing ".0" when integral.
    public static func format(_ x: Double) -> String {
        if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
        return String(x)
    }
}

/// Where and why the rules matched.
public struct Evidence: Sendable, Hashable {
    /// One entry per fired rule, in pack order.
    public var rules: [RuleEvidence]
    /// Rules where a pattern matched but the condition as a whole did not hold,
    /// which is what a rule author wants to see when a rule did not fire.
    public var nearMisses: [RuleEvidence]

    public init(rules: [RuleEvidence], nearMisses: [RuleEvidence]) {
        self.rules = rules
        self.nearMisses = nearMisses
    }
}

public struct RuleEvidence: Sendable, Hashable {
    public var ruleID: String
    public var description: String
    public var contribution: Double
    public var titleMatched: Bool
    /// Agent weights added (already multiplied by the title weight).
    public var agents: [AgentScore]
    public var matches: [MatchEvidence]

    public init(
        ruleID: String, description: String, contribution: Double, titleMatched: Bool, agents: [AgentScore],
        matches: [MatchEvidence]
    ) {
        self.ruleID = ruleID
        self.description = description
        self.contribution = contribution
        self.titleMatched = titleMatched
        self.agents = agents
        self.matches = matches
    }
}

/// The first match of one pattern in one field.
public struct MatchEvidence: Sendable, Hashable {
    /// The pattern, as `keyword:"disk full"` or `regex:"..."`.
    public var pattern: String
    public var field: Field
    /// UTF-8 byte offsets into the field's original text.
    public var start: Int
    public var end: Int
    /// The original text between `start` and `end`.
    public var text: String
    /// True when the match sits under a `none` condition (it argues against the rule).
    public var excluded: Bool

    public init(pattern: String, field: Field, start: Int, end: Int, text: String, excluded: Bool = false) {
        self.pattern = pattern
        self.field = field
        self.start = start
        self.end = end
        self.text = text
        self.excluded = excluded
    }
}

/// A runtime problem during one scan; the scan still completes.
public struct ScanDiagnostic: Sendable, Hashable, CustomStringConvertible {
    public var pattern: String
    public var field: Field
    public var message: String

    public init(pattern: String, field: Field, message: String) {
        self.pattern = pattern
        self.field = field
        self.message = message
    }

    public var description: String { "\(pattern) in \(field): \(message)" }
}
