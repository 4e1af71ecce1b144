import Foundation
import Testing
import TriageCore
import TriageRegex
import TriageYAML

/// Loading packs from YAML: what decodes to what, and every kind of error
/// with its exact file:line:col.
@Suite struct PackLoaderTests {
    static let header = """
        pack: {name: t, version: 2.1.0}
        agents:
          catalogue:
            - {id: database, description: dbs}
            - {id: network}
        rules:

        """

    /// Compiles YAML text the way the CLI does (decode errors and compile errors together).
    static func errors(_ yaml: String) -> [String] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("triage-loader-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("p.yaml")
        try! yaml.write(to: file, atomically: true, encoding: .utf8)
        do {
            _ = try PackLoader.compile(path: file.path, backend: PCRE2Backend())
            return []
        } catch {
            return error.errors.map { e in
                // Paths vary per run: the file is reported as <p>, and a leading "<p>:" is dropped.
                var d = e.description.replacingOccurrences(of: file.path, with: "<p>")
                if d.hasPrefix("<p>:") { d.removeFirst(4) }
                return d
            }
        }
    }

    static let errorRows: [(String, String, [String])] = [
        ("yaml syntax", "rules:\n  - id: a\n   match: x\n",
         ["3:4: error: did not find expected '-' indicator (while parsing a block collection at 2:3) [yaml-syntax]"]),
        ("unknown rule field with suggestion", header + "  - id: a\n    match: x\n    scroe: 3\n",
         ["9:5: error: unknown field \"scroe\" in rule; did you mean \"score\"? [unknown-field]"]),
        ("unknown top-level field", "pack: {name: t}\nrulez: []\n",
         ["2:1: error: unknown field \"rulez\" in the top level of a pack file; did you mean \"rules\"? [unknown-field]"]),
        ("duplicate rule id", header + "  - id: a\n    match: x\n  - id: a\n    match: y\n",
         ["9:9: error: duplicate rule id \"a\"; first defined at <p>:7:9 [duplicate-rule-id]"]),
        ("unknown agent", header + "  - id: a\n    match: x\n    agents: {databse: 1}\n",
         ["9:14: error: rule \"a\" names unknown agent \"databse\"; did you mean \"database\"? [unknown-agent]"]),
        ("regex that does not compile", header + "  - id: a\n    match: {regex: '(ab|c'}\n",
         ["8:26: error: regex does not compile: missing closing parenthesis at offset 5 in \"(ab|c\" [invalid-regex]"]),
        ("regex error in the middle", header + "  - id: a\n    match:\n      regex: 'ab[z-a]c'\n",
         ["9:20: error: regex does not compile: range out of order in character class at offset 5 in \"ab[z-a]c\" [invalid-regex]"]),
        ("regex matching the empty string", header + "  - id: a\n    match: {regex: 'x*'}\n",
         ["8:21: error: regex \"x*\" matches the empty string, so it would match every incident [invalid-regex]"]),
        // The pattern that stopped the classifier fuzz target on its first input (Fuzz/Packs/hostile.yaml).
        ("a nested repetition that may match nothing", header + "  - id: a\n    match: {regex: '^(\\w+\\s?)*$', flags: [multiline]}\n",
         ["8:21: error: regex \"^(\\\\w+\\\\s?)*$\" matches the empty string, so it would match every incident [invalid-regex]"]),
        ("thresholds out of order", "pack: {name: t}\nseverity:\n  thresholds: {critical: 5, high: 9}\n",
         ["3:15: error: severity thresholds out of order: high (9) must be below critical (5) [thresholds-out-of-order]"]),
        ("bad severity name", header + "  - id: a\n    match: x\n    floor: critcal\n",
         ["9:12: error: expected a severity (critical, high, medium, low or info), found \"critcal\"; did you mean \"critical\"? [invalid-value]"]),
        ("score not a number", header + "  - id: a\n    match: x\n    score: '3'\n",
         ["9:12: error: expected score to be a number, found the quoted string \"3\" [invalid-value]"]),
        ("unknown list", header + "  - id: a\n    match: {list: dbs}\n",
         ["8:19: error: unknown list \"dbs\" [unknown-list]"]),
        ("unknown macro with suggestion", "pack: {name: t}\nmacros:\n  outage: [down]\nrules:\n  - id: a\n    match: {macro: outge}\n",
         ["6:20: error: unknown macro \"outge\"; did you mean \"outage\"? [unknown-macro]"]),
        ("macro cycle", "pack: {name: t}\nmacros:\n  a: {macro: b}\n  b: {macro: a}\nrules:\n  - id: r\n    match: {macro: a}\n",
         ["4:14: error: macro \"a\" refers to itself: a -> b -> a [macro-cycle]"]),
        ("only exclusions", header + "  - id: a\n    match: {none: [x]}\n",
         ["7:9: error: rule \"a\" has no pattern outside a `none` condition, so it would fire on every incident [invalid-condition]"]),
        ("at_least out of range", header + "  - id: a\n    match: {at_least: 3, of: [x, y]}\n",
         ["8:23: error: at_least 3 of 2 conditions can never be decided usefully; use 1 to 2 [invalid-condition]"]),
        ("two operators", header + "  - id: a\n    match: {any: [x], all: [y]}\n",
         ["8:12: error: a condition has exactly one of any, all, none, at_least, macro, keyword, phrase, regex, list; found any and all [invalid-condition]"]),
        ("unknown flag", header + "  - id: a\n    match: {regex: x, flags: [multiline, dotal]}\n",
         ["8:42: error: unknown regex flag \"dotal\"; did you mean \"dotall\"? [invalid-value]"]),
        ("word on a regex", header + "  - id: a\n    match: {regex: x, word: false}\n",
         ["8:29: error: `word` applies to keywords and phrases; use \\b in a regex [invalid-pattern]"]),
        ("missing match", header + "  - id: a\n    score: 1\n",
         ["7:5: error: rule \"a\" has no `match` condition [missing-field]"]),
        ("bad id", header + "  - id: 'a b'\n    match: x\n",
         ["7:9: error: rule id \"a b\" may hold only letters, digits, -, _, . and : [invalid-value]"]),
        ("no pack section", "rules: []\n",
         ["1:1: error: no file of <p> has a `pack:` section with the pack's name [missing-field]"]),
        ("bad test expectation", header + "  - id: a\n    match: x\n    tests:\n      - {title: x, expect: matches}\n",
         ["10:28: error: expect must be `match` or `no_match`; did you mean \"match\"? [invalid-value]"]),
        ("floor above ceiling", header + "  - id: a\n    match: x\n    floor: high\n    ceiling: low\n",
         ["7:9: error: rule \"a\" has floor high above its ceiling low [invalid-value]"]),
        ("duplicate key", header + "  - id: a\n    match: x\n    match: y\n",
         ["9:5: error: duplicate key \"match\" (first defined at 8:5) [yaml-syntax]"]),
        ("match limits a pack may not loosen that far",
         "pack: {name: t}\nsettings: {match_limit: 4000000000, depth_limit: 10000001, heap_limit_kib: 2097152}\n",
         ["2:25: error: match_limit 4000000000 is over the most a pack may set, 10000000 [limit-exceeded]",
          "2:50: error: depth_limit 10000001 is over the most a pack may set, 10000000 [limit-exceeded]",
          "2:76: error: heap_limit_kib 2097152 is over the most a pack may set, 1048576 [limit-exceeded]"]),
        // Found by FuzzPackLoader: the decoder reported it, then the compiler again without a place.
        ("a relative agent threshold out of range", "pack: {name: t}\nagents: {relative: 2}\n",
         ["2:20: error: the relative agent threshold must be between 0 and 1 [invalid-value]"]),
        ("a match limit of zero", "pack: {name: t}\nsettings: {match_limit: 0}\n",
         ["2:25: error: expected match_limit to be a whole number of 1 or more, found \"0\" [invalid-value]"]),
    ]

    @Test(arguments: errorRows)
    func reportsErrorsWithLocation(row: (String, String, [String])) {
        let got = Self.errors(row.1)
        #expect(got == row.2, "\(row.0)")
    }

    /// Every error in a pack is reported in one run, in file order.
    @Test func reportsAllErrorsAtOnce() {
        let yaml = Self.header + """
              - id: a
                match: {regex: '(x'}
                agents: [nobody]
              - id: b
                match: x
                colour: red
              - id: a
                match: y

            """
        let got = Self.errors(yaml)
        #expect(got.count == 4)
        #expect(got.map { $0.components(separatedBy: "[").last! } == [
            "invalid-regex]", "unknown-agent]", "unknown-field]", "duplicate-rule-id]",
        ])
    }

    @Test func decodesEverySection() throws {
        let pack = try PackLoader.decode(yaml: """
            pack: {name: demo, version: 1.2.3, description: a demo}
            settings: {title_weight: 1.5, match_limit: 5000, depth_limit: 100, heap_limit_kib: 1024}
            severity:
              thresholds: {critical: 10, high: 6, medium: 3, low: 1}
              default: low
            agents:
              threshold: 2
              max: 4
              relative: 0.25
              catalogue: [{id: database, description: dbs}, {id: network}]
            lists:
              engines: [postgres, {keyword: MySQL, case_sensitive: true}, {regex: 'maria\\w+'}]
            macros:
              resolved: {any: [resolved, {phrase: fix deployed}]}
            rules:
              - id: db.down
                description: The database is down.
                enabled: true
                tags: [db, outage]
                fields: [title, description]
                match:
                  all:
                    - {list: engines, fields: [title]}
                    - at_least: 1
                      of: [down, {keyword: unreachable, word: false}]
                    - none: [{macro: resolved}]
                score: 7.5
                floor: high
                ceiling: critical
                agents: {database: 2, network: -0.5}
                title_weight: 2
                tests:
                  - {name: basic, title: Postgres down, description: all queries fail, expect: match, severity: high, agents: [database]}
                  - {title: resolved, expect: no_match}
              - id: maint
                enabled: false
                match: [maintenance, {regex: 'planned\\s+work', flags: [multiline, ucp], prefilter: [planned]}]
                override: info
                agents: [network]
            """)
        #expect(pack.metadata == PackMetadata(name: "demo", version: "1.2.3", description: "a demo", hash: pack.metadata.hash))
        #expect(pack.metadata.hash.hasPrefix("sha256:") && pack.metadata.hash.count == 71)
        #expect(pack.titleWeight == 1.5)
        #expect(pack.limits == MatchLimits(matchLimit: 5000, depthLimit: 100, heapLimitKiB: 1024))
        #expect(pack.thresholds.critical == 10 && pack.thresholds.low == 1)
        #expect(pack.defaultSeverity == .low)
        #expect(pack.agentThreshold == 2 && pack.maxAgents == 4 && pack.agentRelativeThreshold == 0.25)
        #expect(pack.agents.map(\.id) == ["database", "network"])
        #expect(pack.lists.first?.patterns.map(\.kind) == [.keyword, .keyword, .regex])
        #expect(pack.lists.first?.patterns[1].caseSensitive == true)
        let r = pack.rules[0]
        #expect(r.id == "db.down" && r.tags == ["db", "outage"] && r.fields == [.title, .description])
        #expect(r.score == 7.5 && r.floor == .high && r.ceiling == .critical && r.titleWeight == 2)
        #expect(r.agents.map(\.agent) == ["database", "network"] && r.agents.map(\.weight) == [2, -0.5])
        #expect(r.tests.count == 2 && r.tests[0].severity == .high && r.tests[0].agents == ["database"] && !r.tests[1].expectMatch)
        guard case .all(let parts) = r.condition, parts.count == 3,
              case .list("engines", let f, _) = parts[0], f == .title,
              case .atLeast(1, let of, _) = parts[1], of.count == 2,
              case .none(let ex) = parts[2], case .macro("resolved", _) = ex.first
        else {
            Issue.record("condition decoded wrongly: \(r.condition)")
            return
        }
        let m = pack.rules[1]
        #expect(!m.enabled && m.override == .info && m.agents.map(\.weight) == [1])
        guard case .any(let alts) = m.condition, case .pattern(let re, _) = alts[1] else {
            Issue.record("bare list should decode as any")
            return
        }
        #expect(re.regexOptions == [.multiline, .unicodeClasses] && re.prefilter == ["planned"])
        // It compiles, and the disabled rule is left out.
        let compiled = try PackCompiler(backend: PCRE2Backend()).compile(pack)
        #expect(compiled.rules.map(\.id) == ["db.down"])
    }

    @Test func directoryPacksMergeAndHashTheirFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("triage-dir-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        func write(_ name: String, _ text: String) throws {
            try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        try write("pack.yaml", "pack: {name: multi}\nagents: {catalogue: [{id: database}]}\n")
        try write("a.yaml", "rules:\n  - {id: one, match: down, agents: [database]}\n")
        try write("b.yml", "lists: {x: [y]}\nrules:\n  - {id: two, match: {list: x}}\n")
        try write("_draft.yaml", "this is: [not: valid")
        try write("notes.txt", "ignored")
        let pack = try PackLoader.load(path: dir.path)
        #expect(pack.metadata.name == "multi")
        #expect(pack.rules.map(\.id) == ["one", "two"])
        let h1 = pack.metadata.hash
        try write("b.yml", "lists: {x: [z]}\nrules:\n  - {id: two, match: {list: x}}\n")
        #expect(try PackLoader.load(path: dir.path).metadata.hash != h1)

        // A section defined in two files is an error naming both places.
        try write("c.yaml", "pack: {name: again}\n")
        #expect(throws: PackErrors.self) { try PackLoader.load(path: dir.path) }
        do {
            _ = try PackLoader.load(path: dir.path)
        } catch {
            #expect(error.errors.map(\.code) == [.duplicateDefinition])
            #expect(error.errors[0].message.contains("first at \(dir.path)/c.yaml:1:7"))
        }
    }

    @Test func missingPathIsAClearError() {
        #expect(throws: PackErrors.self) { try PackLoader.load(path: "/nonexistent/rules") }
    }
}
