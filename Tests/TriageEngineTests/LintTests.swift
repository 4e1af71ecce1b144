import Testing
import TriageCore
import TriageRegex
import TriageYAML

/// Lint checks on small packs: each row runs one check and pins where it
/// reports (line:col, level) and what the messages say.
@Suite struct LintTests {
    struct Row: CustomStringConvertible, Sendable {
        var name: String
        var check: String
        /// The pack's `rules:` and anything after; the header takes lines 1-3.
        var yaml: String
        /// `line:col level` of each finding, in order.
        var expected: [String]
        /// Text the messages must contain.
        var mentions: [String] = []

        var description: String { "\(check): \(name)" }
    }

    static let header = """
        pack: {name: t}
        agents: {catalogue: [{id: db}, {id: net}]}
        severity: {thresholds: {critical: 8, high: 5, medium: 2, low: 1}, default: medium}

        """

    static func lint(_ yaml: String, only check: String? = nil, disabled: Set<String> = []) throws -> [LintFinding] {
        let pack = try PackLoader.decode(yaml: header + yaml, file: "t.yaml")
        let compiled = try PackCompiler(backend: PCRE2Backend()).compile(pack)
        let others = Set(Linter.checkIDs).subtracting(check.map { [$0] } ?? [])
        return Linter(disabled: check == nil ? disabled : others).run(pack: pack, compiled: compiled)
    }

    static let rows: [Row] = [
        // MARK: rule-never-fires
        Row(name: "required and excluded", check: "rule-never-fires", yaml: """
            rules:
              - {id: r, match: {all: [outage, {none: [outage]}]}, score: 1}
            """, expected: ["5:10 error"], mentions: ["requires keyword \"outage\" and also excludes it"]),
        Row(name: "required in title, excluded everywhere", check: "rule-never-fires", yaml: """
            rules:
              - {id: r, match: {all: [{keyword: outage, fields: [title]}, {none: [outage]}]}, score: 1}
            """, expected: ["5:10 error"]),
        Row(name: "excluded in the title only", check: "rule-never-fires", yaml: """
            rules:
              - {id: r, match: {all: [outage, {none: [{keyword: outage, fields: [title]}]}]}, score: 1}
            """, expected: []),
        Row(name: "every branch of an any excluded", check: "rule-never-fires", yaml: """
            rules:
              - {id: r, match: {all: [[outage, down], {none: [[outage, down]]}]}, score: 1}
            """, expected: ["5:10 error"]),
        Row(name: "one branch of an any left", check: "rule-never-fires", yaml: """
            rules:
              - {id: r, match: {all: [[outage, down], {none: [outage]}]}, score: 1}
            """, expected: []),
        Row(name: "list against itself", check: "rule-never-fires", yaml: """
            lists: {l: [a, b]}
            rules:
              - {id: r, match: {all: [{list: l}, {none: [{list: l}]}]}, score: 1}
            """, expected: ["6:10 error"]),
        Row(name: "exclusion through a macro", check: "rule-never-fires", yaml: """
            macros: {calm: {none: [outage]}}
            rules:
              - {id: r, match: {all: [outage, {macro: calm}]}, score: 1}
            """, expected: ["6:10 error"]),
        Row(name: "at_least with too few satisfiable", check: "rule-never-fires", yaml: """
            rules:
              - {id: r, match: {all: [{at_least: 2, of: [a, {all: [b, {none: [b]}]}]}]}, score: 1}
            """, expected: ["5:10 error"], mentions: ["at_least 2 of its conditions must hold but at most 1 can"]),
        Row(name: "at_least satisfiable", check: "rule-never-fires", yaml: """
            rules:
              - {id: r, match: {at_least: 2, of: [a, c, {all: [b, {none: [b]}]}]}, score: 1}
            """, expected: []),
        Row(name: "contradiction in one branch only", check: "rule-never-fires", yaml: """
            rules:
              - {id: r, match: {any: [{all: [x, {none: [x]}]}, y]}, score: 1}
            """, expected: []),
        Row(name: "a disabled rule is not analysed", check: "rule-never-fires", yaml: """
            rules:
              - {id: r, enabled: false, match: {all: [x, {none: [x]}]}, score: 1}
              - {id: s, match: y, score: 1}
            """, expected: []),

        // MARK: fires-without-match
        Row(name: "none inside any", check: "fires-without-match", yaml: """
            rules:
              - {id: r, match: {any: [outage, {none: [resolved]}]}, score: 1}
            """, expected: ["5:10 warning"]),
        Row(name: "none inside all", check: "fires-without-match", yaml: """
            rules:
              - {id: r, match: {all: [outage, {none: [resolved]}]}, score: 1}
            """, expected: []),
        Row(name: "none counted by at_least 1", check: "fires-without-match", yaml: """
            rules:
              - {id: r, match: {at_least: 1, of: [outage, {none: [resolved]}]}, score: 1}
            """, expected: ["5:10 warning"]),

        // MARK: conflicting-keyword
        Row(name: "opposite scores", check: "conflicting-keyword", yaml: """
            rules:
              - {id: up, match: [outage, down], score: 5}
              - {id: calm, match: [resolved, outage], score: -3}
            """, expected: ["6:34 warning"], mentions: ["keyword \"outage\" alone fires rule \"calm\" and rule \"up\" (5:22), which pull opposite ways: score -3 against +5"]),
        Row(name: "only together with another keyword", check: "conflicting-keyword", yaml: """
            rules:
              - {id: up, match: outage, score: 5}
              - {id: calm, match: {all: [outage, resolved]}, score: -3}
            """, expected: []),
        Row(name: "an all whose other parts are exclusions", check: "conflicting-keyword", yaml: """
            rules:
              - {id: up, match: outage, score: 5}
              - {id: calm, match: {all: [outage, {none: [severe]}]}, score: -3}
            """, expected: ["6:30 warning"]),
        Row(name: "different overrides", check: "conflicting-keyword", yaml: """
            rules:
              - {id: a, match: maintenance, override: info}
              - {id: b, match: Maintenance, override: critical}
            """, expected: ["6:20 warning"], mentions: ["override critical against override info"]),
        Row(name: "floor above ceiling", check: "conflicting-keyword", yaml: """
            rules:
              - {id: a, match: {phrase: data loss}, floor: critical}
              - {id: b, match: {phrase: "data  loss"}, ceiling: low}
            """, expected: ["6:30 warning"], mentions: ["ceiling low against floor critical"]),
        Row(name: "agent weights of opposite sign", check: "conflicting-keyword", yaml: """
            rules:
              - {id: a, match: latency, agents: {net: 2}}
              - {id: b, match: latency, agents: {net: -1, db: 1}}
            """, expected: ["6:20 warning"], mentions: ["net -1 against +2"]),
        Row(name: "same direction", check: "conflicting-keyword", yaml: """
            rules:
              - {id: a, match: outage, score: 5}
              - {id: b, match: outage, score: 2}
            """, expected: []),
        Row(name: "through a shared list", check: "conflicting-keyword", yaml: """
            lists: {words: [outage, down]}
            rules:
              - {id: a, match: {list: words}, score: 5}
              - {id: b, match: {list: words}, score: -1}
            """, expected: ["4:17 warning", "4:25 warning"]),

        // MARK: shadowed-keyword
        Row(name: "a longer keyword holding a shorter one", check: "shadowed-keyword", yaml: """
            rules:
              - {id: r, match: [database, database connection], score: 1}
            """, expected: ["5:31 warning"], mentions: ["keyword \"database connection\" is shadowed by keyword \"database\" (5:21)"]),
        Row(name: "plural with a boundary between", check: "shadowed-keyword", yaml: """
            rules:
              - {id: r, match: [database, databases], score: 1}
            """, expected: []),
        Row(name: "inside a word when word is false", check: "shadowed-keyword", yaml: """
            rules:
              - {id: r, match: [{keyword: db, word: false}, feedback], score: 1}
            """, expected: ["5:49 warning"]),
        Row(name: "fields of the shorter cover the longer", check: "shadowed-keyword", yaml: """
            rules:
              - {id: r, match: [disk, {keyword: disk full, fields: [title]}], score: 1}
            """, expected: ["5:37 warning"]),
        Row(name: "shorter looks at fewer fields", check: "shadowed-keyword", yaml: """
            rules:
              - {id: r, match: [{keyword: disk, fields: [title]}, disk full], score: 1}
            """, expected: []),
        Row(name: "case-sensitive shorter", check: "shadowed-keyword", yaml: """
            rules:
              - {id: r, match: [{keyword: DISK, case_sensitive: true}, disk full], score: 1}
            """, expected: []),
        Row(name: "exact duplicate", check: "shadowed-keyword", yaml: """
            rules:
              - {id: r, match: [outage, Outage], score: 1}
            """, expected: ["5:29 warning"], mentions: ["keyword \"Outage\" repeats keyword \"outage\""]),
        Row(name: "phrase in a phrase", check: "shadowed-keyword", yaml: """
            rules:
              - {id: r, match: [{phrase: too many}, {phrase: "too  many connections"}], score: 1}
            """, expected: ["5:51 warning"]),
        Row(name: "keyword with a space does not cover a phrase", check: "shadowed-keyword", yaml: """
            rules:
              - {id: r, match: [too many, {phrase: too many connections}], score: 1}
            """, expected: []),
        Row(name: "conjunction is no group", check: "shadowed-keyword", yaml: """
            rules:
              - {id: r, match: {all: [database, database connection]}, score: 1}
            """, expected: []),
        Row(name: "exclusions form a group", check: "shadowed-keyword", yaml: """
            rules:
              - {id: r, match: {all: [outage, {none: [resolved, has been resolved]}]}, score: 1}
            """, expected: ["5:53 warning"]),
        Row(name: "punctuation edge needs no boundary", check: "shadowed-keyword", yaml: """
            rules:
              - {id: r, match: ["c++", "c++ build"], score: 1}
            """, expected: ["5:29 warning"]),
        Row(name: "nested any and a list in one group", check: "shadowed-keyword", yaml: """
            lists: {l: [http 503]}
            rules:
              - {id: r, match: [{any: ["503"]}, {list: l}], score: 1}
            """, expected: ["4:13 warning"]),

        // MARK: short-keyword-without-boundary
        Row(name: "two letters inside words", check: "short-keyword-without-boundary", yaml: """
            rules:
              - {id: r, match: [{keyword: db, word: false}, {keyword: time, word: false}, {keyword: timeout, word: false}, db], score: 1}
            """, expected: ["5:31 warning", "5:59 warning"], mentions: ["keyword \"db\" has word: false and only 2 characters"]),
        Row(name: "unspaced scripts and punctuation", check: "short-keyword-without-boundary", yaml: """
            rules:
              - {id: r, match: [{keyword: 障害, word: false}, {keyword: "--", word: false}], score: 1}
            """, expected: []),
        Row(name: "one finding for a list item used twice", check: "short-keyword-without-boundary", yaml: """
            lists: {l: [{keyword: oom, word: false}]}
            rules:
              - {id: r, match: {list: l}, score: 1}
              - {id: s, match: {list: l}, score: 2}
            """, expected: ["4:23 warning"]),

        // MARK: regex-without-literal
        Row(name: "digits only", check: "regex-without-literal", yaml: """
            rules:
              - {id: r, match: [{regex: '\\b\\d+\\b'}, {regex: '\\bora-\\d+'}, {regex: '\\d{3}', prefilter: [x]}], score: 1}
            """, expected: ["5:30 warning"]),

        // MARK: catastrophic-backtracking
        Row(name: "nested plus, confirmed", check: "catastrophic-backtracking", yaml: """
            rules:
              - {id: r, match: {regex: '(a+)+b'}, score: 1}
            """, expected: ["5:29 error"], mentions: ["\"(?:a+)+\" repeats \"a+\"", "confirmed: PCRE2 hits the match limit (100000) on a crafted 32-character text"]),
        Row(name: "words and optional spaces to the end", check: "catastrophic-backtracking", yaml: """
            rules:
              - {id: r, match: {regex: '^(\\w+\\s?)+$'}, score: 1}
            """, expected: ["5:29 error"], mentions: ["\"(?:\\w+\\s?)+\" repeats \"\\w+\""]),
        Row(name: "mandatory separator of another class", check: "catastrophic-backtracking", yaml: """
            rules:
              - {id: r, match: [{regex: '(\\w+\\s)*x'}, {regex: '(?:\\d{1,3}\\.){3}\\d{1,3}x'}, {regex: '\\b(?:http\\s*)?5\\d\\d\\b'}], score: 1}
            """, expected: []),
        Row(name: "ambiguous alternation", check: "catastrophic-backtracking", yaml: """
            rules:
              - {id: r, match: [{regex: '(\\w|\\d)+x'}, {regex: '(a|b)+x'}], score: 1}
            """, expected: ["5:30 error"], mentions: ["the branches \"\\w\" and \"\\d\" can both match \"0\""]),
        Row(name: "nothing after the loop", check: "catastrophic-backtracking", yaml: """
            rules:
              - {id: r, match: {regex: 'x(\\w+\\s?)*'}, score: 1}
            """, expected: []),
        Row(name: "what follows takes characters back from the run", check: "catastrophic-backtracking", yaml: """
            rules:
              - {id: r, match: [{regex: '(\\d+,?)+\\d'}, {regex: '\\b(\\w+\\s?)+\\b'}, {regex: '(?:[^"\\\\]|\\\\.)*"'}, {regex: '(\\s|\\S)+z'}], score: 1}
            """, expected: []),
        Row(name: "classic cases, all confirmed", check: "catastrophic-backtracking", yaml: """
            rules:
              - {id: r, match: [{regex: '(.*?,){11}P'}, {regex: '^([a-z0-9])(([\\-.]|[_]+)?([a-z0-9]+))*(@)'}, {regex: '(x+x+)+y'}], score: 1}
            """, expected: ["5:30 error", "5:54 error", "5:108 error"]),
        Row(name: "static only when the crafted text cannot reach it", check: "catastrophic-backtracking", yaml: """
            rules:
              - {id: r, match: {regex: '(?<=q)(\\d+\\.?\\d+)*z'}, score: 1}
            """, expected: ["5:29 warning"]),

        // MARK: unreachable-severity
        Row(name: "one rule reaches one level", check: "unreachable-severity", yaml: """
            rules:
              - {id: r, match: outage, score: 3}
            """, expected: ["3:24 warning", "3:24 warning", "3:24 warning", "3:24 warning"],
            mentions: ["severity critical is never reached: it needs a score of 8 or more, but the rules' scores add up to 0 at least and 3 at most",
                       "severity info is never reached: it needs a score below 1"]),
        Row(name: "floors, ceilings, overrides and the title weight", check: "unreachable-severity", yaml: """
            rules:
              - {id: r, match: outage, score: 4, title_weight: 1.5}
              - {id: f, match: loss, floor: critical}
              - {id: c, match: typo, ceiling: low}
              - {id: o, match: drill, override: info}
            """, expected: []),
        Row(name: "a gap between sums", check: "unreachable-severity", yaml: """
            rules:
              - {id: a, match: outage, score: 9, fields: [description]}
              - {id: b, match: resolved, score: -9, fields: [description]}
            """, expected: ["3:24 warning", "3:24 warning"], mentions: ["severity high is never reached: it needs a score from 5 up to 8, and no combination of the rules' scores falls there"]),

        // MARK: unused and unreachable definitions
        Row(name: "unused list and macro", check: "unused-list", yaml: """
            lists: {used: [a], spare: [b]}
            macros: {m: {list: used}}
            rules:
              - {id: r, match: {macro: m}, score: 1}
            """, expected: ["4:20 warning"]),
        Row(name: "unused macro", check: "unused-macro", yaml: """
            macros: {m: a, n: b}
            rules:
              - {id: r, match: {macro: m}, score: 1}
            """, expected: ["4:16 warning"]),
        Row(name: "agent only a disabled rule names", check: "unused-agent", yaml: """
            rules:
              - {id: r, match: a, agents: [db]}
              - {id: s, match: b, enabled: false, agents: [net]}
            """, expected: ["2:37 warning"], mentions: ["agent \"net\" is never assigned: only disabled rules give it a weight"]),
        Row(name: "weights below the threshold", check: "unreachable-agent", yaml: """
            rules:
              - {id: r, match: a, agents: {db: 0.25, net: 1}}
              - {id: s, match: b, agents: {db: 0.5}}
            """, expected: ["2:27 warning"], mentions: ["agent \"db\" is never assigned: all its weights together (r, s) add up to at most 0.75, below agents.threshold 1"]),

        // MARK: no-effect, disabled-rule
        Row(name: "nothing changes", check: "no-effect", yaml: """
            rules:
              - {id: r, match: a}
              - {id: f, match: b, floor: info, ceiling: critical, agents: [db]}
              - {id: o, match: c, override: low, score: 2}
            """, expected: ["5:10 info", "6:10 info", "6:10 info", "7:10 info"]),
        Row(name: "disabled", check: "disabled-rule", yaml: """
            rules:
              - {id: r, match: a, score: 1, enabled: false}
              - {id: s, match: a, score: 1}
            """, expected: ["5:10 info"]),
    ]

    @Test(arguments: rows)
    func check(row: Row) throws {
        let findings = try Self.lint(row.yaml, only: row.check)
        #expect(findings.map { "\($0.location!.line):\($0.location!.column) \($0.level.rawValue)" } == row.expected, "\(findings)")
        #expect(findings.allSatisfy { $0.check == row.check })
        let text = findings.map(\.message).joined(separator: "\n")
        for m in row.mentions { #expect(text.contains(m), "\(m) not in \(text)") }
    }

    @Test func suppressionPerRule() throws {
        let yaml = """
            rules:
              - {id: r, match: [{keyword: db, word: false}], score: 1, lint: {ignore: [short-keyword-without-boundary]}}
              - {id: s, match: [{keyword: ms, word: false}], score: 1}
              - {id: t, match: x, score: 1, lint: {ignore: [short-keywords]}}
            """
        let findings = try Self.lint(yaml, disabled: ["unused-agent", "unreachable-severity"])
        #expect(findings.map(\.description) == [
            "t.yaml:6:31: warning: keyword \"ms\" has word: false and only 2 characters: it also matches inside longer words; drop `word: false` or spell out the words it should match [short-keyword-without-boundary]",
            "t.yaml:7:49: warning: rule \"t\" ignores \"short-keywords\", which is no lint check [unknown-lint-check]",
        ])
    }

    /// A list item used by two rules is reported unless both ignore the check.
    @Test func suppressionNeedsEveryRule() throws {
        let yaml = """
            lists: {l: [{keyword: db, word: false}]}
            rules:
              - {id: r, match: {list: l}, score: 1, lint: {ignore: [short-keyword-without-boundary]}}
              - {id: s, match: {list: l}, score: 1}
            """
        let findings = try Self.lint(yaml, only: "short-keyword-without-boundary")
        #expect(findings.map(\.rules) == [["r", "s"]])
        let both = yaml + ", lint: {ignore: [short-keyword-without-boundary]}}"
        let bothIgnore = String(both.dropLast(String("score: 1}, lint: {ignore: [short-keyword-without-boundary]}}").count))
            + "score: 1, lint: {ignore: [short-keyword-without-boundary]}}"
        #expect(try Self.lint(bothIgnore, only: "short-keyword-without-boundary").isEmpty)
    }

    /// Every check has a kebab-case id, a summary, and appears once.
    @Test func checkCatalogue() {
        let ids = Linter.checkIDs
        #expect(Set(ids).count == ids.count)
        for id in ids { #expect(id.allSatisfy { $0.isLowercase || $0 == "-" }, "\(id)") }
        for c in Linter.checks { #expect(!c.summary.isEmpty) }
    }

    /// A clean pack has no findings at all.
    @Test func cleanPack() throws {
        let yaml = """
            rules:
              - {id: outage, match: [outage, {phrase: is down}], score: 8, agents: [net]}
              - {id: db, match: [postgres, {regex: '\\bora-\\d{5}\\b'}], score: 5, agents: {db: 2}}
              - {id: slow, match: [slow, latency], score: 2}
              - {id: typo, match: [typo], score: 1, ceiling: low}
              - {id: done, match: resolved, score: -2}
            """
        #expect(try Self.lint(yaml).map(\.description) == [])
    }
}
