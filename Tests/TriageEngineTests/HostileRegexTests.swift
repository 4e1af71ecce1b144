import Testing
import TriageCore
import TriageRegex

/// Regexes that backtrack catastrophically, run on 100 KB fields. PCRE2's
/// match limit bounds every search, so a scan always finishes; a search that
/// hits the limit counts as no match and is reported in the verdict's
/// diagnostics, with the pattern and the field, while every other rule of the
/// pack still fires as usual.
@Suite struct HostileRegexTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var regex: String
        /// What PCRE2 reports in each long field, or nil when the engine
        /// never lets the search backtrack (see the row).
        var limit: String?
        /// Builds the field the regex is run on.
        var text: @Sendable () -> String
        var testDescription: String { regex }
    }

    static let size = 100_000
    static let matchLimit = "match limit exceeded"

    static let rows: [Row] = [
        Row(regex: "(a+)+$", limit: matchLimit) { String(repeating: "a", count: size) + "!" },
        Row(regex: "(x+x+)+y", limit: matchLimit) { String(repeating: "x", count: size) + " y" },
        Row(regex: #"^(\w+\s?)+$"#, limit: matchLimit) { String(repeating: "word ", count: size / 5) + "!" },
        Row(regex: "(.*a){20}", limit: matchLimit) { String(repeating: "a", count: size) + String(repeating: "b", count: 20) },
        Row(regex: #"(\d+)*x"#, limit: matchLimit) { String(repeating: "1", count: size) + " x" },
        // Backtracking inside a lookahead recurses: the JIT stack (1 MiB) is the limit hit.
        Row(regex: "(?=(a|aa)+b)a", limit: "JIT stack limit reached") { String(repeating: "a", count: size) + " b" },
        // Every match ends in its literal `b`, and only `a`s may come before
        // it: the search starts where the run of `a`s before a `b` does, so a
        // `b` after anything else costs one attempt, not a backtracking storm.
        Row(regex: "(a|aa)+b", limit: nil) { String(repeating: "a", count: size) + " b" },
    ]

    static func pack(_ regex: String, matchLimit: UInt32 = MatchLimits().matchLimit) throws -> CompiledPack {
        try TestPacks.compile(
            TestPacks.pack(
                [
                    Rule(id: "hostile", condition: leaf(rx(regex)), score: 5),
                    Rule(id: "outage", condition: leaf(kw("outage")), score: 3),
                    Rule(id: "status", condition: leaf(rx(#"\bhttp 5\d\d\b"#)), score: 1),
                ], limits: MatchLimits(matchLimit: matchLimit)))
    }

    @Test(arguments: rows)
    func searchStopsAtTheMatchLimitAndIsReported(_ row: Row) throws {
        let compiled = try Self.pack(row.regex)
        let text = row.text()
        let v = TestPacks.classify(
            compiled, title: "Outage: HTTP 503", description: text, context: "outage again " + text)
        #expect(v.rules.map(\.id) == ["outage", "status"])
        #expect(v.severity == .medium)
        // The title has none of the regex's literals (or too little text to
        // backtrack far); the two long fields are searched and stopped.
        let spec = PatternSpec.regex(row.regex).description
        #expect(v.diagnostics.map(\.pattern).allSatisfy { $0 == spec })
        #expect(v.diagnostics.map(\.field) == (row.limit == nil ? [] : [.description, .context]))
        #expect(v.diagnostics.map(\.message) == (row.limit.map { [$0, $0] } ?? []))
    }

    /// The limit bounds backtracking, not the length of a field: ordinary
    /// regexes find their match at the end of a megabyte, whether a literal
    /// starts the search near it or the search runs from the first byte.
    @Test(arguments: [#"\bhttp 5\d\d\b"#, #"\b[a-z]+\s+5\d\d\b(?!-)"#, #"(?:^|\W)\d{3}(?=$|\W)"#])
    func ordinaryRegexesFindMatchesAtTheEndOfAMegabyte(_ regex: String) throws {
        let compiled = try TestPacks.compile(TestPacks.pack([Rule(id: "r", condition: leaf(rx(regex)), score: 1)]))
        let filler = String(repeating: "lorem ipsum dolor sit amet ", count: 1_000_000 / 27)
        let v = TestPacks.classify(compiled, title: "", description: filler + "HTTP 503")
        #expect(v.rules.map(\.id) == ["r"])
        #expect(v.diagnostics == [])
        #expect(v.evidence?.rules.first?.matches.first.map { $0.end } == filler.utf8.count + 8)
    }

    /// `settings: match_limit` is the pack's own bound: a limit high enough
    /// lets a slow but finite search finish.
    @Test func packMatchLimitDecides() throws {
        let text = String(repeating: "a", count: 24) + "!"
        let strict = TestPacks.classify(try Self.pack("(a+)+$", matchLimit: 1_000), title: text)
        #expect(strict.diagnostics.map(\.message) == ["match limit exceeded"])
        let generous = TestPacks.classify(try Self.pack("(a+)+$", matchLimit: 100_000_000), title: text)
        #expect(generous.diagnostics == [])
        #expect(generous.rules.map(\.id) == [])
    }
}
