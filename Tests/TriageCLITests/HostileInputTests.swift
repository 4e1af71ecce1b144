import Foundation
import Testing

/// Incidents nobody should send, through the built `triage classify`: each
/// has a defined outcome (classified in a stated way, or refused with its
/// `file:line:col` while the rest of the input is still classified), and
/// none crashes or hangs. docs/security.md describes the same behaviour.
@Suite(.serialized) struct HostileInputTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var name: String
        var line: [UInt8]
        /// The verdict line, or nil when the line is refused.
        var verdict: String?
        /// The error on stderr after `<file>:<line>:`, when refused.
        var error: String?
        var testDescription: String { name }
    }

    static func json(_ s: String) -> [UInt8] { Array(s.utf8) }
    static let outage = #"{"id":"%@","severity":"high","score":5,"agents":[],"rules":["outage"]}"#
    static let nothing = #"{"id":"%@","severity":"medium","score":0,"agents":[],"rules":[]}"#
    static func verdict(_ template: String, _ id: String) -> String { template.replacingOccurrences(of: "%@", with: id) }

    static let rows: [Row] = [
        // Bytes that are not UTF-8 become U+FFFD, one per bad byte; the text around them still matches.
        Row(
            name: "invalid UTF-8", line: json(#"{"id":"u","title":"postgres "#) + [0xFF, 0xC3] + json(#" outage","description":"x"}"#),
            verdict: #"{"id":"u","severity":"high","score":6,"agents":["database"],"rules":["outage","db"]}"#),
        Row(
            name: "an encoded surrogate", line: json(#"{"id":"s","title":"outage "#) + [0xED, 0xA0, 0x80] + json(#"","description":"x"}"#),
            verdict: verdict(outage, "s")),
        Row(
            name: "lone surrogate escapes", line: json(#"{"id":"e","title":"outage \ud800 \udc00x","description":"x"}"#),
            verdict: verdict(outage, "e")),
        // JSON forbids raw control characters in strings; the escape is fine and reads as a separator.
        Row(
            name: "a raw NUL byte", line: json(#"{"id":"n","title":"outage"#) + [0x00] + json(#"now","description":"x"}"#),
            error: "26: error: unescaped control character in string"),
        Row(
            name: "an escaped NUL", line: json(#"{"id":"n","title":"outage\u0000postgres","description":"x"}"#),
            verdict: #"{"id":"n","severity":"high","score":6,"agents":["database"],"rules":["outage","db"]}"#),
        Row(
            name: "nesting 64 levels deep", line: json(#"{"id":"d","title":"outage","description":"x","extra":"# + String(repeating: "[", count: 63) + String(repeating: "]", count: 63) + "}"),
            verdict: verdict(outage, "d")),
        Row(
            name: "nesting 65 levels deep", line: json(#"{"id":"d","title":"outage","description":"x","extra":"# + String(repeating: "[", count: 64) + String(repeating: "]", count: 64) + "}"),
            error: "117: error: nesting deeper than 64"),
        Row(
            name: "nesting 100,000 levels deep", line: json(#"{"id":"d","title":"outage","description":"x","extra":"# + String(repeating: "[", count: 100_000)),
            error: "117: error: nesting deeper than 64"),
        Row(
            name: "a title that is an object", line: json(#"{"id":"o","title":{"a":1},"description":"x"}"#),
            error: #"19: error: field "title" must be a string"#),
        // Matching is by Unicode case folding only: look-alike letters from
        // other scripts, full-width forms and invisible characters are other text.
        Row(
            name: "confusables", line: json(#"{"id":"c","title":"Ρostgres оutage ｐｏｓｔｇｒｅｓ","description":"out\u200bage"}"#),
            verdict: verdict(nothing, "c")),
        // A combining mark is part of the word it follows: `outagé` is not `outage`.
        Row(
            name: "combining marks", line: json("{\"id\":\"m\",\"title\":\"outage\u{301} postgre\u{301}s\",\"description\":\"Outage\u{327}\"}"),
            verdict: verdict(nothing, "m")),
        Row(
            name: "a combining mark on the next word", line: json("{\"id\":\"k\",\"title\":\"OUTAGE \u{301}x\",\"description\":\"x\"}"),
            verdict: verdict(outage, "k")),
        Row(
            name: "a CR LF line end", line: json(#"{"id":"r","title":"outage","description":"x"}"#) + [0x0D],
            verdict: verdict(outage, "r")),
        // A byte order mark is skipped at the start of the input only.
        Row(
            name: "a byte order mark inside the input", line: [0xEF, 0xBB, 0xBF] + json(#"{"id":"b","title":"outage","description":"x"}"#),
            error: "1: error: expected '{'"),
    ]

    static func run(_ input: [UInt8], _ args: [String] = []) throws -> (CLI.Result, String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("triage-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("in.jsonl")
        try Data(input).write(to: file)
        return (try CLI.run(["classify", "--rules", CLI.fixturePack] + args + [file.path]), file.path)
    }

    @Test(arguments: rows)
    func definedOutcome(_ row: Row) throws {
        // Each line between two good ones: a bad line never takes its neighbours down.
        let good = Self.json(#"{"id":"before","title":"outage","description":"x"}"#)
        let after = Self.json(#"{"id":"after","title":"outage","description":"x"}"#)
        let (r, path) = try Self.run(good + [0x0A] + row.line + [0x0A] + after + [0x0A])
        let expected = [Self.verdict(Self.outage, "before")] + (row.verdict.map { [$0] } ?? []) + [Self.verdict(Self.outage, "after")]
        #expect(r.lines == expected)
        if let error = row.error {
            #expect(
                r.stderr.split(separator: "\n").map(String.init) == [
                    "\(path):2:\(error)",
                    "\(path): 1 of 3 records could not be read; the rest were classified",
                ])
            #expect(r.status == 1)
        } else {
            #expect(r.stderr == "")
            #expect(r.status == 0)
        }
    }

    /// Evidence offsets are UTF-8 byte offsets into the field as read: after
    /// JSON unescaping and with each bad byte replaced by U+FFFD (3 bytes).
    @Test func evidenceOffsetsCountReplacementCharacters() throws {
        let (r, _) = try Self.run(Self.json(#"{"id":"u","title":"\u00e9 "#) + [0xFF, 0xFE] + Self.json(#" outage","description":"x"}"#) + [0x0A], ["--evidence"])
        #expect(r.status == 0)
        #expect(r.stdout.contains(#"{"pattern":"keyword:\"outage\"","field":"title","start":10,"end":16,"text":"outage"}"#))
    }

    /// A 10 MB description is classified like a short one, with its match at the very end.
    @Test func tenMegabyteDescription() throws {
        let filler = String(repeating: "lorem ipsum dolor sit amet ", count: 10_000_000 / 27)
        let line = #"{"id":"big","title":"x","description":""# + filler + #"postgres is down"}"# + "\n"
        let (r, _) = try Self.run(Array(line.utf8), ["--evidence"])
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix(#"{"id":"big","severity":"high","score":6,"agents":["database"],"rules":["outage","db"]"#))
        let start = filler.utf8.count
        #expect(r.stdout.contains(#""field":"description","start":\#(start),"end":\#(start + 8),"text":"postgres"}"#))
        #expect(r.stdout.contains(#""field":"description","start":\#(start + 9),"end":\#(start + 16),"text":"is down"}"#))
    }

    /// A catastrophic regex in the pack and a long field: the line is still
    /// classified, and says which search was cut short.
    @Test func searchCutShortIsReportedInTheVerdictLine() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("triage-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let pack = dir.appendingPathComponent("p.yaml")
        try """
            pack: {name: p, version: 1.0.0}
            rules:
              - {id: nested, match: {regex: '(a+)+$'}, score: 5}
              - {id: outage, match: outage, score: 3}
            """.write(to: pack, atomically: true, encoding: .utf8)
        let line = #"{"id":"a","title":"outage","description":""# + String(repeating: "a", count: 100_000) + "!\"}\n"
        let r = try CLI.run(["classify", "--rules", pack.path, "-"], stdin: line)
        #expect(r.status == 0)
        #expect(
            r.lines == [
                #"{"id":"a","severity":"medium","score":3,"agents":[],"rules":["outage"],"diagnostics":[{"pattern":"regex:\"(a+)+$\"","field":"description","message":"match limit exceeded"}]}"#
            ])
    }
}
