import TriageCore
import TriageRegex

/// Builds packs for tests: a catalogue of agents a..e and the default thresholds.
enum TestPacks {
    static let agents = ["database", "network", "storage", "auth", "frontend"].map { AgentDefinition(id: $0) }

    static func pack(
        _ rules: [Rule], thresholds: SeverityThresholds = SeverityThresholds(critical: 8, high: 5, medium: 2, low: 1),
        defaultSeverity: Severity = .medium, titleWeight: Double = 1, agentThreshold: Double = 1, maxAgents: Int = 3,
        lists: [PatternList] = [], macros: [Macro] = [], limits: MatchLimits = MatchLimits()
    ) -> RulePack {
        RulePack(
            metadata: PackMetadata(name: "test", version: "1.0.0", hash: "sha256:test"), agents: agents,
            agentThreshold: agentThreshold, maxAgents: maxAgents, thresholds: thresholds,
            defaultSeverity: defaultSeverity, titleWeight: titleWeight, limits: limits, lists: lists, macros: macros,
            rules: rules)
    }

    static func compile(_ pack: RulePack) throws -> CompiledPack {
        try PackCompiler(backend: PCRE2Backend()).compile(pack)
    }

    /// One rule per pattern, ids "r0", "r1", ...
    static func onePerPattern(_ patterns: [PatternSpec], fields: FieldSet = .all) -> RulePack {
        pack(patterns.enumerated().map { i, p in Rule(id: "r\(i)", fields: fields, condition: .pattern(p, fields: nil), score: 1) })
    }

    static func classify(
        _ compiled: CompiledPack, title: String, description: String = "", context: String? = nil,
        override: Severity? = nil
    ) -> Verdict {
        compiled.classify(
            Incident(title: title, description: description, context: context), scratch: compiled.makeScratch(),
            options: ClassifyOptions(evidence: true, severityOverride: override))
    }
}

/// Short names for patterns in tables.
func kw(_ s: String, word: Bool = true, cs: Bool = false) -> PatternSpec {
    .keyword(s, wholeWord: word, caseSensitive: cs)
}
func ph(_ s: String, word: Bool = true, cs: Bool = false) -> PatternSpec {
    .phrase(s, wholeWord: word, caseSensitive: cs)
}
func rx(_ s: String, _ o: RegexOptions = [], cs: Bool = false) -> PatternSpec {
    .regex(s, options: o, caseSensitive: cs)
}
func leaf(_ p: PatternSpec, _ f: FieldSet? = nil) -> Condition { .pattern(p, fields: f) }
