import Testing
import TriageCore

/// What each kind of pattern matches: case, word boundaries, Unicode, flags.
/// Each row: a pattern, a text (put in the description), and the matched
/// text expected (nil: no match).
@Suite struct PatternSemanticsTests {
    struct Row: CustomTestStringConvertible, Sendable {
        var pattern: PatternSpec
        var text: String
        var expected: String?
        var testDescription: String { "\(pattern) in \(String(reflecting: text))" }
    }

    static func r(_ p: PatternSpec, _ text: String, _ expected: String?) -> Row { Row(pattern: p, text: text, expected: expected) }

    static let keywords: [Row] = [
        // case folding
        r(kw("timeout"), "request TIMEOUT at edge", "TIMEOUT"),
        r(kw("Timeout"), "request timeout at edge", "timeout"),
        r(kw("TIMEOUT", cs: true), "request timeout at edge", nil),
        r(kw("TIMEOUT", cs: true), "request TIMEOUT at edge", "TIMEOUT"),
        r(kw("Disk", cs: true), "disk Disk", "Disk"),
        // whole words
        r(kw("time"), "timeout", nil),
        r(kw("time", word: false), "timeout", "time"),
        r(kw("out"), "timeout", nil),
        r(kw("out", word: false), "timeout", "out"),
        r(kw("500"), "HTTP 1500 errors", nil),
        r(kw("500"), "HTTP 500.", "500"),
        r(kw("5xx"), "a 5xx spike", "5xx"),
        r(kw("db"), "db_primary", nil),
        r(kw("db"), "db-primary", "db"),
        r(kw("db"), "(db)", "db"),
        r(kw("c++"), "c++ compiler", "c++"),
        r(kw("c++"), "abc++ compiler", nil),
        r(kw(".net"), "asp.net core", ".net"),
        r(kw(".net"), "asp.network", nil),
        r(kw("api"), "api", "api"),
        r(kw("api"), "", nil),
        r(kw("oom"), "OOMKilled", nil),
        r(kw("oomkilled"), "container OOMKilled twice", "OOMKilled"),
        // phrases as keywords: exact spacing
        r(kw("connection refused"), "Connection refused by peer", "Connection refused"),
        r(kw("connection refused"), "connection  refused", nil),
        // Unicode folding
        r(kw("müller"), "ZOË MÜLLER on call", "MÜLLER"),
        r(kw("straße"), "HAUPTSTRASSE 1", nil),
        r(kw("straße"), "die STRASSE ist gesperrt", "STRASSE"),
        r(kw("strasse"), "die Straße ist gesperrt", "Straße"),
        r(kw("σίσυφος"), "ΣΊΣΥΦΟΣ", "ΣΊΣΥΦΟΣ"),
        r(kw("kelvin"), "\u{212A}ELVIN", "\u{212A}ELVIN"),
        r(kw("file"), "ﬁle missing", "ﬁle"),
        r(kw("ошибка"), "ОШИБКА подключения", "ОШИБКА"),
        // Unicode word boundaries
        r(kw("café"), "cafés", nil),
        r(kw("café"), "le CAFÉ! ferme", "CAFÉ"),
        r(kw("über"), "drüber", nil),
        r(kw("naïve"), "naïve", "naïve"),
        // scripts without spaces: no boundaries
        r(kw("障害"), "システム障害が発生しました", "障害"),
        r(kw("ล่ม"), "ระบบล่มทั้งหมด", "ล่ม"),
        // the match is located in the original text, even after length-changing folds
        r(kw("error"), "İİİ error", "error"),
        r(kw("error"), "ẞẞ ERROR", "ERROR"),
        r(kw("ss"), "Maß", nil),
        r(kw("ss", word: false), "Maß", "ß"),
    ]

    static let phrases: [Row] = [
        r(ph("disk full"), "Disk   FULL on node", "Disk   FULL"),
        r(ph("disk full"), "disk\nfull", "disk\nfull"),
        r(ph("disk full"), "diskfull", nil),
        r(ph("disk full"), "disk fuller", nil),
        r(ph("disk full", word: false), "disk fuller", "disk full"),
        r(ph("connection reset by peer"), "read: Connection reset\tby  peer", "Connection reset\tby  peer"),
        r(ph("Rate Limit", cs: true), "rate limit", nil),
        r(ph("Rate Limit", cs: true), "Rate  Limit", "Rate  Limit"),
        r(ph("c++ build"), "the c++ build broke", "c++ build"),
        r(ph("データ 損失"), "重大なデータ 損失", "データ 損失"),
    ]

    static let regexes: [Row] = [
        r(rx(#"\bora-\d{5}\b"#), "got ORA-00942: table missing", "ORA-00942"),
        r(rx(#"ORA-\d+"#, cs: true), "ora-00942", nil),
        r(rx(#"ORA-\d+"#, cs: true), "ORA-00942", "ORA-00942"),
        r(rx(#"\b5\d\d\b"#), "returned 503 to clients", "503"),
        r(rx(#"\b5\d\d\b"#), "returned 5030 bytes", nil),
        r(rx(#"^error"#), "ok\nerror here", nil),
        r(rx(#"^error"#, .multiline), "ok\nerror here", "error"),
        r(rx(#"a.b"#), "a\nb", nil),
        r(rx(#"a.b"#, .dotAll), "a\nb", "a\nb"),
        r(rx(#"disk \s full # comment"#, .extended), "disk full", "disk full"),
        r(rx(#"^\w+$"#), "grüß", nil),
        r(rx(#"^\w+$"#, .unicodeClasses), "grüß", "grüß"),
        r(kw("s", word: false), "Maß", "ß"),
        r(rx(#"m.ller"#), "Herr MÜLLER", "MÜLLER"),
        r(rx(#"(?:timeout|timed out) after \d+\s*s"#), "Timed out after 30 s", "Timed out after 30 s"),
        r(rx(#"latency (?:of|at) \d+ms"#), "p99 LATENCY OF 950ms", "LATENCY OF 950ms"),
        r(rx(#"[A-Z]{3}-\d+"#), "ticket ops-1234", "ops-1234"),
        r(rx(#"[A-Z]{3}-\d+"#, cs: true), "ticket ops-1234", nil),
        r(rx(#"\berror\b"#), "İİ ERROR", "ERROR"),
        r(rx(#"\d+ customers"#), "title", nil),
        // Required literals "deadlock" and "lock": the search must start at the earlier one.
        r(rx(#"\b(?:deadlock|lock)\s+(?:detected|found)\b"#), "ERROR: Deadlock found", "Deadlock found"),
        r(rx(#"\b(?:timeout|out)\s+after\b"#), "request timeout after 3s", "timeout after"),
    ]

    @Test(arguments: keywords + phrases + regexes)
    func matches(row: Row) throws {
        let pack = try TestPacks.compile(TestPacks.onePerPattern([row.pattern]))
        let v = TestPacks.classify(pack, title: "", description: row.text)
        let spans = v.evidence?.rules.flatMap(\.matches) ?? []
        if let expected = row.expected {
            #expect(v.rules.map(\.id) == ["r0"])
            #expect(spans.map(\.text) == [expected])
            // The span's offsets point at the matched text in the original field.
            for s in spans {
                let bytes = Array(row.text.utf8)[s.start..<s.end]
                #expect(String(decoding: bytes, as: UTF8.self) == s.text)
                #expect(s.field == .description)
            }
        } else {
            #expect(v.rules.isEmpty, "unexpected match: \(spans.map(\.text))")
        }
    }

    /// A pack without literals (regexes that have none) skips the automaton
    /// pass; the same regex beside a keyword that never occurs, which makes
    /// the pass run, must give the same rules and the same spans.
    @Test(arguments: regexes)
    func literalFreePacksSkipTheAutomaton(row: Row) throws {
        let alone = try TestPacks.compile(TestPacks.onePerPattern([row.pattern]))
        let beside = try TestPacks.compile(TestPacks.onePerPattern([row.pattern, kw("qzxv never occurs")]))
        let a = TestPacks.classify(alone, title: row.text, description: "see: " + row.text)
        let b = TestPacks.classify(beside, title: row.text, description: "see: " + row.text)
        #expect(a.rules.map(\.id) == b.rules.map(\.id))
        #expect(a.evidence?.rules.flatMap(\.matches) == b.evidence?.rules.flatMap(\.matches))
    }

    /// Every keyword of a set is found, overlapping ones included, in one pass.
    @Test func overlappingKeywordsAllMatch() throws {
        let words = ["unauthorized", "unauthorized access", "access", "access denied", "denied", "ied"]
        let pack = try TestPacks.compile(TestPacks.onePerPattern(words.map { kw($0, word: false) }))
        let v = TestPacks.classify(pack, title: "", description: "Unauthorized access denied")
        #expect(v.rules.map(\.id) == ["r0", "r1", "r2", "r3", "r4", "r5"])
        let texts = Dictionary(uniqueKeysWithValues: v.evidence!.rules.map { ($0.ruleID, $0.matches.map(\.text)) })
        #expect(texts["r1"] == ["Unauthorized access"])
        #expect(texts["r3"] == ["access denied"])
        #expect(texts["r5"] == ["ied"])
    }

    /// The first occurrence in each field is the evidence.
    @Test func firstOccurrencePerField() throws {
        let pack = try TestPacks.compile(TestPacks.onePerPattern([kw("error"), rx(#"err\w+"#)]))
        let v = TestPacks.classify(pack, title: "ERROR storm", description: "x error y error", context: "no error")
        for rule in v.evidence!.rules {
            #expect(rule.matches.map(\.field) == [.title, .description, .context])
            #expect(rule.matches.map(\.start) == [0, 2, 3])
        }
    }

    /// Field restrictions: a pattern only counts in the fields it names.
    static let fieldRows: [(FieldSet, String, String, String?, Bool)] = [
        (.title, "disk full", "", nil, true),
        (.title, "", "disk full", nil, false),
        (.description, "disk full", "", nil, false),
        (.description, "", "disk full", nil, true),
        (.context, "", "", "disk full", true),
        (.context, "disk full", "disk full", nil, false),
        ([.title, .context], "", "disk full", "disk full", true),
    ]

    @Test(arguments: fieldRows)
    func fields(row: (FieldSet, String, String, String?, Bool)) throws {
        for p in [kw("disk full"), ph("disk full"), rx("disk full")] {
            let pack = try TestPacks.compile(TestPacks.onePerPattern([p], fields: row.0))
            let v = TestPacks.classify(pack, title: row.1, description: row.2, context: row.3)
            #expect(!v.rules.isEmpty == row.4, "\(p) with fields \(row.0)")
        }
    }

    /// A match never spans two fields, even for patterns that match whitespace.
    @Test func noMatchAcrossFields() throws {
        let pack = try TestPacks.compile(TestPacks.onePerPattern([ph("disk full"), rx(#"disk\s+full"#), kw("disk full")]))
        let v = TestPacks.classify(pack, title: "disk", description: "full")
        #expect(v.rules.isEmpty)
    }

    /// Invalid UTF-8 in the text never crashes and never hides valid text around it.
    @Test func invalidUTF8Tolerated() throws {
        let pack = try TestPacks.compile(
            TestPacks.onePerPattern([kw("error"), rx(#"fail\w*"#), rx(#"Fail\w*"#, cs: true), ph("disk full")]))
        let title: [UInt8] = Array("ERROR Failed ".utf8) + [0xFF, 0xC3] + Array(" disk full".utf8)
        let v = title.withUnsafeBufferPointer { t in
            [UInt8]().withUnsafeBufferPointer { d in
                pack.classify(IncidentText(title: t, description: d), scratch: pack.makeScratch(), options: ClassifyOptions(evidence: true))
            }
        }
        #expect(v.rules.map(\.id) == ["r0", "r1", "r3"])
        #expect(v.evidence!.rules.flatMap(\.matches).map(\.text) == ["ERROR", "Failed", "disk full"])
        // The case-sensitive regex runs on the original bytes, and its search would cross the
        // invalid ones: PCRE2 refuses, and the verdict says so.
        #expect(v.diagnostics.count == 1)
    }
}

/// Long fields are scanned as two streams split in the middle; a literal must be
/// found wherever it sits relative to the split, including across it.
@Suite struct LongFieldTests {
    static let filler = Array(repeating: "lorem ipsum dolor sit amet ", count: 12).joined()  // 324 bytes

    @Test(arguments: Array(stride(from: 100, through: 230, by: 1)))
    func literalsAroundTheSplit(at offset: Int) throws {
        let pack = try TestPacks.compile(TestPacks.onePerPattern([
            kw("connection refused"), kw("xq", word: false), rx(#"\bora-\d{5}\b"#), rx(#"zz\d+"#),
        ]))
        for (rule, needle) in [("r0", "connection refused"), ("r1", "xq"), ("r2", "ora-12345"), ("r3", "zz42")] {
            var text = Array(Self.filler.utf8)
            let insert = " " + needle + " "
            text.replaceSubrange(offset..<(offset + insert.utf8.count), with: insert.utf8)
            let description = String(decoding: text, as: UTF8.self)
            let v = TestPacks.classify(pack, title: "", description: description)
            let m = v.evidence?.rules.first { $0.ruleID == rule }?.matches.first
            #expect(m?.start == offset + 1, "\(needle) at \(offset + 1)")
            #expect(m?.text == needle)
        }
    }

    /// Many hits in one long field overflow the hit buffers; every keyword is still found.
    @Test func manyHitsInALongField() throws {
        let words = (0..<50).map { "w\($0)x" }
        let pack = try TestPacks.compile(TestPacks.onePerPattern(words.map { kw($0) } + [kw("a", word: false)]))
        let text = Array(repeating: words.joined(separator: " a "), count: 30).joined(separator: " ")
        let v = TestPacks.classify(pack, title: "", description: text)
        #expect(v.rules.count == 51)
        for r in v.evidence!.rules.prefix(50) {
            let i = Int(r.ruleID.dropFirst())!
            #expect(r.matches.first?.start == Array(words.joined(separator: " a ").utf8).count - Array(words[i...].joined(separator: " a ").utf8).count)
        }
    }
}
