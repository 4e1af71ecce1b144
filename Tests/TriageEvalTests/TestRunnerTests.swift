import Testing
import TriageCore
import TriageEval
import TriageRegex
import TriageYAML

/// Running inline tests and test-file cases, and measuring coverage.
@Suite struct TestRunnerTests {
    static let pack = #"""
        pack: {name: runner}
        severity: {thresholds: {critical: 8, high: 5, medium: 2, low: 1}, default: medium}
        agents: {catalogue: [{id: db}, {id: net}]}
        lists: {engines: [postgres, mysql]}
        macros: {done: {any: [resolved, mitigated]}}
        rules:
          - id: outage
            match: {all: [[outage, {phrase: is down}], {none: [{macro: done}]}]}
            score: 5
            tests:
              - {title: API outage, expect: match, severity: high}
              - {title: API outage resolved, expect: no_match}
              - {name: wrong severity, title: Total outage, expect: match, severity: critical}
          - id: db
            match: [{list: engines}, {regex: '\bora-\d{5}\b|sqlstate \w{5}'}]
            score: 1
            agents: {db: 2}
            tests:
              - {title: Postgres slow, expect: match, agents: [db]}
              - {title: Disk full, expect: match}
          - id: net
            match: {all: [packet loss, {none: [resolved]}]}
            agents: {net: 2}
            tests:
              - {title: packet loss resolved, expect: match}
          - id: off
            enabled: false
            match: x
            tests: [{title: x, expect: match}]
          - id: untested
            match: zzz
            score: 1
        """#

    static let file = """
        tests:
          - name: both
            title: Postgres outage
            expect: {severity: high, agents: [db], rules_fired: [outage, db], rules_not_fired: [net]}
          - title: ORA-00942 outage
            expect: {rules_fired: [db, outge]}
          - title: mysql packet loss
            expect: {agents: [db], rules_not_fired: [net]}
        """

    static func run() throws -> (TestRun, RulePack) {
        let written = try PackLoader.decode(yaml: pack, file: "p.yaml")
        let compiled = try PackCompiler(backend: PCRE2Backend()).compile(written)
        let (cases, errors) = TestFileLoader.decode(yaml: file, file: "tests/t.yaml")
        #expect(errors.isEmpty)
        return (TestRunner.run(pack: written, compiled: compiled, files: cases), written)
    }

    /// (case name, passed, failures as kind:rule:expected/actual)
    static let expected: [(String, Bool, [String])] = [
        ("outage #1", true, []),
        ("outage #2", true, []),
        ("outage: wrong severity", false, ["severity:-:critical/high"]),
        ("db #1", true, []),
        ("db #2", false, ["rule-fired:db:fires/did not fire"]),
        ("net #1", false, ["rule-fired:net:fires/did not fire"]),
        ("both", true, []),
        ("t.yaml #2", false, ["unknown-rule:outge:a rule of the pack/no such rule"]),
        ("t.yaml #3", false, ["agents:-:[db]/[db, net]", "rule-not-fired:net:does not fire/fired"]),
    ]

    @Test func results() throws {
        let (run, _) = try Self.run()
        let got = run.results.map { r in
            (r.test.name, r.passed, r.failures.map { "\($0.kind.rawValue):\($0.rule ?? "-"):\($0.expected)/\($0.actual)" })
        }
        #expect(got.map(\.0) == Self.expected.map(\.0))
        for (g, e) in zip(got, Self.expected) {
            #expect(g.1 == e.1, "\(e.0)")
            #expect(g.2 == e.2, "\(e.0)")
        }
        #expect(run.passed == 4 && run.failed == 5)
        #expect(run.skipped.map(\.name) == ["off #1"])
        #expect(run.untestedRules == ["untested"])
        #expect(run.unknownRules.map { "\($0.reference.id)@\($0.reference.location!) in \($0.test)" } == ["outge@tests/t.yaml:6:32 in t.yaml #2"])
        #expect(run.results[7].failures[0].hint == "; did you mean \"outage\"?")
    }

    @Test func nearMissIsTheEvidenceOfWhyARuleDidNotFire() throws {
        let (run, _) = try Self.run()
        let net = run.results.first { $0.test.name == "net #1" }!.failures[0]
        #expect(net.nearMiss?.matches.map { "\($0.pattern) \($0.excluded)" } == ["keyword:\"packet loss\" false", "keyword:\"resolved\" true"])
        let db = run.results.first { $0.test.name == "db #2" }!.failures[0]
        #expect(db.nearMiss == nil)
    }

    /// (rule, positive tests, negative tests, alternatives as "hit|miss description")
    static let coverage: [(String, [String], [String], [String])] = [
        ("outage", ["outage #1", "outage: wrong severity", "both"], ["outage #2"], [
            "hit keyword \"outage\"", "miss phrase \"is down\"", "hit exclusion keyword \"resolved\"",
            "miss exclusion keyword \"mitigated\"",
        ]),
        ("db", ["db #1", "both", "t.yaml #2"], [], [
            "hit keyword \"postgres\"", "miss keyword \"mysql\"",
            #"hit regex '\bora-\d{5}\b|sqlstate \w{5}' branch '\bora-\d{5}\b'"#,
            #"miss regex '\bora-\d{5}\b|sqlstate \w{5}' branch 'sqlstate \w{5}'"#,
        ]),
        ("net", [], ["both"], ["miss keyword \"packet loss\"", "miss exclusion keyword \"resolved\""]),
        ("untested", [], [], ["miss keyword \"zzz\""]),
    ]

    @Test func coverageOfRulesAndAlternatives() throws {
        let (run, written) = try Self.run()
        let report = Coverage.measure(pack: written, run: run, backend: PCRE2Backend())
        #expect(report.rules.map(\.id) == Self.coverage.map(\.0))
        for (r, e) in zip(report.rules, Self.coverage) {
            #expect(r.positiveTests == e.1, "\(e.0)")
            #expect(r.negativeTests == e.2, "\(e.0)")
            #expect(r.alternatives.map { ($0.covered ? "hit " : "miss ") + ($0.exclusion ? "exclusion " : "") + $0.description } == e.3, "\(e.0)")
        }
        #expect(report.coveredRules == 2)
        #expect(report.alternatives == 11 && report.coveredAlternatives == 4)
        #expect(abs(report.percentage - 400.0 / 11.0) < 1e-9)
        // Branches point into the regex: the second one starts 14 characters in.
        let db = report.rules[1].alternatives
        #expect(db[2].location?.description == "p.yaml:15:39")
        #expect(db[3].location?.description == "p.yaml:15:53")
        #expect(db[0].via == ["list engines"])
        #expect(report.rules[0].alternatives[2].via == ["macro done"])
    }
}
