import Foundation
import Testing

/// `triage test`, `lint`, `eval` and `classify --profile` on the fixture
/// packs in Fixtures/authoring: whole outputs pinned in golden files under
/// Fixtures/authoring/expected, exit statuses, and errors.
///
/// After an intended change of output, regenerate the golden files with
/// `TRIAGE_UPDATE_GOLDEN=1 swift test --filter AuthoringCommandTests`
/// and review the diff.
enum Golden {
    static let dir = CLI.fixtures.appendingPathComponent("authoring")
    /// Paths as the commands print them: relative to the repository root, where tests run.
    static let rel = "Tests/TriageCLITests/Fixtures/authoring"
    static var pack: String { "\(rel)/pack.yaml" }
    static var tests: String { "\(rel)/tests.yaml" }
    static var lint: String { "\(rel)/lint.yaml" }
    static var corpus: String { "\(rel)/labelled.jsonl" }
    static var baseline: String { "\(rel)/baseline.yaml" }

    static func check(_ name: String, _ actual: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let file = dir.appendingPathComponent("expected").appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["TRIAGE_UPDATE_GOLDEN"] != nil {
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try actual.write(to: file, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: file, encoding: .utf8)
        #expect(actual == expected, "output differs from expected/\(name)", sourceLocation: sourceLocation)
    }

    static func lines(_ s: String) -> [String] { s.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
}

@Suite struct TestCommandTests {
    @Test func textShowsEachCaseAndTheEvidenceOfFailures() throws {
        let r = try CLI.run(["test", "--rules", Golden.pack, Golden.tests])
        #expect(r.status == 1)
        #expect(r.stderr == "")
        try Golden.check("test.txt", r.stdout)
    }

    @Test func coverage() throws {
        let r = try CLI.run(["test", "--rules", Golden.pack, Golden.tests, "--coverage"])
        #expect(r.status == 1)
        try Golden.check("test-coverage.txt", r.stdout)
    }

    @Test func json() throws {
        let r = try CLI.run(["test", "--rules", Golden.pack, Golden.tests, "--format", "json", "--coverage"])
        #expect(r.status == 1)
        _ = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8))
        try Golden.check("test.json", r.stdout)
    }

    @Test func junit() throws {
        let r = try CLI.run(["test", "--rules", Golden.pack, Golden.tests, "--format", "junit"])
        #expect(r.status == 1)
        try Golden.check("test.junit.xml", r.stdout)
        #expect(Golden.lines(r.stderr) == [
            "rules with no test (1): done",
            "\(Golden.tests):8:52: unknown rule \"outge\" in typo",
            "",
        ])
        #expect(r.stdout.components(separatedBy: "<testcase ").count - 1 == 6)
        #expect(r.stdout.components(separatedBy: "<failure ").count - 1 == 2)
    }

    @Test func passingPackExitsZero() throws {
        let r = try CLI.run(["test", "--rules", CLI.fixturePack])
        #expect(r.status == 0)
        #expect(Golden.lines(r.stdout) == ["", "0 cases: 0 passed, 0 failed", "rules with no test (5): outage, db, net, dataloss, resolved", ""])
    }

    @Test func shippedPackPassesItsOwnTests() throws {
        let r = try CLI.run(["test"])
        #expect(r.status == 0, "\(r.stdout)")
        #expect(r.stdout.contains(" passed, 0 failed"))
        let cov = try CLI.run(["test", "--coverage"])
        #expect(cov.stdout.contains("\ntotal coverage "))
    }

    @Test func badTestFilesExitTwoOrThree() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("triage-testcmd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let bad = dir.appendingPathComponent("bad.yaml")
        try "tests:\n  - {title: x, expect: {severty: low}}\n".write(to: bad, atomically: true, encoding: .utf8)
        let r = try CLI.run(["test", "--rules", Golden.pack, bad.path])
        #expect(r.status == 2)
        #expect(Golden.lines(r.stderr) == [
            "\(bad.path):2:25: error: unknown field \"severty\" in expect; did you mean \"severity\"? [unknown-field]",
            "1 error in the test files", "",
        ])
        let missing = try CLI.run(["test", "--rules", Golden.pack, "/nonexistent/tests.yaml"])
        #expect(missing.status == 3)
        #expect(missing.stderr.hasPrefix("error: no test file at /nonexistent/tests.yaml"))
        let usage = try CLI.run(["test", "--coverage", "--format", "junit"])
        #expect(usage.status == 64)
        #expect(usage.stderr.contains("--coverage works with --format text or json"))
    }
}

@Suite struct LintCommandTests {
    @Test func everyCheckOnTheFixture() throws {
        let r = try CLI.run(["lint", "--rules", Golden.lint])
        #expect(r.status == 1)
        try Golden.check("lint.txt", r.stdout)
    }

    @Test func json() throws {
        let r = try CLI.run(["lint", "--rules", Golden.lint, "--format", "json"])
        #expect(r.status == 1)
        _ = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8))
        try Golden.check("lint.json", r.stdout)
    }

    @Test func strictFailsOnWarningsOnly() throws {
        let quiet = ["lint", "--rules", Golden.lint, "--disable", "rule-never-fires", "--disable", "catastrophic-backtracking"]
        let r = try CLI.run(quiet)
        #expect(r.status == 0)
        #expect(Golden.lines(r.stdout).suffix(2) == ["0 errors, 12 warnings, 2 infos", ""])
        #expect(try CLI.run(quiet + ["--strict"]).status == 1)
        let clean = try CLI.run(["lint", "--rules", Golden.pack, "--strict"])
        #expect(clean.status == 0)
        #expect(clean.stdout == "0 errors, 0 warnings, 0 infos\n")
    }

    @Test func listChecks() throws {
        let r = try CLI.run(["lint", "--list-checks"])
        #expect(r.status == 0)
        try Golden.check("lint-checks.txt", r.stdout)
    }

    @Test func errors() throws {
        let unknown = try CLI.run(["lint", "--disable", "no-such-check"])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("no lint check \"no-such-check\""))
        let bad = try CLI.run(["lint", "--rules", "/nonexistent/pack.yaml"])
        #expect(bad.status == 2)
        #expect(bad.stderr.hasPrefix("error: no rule pack at /nonexistent/pack.yaml"))
    }

    /// The shipped pack lints without errors (its warnings are the authors' to weigh).
    @Test func shippedPack() throws {
        let r = try CLI.run(["lint"])
        #expect(r.status == 0, "\(r.stdout)")
        #expect(r.stdout.contains("0 errors, "))
    }
}

@Suite struct EvalCommandTests {
    @Test func text() throws {
        let r = try CLI.run(["eval", "--rules", Golden.pack, "--corpus", Golden.corpus])
        #expect(r.status == 0)
        #expect(r.stderr == "")
        try Golden.check("eval.txt", r.stdout)
    }

    @Test func baselineAndGates() throws {
        let r = try CLI.run([
            "eval", "--rules", Golden.pack, "--corpus", Golden.corpus, "--baseline", Golden.baseline,
            "--fail-on", "macro-f1:0", "--fail-on", "agent-micro-f1:0", "--fail-under", "accuracy:0.25",
        ])
        #expect(r.status == 1)
        try Golden.check("eval-baseline.txt", r.stdout)
        let loose = try CLI.run([
            "eval", "--rules", Golden.pack, "--corpus", Golden.corpus, "--baseline", Golden.baseline,
            "--fail-on", "macro-f1:0.05",
        ])
        #expect(loose.status == 0)
        #expect(loose.stdout.hasSuffix("\ngates: 1 gate checked, none tripped\n"))
    }

    @Test func json() throws {
        let r = try CLI.run(["eval", "--rules", Golden.pack, "--corpus", Golden.corpus, "--format", "json"])
        #expect(r.status == 0)
        try Golden.check("eval.json", r.stdout)
        let b = try CLI.run([
            "eval", "--rules", Golden.pack, "--corpus", Golden.corpus, "--baseline", Golden.baseline, "--format", "json",
            "--fail-on", "macro-f1:0",
        ])
        #expect(b.status == 1)
        try Golden.check("eval-baseline.json", b.stdout)
        let obj = try JSONSerialization.jsonObject(with: Data(b.stdout.utf8)) as! [String: Any]
        #expect((obj["changed"] as! [[String: Any]]).map { $0["id"] as! String } == ["e2", "e6"])
        #expect((obj["gates"] as! [[String: Any]]).map { $0["failed"] as! Bool } == [true])
    }

    @Test func unreadableRowsAreReportedAndTheRestEvaluated() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("triage-eval-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("c.jsonl")
        try (#"{"id":"a","title":"outage","description":"x","severity":"high"}"# + "\n"
            + #"{"id":"b","title":"x","description":"x","severity":"urgent"}"# + "\n{oops\n").write(to: file, atomically: true, encoding: .utf8)
        let r = try CLI.run(["eval", "--rules", Golden.pack, "--corpus", file.path])
        #expect(r.status == 1)
        #expect(Golden.lines(r.stderr) == [
            "\(file.path):2: error: unknown severity \"urgent\"; severities are critical, high, medium, low and info",
            "\(file.path):3:2: error: expected object key",
            "\(file.path): 2 of 3 rows could not be read; the rest were evaluated", "",
        ])
        #expect(r.stdout.contains(": 1 row, agents scored on 0"))
    }

    @Test func errors() throws {
        let missing = try CLI.run(["eval", "--rules", Golden.pack, "--corpus", "/nonexistent.jsonl"])
        #expect(missing.status == 3)
        #expect(missing.stderr == "error: cannot read /nonexistent.jsonl\n")
        let badBaseline = try CLI.run(["eval", "--rules", Golden.pack, "--corpus", Golden.corpus, "--baseline", "/nonexistent"])
        #expect(badBaseline.status == 2)
        #expect(badBaseline.stderr.hasSuffix("/nonexistent: 1 error in the baseline pack\n"))
        let noBaseline = try CLI.run(["eval", "--corpus", Golden.corpus, "--fail-on", "macro-f1:0.01"])
        #expect(noBaseline.status == 64)
        #expect(noBaseline.stderr.contains("--fail-on compares with a baseline"))
        let badMetric = try CLI.run(["eval", "--corpus", Golden.corpus, "--fail-under", "speed:1"])
        #expect(badMetric.status == 64)
        #expect(badMetric.stderr.contains("\"speed:1\" is not METRIC:NUMBER"))
        let badAgent = try CLI.run(["eval", "--rules", Golden.pack, "--corpus", Golden.corpus, "--fail-under", "agent-f1:datbase:0.5"])
        #expect(badAgent.status == 64)
        #expect(badAgent.stderr.contains("no agent \"datbase\" in the pack or the labels; did you mean \"database\"?"))
    }

    @Test func shippedPackOnTheCorpus() throws {
        let r = try CLI.run(["eval", "--corpus", "corpus/incidents.jsonl", "--fail-under", "accuracy:0"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("corpus/incidents.jsonl: 646 rows, agents scored on 646\n"))
        #expect(r.stdout.contains("\nconfusion matrix (rows: label, columns: predicted)\n"))
        let same = try CLI.run(["eval", "--corpus", "corpus/incidents.jsonl", "--baseline", "rules", "--fail-on", "macro-f1:0"])
        #expect(same.status == 0)
        #expect(same.stdout.contains("\nchanged incidents (0): "))
    }
}

@Suite struct ProfileTests {
    let input = CLI.fixtures.appendingPathComponent("incidents.jsonl").path

    /// The classification is the same; standard error gains the report,
    /// whose counts (not its times) are deterministic.
    @Test(arguments: ["1", "2"])
    func profileOnStandardError(jobs: String) throws {
        let plain = try CLI.run(["classify", "--rules", CLI.fixturePack, "--jobs", jobs, input])
        let r = try CLI.run(["classify", "--rules", CLI.fixturePack, "--jobs", jobs, "--profile", input])
        #expect(r.stdout == plain.stdout)
        #expect(r.status == 1)
        let lines = Golden.lines(r.stderr)
        #expect(lines.contains { $0.hasPrefix("profile: 4 incidents on \(jobs) worker\(jobs == "1" ? "" : "s"), ") })
        #expect(lines.contains { $0.hasPrefix("  step            total ms  µs/incident") })
        for step in ["normalise", "literal pass", "decide", "regex searches"] {
            #expect(lines.contains { $0.hasPrefix("  \(step) ") }, "\(step)")
        }
        let header = lines.firstIndex { $0.hasPrefix("  rule ") }!
        #expect(lines[header].split(separator: " ") == ["rule", "total", "ms", "µs/incident", "regex", "searches", "matches", "evaluations", "fired"])
        // rule, then searches, matches, evaluations, fired (the times vary).
        let rows = lines[(header + 1)...].prefix { $0.hasPrefix("  ") }.map { l -> String in
            let f = l.split(separator: " ")
            return ([f[0]] + f.suffix(4)).joined(separator: " ")
        }
        #expect(Set(rows) == ["db 1 1 2 2", "outage 1 1 1 1", "dataloss 2 1 1 1", "net 0 0 1 1", "resolved 0 0 1 1"])
    }
}

@Suite struct AuthoringHelpTests {
    @Test(arguments: [
        ("test", "Exit status: 0 every case passed; 1 some case failed"),
        ("lint", "Exit status: 0 no errors (and, with --strict, no warnings); 1 errors"),
        ("eval", "Exit status: 0 done and no gate tripped; 1 a gate tripped"),
        ("classify", "--profile reports on standard error where the time went"),
    ])
    func helpDocumentsExitStatus(row: (String, String)) throws {
        let r = try CLI.run([row.0, "--help"])
        #expect(r.status == 0)
        let flat = r.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(flat.contains(row.1), "\(r.stdout)")
    }
}
