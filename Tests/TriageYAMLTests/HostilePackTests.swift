import Foundation
import Testing
import TriageCore
import TriageRegex
import TriageYAML

/// Packs written to hurt the loader: nesting, alias bombs, bytes that are not
/// UTF-8, and more rules than the compiler takes. Each is refused with one
/// error that says where (`file:line:col`) and why, and with a code that
/// tells a limit (`limit-exceeded`) from a malformed file (`yaml-syntax`).
@Suite struct HostilePackTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var name: String
        var bytes: [UInt8]
        var error: String
        var testDescription: String { name }
    }

    static let header = "pack: {name: hostile, version: 1.0.0}\nrules:\n"

    /// Ten lists, each nine aliases of the one before: 9^9 scalars if expanded.
    static let billionLaughs: String = {
        var yaml = "pack: {name: lol, version: 1.0.0}\nlists:\n  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        let names = Array("abcdefghij")
        for i in 1..<names.count {
            yaml += "  \(names[i]): &\(names[i]) [" + Array(repeating: "*\(names[i - 1])", count: 9).joined(separator: ", ") + "]\n"
        }
        return yaml + "rules:\n  - {id: r, match: {list: j}}\n"
    }()

    static let rows: [Row] = [
        Row(
            name: "flow sequences nested 10,000 deep",
            bytes: Array((header + "  - {id: r, match: x, tags: " + String(repeating: "[", count: 10_000)).utf8),
            error: "h.yaml:3:90: error: collections are nested more than 64 levels deep [limit-exceeded]"),
        Row(
            name: "conditions nested 100 deep in block style",
            bytes: Array(
                (header + "  - id: r\n    match:\n"
                    + (0..<100).map { String(repeating: "  ", count: $0 + 3) + "any:\n" }.joined()).utf8),
            error: "h.yaml:66:129: error: collections are nested more than 64 levels deep [limit-exceeded]"),
        Row(
            name: "billion laughs in the lists",
            bytes: Array(billionLaughs.utf8),
            error: "h.yaml:9:18: error: alias *f expands the document beyond the limit of 2000000 nodes "
                + "(every alias counts as a copy of its anchored node) [limit-exceeded]"),
        Row(
            name: "one large scalar repeated through aliases",
            bytes: Array(
                ("pack: {name: big, version: 1.0.0}\nlists:\n  a: &a ['" + String(repeating: "x", count: 1 << 20)
                    + "']\n  b: [" + Array(repeating: "*a", count: 70).joined(separator: ", ") + "]\nrules: []\n").utf8),
            error: "h.yaml:4:255: error: alias *a expands the document beyond the limit of 67108864 bytes of scalar text "
                + "(every alias counts as a copy of its anchored node) [limit-exceeded]"),
        Row(
            name: "an invalid byte in a keyword",
            bytes: Array((header + "  - {id: r, match: disk").utf8) + [0xFF] + Array(" full}\n".utf8),
            error: "h.yaml:3:24: error: invalid leading UTF-8 octet 0xFF; the file must be valid UTF-8 [yaml-syntax]"),
        Row(
            name: "a truncated sequence in a regex",
            bytes: Array((header + "  - {id: r, match: {regex: 'caf").utf8) + [0xC3] + Array("'}}\n".utf8),
            error: "h.yaml:3:33: error: invalid trailing UTF-8 octet 0x27; the file must be valid UTF-8 [yaml-syntax]"),
        Row(
            name: "an overlong NUL",
            bytes: Array((header + "  - {id: r, match: a").utf8) + [0xC0, 0x80] + Array("}\n".utf8),
            error: "h.yaml:3:21: error: invalid length of a UTF-8 sequence; the file must be valid UTF-8 [yaml-syntax]"),
        Row(
            name: "an encoded surrogate in the pack name",
            bytes: Array("pack: {name: ".utf8) + [0xED, 0xB0, 0x80] + Array(", version: 1.0.0}\n".utf8),
            error: "h.yaml:1:14: error: invalid Unicode character (U+DC00); the file must be valid UTF-8 [yaml-syntax]"),
        Row(
            name: "a raw NUL byte",
            bytes: Array((header + "  - {id: r, match: a").utf8) + [0x00] + Array("b}\n".utf8),
            error: "h.yaml:3:21: error: control characters are not allowed (U+0000) [yaml-syntax]"),
        Row(
            name: "UTF-16",
            bytes: [0xFF, 0xFE] + Array("pack:".utf8).flatMap { [$0, 0] },
            error: "h.yaml:1:1: error: the file starts with a UTF-16 byte order mark; save it as UTF-8 [yaml-syntax]"),
    ]

    @Test(arguments: rows)
    func refusedWithOneClearError(_ row: Row) {
        let error = #expect(throws: PackErrors.self) {
            try PackLoader.loadAndCompile(bytes: row.bytes, file: "h.yaml", backend: PCRE2Backend())
        }
        #expect(error?.errors.map(\.description) == [row.error])
    }

    /// 100,000 one-keyword rules: about 2.5 s to load and compile in a debug build.
    static func rules(_ n: Int) -> [UInt8] {
        var yaml = header
        yaml.reserveCapacity(n * 40)
        for i in 0..<n { yaml += "  - {id: r\(i), match: w\(i), score: 1}\n" }
        return Array(yaml.utf8)
    }

    @Test func packAtTheRuleLimitLoadsAndOneMoreIsRefused() throws {
        #expect(PackLimits().maxRules == 100_000)
        var pack = try PackLoader.decode(bytes: Self.rules(100_000), file: "big.yaml")
        let compiled = try PackCompiler(backend: PCRE2Backend()).compile(pack)
        #expect(compiled.rules.count == 100_000)
        let v = compiled.classify(Incident(title: "w99999 and w7", description: ""), scratch: compiled.makeScratch())
        #expect(v.rules.map(\.id) == ["r7", "r99999"])

        pack.rules.append(Rule(id: "one-more", condition: .pattern(.keyword("x"), fields: nil), location: nil))
        pack.rules[100_000].location = SourceLocation(file: "big.yaml", line: 100_003, column: 10)
        let error = #expect(throws: PackErrors.self) { try PackCompiler(backend: PCRE2Backend()).compile(pack) }
        #expect(
            error?.errors.map(\.description) == [
                "big.yaml:100003:10: error: the pack has 100001 rules, more than the limit of 100000; "
                    + "rule 100001 is here [limit-exceeded]"
            ])
    }

    @Test func ruleLimitIsReportedWhereTheFirstRuleOverItWasWritten() {
        let error = #expect(throws: PackErrors.self) {
            let pack = try PackLoader.decode(bytes: Self.rules(4), file: "small.yaml")
            _ = try PackCompiler(backend: PCRE2Backend(), limits: PackLimits(maxRules: 3)).compile(pack)
        }
        #expect(
            error?.errors.map(\.description) == [
                "small.yaml:6:10: error: the pack has 4 rules, more than the limit of 3; rule 4 is here [limit-exceeded]"
            ])
    }
}
