import Foundation
import Testing
import TriageCore
import TriageYAML

/// Test files: what decodes to what, and errors with their locations.
@Suite struct TestFileLoaderTests {
    static func summary(_ c: PackTestCase) -> String {
        let e = c.expect
        var parts = [c.name ?? "-", c.incident.title, c.incident.description, c.incident.context ?? "-"]
        parts.append(e.severity?.name ?? "-")
        parts.append(e.agents.map { "[" + $0.joined(separator: ",") + "]" } ?? "-")
        parts.append("+" + e.rulesFired.map(\.id).joined(separator: ","))
        parts.append("-" + e.rulesNotFired.map(\.id).joined(separator: ","))
        return parts.joined(separator: " | ")
    }

    static let rows: [(String, String, [String])] = [
        ("a full case", """
            tests:
              - name: checkout
                title: Checkout down
                description: All payments fail.
                context: on-call note
                expect:
                  severity: critical
                  agents: [payments, network]
                  rules_fired: [outage, errors]
                  rules_not_fired: [resolved]
            """, ["checkout | Checkout down | All payments fail. | on-call note | critical | [payments,network] | +outage,errors | -resolved"]),
        ("a single rule as a scalar, description only", """
            tests:
              - {description: "disk full", expect: {rules_fired: disk}}
            """, ["- |  | disk full | - | - | - | +disk | -"]),
        ("empty file", "", []),
        ("missing expect", """
            tests:
              - {title: x}
            """, ["2:5: error: test has no `expect` (severity, agents, rules_fired or rules_not_fired) [missing-field]"]),
        ("empty expect", """
            tests:
              - {title: x, expect: {}}
            """, ["2:24: error: `expect` needs severity, agents, rules_fired or rules_not_fired [missing-field]"]),
        ("unknown case key", """
            tests:
              - {title: x, expected: {severity: low}}
            """, ["2:16: error: unknown field \"expected\" in test; did you mean \"expect\"? [unknown-field]"]),
        ("unknown expect key", """
            tests:
              - {title: x, expect: {rule_fired: [a]}}
            """, ["2:25: error: unknown field \"rule_fired\" in expect; did you mean \"rules_fired\"? [unknown-field]"]),
        ("bad severity", """
            tests:
              - {title: x, expect: {severity: urgent}}
            """, ["2:35: error: expected a severity (critical, high, medium, low or info), found \"urgent\" [invalid-value]"]),
        ("no text", """
            tests:
              - {context: x, expect: {severity: low}}
            """, ["2:5: error: test needs a title or a description [missing-field]"]),
        ("no tests list", """
            cases: []
            """, ["1:1: error: unknown field \"cases\" in the top level of a test file [unknown-field]",
                  "1:1: error: a test file needs a `tests:` list [missing-field]"]),
        ("tests not a list", """
            tests: {title: x}
            """, ["1:8: error: expected tests to be a list, found a mapping [invalid-value]"]),
        ("yaml syntax", "tests:\n  - {title: x\n", ["3:1: error: did not find expected ',' or '}' (while parsing a flow mapping at 2:5) [yaml-syntax]"]),
        ("nested too deep", "tests:\n  - {title: x, expect: {agents: " + String(repeating: "[", count: 70) + "\n",
         ["2:93: error: collections are nested more than 64 levels deep [limit-exceeded]"]),
    ]

    @Test(arguments: rows)
    func decode(row: (String, String, [String])) {
        let (cases, errors) = TestFileLoader.decode(yaml: row.1, file: "t.yaml")
        if errors.isEmpty {
            #expect(cases.map(Self.summary) == row.2, "\(row.0)")
        } else {
            #expect(errors.map { String($0.description.dropFirst("t.yaml:".count)) } == row.2, "\(row.0)")
        }
    }

    @Test func locationsOfCasesAndRuleNames() {
        let yaml = """
            tests:
              - title: x
                expect:
                  rules_fired: [a, b]
            """
        let (cases, errors) = TestFileLoader.decode(yaml: yaml, file: "t.yaml")
        #expect(errors.isEmpty)
        #expect(cases[0].location?.description == "t.yaml:2:5")
        #expect(cases[0].expect.rulesFired.map { $0.location!.description } == ["t.yaml:4:21", "t.yaml:4:24"])
    }

    @Test func directoriesAndMissingFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("triage-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("sub"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "tests: [{title: b, expect: {severity: low}}]".write(to: dir.appendingPathComponent("sub/b.yaml"), atomically: true, encoding: .utf8)
        try "tests: [{title: a, expect: {severity: low}}]".write(to: dir.appendingPathComponent("a.yml"), atomically: true, encoding: .utf8)
        try "not: tests".write(to: dir.appendingPathComponent("_skipped.yaml"), atomically: true, encoding: .utf8)
        try "notes".write(to: dir.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
        let (cases, errors) = TestFileLoader.load(paths: [dir.path, "/nonexistent/t.yaml"])
        #expect(cases.map(\.incident.title) == ["a", "b"])
        #expect(errors.map(\.description) == ["error: no test file at /nonexistent/t.yaml: no such file or directory [io]"])
    }

    /// `lint: {ignore: [...]}` on a rule.
    @Test func lintSuppressions() throws {
        let pack = try PackLoader.decode(yaml: """
            pack: {name: t}
            rules:
              - {id: a, match: x, lint: {ignore: [no-effect, short-keyword-without-boundary]}}
              - {id: b, match: y, lint: {ignore: disabled-rule}}
            """, file: "p.yaml")
        #expect(pack.rules[0].lintSuppressions.map { "\($0.check)@\($0.location!)" } == [
            "no-effect@p.yaml:3:39", "short-keyword-without-boundary@p.yaml:3:50",
        ])
        #expect(pack.rules[1].lintSuppressions.map(\.check) == ["disabled-rule"])
        #expect(throws: PackErrors.self) {
            _ = try PackLoader.decode(yaml: "pack: {name: t}\nrules:\n  - {id: a, match: x, lint: {ignores: [x]}}\n")
        }
    }
}
