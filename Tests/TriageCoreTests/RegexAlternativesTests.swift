import Testing
import TriageCore

/// Splitting regexes into alternatives for test coverage.
@Suite struct RegexAlternativesTests {
    static let rows: [(String, RegexOptions, [String]?)] = [
        ("a|b|c", [], ["a", "b", "c"]),
        (#"\b(?:timeout|timed out) after"#, [], [#"\b(?:timeout) after"#, #"\b(?:timed out) after"#]),
        ("x(?<name>a|b)y", [], ["x(?<name>a)y", "x(?<name>b)y"]),
        ("x(?P<n>a|b)y", [], ["x(?P<n>a)y", "x(?P<n>b)y"]),
        ("(a|b)+x", [], ["(a)+x", "(b)+x"]),
        ("(a|(b|c))d", [], ["(a)d", "((b|c))d"]),
        (#"\Qa|b\E|c"#, [], [#"\Qa|b\E"#, "c"]),
        ("a # x|y\n|b", [.extended], ["a # x|y\n", "b"]),
        (#"(?#a|b)x|y"#, [], [#"(?#a|b)x"#, "y"]),
        ("[]|]x|y", [], ["[]|]x", "y"]),
        ("[[:alpha:]|]x|y", [], ["[[:alpha:]|]x", "y"]),
        // Not split:
        ("abc", [], nil),
        ("(?:a|b)?c", [], nil),
        ("(?:a|b)*c", [], nil),
        ("(?:a|b){0,2}c", [], nil),
        ("(?=a|b)c", [], nil),
        ("(?<!a|b)c", [], nil),
        ("(?|(a)|(b))c", [], nil),
        ("[a|b]x", [], nil),
        (#"a\|b"#, [], nil),
        ("(a|b)(c|d)", [], nil),
        ("(?i)a|b", [], nil),
        ("a(?i:b|c)", [], nil),
        ("(a|b", [], nil),
    ]

    @Test(arguments: rows)
    func split(row: (String, RegexOptions, [String]?)) {
        let got = RegexAlternatives.split(row.0, options: row.1)
        #expect(got?.map(\.pattern) == row.2, "\(row.0)")
    }

    @Test func branchesAndOffsets() {
        let alts = RegexAlternatives.split(#"\b(?:timeout|timed out) after"#)!
        #expect(alts.map(\.branch) == ["timeout", "timed out"])
        #expect(alts.map(\.offset) == [5, 13])
        let top = RegexAlternatives.split("é|b")!
        #expect(top.map(\.offset) == [0, 2])
    }
}
