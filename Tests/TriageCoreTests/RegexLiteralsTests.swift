import Testing
@testable import TriageCore

/// Which literals the analysis picks. Soundness against PCRE2 itself is
/// tested in `TriageEngineTests/RegexPrefilterSoundnessTests`.
@Suite struct RegexLiteralsTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var pattern: String
        var caseless = true
        var options: RegexOptions = []
        /// nil: no prefilter.
        var literals: [String]?
        var atMatchStart = false

        var testDescription: String { "\(caseless ? "" : "(cs) ")\(pattern)" }
    }

    /// `prefix` followed by every string of `digits` decimal digits.
    static func expand(_ prefix: String, digits: Int, then suffix: String = "") -> [String] {
        var out = [prefix]
        for _ in 0..<digits { out = out.flatMap { s in (0...9).map { s + String($0) } } }
        return out.map { $0 + suffix }
    }

    static let rows: [Row] = [
        // Examples from real triage packs.
        Row(pattern: #"\bora-\d{5}\b"#, literals: ["ora-"], atMatchStart: true),
        Row(pattern: #"\b5\d\d\b"#, literals: expand("5", digits: 2), atMatchStart: true),
        Row(pattern: #"\bsig(?:segv|kill|abrt|bus)\b"#, literals: ["sigabrt", "sigbus", "sigkill", "sigsegv"], atMatchStart: true),
        Row(pattern: #"file\s+"[^"]+\.py",\s+line\s+\d+"#, literals: ["file"], atMatchStart: true),
        Row(
            pattern: #"\b(?:\d{1,3}\.){3}\d{1,3}\b"#,
            literals: (0...9).flatMap { a in (0...9).map { b in "\(a).\(b)" } }),
        Row(pattern: #"\b[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}\b"#, literals: ["@"]),
        Row(pattern: #"(?:us|eu|ap)-[a-z]+-\d"#, literals: ["ap-", "eu-", "us-"], atMatchStart: true),
        Row(pattern: #"(?:error|warn)\d*"#, literals: ["error", "warn"], atMatchStart: true),
        Row(pattern: #"\bp[0-4]\b"#, literals: ["p0", "p1", "p2", "p3", "p4"], atMatchStart: true),
        Row(pattern: #"\bcve-\d{4}-\d{4,7}\b"#, literals: ["cve-"], atMatchStart: true),
        Row(pattern: #":\d{4,5}\b"#, literals: expand(":", digits: 2), atMatchStart: true),
        Row(
            pattern: #"-----begin (?:rsa |ec )?private key-----"#,
            literals: ["-----begin ec private key-----", "-----begin private key-----", "-----begin rsa private key-----"],
            atMatchStart: true),
        Row(pattern: #"\b\d+(?:\.\d+)?\s*(?:gib|gb|mib|mb)\b"#, literals: ["gb", "gib", "mb", "mib"]),
        Row(pattern: #"\b(?:deadlock|lock)\s+(?:detected|found)\b"#, literals: ["deadlock", "lock"], atMatchStart: true),
        Row(pattern: #"\bsev[- ]?[0-4]\b"#, literals: ["sev", "sev ", "sev-"].flatMap { s in (0...4).map { "\(s)\($0)" } }, atMatchStart: true),
        Row(pattern: #"\b\d{3,}\s+failed\s+(?:login|auth(?:entication)?)\s+attempts\b"#, literals: ["attempts"]),
        Row(pattern: #"\b(?:pr|pull request)\s*#\d+\b"#, literals: (0...9).map { "#\($0)" }),
        // Nothing required, or nothing better than running always.
        Row(pattern: #".*"#, literals: nil),
        Row(pattern: #"a|.*"#, literals: nil),
        Row(pattern: #"a|"#, literals: nil),
        Row(pattern: #"(?:)"#, literals: nil),
        Row(pattern: #"x*"#, literals: nil),
        Row(pattern: #"(?:abc)?"#, literals: nil),
        Row(pattern: #"\d+"#, literals: nil),
        Row(pattern: #"a(?=bc)"#, literals: nil),
        Row(pattern: #"(?:a|b|c|d|e|f|g|h|i|j|k|l){10}"#, literals: nil),
        Row(pattern: #"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}\b"#, literals: nil),
        // Optional parts, zero-width items, back references.
        Row(pattern: #"(?:foo)?bar"#, literals: ["bar", "foobar"], atMatchStart: true),
        Row(pattern: #"(?:ab|cd)*ef"#, literals: ["ef"]),
        Row(pattern: #"x{2,4}yz"#, literals: ["xxxxyz", "xxxyz", "xxyz"], atMatchStart: true),
        Row(pattern: #"(?<=id=)token"#, literals: ["token"], atMatchStart: true),
        Row(pattern: #"foo(?!bar)"#, literals: ["foo"], atMatchStart: true),
        Row(pattern: #"^error$"#, options: [.multiline], literals: ["error"], atMatchStart: true),
        Row(pattern: #"(abc)\1"#, literals: ["abc"], atMatchStart: true),
        Row(pattern: #"ab\Kcdef"#, literals: ["abcdef"], atMatchStart: false),
        // \G holds only where the search starts: a search from the literal would differ.
        Row(pattern: #"\Gfoo"#, literals: ["foo"], atMatchStart: false),
        // Case: literals are always folded.
        Row(pattern: "ERROR", caseless: false, literals: ["error"], atMatchStart: true),
        Row(pattern: "[Ss]tatus", caseless: false, literals: ["status"], atMatchStart: true),
        Row(pattern: "[A-Z]+Exception", caseless: false, literals: ["exception"]),
        Row(pattern: #"(?i)ERROR(?-i)Code"#, caseless: false, literals: ["errorcode"], atMatchStart: true),
        Row(pattern: #"(?i)[A-Z]{2}-\d+"#, caseless: false, literals: (0...9).map { "-\($0)" }),
        Row(pattern: "straße", literals: ["strasse"], atMatchStart: true),
        Row(pattern: "STRASSE", caseless: false, literals: ["strasse"], atMatchStart: true),
        Row(pattern: "ÜBER", literals: ["über"], atMatchStart: true),
        // µ (micro sign) matches Μ caselessly, which folds to μ (Greek mu), not µ.
        // µ (micro sign) folds to μ (Greek mu), so both case modes need only "μs".
        Row(pattern: "µs", literals: ["μs"], atMatchStart: true),
        Row(pattern: "µs", caseless: false, literals: ["μs"], atMatchStart: true),
        Row(pattern: #"\x{212A}elvin"#, literals: ["kelvin"], atMatchStart: true),
        // Escapes, quoting, extended mode.
        Row(pattern: #"\Qa.b*c\E"#, literals: ["a.b*c"], atMatchStart: true),
        Row(pattern: #"\x41\x{42}\o{103}\cD"#, caseless: false, literals: ["abc\u{04}"], atMatchStart: true),
        Row(pattern: #"\N{U+00E9}t\N{U+00E9}"#, literals: ["été"], atMatchStart: true),
        Row(pattern: "time out # comment\n [ ] now", options: [.extended], literals: ["timeout now"], atMatchStart: true),
        Row(pattern: "(?x) time out # comment\n [ ] now", literals: ["timeout now"], atMatchStart: true),
        Row(pattern: #"[[:digit:]]{2}%"#, literals: expand("", digits: 2, then: "%"), atMatchStart: true),
        Row(pattern: #"\p{Lu}+error"#, literals: ["error"]),
        Row(pattern: #"\d+ms"#, options: [.unicodeClasses], literals: ["ms"]),
        // Outside the supported subset: run always.
        Row(pattern: #"(*UTF)abcdef"#, literals: nil),
        Row(pattern: #"(?(1)abc|def)"#, literals: nil),
        Row(pattern: #"(abc)(?1)"#, literals: nil),
        Row(pattern: #"\Cabcdef"#, literals: nil),
        Row(pattern: #"(a)abcdef\10"#, literals: nil),
        Row(pattern: #"abcdef{,3}"#, literals: nil),
        Row(pattern: "abcdef # x\rghi", options: [.extended], literals: nil),
        Row(pattern: "(?xx)abcdef", literals: nil),
    ]

    @Test(arguments: rows)
    func picksLiterals(row: Row) {
        let got = RegexLiteralAnalysis.prefilter(pattern: row.pattern, caseInsensitive: row.caseless, options: row.options)
        guard let expected = row.literals else {
            #expect(got == nil, "\(got.map(Self.describe) ?? "")")
            return
        }
        guard let got else {
            Issue.record("no prefilter, expected \(expected)")
            return
        }
        #expect(Self.describe(got) == Self.describe(RegexPrefilter(literals: Self.bytes(expected), atMatchStart: row.atMatchStart)))
    }

    static func bytes(_ s: [String]) -> [[UInt8]] {
        s.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) }
    }

    static func describe(_ p: RegexPrefilter) -> String {
        (p.atMatchStart ? "start " : "") + p.literals.map { String(decoding: $0, as: UTF8.self).debugDescription }.joined(separator: ",")
    }

    /// Whatever the pattern, the literals are non-empty, folded, bounded and sorted.
    static let shapes: [String] = rows.map(\.pattern) + [
        #"(?:a|b|c|d|e|f|g|h|i|j|k|l|m|n|o|p|q|r|s|t|u|v|w|x|y|z)(?:0|1|2|3|4|5|6|7|8|9){3}"#,
        #"[ab][cd][ef][gh][ij][kl][mn][op][qr]"#,
        #"(?:ERROR|Warn|FATAL|Ünïcödé|ΣΊΣΥΦΟΣ)\s+#\d"#,
        #"(?:x{2}|y{3}){2}z"#,
        String(repeating: "(?:", count: 150) + "abc" + String(repeating: ")", count: 150),
        String(repeating: "(", count: 300) + "abc" + String(repeating: ")", count: 300),
    ]

    @Test(arguments: shapes)
    func literalsAreFoldedAndBounded(pattern: String) {
        for caseless in [true, false] {
            guard let p = RegexLiteralAnalysis.prefilter(pattern: pattern, caseInsensitive: caseless, options: []) else { continue }
            #expect(!p.literals.isEmpty && p.literals.count <= RegexLiteralAnalysis.maxLiterals)
            #expect(p.literals == p.literals.sorted { $0.lexicographicallyPrecedes($1) })
            #expect(Set(p.literals).count == p.literals.count)
            for lit in p.literals {
                #expect(!lit.isEmpty)
                #expect(CaseFolding.foldedUTF8(String(decoding: lit, as: UTF8.self)) == lit)
            }
        }
    }

    static let invariance: [(String, Bool)] = [
        (#"timeout \d+ms"#, true),
        (#"[A-Z]+"#, false),
        ("ERROR", false),
        (#"(?i)x"#, false),
        (#"(?-i)x"#, false),
        (#"(?i:x)"#, false),
        (#"\x41"#, false),
        (#"\QA\E"#, false),
        ("straße", false),  // ß folds to ss
        ("µs", false),  // µ folds to μ
        ("é", true),
        ("k", true),  // the Kelvin sign folds to k too
        (#"[a-z0-9._%+-]+@[a-z0-9.-]+"#, true),
        (#"[^A-Z]"#, false),
        (#"\w+\s\d\b"#, true),
        (#"\p{L}+"#, false),
        (#"[[:upper:]]"#, false),
        (#"[[:alpha:]]+"#, true),
        (#"(?<=x)y(?!Z)"#, false),
        (#"(*UTF)abc"#, false),
    ]

    @Test(arguments: invariance)
    func foldInvariance(pattern: String, expected: Bool) {
        #expect(RegexLiteralAnalysis.isFoldInvariant(pattern: pattern, options: []) == expected)
    }

    /// The parser reads classes and quantifiers as PCRE2 does.
    static let parses: [(String, RegexOptions, RegexNode?)] = [
        ("[]a]", [], .set(RegexCharClass(written: [0x5D...0x5D, 0x61...0x61]), caseless: false)),
        ("[^]a]", [], .set(RegexCharClass(negated: true, written: [0x5D...0x5D, 0x61...0x61]), caseless: false)),
        ("[%--]", [], .set(RegexCharClass(written: [0x25...0x2D]), caseless: false)),
        ("[a-]", [], .set(RegexCharClass(written: [0x61...0x61, 0x2D...0x2D]), caseless: false)),
        ("[[:a]", [], .set(RegexCharClass(written: [0x5B...0x5B, 0x3A...0x3A, 0x61...0x61]), caseless: false)),
        (#"[\Qa]\E]"#, [], .set(RegexCharClass(written: [0x61...0x61, 0x5D...0x5D]), caseless: false)),
        (#"[\d-]"#, [], .set(RegexCharClass(implied: [0x30...0x39], written: [0x2D...0x2D]), caseless: false)),
        ("x{2}", [], .repetition(.char("x", caseless: false), min: 2, max: 2)),
        ("x{2,}", [], .repetition(.char("x", caseless: false), min: 2, max: nil)),
        ("x{a}", [], .concat([.char("x", caseless: false), .char("{", caseless: false), .char("a", caseless: false), .char("}", caseless: false)])),
        ("x +?", [.extended], .repetition(.char("x", caseless: false), min: 1, max: nil)),
        ("x(?#c)*", [], .repetition(.char("x", caseless: false), min: 0, max: nil)),
        (#"\Qab\E+"#, [], .concat([.char("a", caseless: false), .repetition(.char("b", caseless: false), min: 1, max: nil)])),
        ("(?i)a|b", [], .alternation([.char("a", caseless: true), .char("b", caseless: true)])),
        ("(a(?i)b|c)d", [], .concat([.alternation([.concat([.char("a", caseless: false), .char("b", caseless: true)]), .char("c", caseless: true)]), .char("d", caseless: false)])),
        ("x{,3}", [], nil),
        ("x{1, 3}", [], nil),
        ("a**", [], nil),
        (#"\b+"#, [], nil),
        ("(?<name>a)(?P=name)", [], .concat([.char("a", caseless: false), .backreference])),
        (#"\g{-1}\k<n>\g2"#, [], .concat([.backreference, .backreference, .backreference])),
        (#"\g<1>"#, [], nil),
        ("(?C1)a", [], nil),
        ("(*ACCEPT)", [], nil),
        // Without UCP, \w and the POSIX letter classes are ASCII sets; `.` is a class of almost anything.
        (#"\w"#, [], .set(RegexCharClass(implied: [0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A], named: ["w"]), caseless: false)),
        (#"\w"#, [.unicodeClasses], .set(RegexCharClass(open: true, named: ["w"]), caseless: false)),
        ("[[:alpha:]]", [], .set(RegexCharClass(implied: [0x41...0x5A, 0x61...0x7A]), caseless: false)),
        ("[[:punct:]]", [], .set(RegexCharClass(open: true, named: ["punct"]), caseless: false)),
        (".", [], .set(RegexCharClass(negated: true, written: [0x0A...0x0A]), caseless: false)),
        (".", [.dotAll], .set(RegexCharClass(open: true), caseless: false)),
        ("(?s).", [], .set(RegexCharClass(open: true), caseless: false)),
        (#"\N"#, [.dotAll], .set(RegexCharClass(negated: true, written: [0x0A...0x0A]), caseless: false)),
        (#"\X"#, [], .unknown),
    ]

    @Test(arguments: parses)
    func parsesLikePCRE2(pattern: String, options: RegexOptions, expected: RegexNode?) {
        #expect(RegexParser.parse(pattern, caseInsensitive: false, options: options)?.root == expected)
    }
}

extension RegexCharClass {
    init(negated: Bool = false, implied: [ClosedRange<UInt32>] = [], written: [ClosedRange<UInt32>] = [], open: Bool = false) {
        self.init()
        self.negated = negated
        self.implied = implied
        self.written = written
        self.open = open
    }
}

@Suite struct FoldFixedPointTests {
    /// The ASCII shortcut of `isFoldFixedPoint` says what the general rule
    /// (every caseless and case-sensitive variant folds to the character
    /// itself) says, for every ASCII character.
    @Test func asciiShortcutAgreesWithTheGeneralRule() {
        for v in UInt32(0)..<0x80 {
            let c = Unicode.Scalar(v)!
            let own = Array(String(c).utf8)
            let general =
                CaselessMatching.foldedVariants(of: c, caseless: true) == [own]
                && CaselessMatching.foldedVariants(of: c, caseless: false) == [own]
            #expect(CaselessMatching.isFoldFixedPoint(c) == general, "U+\(String(v, radix: 16))")
        }
    }
}
