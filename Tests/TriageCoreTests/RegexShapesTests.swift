import Testing
@testable import TriageCore

/// Byte-class facts the analysis derives: how far before its literal a
/// match can start, and run gates for regexes without literals. Soundness
/// against PCRE2 is tested in `TriageEngineTests/RegexPrefilterSoundnessTests`.
/// (The suite names keep them under `swift test --filter RegexLiterals`.)
enum Bytes {
    static let digits = "0123456789"
    static let lower = "abcdefghijklmnopqrstuvwxyz"
    /// `\s` without UCP.
    static let space = "\t\n\u{0B}\u{0C}\r "

    /// The bytes of `chars` (ASCII), plus 0x80-0xFF when `nonASCII`.
    static func set(_ chars: String, nonASCII: Bool = false) -> ByteSet {
        var s = ByteSet(chars.utf8)
        if nonASCII { s.formUnion(.nonASCII) }
        return s
    }
}

@Suite struct RegexLiteralsLeadTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var pattern: String
        var caseless = true
        /// The expected literals, when worth pinning down.
        var literals: [String]? = nil
        /// nil: any byte.
        var prefixBytes: ByteSet?
        /// nil: unbounded.
        var maxPrefixLength: Int?

        var testDescription: String { "\(caseless ? "" : "(cs) ")\(pattern)" }
    }

    static let atStart = Row(pattern: "", prefixBytes: ByteSet(), maxPrefixLength: 0)

    static let rows: [Row] = [
        // Mid-match literals of real triage regexes.
        Row(
            pattern: #"\bv?\d+\.\d+\.\d+(?:-[a-z0-9.]+)?\b"#,
            literals: (0...9).flatMap { a in (0...9).map { b in "\(a).\(b)" } }, prefixBytes: Bytes.set("v" + Bytes.digits)),
        Row(
            pattern: #"\b(?:all|most|many)\s+(?:customers|users)\b"#, literals: ["customers", "users"],
            prefixBytes: Bytes.set("almostny" + Bytes.space)),
        Row(
            pattern: #"\b[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}\b"#, literals: ["@"],
            prefixBytes: Bytes.set(Bytes.lower + Bytes.digits + "._%+-")),
        Row(pattern: #"(\w+)@example"#, literals: ["@example"], prefixBytes: Bytes.set(Bytes.lower + Bytes.digits + "_")),
        Row(pattern: #"\b(?:\d{1,3}\.){3}\d{1,3}\b"#, prefixBytes: Bytes.set(Bytes.digits), maxPrefixLength: 2),
        Row(
            pattern: #"\b\d{4}-\d{2}-\d{2}[t ]\d{2}:\d{2}:\d{2}"#, prefixBytes: Bytes.set(Bytes.digits + "- t"),
            maxPrefixLength: 11),
        Row(pattern: #"\b\d{3}-\d{2}-\d{4}\b"#, prefixBytes: Bytes.set(Bytes.digits + "-"), maxPrefixLength: 4),
        Row(pattern: #"\b(?:pr|pull request)\s*#\d+\b"#, prefixBytes: Bytes.set("prulequst" + Bytes.space)),
        Row(pattern: #"\bi/o\s+timeout\b"#, literals: ["timeout"], prefixBytes: Bytes.set("i/o" + Bytes.space)),
        Row(pattern: #"\b\d+(?:\.\d+)?\s*(?:gib|gb|mib|mb)\b"#, prefixBytes: Bytes.set(Bytes.digits + "." + Bytes.space)),
        Row(pattern: #"\b[45]\d\d\s+errors?\b"#, literals: ["error"], prefixBytes: Bytes.set(Bytes.digits + Bytes.space)),
        Row(
            pattern: #"\bat\s+[a-z0-9_.$]+\([a-z0-9_]+\.java:\d+\)"#, literals: [".java:"],
            prefixBytes: Bytes.set(Bytes.lower + Bytes.digits + "_.$(" + Bytes.space)),
        // Bounded prefixes.
        Row(pattern: #"(?:a|bb){2}\d?zq"#, literals: ["zq"], prefixBytes: Bytes.set("ab" + Bytes.digits), maxPrefixLength: 5),
        Row(pattern: #"[a-c]{0,3}zq"#, literals: ["zq"], prefixBytes: Bytes.set("abc"), maxPrefixLength: 3),
        Row(pattern: #"(?:ab|cd)*ef"#, literals: ["ef"], prefixBytes: Bytes.set("abcd")),
        Row(pattern: #".{0,3}timeout"#, literals: ["timeout"], prefixBytes: nil, maxPrefixLength: 12),
        Row(pattern: #"(?:foo|ba)r?\d+zq"#, literals: ["zq"], prefixBytes: Bytes.set("fobar" + Bytes.digits)),
        // Case: the prefix bytes are folded, and non-ASCII brings all of 0x80-0xFF.
        Row(pattern: "[A-Z]+Exception", caseless: false, literals: ["exception"], prefixBytes: Bytes.set(Bytes.lower)),
        Row(pattern: #"\x{212A}{1,3}\d+zq"#, literals: ["zq"], prefixBytes: Bytes.set("k" + Bytes.digits)),
        Row(pattern: #"[à-ÿ]+\d+zq"#, literals: ["zq"], prefixBytes: Bytes.set(Bytes.digits, nonASCII: true)),
        Row(pattern: #"ß{1,2}\d+zq"#, literals: ["zq"], prefixBytes: Bytes.set("s" + Bytes.digits)),
        // At the match start: nothing before the literal.
        Row(pattern: #"\bora-\d{5}\b"#, literals: ["ora-"], prefixBytes: ByteSet(), maxPrefixLength: 0),
        Row(pattern: #"x{2,4}yz"#, prefixBytes: ByteSet(), maxPrefixLength: 0),
        Row(pattern: #":\d{4,5}\b"#, prefixBytes: ByteSet(), maxPrefixLength: 0),
        // Unknown text before the literal, or a start that cannot move.
        Row(pattern: #"(a+)\1zq"#, literals: ["zq"], prefixBytes: nil, maxPrefixLength: nil),
        Row(pattern: #"ab\Kcdef"#, literals: ["abcdef"], prefixBytes: nil, maxPrefixLength: nil),
        Row(pattern: #"\Gfoo"#, literals: ["foo"], prefixBytes: nil, maxPrefixLength: nil),
        Row(pattern: #"\X+timeout"#, literals: ["timeout"], prefixBytes: nil, maxPrefixLength: nil),
    ]

    @Test(arguments: rows)
    func boundsThePrefix(row: Row) throws {
        let p = try #require(RegexLiteralAnalysis.prefilter(pattern: row.pattern, caseInsensitive: row.caseless, options: []))
        if let literals = row.literals {
            #expect(p.literals.map { String(decoding: $0, as: UTF8.self) } == literals.sorted())
        }
        #expect(p.prefixBytes == row.prefixBytes, "\(p.prefixBytes.map { "\($0)" } ?? "nil")")
        #expect(p.maxPrefixLength == row.maxPrefixLength)
    }

    /// The search start that `prefixBytes` and `maxPrefixLength` give.
    static let starts: [(pattern: String, text: String, earliest: Int, start: Int)] = [
        // The run of digits and `v` before the first "d.d" occurrence.
        (#"\bv?\d+\.\d+\.\d+"#, "release v10.2.3 now", 10, 8),
        // Capped by the length: at most two digits before "d.d".
        (#"\b(?:\d{1,3}\.){3}\d{1,3}\b"#, "id 123456.7.8.9", 8, 6),
        // A byte outside the class stops the run (the space before "most" is in it).
        (#"\b(?:all|most|many)\s+(?:customers|users)\b"#, "so, most  users", 10, 3),
        // Nothing before: the literal starts the match.
        (#"\bora-\d{5}\b"#, "x ora-12345", 2, 2),
        // A bound inside a character moves back to its start.
        (#".{0,1}timeout"#, "éé timeout", 5, 0),
    ]

    @Test(arguments: starts)
    func searchStart(pattern: String, text: String, earliest: Int, start: Int) throws {
        let p = try #require(RegexLiteralAnalysis.prefilter(pattern: pattern, caseInsensitive: true, options: []))
        let folded = CaseFolding.foldedUTF8(text)
        #expect(folded.withUnsafeBufferPointer { p.searchStart(in: $0, earliestOccurrence: earliest) } == start)
    }
}

@Suite struct RegexLiteralsRunGateTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var pattern: String
        var caseless = true
        var options: RegexOptions = []
        /// nil: no gate.
        var gate: RegexRunGate?

        var testDescription: String { "\(caseless ? "" : "(cs) ")\(pattern)" }
    }

    /// `local`: whether a search may stop one character after a run (no
    /// `$`, `\z`, `\Z` or lookaround).
    /// `required`: the bytes every match holds, each as often as it must.
    static func gate(
        _ chars: String, _ n: Int, nonASCII: Bool = false, local: Bool = true, required: String = ""
    ) -> RegexRunGate {
        RegexRunGate(
            bytes: Bytes.set(chars, nonASCII: nonASCII), minLength: n, runLocal: local,
            required: required.utf8.reduce(into: [:]) { $0[$1, default: 0] += 1 })
    }

    static let rows: [Row] = [
        // The regexes of a real triage set that have no literal at all.
        Row(pattern: #"\b[a-z0-9-]+-[a-z0-9]{8,10}-[a-z0-9]{5}\b"#, gate: gate(Bytes.lower + Bytes.digits + "-", 16, required: "--")),
        Row(pattern: #"\b(?:\d{4}[ -]?){3}\d{4}\b"#, gate: gate(Bytes.digits + " -", 16)),
        Row(
            pattern: #"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"#,
            gate: gate("abcdef" + Bytes.digits + "-", 36, required: "----")),
        // And some that have.
        Row(pattern: #"\b(?:\d{1,3}\.){3}\d{1,3}\b"#, gate: gate(Bytes.digits + ".", 7, required: "...")),
        Row(pattern: #":\d{4,5}\b"#, gate: gate(Bytes.digits + ":", 5, required: ":")),
        Row(pattern: #"\b\d{3}-\d{2}-\d{4}\b"#, gate: gate(Bytes.digits + "-", 11, required: "--")),
        Row(pattern: #"\bghp_[a-z0-9]{36}\b"#, gate: gate(Bytes.lower + Bytes.digits + "_", 40, required: "ghp_")),
        // Required bytes: what every branch holds, nothing from an optional part.
        Row(
            pattern: #"\b[a-z]{4}(?:-x|_x)-[a-z0-9]{12}\b"#,
            gate: gate(Bytes.lower + Bytes.digits + "-_", 19, required: "x-")),
        Row(
            pattern: #"\b[a-z0-9]{10}(?:-v2)?-[a-z0-9]{6}\b"#,
            gate: gate(Bytes.lower + Bytes.digits + "-", 17, required: "-")),
        // Zero-width items consume nothing; those that look further ahead
        // than one character keep a search from stopping at a run's end.
        Row(pattern: #"(?<=x)\d{8}(?=y)"#, gate: gate(Bytes.digits, 8, local: false)),
        Row(pattern: #"\d{8}$"#, gate: gate(Bytes.digits, 8, local: false)),
        Row(pattern: #"\d{8}\z"#, gate: gate(Bytes.digits, 8, local: false)),
        Row(pattern: #"\d{8}\Z"#, gate: gate(Bytes.digits, 8, local: false)),
        Row(pattern: #"^\d{8}\B"#, gate: gate(Bytes.digits, 8)),
        Row(pattern: #"\A\d{8}\b"#, gate: gate(Bytes.digits, 8)),
        // Folded bytes: upper case becomes lower case, `ß` two bytes `ss`, the Kelvin sign `k`.
        Row(pattern: #"[A-F0-9]{16}"#, caseless: false, gate: gate("abcdef" + Bytes.digits, 16)),
        Row(pattern: #"ß{4}"#, caseless: false, gate: gate("s", 8, required: "ssssssss")),
        Row(pattern: #"\x{212A}{8}"#, caseless: false, gate: gate("k", 8, required: "kkkkkkkk")),
        Row(pattern: #"[éè0-9]{10}"#, gate: gate(Bytes.digits, 10, nonASCII: true)),
        Row(pattern: #"\h{4}"#, gate: gate(" \t", 4, nonASCII: true)),
        Row(pattern: #"[[:xdigit:]]{8}"#, gate: gate("abcdef" + Bytes.digits, 8)),
        Row(pattern: #"\w{16}"#, gate: gate(Bytes.lower + Bytes.digits + "_", 16)),
        // Too short, too common or anything at all.
        Row(pattern: #"\b5\d\d\b"#, gate: nil),
        Row(pattern: #"\d+"#, gate: nil),
        Row(pattern: #"(?:\d{2}|x){2}"#, gate: nil),
        Row(pattern: #"[a-z]{6,}"#, gate: nil),
        Row(pattern: #"\w{12}"#, gate: nil),
        Row(pattern: #".{20}"#, gate: nil),
        Row(pattern: #"\S{8,}"#, gate: nil),
        Row(pattern: #"[^"]{10}"#, gate: nil),
        Row(pattern: #"\d{16}"#, options: [.unicodeClasses], gate: nil),
        // Unknown or start-dependent.
        Row(pattern: #"(\d{4})\1"#, gate: nil),
        Row(pattern: #"\d{8}\K\d"#, gate: nil),
        Row(pattern: #"\G\d{8}"#, gate: nil),
        Row(pattern: #"(?(1)\d{8})"#, gate: nil),
    ]

    @Test(arguments: rows)
    func findsGate(row: Row) {
        let got = RegexLiteralAnalysis.runGate(pattern: row.pattern, caseInsensitive: row.caseless, options: row.options)
        #expect(got == row.gate, "\(got.map { "\($0.bytes) \($0.minLength) \($0.runLocal)" } ?? "nil")")
    }

    static let runs: [(String, Int?)] = [
        ("id 123e4567-e89b-12d3-a456-426614174000 ok", 3),
        ("12345678-1234-1234-1234-12345678901", nil),  // one short
        ("", nil),
        ("0123456789abcdef0123456789abcdef0123", 0),
        ("é0123456789abcdef0123456789abcdef0123", 2),
    ]

    @Test(arguments: runs)
    func firstRunStart(text: String, start: Int?) throws {
        let g = try #require(
            RegexLiteralAnalysis.runGate(
                pattern: #"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"#, caseInsensitive: true,
                options: []))
        let folded = CaseFolding.foldedUTF8(text)
        #expect(folded.withUnsafeBufferPointer { g.firstRunStart(in: $0) } == start)
    }

    /// The facts about folding the shapes rely on: every character folds to
    /// one to four bytes, and the non-ASCII ones whose folds (or caseless
    /// variants' folds) have ASCII bytes are those `asciiInFolds` lists.
    @Test func foldingFacts() {
        let listed = Dictionary(uniqueKeysWithValues: CaselessMatching.asciiInFolds.map { ($0.0, $0.1) })
        var failures: [String] = []
        for v in UInt32(0x80)...0x10FFFF {
            guard let c = Unicode.Scalar(v) else { continue }
            var out: [UInt8] = []
            CaseFolding.appendFolded(c, to: &out)
            if out.isEmpty || out.count > CaseFolding.maxFoldedLength { failures.append("U+\(String(v, radix: 16)) length") }
            let ascii = ByteSet(out.filter { $0 < 0x80 })
            if !ascii.isEmpty && ascii.intersection(listed[v] ?? ByteSet()) != ascii {
                failures.append("U+\(String(v, radix: 16)) folds to unlisted ASCII")
            }
        }
        #expect(failures.isEmpty, "\(failures.prefix(10))")
        #expect(listed[0x212A] == ByteSet("k".utf8) && listed[0xDF] == ByteSet("s".utf8))
    }

    @Test func byteSet() {
        var s = ByteSet()
        #expect(s.isEmpty && !s.isFull && s.count == 0)
        for b: UInt8 in [0, 63, 64, 127, 128, 191, 192, 255] {
            #expect(!s.contains(b))
            s.insert(b)
            #expect(s.contains(b))
        }
        #expect(s.count == 8 && s.containsNonASCII)
        #expect(!s.contains(1) && !s.contains(129))
        #expect(ByteSet.all.isFull && ByteSet.all.count == 256)
        #expect(ByteSet("ab".utf8).union(ByteSet("bc".utf8)) == ByteSet("abc".utf8))
        #expect(ByteSet.nonASCII.count == 128 && !ByteSet.nonASCII.contains(0x7F))
        #expect("\(ByteSet("-0123456789abcdef]".utf8))" == #"[\-0-9\]a-f]"#)
    }
}
