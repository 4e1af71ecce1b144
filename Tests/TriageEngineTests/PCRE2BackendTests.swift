import Testing
import TriageCore
import TriageRegex

@Suite struct PCRE2BackendTests {
    let backend = PCRE2Backend()

    static let rows: [(pattern: String, caseless: Bool, options: RegexOptions, subject: String, from: Int, expected: Range<Int>?)] = [
        (#"\bora-\d{5}\b"#, true, [], "got ORA-00942 from db", 0, 4..<13),
        (#"\bora-\d{5}\b"#, false, [], "got ORA-00942 from db", 0, nil),
        (#"timeout"#, true, [], "a timeout and a timeout", 3, 16..<23),
        (#"^error"#, true, [], "ok\nerror", 0, nil),
        (#"^error"#, true, [.multiline], "ok\nerror", 0, 3..<8),
        (#"a.b"#, true, [], "a\nb", 0, nil),
        (#"a.b"#, true, [.dotAll], "a\nb", 0, 0..<3),
        (#"disk \s full"#, true, [.extended], "disk full", 0, 0..<9),
        (#"disk \s full"#, true, [.extended], "disk  full", 0, nil),
        (#"\w+"#, true, [], "zoë", 0, 0..<2),
        (#"\w+"#, true, [.unicodeClasses], "zoë", 0, 0..<4),
        (#"m.ller"#, true, [], "MÜLLER", 0, 0..<7),
    ]

    @Test(arguments: rows)
    func search(row: (pattern: String, caseless: Bool, options: RegexOptions, subject: String, from: Int, expected: Range<Int>?)) throws {
        let re = try backend.compile(row.pattern, options: RegexCompileOptions(caseInsensitive: row.caseless, options: row.options))
        let scratch = backend.makeScratch(limits: MatchLimits())
        let bytes = Array(row.subject.utf8)
        let result = bytes.withUnsafeBufferPointer { re.firstMatch(in: $0, from: row.from, validUTF8: true, scratch: scratch) }
        if let r = row.expected { #expect(result == .match(r)) } else { #expect(result == .noMatch) }
    }

    @Test func compileErrorsCarryOffset() {
        #expect(throws: RegexCompileFailure.self) { try backend.compile("a(b", options: .init(caseInsensitive: true, options: [])) }
        do {
            _ = try backend.compile("abc[", options: .init(caseInsensitive: true, options: []))
            Issue.record("expected a compile failure")
        } catch {
            #expect(error.offset == 4)
            #expect(error.message.contains("missing terminating ]"))
        }
    }

    @Test func catastrophicBacktrackingHitsTheMatchLimit() throws {
        let re = try backend.compile("(a+)+$", options: .init(caseInsensitive: false, options: []))
        let scratch = backend.makeScratch(limits: MatchLimits(matchLimit: 100_000))
        let subject = Array((String(repeating: "a", count: 64) + "b").utf8)
        let result = subject.withUnsafeBufferPointer { re.firstMatch(in: $0, from: 0, validUTF8: true, scratch: scratch) }
        guard case .limitExceeded(let why) = result else {
            Issue.record("expected a limit, got \(result)")
            return
        }
        #expect(why.contains("limit"))
    }

    @Test func invalidUTF8IsReportedNotCrashed() throws {
        let re = try backend.compile("a", options: .init(caseInsensitive: false, options: []))
        let scratch = backend.makeScratch(limits: MatchLimits())
        let subject: [UInt8] = [0xFF, 0x61]
        let result = subject.withUnsafeBufferPointer { re.firstMatch(in: $0, from: 0, validUTF8: false, scratch: scratch) }
        guard case .failed = result else {
            Issue.record("expected a UTF-8 failure, got \(result)")
            return
        }
    }
}
