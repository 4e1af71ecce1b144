import Testing
@testable import TriageCore

@Suite struct CaseFoldingTests {
    static let rows: [(String, String)] = [
        ("ABC xyz", "abc xyz"),
        ("Disk FULL on /var", "disk full on /var"),
        ("Zoë MÜLLER", "zoë müller"),
        ("STRASSE Straße", "strasse strasse"),
        ("ΣΊΣΥΦΟΣ", "σίσυφοσ"),
        ("ﬁle", "file"),
        ("\u{212A}elvin", "kelvin"),
        ("田中 太郎", "田中 太郎"),
        ("ПРИВЕТ мир", "привет мир"),
        ("ÅNGSTRÖM 12345678 ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`{|}~@", "ångström 12345678 abcdefghijklmnopqrstuvwxyz[\\]^_`{|}~@"),
    ]

    @Test(arguments: rows)
    func foldsLikeUnicode(input: String, expected: String) {
        #expect(CaseFolding.fold(input) == expected)
        let bytes = Array(input.utf8)
        let out = UnsafeMutablePointer<UInt8>.allocate(capacity: bytes.count * 3 + 8)
        defer { out.deallocate() }
        let (n, _) = bytes.withUnsafeBufferPointer { CaseFolding.fold($0, into: out) }
        #expect(String(decoding: UnsafeBufferPointer(start: out, count: n), as: UTF8.self) == expected)
    }

    @Test func invalidUTF8BecomesReplacement() {
        let bytes: [UInt8] = [0x41, 0xFF, 0x42, 0xE2, 0x82]
        let out = UnsafeMutablePointer<UInt8>.allocate(capacity: 32)
        defer { out.deallocate() }
        let (n, changed) = bytes.withUnsafeBufferPointer { CaseFolding.fold($0, into: out) }
        #expect(changed)
        #expect(String(decoding: UnsafeBufferPointer(start: out, count: n), as: UTF8.self) == "a\u{FFFD}b\u{FFFD}\u{FFFD}")
    }
}
