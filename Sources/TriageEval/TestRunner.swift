import TriageCore

/// One test case, inline or from a test file, with what it expects.
public struct TestCase: Sendable, Hashable {
    public enum Origin: Sendable, Hashable {
        /// The `index`-th (0-based) inline test of a rule.
        case inline(rule: String, index: Int)
        case file
    }

    /// How reports name it: `rule-id #2`, `rule-id: name`, a file case's name, or `file #3`.
    public var name: String
    public var origin: Origin
    public var incident: Incident
    public var expect: TestExpectation
    public var location: SourceLocation?
}

/// One expectation that did not hold.
public struct TestFailure: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case severity, agents
        case ruleFired = "rule-fired"
        case ruleNotFired = "rule-not-fired"
        case unknownRule = "unknown-rule"
    }

    public var kind: Kind
    /// The rule concerned, for the rule kinds.
    public var rule: String?
    public var expected: String
    public var actual: String
    /// A near miss of the rule that should have fired: the patterns that matched.
    public var nearMiss: RuleEvidence?
    /// A suggestion for an unknown rule.
    public var hint: String = ""

    /// One sentence: `severity: expected critical, got low`, `net: expected to fire, did not fire`.
    public var summary: String {
        switch kind {
        case .severity, .agents: return "\(kind.rawValue): expected \(expected), got \(actual)"
        case .ruleFired: return "\(rule!): expected to fire, \(actual)"
        case .ruleNotFired: return "\(rule!): expected not to fire, but it fired"
        case .unknownRule: return "\(rule!): no such rule in the pack" + hint
        }
    }
}

/// A case and how it went.
public struct TestResult: Sendable, Hashable {
    public var test: TestCase
    public var verdict: Verdict
    public var failures: [TestFailure]
    public var passed: Bool { failures.isEmpty }

    /// Rules whose firing this case asserts (for coverage).
    public var expectedToFire: [String] { test.expect.rulesFired.map(\.id) }
    public var expectedNotToFire: [String] { test.expect.rulesNotFired.map(\.id) }
    public func fired(_ rule: String) -> Bool { verdict.rules.contains { $0.id == rule } }
}

/// Every case of a run and what the run noticed about the pack.
public struct TestRun: Sendable, Hashable {
    public var results: [TestResult]
    /// Inline tests of disabled rules, not run.
    public var skipped: [TestCase]
    /// Enabled rules no case names (inline or in a test file).
    public var untestedRules: [String]
    /// Rule names in test files the pack does not define, with the case naming them.
    public var unknownRules: [(reference: RuleReference, test: String)]

    public var passed: Int { results.filter(\.passed).count }
    public var failed: Int { results.count - passed }

    public static func == (a: TestRun, b: TestRun) -> Bool {
        a.results == b.results && a.skipped == b.skipped && a.untestedRules == b.untestedRules
            && a.unknownRules.map(\.reference) == b.unknownRules.map(\.reference)
            && a.unknownRules.map(\.test) == b.unknownRules.map(\.test)
    }

    public func hash(into h: inout Hasher) {
        h.combine(results)
        h.combine(untestedRules)
    }
}

public enum TestRunner {
    /// The inline tests of the pack's rules, then the test files' cases, as cases.
    public static func cases(pack: RulePack, files: [PackTestCase]) -> (run: [TestCase], skipped: [TestCase]) {
        var run = [TestCase]()
        var skipped = [TestCase]()
        for rule in pack.rules {
            for (k, t) in rule.tests.enumerated() {
                var expect = TestExpectation(severity: t.severity, agents: t.agents)
                let ref = RuleReference(rule.id, location: rule.location)
                if t.expectMatch { expect.rulesFired = [ref] } else { expect.rulesNotFired = [ref] }
                let c = TestCase(
                    name: t.name.map { "\(rule.id): \($0)" } ?? "\(rule.id) #\(k + 1)",
                    origin: .inline(rule: rule.id, index: k), incident: t.incident, expect: expect,
                    location: t.location)
                if rule.enabled { run.append(c) } else { skipped.append(c) }
            }
        }
        var perFile = [String: Int]()
        for t in files {
            let file = t.location?.file ?? "<tests>"
            perFile[file, default: 0] += 1
            let short = file.split(separator: "/").last.map(String.init) ?? file
            run.append(
                TestCase(
                    name: t.name ?? "\(short) #\(perFile[file]!)", origin: .file, incident: t.incident, expect: t.expect,
                    location: t.location))
        }
        return (run, skipped)
    }

    /// Runs every case against the compiled pack.
    public static func run(pack written: RulePack, compiled: CompiledPack, files: [PackTestCase]) -> TestRun {
        let (cases, skipped) = cases(pack: written, files: files)
        let scratch = compiled.makeScratch()
        let defined = Set(written.rules.map(\.id))
        let enabled = Set(compiled.rules.map(\.id))
        var results = [TestResult]()
        var unknown = [(RuleReference, String)]()
        var named = Set<String>()
        for c in cases {
            let v = compiled.classify(c.incident, scratch: scratch, options: ClassifyOptions(evidence: true))
            var failures = [TestFailure]()
            if let s = c.expect.severity, s != v.severity {
                failures.append(TestFailure(kind: .severity, expected: s.name, actual: v.severity.name))
            }
            if let a = c.expect.agents, Set(a) != Set(v.agents.map(\.id)) {
                failures.append(TestFailure(kind: .agents, expected: list(a), actual: list(v.agents.map(\.id))))
            }
            let fired = Set(v.rules.map(\.id))
            for ref in c.expect.rulesFired + c.expect.rulesNotFired {
                named.insert(ref.id)
                if !defined.contains(ref.id) {
                    unknown.append((ref, c.name))
                    failures.append(
                        TestFailure(
                            kind: .unknownRule, rule: ref.id, expected: "a rule of the pack", actual: "no such rule",
                            hint: Suggestions.hint(for: ref.id, in: defined)))
                }
            }
            for ref in c.expect.rulesFired where defined.contains(ref.id) && !fired.contains(ref.id) {
                let miss = v.evidence?.nearMisses.first { $0.ruleID == ref.id }
                failures.append(
                    TestFailure(
                        kind: .ruleFired, rule: ref.id, expected: "fires",
                        actual: enabled.contains(ref.id) ? "did not fire" : "is disabled", nearMiss: miss))
            }
            for ref in c.expect.rulesNotFired where fired.contains(ref.id) {
                failures.append(TestFailure(kind: .ruleNotFired, rule: ref.id, expected: "does not fire", actual: "fired"))
            }
            results.append(TestResult(test: c, verdict: v, failures: failures))
        }
        let untested = compiled.rules.map(\.id).filter { !named.contains($0) }
        return TestRun(results: results, skipped: skipped, untestedRules: untested, unknownRules: unknown)
    }

    static func list(_ xs: [String]) -> String { "[" + xs.joined(separator: ", ") + "]" }
}
