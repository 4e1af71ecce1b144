import Testing
import TriageCore

/// Conditions (any, all, none, at-least-N, lists, macros), scores, thresholds,
/// floors, ceilings, overrides and agents.
@Suite struct ConditionTests {
    static let a = leaf(kw("alpha"))
    static let b = leaf(kw("bravo"))
    static let c = leaf(kw("charlie"))
    static let d = leaf(kw("delta"))

    static let rows: [(String, Condition, String, Bool)] = [
        ("leaf hit", a, "alpha", true),
        ("leaf miss", a, "bravo", false),
        ("any one", .any([a, b]), "bravo", true),
        ("any none", .any([a, b]), "charlie", false),
        ("all both", .all([a, b]), "bravo alpha", true),
        ("all one", .all([a, b]), "alpha", false),
        ("none excludes", .all([a, .none([b])]), "alpha bravo", false),
        ("none passes", .all([a, .none([b])]), "alpha charlie", true),
        ("none of two", .all([a, .none([b, c])]), "alpha charlie", false),
        ("at least 2 of 3: 2", .atLeast(2, [a, b, c], location: nil), "charlie alpha", true),
        ("at least 2 of 3: 1", .atLeast(2, [a, b, c], location: nil), "charlie", false),
        ("at least 3 of 3", .atLeast(3, [a, b, c], location: nil), "alpha bravo charlie", true),
        ("nested any in all", .all([.any([a, b]), .any([c, d])]), "bravo delta", true),
        ("nested any in all miss", .all([.any([a, b]), .any([c, d])]), "bravo alpha", false),
        ("nested none in any", .any([.all([a, .none([b])]), c]), "alpha bravo", false),
        ("nested none in any, other branch", .any([.all([a, .none([b])]), c]), "alpha bravo charlie", true),
        ("double negation", .all([a, .none([.all([b, .none([c])])])]), "alpha bravo charlie", true),
        ("double negation blocks", .all([a, .none([.all([b, .none([c])])])]), "alpha bravo", false),
        ("list", .list("words", fields: nil, location: nil), "it's the DELTA", true),
        ("list miss", .list("words", fields: nil, location: nil), "alphabet", false),
        ("list in title only", .list("words", fields: .title, location: nil), "delta", false),
        ("macro", .macro("a-or-b", location: nil), "bravo", true),
        ("macro nested", .all([.macro("a-or-b", location: nil), .macro("not-c", location: nil)]), "alpha charlie", false),
        ("macro nested pass", .all([.macro("a-or-b", location: nil), .macro("not-c", location: nil)]), "alpha", true),
        ("mixed kinds", .atLeast(2, [leaf(rx(#"\bora-\d+"#)), leaf(ph("disk full")), a], location: nil), "ORA-1 and disk  full", true),
    ]

    static let lists = [PatternList(name: "words", patterns: [kw("delta"), kw("echo")])]
    static let macros = [
        Macro(name: "a-or-b", condition: .any([a, b])),
        Macro(name: "not-c", condition: .none([c])),
    ]

    @Test(arguments: rows)
    func condition(row: (String, Condition, String, Bool)) throws {
        let pack = try TestPacks.compile(
            TestPacks.pack([Rule(id: "r", condition: row.1, score: 1)], lists: Self.lists, macros: Self.macros))
        let v = TestPacks.classify(pack, title: "", description: row.2)
        #expect(!v.rules.isEmpty == row.3, "\(row.0)")
    }

    /// A rule that fires on exclusions alone is refused: it would fire on everything.
    @Test func onlyExclusionsIsAnError() {
        #expect(throws: PackErrors.self) {
            _ = try TestPacks.compile(TestPacks.pack([Rule(id: "r", condition: .none([Self.a]))]))
        }
    }
}

@Suite struct ScoringTests {
    static func rule(_ id: String, _ word: String, score: Double, floor: Severity? = nil, ceiling: Severity? = nil,
                     override: Severity? = nil, agents: [(String, Double)] = [], fields: FieldSet = .all) -> Rule {
        Rule(id: id, fields: fields, condition: leaf(kw(word)), score: score, floor: floor, ceiling: ceiling,
             override: override, agents: agents.map { AgentWeight(agent: $0.0, weight: $0.1) })
    }

    static let rules: [Rule] = [
        rule("outage", "outage", score: 6, agents: [("network", 2)]),
        rule("errors", "errors", score: 3, agents: [("database", 1), ("network", 0.5)]),
        rule("latency", "latency", score: 1.5, agents: [("network", 1)]),
        rule("resolved", "resolved", score: -4),
        rule("dataloss", "dataloss", score: 1, floor: .critical, agents: [("storage", 3)]),
        rule("cosmetic", "cosmetic", score: 0, ceiling: .low, agents: [("frontend", 1)]),
        rule("maintenance", "maintenance", score: 0, override: .info),
        rule("security", "breach", score: 0, override: .critical, agents: [("auth", 1)]),
        rule("login", "login", score: 1, agents: [("auth", 1.5)]),
    ]

    // text, expected severity, score, agents (in order)
    static let rows: [(String, Severity, Double, [String])] = [
        ("all quiet", .medium, 0, []),  // default: nothing fired
        ("latency", .low, 1.5, ["network"]),  // 1.5 >= low 1
        ("errors", .medium, 3, ["database"]),  // network 0.5 < agent threshold 1
        ("outage", .high, 6, ["network"]),
        ("outage errors", .critical, 9, ["network", "database"]),  // network 2.5 > database 1
        ("errors latency", .medium, 4.5, ["network", "database"]),  // network 1.5, database 1
        ("outage resolved", .medium, 2, ["network"]),
        ("resolved", .info, -4, []),  // fired, below every threshold
        ("dataloss", .critical, 1, ["storage"]),  // floor
        ("cosmetic outage errors", .low, 9, ["network", "database", "frontend"]),  // ceiling
        ("cosmetic dataloss", .critical, 1, ["storage", "frontend"]),  // floor beats ceiling
        ("maintenance outage dataloss", .info, 7, ["storage", "network"]),  // override beats floor
        ("maintenance breach", .critical, 0, ["auth"]),  // most severe override wins
        ("login errors latency outage", .critical, 11.5, ["network", "auth", "database"]),
    ]

    @Test(arguments: rows)
    func severityAndAgents(row: (String, Severity, Double, [String])) throws {
        let pack = try TestPacks.compile(TestPacks.pack(Self.rules))
        let v = TestPacks.classify(pack, title: "", description: row.0)
        #expect(v.severity == row.1)
        #expect(v.score == row.2)
        #expect(v.agents.map(\.id) == row.3)
        #expect(v.decision.final == v.severity)
    }

    /// Rules that only assign agents leave the default severity in place.
    @Test func agentOnlyRulesKeepTheDefault() throws {
        let rules = Self.rules + [Self.rule("db", "postgres", score: 0, agents: [("database", 2)])]
        let pack = try TestPacks.compile(TestPacks.pack(rules, defaultSeverity: .medium))
        let v = TestPacks.classify(pack, title: "", description: "postgres")
        #expect(v.rules.map(\.id) == ["db"])
        #expect(v.severity == .medium && v.decision.defaulted)
        #expect(v.agents.map(\.id) == ["database"])
        let w = TestPacks.classify(pack, title: "", description: "postgres latency")
        #expect(w.severity == .low && !w.decision.defaulted)
    }

    @Test func maxAgentsAndThreshold() throws {
        let pack = try TestPacks.compile(TestPacks.pack(Self.rules, agentThreshold: 1.5, maxAgents: 2))
        let v = TestPacks.classify(pack, title: "", description: "login errors latency outage dataloss")
        // network 3.5, storage 3, auth 1.5 reach the threshold; database 1 does not; two are kept.
        #expect(v.agents.map(\.id) == ["network", "storage"])
        #expect(v.agents.map(\.weight) == [3.5, 3])
    }

    /// With a relative threshold, secondary agents must weigh a share of the heaviest.
    @Test func relativeAgentThreshold() throws {
        var pack = TestPacks.pack(Self.rules)
        // "login errors latency outage": network 3.5, auth 1.5, database 1.
        pack.agentRelativeThreshold = 0.4
        let v = TestPacks.classify(try TestPacks.compile(pack), title: "", description: "login errors latency outage")
        #expect(v.agents.map(\.id) == ["network", "auth"])  // 1.5 >= 1.4; 1 < 1.4
        pack.agentRelativeThreshold = 0.5
        let w = TestPacks.classify(try TestPacks.compile(pack), title: "", description: "login errors latency outage")
        #expect(w.agents.map(\.id) == ["network"])
        pack.agentRelativeThreshold = 1.5
        #expect(throws: PackErrors.self) { try TestPacks.compile(pack) }
    }

    @Test func callerOverrideWinsAndIsRecorded() throws {
        let pack = try TestPacks.compile(TestPacks.pack(Self.rules))
        let v = TestPacks.classify(pack, title: "", description: "maintenance dataloss", override: .high)
        #expect(v.severity == .high)
        #expect(v.decision.callerOverride == .high)
        #expect(v.decision.ruleOverride?.severity == .info)
        #expect(v.decision.floor?.severity == .critical)
        #expect(v.decision.steps.last == "caller override high: info -> high")
        #expect(v.decision.ruleSeverity == .info)
    }

    /// Whatever the caller imposes, `ruleSeverity` is what the rules alone decided.
    @Test(arguments: rows, [Severity.critical, .low])
    func ruleSeverityIgnoresTheCallerOverride(row: (String, Severity, Double, [String]), priority: Severity) throws {
        let pack = try TestPacks.compile(TestPacks.pack(Self.rules))
        let plain = TestPacks.classify(pack, title: "", description: row.0)
        let overridden = TestPacks.classify(pack, title: "", description: row.0, override: priority)
        #expect(plain.decision.ruleSeverity == row.1)
        #expect(overridden.decision.ruleSeverity == row.1)
        #expect(overridden.severity == priority)
    }

    @Test func titleWeightMultipliesScoreAndAgents() throws {
        let pack = try TestPacks.compile(TestPacks.pack(Self.rules, titleWeight: 2))
        let inTitle = TestPacks.classify(pack, title: "Errors", description: "")
        let inBody = TestPacks.classify(pack, title: "", description: "errors")
        #expect(inTitle.score == 6)
        #expect(inTitle.rules.first?.titleMatched == true)
        #expect(inTitle.agents.map(\.id) == ["database", "network"])  // 2 and 1
        #expect(inBody.score == 3)
        #expect(inBody.agents.map(\.id) == ["database"])
    }

    @Test func thresholdsWithGapsAndDefaults() throws {
        let pack = try TestPacks.compile(
            TestPacks.pack(Self.rules, thresholds: SeverityThresholds(critical: 9, medium: 1), defaultSeverity: .low))
        #expect(TestPacks.classify(pack, title: "", description: "nothing").severity == .low)
        #expect(TestPacks.classify(pack, title: "", description: "outage").severity == .medium)  // no high threshold
        #expect(TestPacks.classify(pack, title: "", description: "outage errors").severity == .critical)
        #expect(TestPacks.classify(pack, title: "", description: "resolved").severity == .info)
    }

    @Test func decisionStepsExplainTheSeverity() throws {
        let pack = try TestPacks.compile(TestPacks.pack(Self.rules))
        let v = TestPacks.classify(pack, title: "", description: "cosmetic outage errors")
        #expect(v.decision.steps == [
            "score 9 >= critical threshold 8: critical",
            "ceiling low from rule cosmetic: critical -> low",
        ])
        #expect(TestPacks.classify(pack, title: "", description: "calm").decision.steps == ["no rule affecting severity fired: default severity medium"])
    }

    @Test func severityIsOrdinal() {
        #expect(Severity.high > Severity.info)
        #expect(Severity.critical > Severity.high)
        #expect(Severity.allCases.sorted() == [.info, .low, .medium, .high, .critical])
        #expect(Severity.allCases.map(\.name).sorted() != Severity.allCases.sorted().map(\.name))  // strings would sort wrong
    }
}

@Suite struct ProfileTests {
    @Test func countsSearchesMatchesAndFirings() throws {
        let rules = [
            Rule(id: "kw", condition: leaf(kw("disk")), score: 1),
            Rule(id: "rx", condition: leaf(rx(#"\bora-\d+"#)), score: 1),
            Rule(id: "shared", condition: .all([leaf(rx(#"\bora-\d+"#)), leaf(kw("fatal"))]), score: 1),
            Rule(id: "always", condition: leaf(rx(#"\w+\d\b"#)), score: 1),
        ]
        let pack = try TestPacks.compile(TestPacks.pack(rules))
        let scratch = pack.makeScratch(profiling: true)
        guard case .regex(_, let prefiltered, _) = pack.patterns.last!.engine, !prefiltered else {
            Issue.record("the last regex was meant to have no literal prefilter")
            return
        }
        for d in ["disk full", "ORA-00942", "ORA-1 fatal x5", "nothing"] {
            _ = pack.classify(Incident(title: "", description: d), scratch: scratch)
        }
        let p = try #require(scratch.profile)
        #expect(p.incidents == 4)
        #expect(p.ruleFired == [1, 2, 1, 2])  // \w+\d also matches "00942"
        #expect(p.ruleEvaluations == [1, 2, 2, 2])
        let costs = p.ruleCosts(pack)
        #expect(costs.map(\.id) == ["kw", "rx", "shared", "always"])
        // The ora- regex searched only where its literal occurred: twice, in the description.
        #expect(costs[1].regexSearches == 2 && costs[1].regexMatches == 2)
        // The regex without a literal searched every field of every incident.
        #expect(costs[3].regexSearches == 8)
        #expect(costs.allSatisfy { $0.nanoseconds >= 0 })

        let other = pack.makeScratch(profiling: true)
        _ = pack.classify(Incident(title: "disk", description: ""), scratch: other)
        p.merge(other.profile!)
        #expect(p.incidents == 5 && p.ruleFired[0] == 2)
    }
}
