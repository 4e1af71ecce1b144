import Foundation
import Testing

/// Runs the built `triage` binary the way users do, and pins its output,
/// its error messages and its exit statuses.
enum CLI {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static var fixturePack: String { fixtures.appendingPathComponent("pack.yaml").path }

    /// The `triage` executable next to the test bundle.
    static var binary: URL {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("triage")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return root.appendingPathComponent(".build/debug/triage")
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var lines: [String] { stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init) }
    }

    static func run(_ args: [String], stdin: String? = nil, env: [String: String] = [:], cwd: URL? = nil) throws -> Result {
        let p = Process()
        p.executableURL = binary
        p.arguments = args
        p.currentDirectoryURL = cwd ?? root
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "TRIAGE_RULES")
        for (k, v) in env { environment[k] = v }
        p.environment = environment
        let out = Pipe()
        let err = Pipe()
        let inp = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = inp
        try p.run()
        if let stdin { inp.fileHandleForWriting.write(Data(stdin.utf8)) }
        try inp.fileHandleForWriting.close()
        // Read both pipes to the end before waiting, so a large output cannot block the child.
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }
}

@Suite(.serialized) struct ClassifyCommandTests {
    let input = CLI.fixtures.appendingPathComponent("incidents.jsonl").path

    @Test func classifiesJSONLAndReportsBadLines() throws {
        let r = try CLI.run(["classify", "--rules", CLI.fixturePack, input])
        #expect(r.lines == [
            #"{"id":"a1","severity":"high","score":6,"agents":["database"],"rules":["outage","db"]}"#,
            #"{"id":"a2","severity":"medium","score":2,"agents":["network"],"rules":["net"]}"#,
            #"{"id":"a5","severity":"critical","score":1,"agents":["database","storage"],"rules":["db","dataloss"]}"#,
            #"{"id":"6","severity":"info","score":-3,"agents":[],"rules":["resolved"]}"#,
        ])
        #expect(r.stderr.split(separator: "\n").map(String.init) == [
            "\(input):3:1: error: expected '{'",
            "\(input):4:1: error: missing required field \"description\"",
            "\(input): 2 of 6 records could not be read; the rest were classified",
        ])
        #expect(r.status == 1)
    }

    @Test func readsStandardInputAndTheSameFromAFile() throws {
        let text = try String(contentsOfFile: input, encoding: .utf8)
        let fromStdin = try CLI.run(["classify", "--rules", CLI.fixturePack, "-"], stdin: text)
        let fromFile = try CLI.run(["classify", "--rules", CLI.fixturePack, input])
        #expect(fromStdin.stdout == fromFile.stdout)
        #expect(fromStdin.stderr.contains("<stdin>:3:1: error"))
    }

    @Test func evidenceCarriesSpansAndTheDecision() throws {
        let r = try CLI.run(["classify", "--rules", CLI.fixturePack, "--evidence"], stdin: #"{"id":"x","title":"Zoë: Postgres outage","description":"ORA-00942"}"# + "\n")
        #expect(r.status == 0)
        let obj = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let ev = obj["evidence"] as! [String: Any]
        #expect((ev["pack"] as! [String: Any])["name"] as? String == "fixture")
        #expect(((ev["pack"] as! [String: Any])["hash"] as! String).hasPrefix("sha256:"))
        #expect((ev["decision"] as! [String: Any])["steps"] as? [String] == ["score 6 >= high threshold 5: high"])
        let rules = ev["rules"] as! [[String: Any]]
        #expect(rules.map { $0["id"] as! String } == ["outage", "db"])
        let dbMatches = rules[1]["matches"] as! [[String: Any]]
        // "Zoë: " is 6 bytes in UTF-8, so "Postgres" starts at byte 6 of the title.
        #expect(dbMatches.map { "\($0["field"]!) \($0["start"]!)-\($0["end"]!) \($0["text"]!)" } == [
            "title 6-14 Postgres", "description 0-9 ORA-00942",
        ])
    }

    @Test func csvInWithChosenColumnsAndEveryOutputFormat() throws {
        let csv = CLI.fixtures.appendingPathComponent("incidents.csv").path
        let base = ["classify", "--rules", CLI.fixturePack, "--input-format", "csv", "--id-column", "ticket",
                    "--title-column", "summary", "--description-column", "details", "--context-column", "notes", csv]
        let jsonl = try CLI.run(base)
        #expect(jsonl.lines == [
            #"{"id":"T-1","severity":"high","score":5,"agents":[],"rules":["outage"]}"#,
            #"{"id":"T-2","severity":"medium","score":2,"agents":["network"],"rules":["net"]}"#,
            #"{"id":"T-4","severity":"low","score":1,"agents":["database"],"rules":["db"]}"#,
        ])
        // T-1's quoted description spans lines 2 and 3, so the short row T-3 starts on line 5.
        #expect(jsonl.stderr.hasPrefix("\(csv):5: error: expected 4 fields, found 2\n"))
        #expect(jsonl.status == 1)

        let asCSV = try CLI.run(base + ["--output-format", "csv"])
        #expect(asCSV.lines == ["id,severity,score,agents,rules", "T-1,high,5,,outage", "T-2,medium,2,network,net", "T-4,low,1,database,db"])

        let table = try CLI.run(base + ["--output-format", "table"])
        #expect(table.lines.first?.hasPrefix("ID                        SEVERITY   SCORE") == true)
        #expect(table.lines.count == 4)
    }

    @Test func everyJobCountGivesTheSameOutputInInputOrder() throws {
        let corpus = CLI.root.appendingPathComponent("corpus/incidents.jsonl").path
        let one = try CLI.run(["classify", "--jobs", "1", corpus])
        let two = try CLI.run(["classify", "--jobs", "2", corpus])
        let four = try CLI.run(["classify", "--jobs", "4", corpus])
        #expect(one.status == 0 && two.status == 0 && four.status == 0)
        #expect(one.lines.count == 646)
        #expect(one.stdout == two.stdout && two.stdout == four.stdout)
        let ids = one.lines.map { ($0.split(separator: "\"")[3]) }
        #expect(ids.first == "tk-0001" && ids.last == "tk-0646")
    }

    @Test func badPackExitsTwoWithLocations() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("triage-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let bad = dir.appendingPathComponent("bad.yaml")
        try "pack: {name: bad}\nrules:\n  - id: a\n    match: {regex: '(x'}\n    agents: [nobody]\n".write(to: bad, atomically: true, encoding: .utf8)
        let r = try CLI.run(["classify", "--rules", bad.path], stdin: "")
        #expect(r.status == 2)
        #expect(r.stderr.split(separator: "\n").map(String.init) == [
            "\(bad.path):4:23: error: regex does not compile: missing closing parenthesis at offset 2 in \"(x\" [invalid-regex]",
            "\(bad.path):5:14: error: rule \"a\" names unknown agent \"nobody\" [unknown-agent]",
            "\(bad.path): 2 errors in the rule pack",
        ])
    }

    @Test func defaultsToTheShippedPacks() throws {
        let r = try CLI.run(["classify", "--evidence"], stdin: #"{"id":"1","title":"API outage","description":"Every request fails with HTTP 503."}"# + "\n")
        #expect(r.status == 0)
        #expect(r.stdout.contains(#""pack":{"name":"triagekit-core""#))
        // From another directory, the pack next to the binary is still found.
        let elsewhere = try CLI.run(["classify"], stdin: "", cwd: FileManager.default.temporaryDirectory)
        #expect(elsewhere.status == 0)
    }

    @Test func usageErrors() throws {
        let r = try CLI.run(["classify", "--evidence", "--output-format", "csv"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("--evidence needs --output-format jsonl"))
        let missing = try CLI.run(["classify", "--rules", CLI.fixturePack, "/nonexistent.jsonl"])
        #expect(missing.status == 3)
        #expect(missing.stderr.contains("cannot open /nonexistent.jsonl"))
        let help = try CLI.run(["--help"])
        #expect(help.stdout.contains("Exit status: 0 success; 1 some records could not be read"))
    }
}

@Suite struct ExplainCommandTests {
    @Test func textShowsDecisionMatchesAndNearMisses() throws {
        let r = try CLI.run(["explain", "--rules", CLI.fixturePack, "--color", "never",
                             "--title", "MySQL outage", "--description", "Failover done, no data loss."])
        #expect(r.status == 0)
        let expected = """
            severity  HIGH  score 6
                      score 6 >= high threshold 5: high
            agents    database (2)
            """
        #expect(r.stdout.contains(expected))
        #expect(r.stdout.contains("  outage  +5"))
        #expect(r.stdout.contains("title[6..<12]          \"outage\"  keyword:\"outage\""))
        #expect(r.stdout.contains("near misses (1)"))
        #expect(r.stdout.contains("excluded by \"no data loss\""))
        #expect(r.stdout.contains("  title       [MySQL] [outage]"))
    }

    @Test func jsonIsTheEvidenceForm() throws {
        let r = try CLI.run(["explain", "--rules", CLI.fixturePack, "--format", "json", "--title", "packet loss"])
        let obj = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        #expect(obj["severity"] as? String == "medium")
        #expect(obj["agents"] as? [String] == ["network"])
        #expect((obj["evidence"] as? [String: Any])?["rules"] != nil)
    }
}
