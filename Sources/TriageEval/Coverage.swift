import TriageCore

/// Which parts of each rule the tests exercise.
///
/// A **positive test** of a rule is a case that expects it to fire (an
/// inline `expect: match`, or `rules_fired` in a test file) and in which it
/// did fire; a **negative test** expects it not to fire and it did not.
///
/// The **alternatives** of a rule are its patterns with lists and macros
/// written out: each keyword and phrase, and each branch of a regex (see
/// `RegexAlternatives`; a regex that cannot be split is one alternative).
/// An alternative is **covered** when it matches, in the fields it looks at,
/// the text of a positive test; an alternative under `none` (an exclusion)
/// is covered when it matches the text of a negative test, which shows the
/// exclusion at work. A rule is covered when it has a positive test.
///
/// The total is the share of covered alternatives over every enabled rule.
public struct CoverageReport: Sendable, Hashable {
    public struct Alternative: Sendable, Hashable {
        /// `keyword "outage"`, `regex "…"`, or `regex "…" branch "timeout"`.
        public var description: String
        public var location: SourceLocation?
        /// The lists and macros it came through (`list outage_words`).
        public var via: [String]
        public var exclusion: Bool
        /// The names of the tests that exercised it.
        public var coveredBy: [String]
        public var covered: Bool { !coveredBy.isEmpty }
    }

    public struct Rule: Sendable, Hashable {
        public var id: String
        public var location: SourceLocation?
        public var positiveTests: [String]
        public var negativeTests: [String]
        public var alternatives: [Alternative]
        public var covered: Bool { !positiveTests.isEmpty }
        public var coveredAlternatives: Int { alternatives.filter(\.covered).count }
    }

    /// Enabled rules, in pack order.
    public var rules: [Rule]

    public var coveredRules: Int { rules.filter(\.covered).count }
    public var alternatives: Int { rules.map(\.alternatives.count).reduce(0, +) }
    public var coveredAlternatives: Int { rules.map(\.coveredAlternatives).reduce(0, +) }
    /// Covered alternatives over all alternatives, in percent (100 for a pack with none).
    public var percentage: Double { alternatives == 0 ? 100 : 100 * Double(coveredAlternatives) / Double(alternatives) }
    public var rulePercentage: Double { rules.isEmpty ? 100 : 100 * Double(coveredRules) / Double(rules.count) }
}

public enum Coverage {
    /// Measures coverage from a test run. Each rule's alternatives are
    /// compiled into a probe pack (one rule per alternative) with `backend`
    /// and run on the rule's positive and negative tests.
    public static func measure(pack written: RulePack, run: TestRun, backend: any RegexBackend) -> CoverageReport {
        var out = [CoverageReport.Rule]()
        for rule in written.rules where rule.enabled {
            guard let condition = written.expandedCondition(of: rule) else { continue }
            let positives = run.results.filter { $0.expectedToFire.contains(rule.id) && $0.fired(rule.id) }
            let negatives = run.results.filter { $0.expectedNotToFire.contains(rule.id) && !$0.fired(rule.id) }
            var alternatives = [CoverageReport.Alternative]()
            var probes = [(spec: PatternSpec, fields: FieldSet, exclusion: Bool)]()
            var seen = Set<ProbeKey>()
            for o in condition.leafOccurrences {
                let leaf = o.leaf
                guard seen.insert(ProbeKey(spec: leaf.pattern, location: leaf.location, fields: leaf.fields, negated: o.negated)).inserted
                else { continue }
                for (spec, description) in split(leaf.pattern, backend: backend, limits: written.limits) {
                    alternatives.append(
                        CoverageReport.Alternative(
                            description: description, location: spec.location, via: leaf.via, exclusion: o.negated,
                            coveredBy: []))
                    probes.append((spec, leaf.fields, o.negated))
                }
            }
            if let probe = compileProbe(probes.map { ($0.spec, $0.fields) }, backend: backend, limits: written.limits) {
                let scratch = probe.makeScratch()
                for (tests, exclusion) in [(positives, false), (negatives, true)] {
                    for t in tests {
                        let v = probe.classify(t.test.incident, scratch: scratch)
                        for fr in v.rules {
                            let i = Int(fr.id.dropFirst())!
                            if probes[i].exclusion == exclusion { alternatives[i].coveredBy.append(t.test.name) }
                        }
                    }
                }
            }
            out.append(
                CoverageReport.Rule(
                    id: rule.id, location: rule.location, positiveTests: positives.map(\.test.name),
                    negativeTests: negatives.map(\.test.name), alternatives: alternatives))
        }
        return CoverageReport(rules: out)
    }

    struct ProbeKey: Hashable {
        var spec: PatternSpec
        var location: SourceLocation?
        var fields: FieldSet
        var negated: Bool
    }

    /// The alternatives of one pattern: its regex branches when it splits
    /// (and each branch compiles on its own), else the pattern itself.
    static func split(_ p: PatternSpec, backend: any RegexBackend, limits: MatchLimits) -> [(PatternSpec, String)] {
        guard p.kind == .regex,
            let alts = RegexAlternatives.split(p.text, caseSensitive: p.caseSensitive, options: p.regexOptions)
        else { return [(p, p.quoted)] }
        let specs = alts.map { a -> PatternSpec in
            var s = PatternSpec(kind: .regex, text: a.pattern, caseSensitive: p.caseSensitive, regexOptions: p.regexOptions)
            s.location = p.location.map { p.text.contains("\n") ? $0 : $0.advanced(byColumns: a.offset) }
            return s
        }
        // A branch that matches the empty string, say, cannot stand alone: keep the whole regex.
        guard compileProbe(specs.map { ($0, FieldSet.all) }, backend: backend, limits: limits) != nil else {
            return [(p, p.quoted)]
        }
        return zip(specs, alts).map { ($0, "\(p.quoted) branch '" + $1.branch.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''") + "'") }
    }

    /// A pack with one rule `p<i>` per pattern.
    static func compileProbe(_ patterns: [(PatternSpec, FieldSet)], backend: any RegexBackend, limits: MatchLimits) -> CompiledPack? {
        let rules = patterns.enumerated().map { i, p in
            TriageCore.Rule(id: "p\(i)", condition: .pattern(p.0, fields: p.1), score: 1)
        }
        let pack = RulePack(metadata: PackMetadata(name: "coverage-probe", version: "0"), limits: limits, rules: rules)
        return try? PackCompiler(backend: backend).compile(pack)
    }
}

extension PatternSpec {
    /// `keyword "disk full"`, or `regex '\bora-\d+'` (single-quoted as in
    /// YAML, so backslashes read as written), for messages.
    var quoted: String {
        if kind == .regex && !text.contains("\n") {
            return "regex '" + text.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''") + "'"
        }
        return "\(kind.rawValue) \(String(reflecting: text))"
    }
}
