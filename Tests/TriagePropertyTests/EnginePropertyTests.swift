import PropertyBased
import Testing
import TriageCore
import TriageRegex

/// Invariants of the engine over random packs and incidents
/// (x-sheep/swift-property-based):
///
/// - a rule that cannot match never changes a result;
/// - severity never falls as the score rises;
/// - every evidence span lies inside its field and is the matched text.
///
/// Packs and incidents are drawn from small tables of words and patterns
/// chosen for the engine's hard cases (case folding that changes length,
/// combining marks, scripts without spaces, digits for regexes), so random
/// draws match often. Each end-to-end property runs 300 cases (each ran
/// 5,000 clean when written; 300 keep `swift test` quick); a failure prints
/// the seed to replay it with `.fixedSeed(...)`.
@Suite struct EnginePropertyTests {
    // MARK: Tables

    /// Words of the incident text. None contains a `q`: patterns with one cannot match.
    static let words: [String] = [
        "disk", "full", "DISK FULL", "outage", "error", "errors", "db", "db2", "Straße", "STRASSE", "ﬁle", "FILE",
        "café", "cafe\u{301}", "ΣΊΣΥΦΟΣ", "σίσυφος", "\u{212A}ernel", "kernel", "İstanbul", "障害", "障害発生", "HTTP",
        "503", "5xx", "http 503", "time-out", "timeout", "c++", "x_y", "ǅ", "\u{301}", "🙂",
    ]
    static let separators: [String] = [" ", " ", " ", ", ", "\n", "\t", "-", "", ". "]

    /// Patterns rules are made of.
    static let patterns: [PatternSpec] = [
        .keyword("disk"), .keyword("full"), .keyword("outage"), .keyword("error", wholeWord: false),
        .keyword("db"), .keyword("straße"), .keyword("file"), .keyword("café"), .keyword("ς"),
        .keyword("σίσυφος"), .keyword("kernel"), .keyword("i̇stanbul"), .keyword("障害"), .keyword("c++"),
        .keyword("Straße", caseSensitive: true), .keyword("HTTP", caseSensitive: true), .keyword("ǆ"),
        .phrase("disk full"), .phrase("http 503"), .phrase("time out", wholeWord: false),
        .regex(#"\b5\d\d\b"#), .regex(#"err(or)?s?"#), .regex(#"\bdb\d*\b"#), .regex(#"disk\s+(is\s+)?full"#),
        .regex(#"caf(e\x{301}|é)"#), .regex(#"\w+ß\w*"#), .regex(#"HTTP \d+"#, caseSensitive: true),
        .regex(#"障害\S*"#), .regex(#"\bti\w*out\b"#), .regex(#"[0-9]+x*"#, options: [.unicodeClasses]),
    ]

    /// Patterns that cannot match any text made of `words`: each needs a `q`.
    static let impossible: [PatternSpec] = [
        .keyword("qqq"), .phrase("disk qfull"), .regex(#"q\d+"#), .regex("outage(?=q)"), .keyword("Q", caseSensitive: true),
    ]

    static let agents = ["database", "network", "storage"].map { AgentDefinition(id: $0) }
    static let backend = PCRE2Backend()

    // MARK: Generators

    /// An incident's text: words and separators.
    static let text = zip(Gen.int(in: 0..<words.count), Gen.int(in: 0..<separators.count)).array(of: 0...12).map {
        $0.map { words[$0.0] + separators[$0.1] }.joined()
    }

    /// One rule, from small integers: patterns, the condition's shape, score and effects.
    static let rule = zip(
        Gen.int(in: 0..<patterns.count), Gen.int(in: 0..<patterns.count), Gen.int(in: 0...4), Gen.int(in: -3...6),
        Gen.int(in: 0...14), Gen.int(in: 0...7)
    ).map { RuleDraw(p: $0.0, q: $0.1, shape: $0.2, score: $0.3, effect: $0.4, agentBits: $0.5) }

    static let rules = rule.array(of: 1...8)

    struct RuleDraw: Sendable {
        var p, q, shape, score, effect, agentBits: Int

        func rule(id: String, patterns: [PatternSpec]) -> Rule {
            let a = Condition.pattern(patterns[p % patterns.count], fields: nil)
            let b = Condition.pattern(patterns[q % patterns.count], fields: nil)
            let condition: Condition =
                switch shape {
                case 0: a
                case 1: .any([a, b])
                case 2: .all([a, b])
                case 3: .all([a, .none([b])])
                default: .atLeast(2, [a, b, .pattern(.keyword("disk"), fields: [.title])], location: nil)
                }
            // Most rules only score; a few impose a severity.
            let severity = Severity(rawValue: effect % 5)!
            return Rule(
                id: id, fields: effect == 14 ? [.title] : .all, condition: condition, score: Double(score) / 2,
                floor: effect >= 8 && effect < 10 ? severity : nil, ceiling: effect >= 10 && effect < 12 ? severity : nil,
                override: effect == 12 ? severity : nil,
                agents: EnginePropertyTests.agents.indices.filter { agentBits & (1 << $0) != 0 }.map {
                    AgentWeight(agent: EnginePropertyTests.agents[$0].id, weight: Double($0 + 1) / 2)
                })
        }
    }

    static func pack(_ rules: [Rule]) throws -> CompiledPack {
        try PackCompiler(backend: backend).compile(
            RulePack(
                metadata: PackMetadata(name: "properties", version: "1.0.0"), agents: agents, agentThreshold: 1,
                maxAgents: 2, thresholds: SeverityThresholds(critical: 8, high: 5, medium: 2, low: 1),
                defaultSeverity: .medium, titleWeight: 1.5, rules: rules))
    }

    static func classify(_ pack: CompiledPack, _ title: String, _ description: String) -> Verdict {
        pack.classify(
            Incident(title: title, description: description, context: nil), scratch: pack.makeScratch(),
            options: ClassifyOptions(evidence: true))
    }

    /// What a verdict decides, leaving out near misses (a rule that did not
    /// fire may still show the patterns it matched) and rule indices.
    struct Outcome: Equatable, CustomStringConvertible {
        var severity: Severity
        var score: Double
        var agents: [AgentScore]
        var rules: [String]
        var decision: SeverityDecision
        var diagnostics: [ScanDiagnostic]
        var matches: [[MatchEvidence]]

        init(_ v: Verdict) {
            severity = v.severity
            score = v.score
            agents = v.agents
            rules = v.rules.map(\.id)
            decision = v.decision
            diagnostics = v.diagnostics
            matches = v.evidence?.rules.map(\.matches) ?? []
        }

        var description: String { "\(severity) \(score) \(rules) \(agents.map(\.id))" }
    }

    // MARK: Properties

    @Test func aRuleThatCannotMatchNeverChangesAResult() async throws {
        let unmatchable = zip(Gen.int(in: 0..<Self.impossible.count), Gen.int(in: 0..<Self.patterns.count), Gen.int(in: 0...3))
        await propertyCheck(count: 300, input: Self.rules, zip(Self.text, Self.text), zip(unmatchable, Gen.int(in: 0...8))) {
            draws, incident, extra in
            let ((i, p, shape), position) = extra
            let rules = draws.enumerated().map { $1.rule(id: "r\($0)", patterns: Self.patterns) }
            let never = Condition.pattern(Self.impossible[i], fields: nil)
            let other = Condition.pattern(Self.patterns[p], fields: nil)
            let condition: Condition =
                switch shape {
                case 0: never
                case 1: .all([other, never])
                case 2: .all([never, .none([other])])
                default: .atLeast(2, [never, other, .pattern(Self.impossible[(i + 1) % Self.impossible.count], fields: nil)], location: nil)
                }
            // Everything a rule can do, were it to fire.
            let silent = Rule(
                id: "never", condition: condition, score: 100, floor: .critical, override: .critical,
                agents: Self.agents.map { AgentWeight(agent: $0.id, weight: 10) })
            var withSilent = rules
            withSilent.insert(silent, at: min(position, rules.count))
            let before = try Self.pack(rules)
            let after = try Self.pack(withSilent)
            let expected = Outcome(Self.classify(before, incident.0, incident.1))
            let actual = Outcome(Self.classify(after, incident.0, incident.1))
            #expect(actual == expected, "title \(incident.0.debugDescription), description \(incident.1.debugDescription)")
        }
    }

    @Test func severityByScoreNeverFallsAsTheScoreRises() async {
        let thresholds = Gen.double(in: -10...20).array(of: 4).map { $0.sorted(by: >) }
        await propertyCheck(input: thresholds, Gen.double(in: -30...30), Gen.double(in: 0...30)) { t, score, rise in
            let ts = SeverityThresholds(critical: t[0], high: t[1], medium: t[2], low: t[3])
            #expect(ts.severity(forScore: score).0 <= ts.severity(forScore: score + rise).0)
        }
    }

    /// End to end: with floors, ceilings, overrides and the default of
    /// every other rule in play, a rule that fires adding more never lowers
    /// the severity.
    @Test func severityNeverFallsAsTheScoreRises() async throws {
        await propertyCheck(count: 300, input: Self.rules, zip(Self.text, Self.text), zip(Gen.int(in: 1...20), Gen.int(in: 0...20))) {
            draws, incident, scores in
            let rules = draws.enumerated().map { $1.rule(id: "r\($0)", patterns: Self.patterns) }
            func severity(_ score: Int) throws -> Severity {
                // Fires on a word no other pattern has, in the description only: no title weight.
                let boost = Rule(id: "boost", condition: .pattern(.keyword("ping"), fields: [.description]), score: Double(score) / 2)
                let pack = try Self.pack(rules + [boost])
                let v = Self.classify(pack, incident.0, incident.1 + " ping")
                #expect(v.rules.contains { $0.id == "boost" })
                return v.severity
            }
            let low = try severity(scores.0)
            let high = try severity(scores.0 + scores.1)
            #expect(low <= high, "score \(scores.0) gave \(low), \(scores.0 + scores.1) gave \(high)")
        }
    }

    @Test func everyEvidenceSpanLiesInsideItsFieldAndIsTheMatchedText() async throws {
        // Incidents with a few bytes that are not UTF-8 too: they are scanned as U+FFFD.
        let junk: [[UInt8]] = [[], [], [], [0xFF], [0xC3], [0xE2, 0x82], [0xED, 0xA0, 0x80]]
        let field = zip(Self.text, Gen.int(in: 0..<junk.count), Self.text).map { Array($0.0.utf8) + junk[$0.1] + Array($0.2.utf8) }
        await propertyCheck(count: 300, input: Self.rules, field, field) { draws, title, description in
            let rules = draws.enumerated().map { $1.rule(id: "r\($0)", patterns: Self.patterns) }
            let pack = try Self.pack(rules)
            let v = title.withUnsafeBufferPointer { t in
                description.withUnsafeBufferPointer { d in
                    pack.classify(IncidentText(title: t, description: d), scratch: pack.makeScratch(), options: ClassifyOptions(evidence: true))
                }
            }
            let evidence = try #require(v.evidence)
            for m in (evidence.rules + evidence.nearMisses).flatMap(\.matches) {
                let bytes = m.field == .title ? title : description
                #expect(0 <= m.start && m.start <= m.end && m.end <= bytes.count, "\(m)")
                guard 0 <= m.start && m.start <= m.end && m.end <= bytes.count else { continue }
                let span = Array(bytes[m.start..<m.end])
                #expect(String(decoding: span, as: UTF8.self) == m.text, "\(m)")
                // On character boundaries, where the bytes around are UTF-8.
                for edge in [m.start, m.end] where edge < bytes.count {
                    #expect(bytes[edge] & 0xC0 != 0x80 || !Self.isValidUTF8(bytes), "\(m) cuts a character")
                }
                // And the text is what the pattern matches.
                let spec = try #require(Self.patterns.first { $0.description == m.pattern })
                switch spec.kind {
                case .keyword where spec.caseSensitive:
                    #expect(m.text == spec.text, "\(m)")
                case .keyword:
                    #expect(CaseFolding.fold(m.text) == CaseFolding.fold(spec.text), "\(m)")
                case .phrase:
                    let words = m.text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
                    #expect(CaseFolding.fold(words) == CaseFolding.fold(spec.text), "\(m)")
                case .regex:
                    #expect(Self.regexMatchesWhole(spec, m.text), "\(m)")
                }
            }
        }
    }

    static func isValidUTF8(_ bytes: [UInt8]) -> Bool {
        String(validating: bytes, as: UTF8.self) != nil
    }

    /// Whether the regex matches all of `text` (anchored at both ends; the
    /// table's regexes have no lookaround, so the span alone decides).
    static func regexMatchesWhole(_ spec: PatternSpec, _ text: String) -> Bool {
        guard
            let re = try? backend.compile(
                "(?:" + spec.text + ")\\z", options: RegexCompileOptions(caseInsensitive: !spec.caseSensitive, options: spec.regexOptions, anchored: true))
        else { return false }
        let bytes = Array(CaseFolding.fold(text).utf8)
        let scratch = backend.makeScratch(limits: MatchLimits())
        let result = bytes.withUnsafeBufferPointer { re.firstMatch(in: $0, from: 0, validUTF8: true, scratch: scratch) }
        if case .match = result { return true }
        // Case-sensitive regexes run on the original text.
        let original = Array(text.utf8)
        let again = original.withUnsafeBufferPointer { re.firstMatch(in: $0, from: 0, validUTF8: true, scratch: scratch) }
        if case .match = again { return true }
        return false
    }
}
