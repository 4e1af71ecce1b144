import Foundation
import Testing
import TriageCore
@testable import TriageIO

/// Parses raw bytes (which may be invalid UTF-8) into an incident.
private func incident(_ bytes: [UInt8], keys: IncidentKeyMap = .standard) throws -> Incident? {
    let parser = IncidentLineParser(keys: keys)
    return try bytes.withUnsafeBufferPointer { try parser.parseIncident($0) }
}

@Suite struct IncidentLineParserTests {
    // MARK: Valid lines

    static let valid: [(String, Incident)] = [
        (#"{"id": "INC-1", "title": "Disk full", "description": "on /var"}"#,
         Incident(id: "INC-1", title: "Disk full", description: "on /var")),
        (#"{"id":"a","title":"q\"b\\s\/","description":"\b\f\n\r\t"}"#,
         Incident(id: "a", title: "q\"b\\s/", description: "\u{8}\u{C}\n\r\t")),
        (#"{"id":"a","title":"\u0041\u00e9\u00C9\u7530","description":"\ud83d\ude00!"}"#,
         Incident(id: "a", title: "AéÉ田", description: "😀!")),
        (#"{"id":"a","title":"x\ud800y","description":"\udc00\ud800\u0041\ud83d"}"#,
         Incident(id: "a", title: "x\u{FFFD}y", description: "\u{FFFD}\u{FFFD}A\u{FFFD}")),
        (#"{"id":"a","title":"José → 田中 太郎 😀","description":"Zürich\nMalmö"}"#,
         Incident(id: "a", title: "José → 田中 太郎 😀", description: "Zürich\nMalmö")),
        (#"{"id":42,"title":"t","description":"d"}"#, Incident(id: "42", title: "t", description: "d")),
        (#"{"id":-1.5E+3,"title":"t","description":"d"}"#, Incident(id: "-1.5E+3", title: "t", description: "d")),
        (#"{"id":0,"title":"t","description":"d","context":null}"#, Incident(id: "0", title: "t", description: "d")),
        (#"{"id":"a","title":"t","description":"d","context":"svc=api"}"#,
         Incident(id: "a", title: "t", description: "d", context: "svc=api")),
        (#"{"context":"c","description":"d","title":"t","id":"z"}"#,
         Incident(id: "z", title: "t", description: "d", context: "c")),
        (" \t{ \"id\" :\t\"a\" ,\r\n\"title\" : \"t\" , \"description\":\"d\" } \r",
         Incident(id: "a", title: "t", description: "d")),
        (#"{"id":"a","labels":{"severity":"high","agents":["db",{"x":[1,2.5e-3,true,false,null]}]},"title":"t","n":-0,"description":"d"}"#,
         Incident(id: "a", title: "t", description: "d")),
        (#"{"id":"a","title":"first","description":"d","title":"second"}"#,
         Incident(id: "a", title: "second", description: "d")),
        (#"{"id":"a","t\u0069tle":"escaped key","description":"d"}"#,
         Incident(id: "a", title: "escaped key", description: "d")),
        (#"{"id":"","title":"","description":"","context":""}"#,
         Incident(id: "", title: "", description: "", context: "")),
        (#"{"id":"a","title":"t","description":"d","context":"c","context":null}"#,
         Incident(id: "a", title: "t", description: "d")),
        (#"{"id":"a","title":"t","description":"d","skip":"\"\\\/\b\f\n\r\t\u00e9 é"}"#,
         Incident(id: "a", title: "t", description: "d")),
        (#"{"id":"a","title":"t","description":"d","empty":{},"list":[],"deep":[[[[]]]]}"#,
         Incident(id: "a", title: "t", description: "d")),
    ]

    @Test(arguments: valid)
    func parsesValidLines(line: String, expected: Incident) throws {
        let parser = IncidentLineParser()
        #expect(try parser.parseIncident(line) == expected)
        // The parser is reused: a second, different line leaves nothing behind.
        #expect(try parser.parseIncident(#"{"id":"b","title":"x","description":"y"}"#) == Incident(id: "b", title: "x", description: "y"))
        #expect(try parser.parseIncident(line) == expected)
    }

    @Test(arguments: ["", " ", "\t \r", "   \n"])
    func blankLinesAreReported(line: String) throws {
        let parser = IncidentLineParser()
        #expect(try parser.parse(line) == .blank)
        #expect(try parser.parseIncident(line) == nil)
    }

    // MARK: Errors

    static let invalid: [(String, Int, String)] = [
        (#"[1]"#, 1, "expected '{'"),
        (#"  "id""#, 3, "expected '{'"),
        (#"{"#, 2, "expected object key"),
        (#"{"id" "x"}"#, 7, "expected ':' after object key"),
        (#"{"id":"a",}"#, 11, "expected object key"),
        (#"{"id":"a" "title":"t"}"#, 11, "expected ',' or '}' after object member"),
        (#"{"id":"a","title":"t","description":"d"} x"#, 42, "unexpected characters after the object"),
        (#"{"id":"a","title":"t","description":"d","#, 41, "expected object key"),
        (#"{"id":"a","title":"t"}"#, 1, #"missing required field "description""#),
        (#"  {"id":"a","description":"d"}"#, 3, #"missing required field "title""#),
        (#"{"title":"t","description":"d"}"#, 1, #"missing required field "id""#),
        (#"{"id":"a","title":"t","description":"d\q"}"#, 39, "invalid escape sequence"),
        (#"{"id":"\u12G4","title":"t","description":"d"}"#, 8, "invalid \\u escape"),
        (#"{"id":"a","x":"\u12"}"#, 16, "invalid \\u escape"),
        (#"{"id":"a","x":"ab\"#, 15, "unterminated string"),
        (#"{"id":"abcdefghijklmnop"#, 7, "unterminated string"),
        ("{\"id\":\"a\tb\"}", 9, "unescaped control character in string"),
        ("{\"id\":\"a\",\"x\":\"a\nb\"}", 17, "unescaped control character in string"),
        (#"{"id":"a","title":5,"description":"d"}"#, 19, #"field "title" must be a string"#),
        (#"{"id":"a","title":null,"description":"d"}"#, 19, #"field "title" must be a string"#),
        (#"{"id":true,"title":"t","description":"d"}"#, 7, #"field "id" must be a string or a number"#),
        (#"{"id":"a","title":"t","description":"d","context":5}"#, 51, #"field "context" must be a string or null"#),
        (#"{"id":"a","title":"t","description":["d"]}"#, 37, #"field "description" must be a string"#),
        (#"{"id":01}"#, 7, "leading zero in number"),
        (#"{"id":-}"#, 8, "invalid number"),
        (#"{"id":1.}"#, 9, "invalid number"),
        (#"{"id":1e+}"#, 10, "invalid number"),
        (#"{"x":.5}"#, 6, "expected a value"),
        (#"{"id":.5}"#, 7, #"field "id" must be a string or a number"#),
        (#"{"id":"a","x":tru}"#, 15, "invalid literal"),
        (#"{"id":"a","x":nul}"#, 15, "invalid literal"),
        (#"{"id":"a","x":[1,]}"#, 18, "expected a value"),
        (#"{"id":"a","x":[1 2]}"#, 18, "expected ',' or ']' after array element"),
        (#"{"id":"a","x":{"k" 1}}"#, 20, "expected ':' after object key"),
        (#"{"id":"a","x":{1:2}}"#, 16, "expected object key"),
        (#"{"id":"a","x":}"#, 15, "expected a value"),
        (#"{"id":"a","x":"#, 15, "expected a value"),
        (#"{"id":"a","x":'s'}"#, 15, "expected a value"),
        // Columns count characters, not bytes: é and 田 are one column each.
        (#"{"id":"é田","title" 1}"#, 20, "expected ':' after object key"),
        (#"{"id":"😀","title":"t","description":"\x"}"#, 38, "invalid escape sequence"),
    ]

    @Test(arguments: invalid)
    func reportsErrorsWithColumns(line: String, column: Int, message: String) {
        let parser = IncidentLineParser()
        #expect(throws: JSONParseError.self) { try parser.parse(line) }
        do {
            _ = try parser.parse(line)
        } catch {
            #expect(error.message == message)
            #expect(error.column == column)
            #expect(error.description == "column \(column): \(message)")
        }
    }

    @Test(arguments: [(63, false), (64, true), (70, true)])
    func limitsNesting(brackets: Int, fails: Bool) throws {
        // The incident object is level 1, so 63 brackets reach level 64.
        let line = #"{"id":"a","title":"t","description":"d","x":"# + String(repeating: "[", count: brackets)
            + String(repeating: "]", count: brackets) + "}"
        let parser = IncidentLineParser()
        if fails {
            do {
                _ = try parser.parse(line)
                Issue.record("expected an error")
            } catch {
                #expect(error.message == "nesting deeper than 64")
                #expect(error.column == 45 + 63)  // the bracket that opens level 65
            }
        } else {
            #expect(try parser.parse(line) == .incident)
        }
    }

    @Test func nestingLimitIsConfigurable() throws {
        let parser = IncidentLineParser(maxDepth: 2)
        #expect(try parser.parse(#"{"id":"a","title":"t","description":"d","x":[1]}"#) == .incident)
        #expect(throws: JSONParseError(message: "nesting deeper than 2", column: 46, byteOffset: 45)) {
            try parser.parse(#"{"id":"a","title":"t","description":"d","x":[[1]]}"#)
        }
    }

    // MARK: Invalid UTF-8

    static let invalidUTF8: [([UInt8], String)] = [
        ([0xFF], "\u{FFFD}"),
        ([0x41, 0xC3], "A\u{FFFD}"),  // truncated 2-byte sequence
        ([0xE2, 0x86], "\u{FFFD}\u{FFFD}"),  // truncated 3-byte sequence: one per byte
        ([0xC0, 0xAF], "\u{FFFD}\u{FFFD}"),  // overlong
        ([0xED, 0xA0, 0x80], "\u{FFFD}\u{FFFD}\u{FFFD}"),  // encoded surrogate
        ([0xF4, 0x90, 0x80, 0x80], "\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}"),  // above U+10FFFF
        ([0x61, 0xE9, 0x62], "a\u{FFFD}b"),  // Latin-1 é
        ([0xEF, 0xBF, 0xBD], "\u{FFFD}"),  // a genuine U+FFFD stays
        (Array("abcdefgh".utf8) + [0x80] + Array("ijklmnop".utf8), "abcdefgh\u{FFFD}ijklmnop"),
    ]

    @Test(arguments: invalidUTF8)
    func replacesInvalidUTF8(raw: [UInt8], expected: String) throws {
        let line = Array(#"{"id":"a","title":""#.utf8) + raw + Array(#"","description":"d"}"#.utf8)
        let result = try incident(line)
        #expect(result?.title == expected)
        #expect(result.map { Array($0.title.utf8) } == Array(expected.utf8))
    }

    /// Random bytes, mostly non-ASCII, decode exactly as `UTF8Decoding` reads
    /// them: valid sequences kept, each other byte replaced.
    @Test func repairsLikeUTF8Decoding() throws {
        let interesting: [UInt8] = [0x61, 0x80, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xA0, 0x9F, 0xED, 0xEF, 0xF0, 0x90, 0x8F, 0xF4, 0xF5, 0xFF]
        let parser = IncidentLineParser()
        for _ in 0..<2000 {
            let raw = (0..<Int.random(in: 0...12)).map { _ in
                Bool.random() ? interesting.randomElement()! : UInt8.random(in: 0x80...0xFF)
            }
            var expected: [UInt8] = []
            raw.withUnsafeBufferPointer { b in
                var i = 0
                while i < b.count {
                    let (scalar, length) = UTF8Decoding.decode(b, at: i)
                    expected += Array(String(scalar).utf8)
                    i += length
                }
            }
            let line = Array(#"{"id":"a","title":""#.utf8) + raw + Array(#"","description":"d"}"#.utf8)
            _ = try line.withUnsafeBufferPointer { try parser.parse($0) }
            #expect(parser.title.array == expected, "\(raw)")
        }
    }

    // MARK: Fast-path boundaries

    /// Each special sequence at every offset around the 8-byte steps.
    static let specials: [(String, String)] = [
        (#"\n"#, "\n"), (#"\""#, "\""), (#"\\"#, "\\"), (#"\u00e9"#, "é"), ("é", "é"), ("田", "田"),
        ("😀", "😀"), (#"\ud83d\ude00"#, "😀"), (#"\/"#, "/"),
    ]

    @Test(arguments: specials)
    func decodesSpecialsAtEveryOffset(escaped: String, decoded: String) throws {
        let parser = IncidentLineParser()
        for length in 0..<20 {
            for k in 0...length {
                let before = String(repeating: "a", count: k)
                let after = String(repeating: "b", count: length - k)
                let line = #"{"id":"i","title":""# + before + escaped + after + #"","description":"d"}"#
                let expected = before + decoded + after
                let got = try parser.parseIncident(line)?.title
                #expect(got == expected, "length \(length), offset \(k)")
                let skipped = #"{"id":"i","x":""# + before + escaped + after + #"","title":"t","description":"d"}"#
                #expect(try parser.parse(skipped) == .incident)
            }
        }
    }

    @Test func unterminatedStringAtEveryLength() {
        let parser = IncidentLineParser()
        for length in 0..<20 {
            let line = #"{"id":""# + String(repeating: "x", count: length)
            #expect(throws: JSONParseError(message: "unterminated string", column: 7, byteOffset: 6)) {
                try parser.parse(line)
            }
        }
    }

    // MARK: Key mapping

    @Test func readsRemappedKeys() throws {
        let keys = IncidentKeyMap(id: "key", title: "summary", description: "body", context: "env")
        let parser = IncidentLineParser(keys: keys)
        let line = #"{"key":7,"title":"ignored","summary":"S","body":"B","env":"prod"}"#
        #expect(try parser.parseIncident(line) == Incident(id: "7", title: "S", description: "B", context: "prod"))
        #expect(throws: JSONParseError(message: #"missing required field "summary""#, column: 1, byteOffset: 0)) {
            try parser.parse(#"{"key":7,"title":"t","body":"B"}"#)
        }
    }

    @Test func twoPartsMayReadOneKey() throws {
        let parser = IncidentLineParser(keys: IncidentKeyMap(title: "text", description: "text"))
        #expect(try parser.parseIncident(#"{"id":"a","text":"both"}"#) == Incident(id: "a", title: "both", description: "both"))
    }

    @Test func optionalPartsAcceptNull() throws {
        let parser = IncidentLineParser(keys: IncidentKeyMap(required: [.title]))
        #expect(try parser.parseIncident(#"{"title":"t","id":null,"description":null}"#) == Incident(id: "", title: "t", description: ""))
        #expect(!parser.has(.id) && parser.has(.title) && !parser.has(.description) && !parser.has(.context))
        #expect(throws: JSONParseError(message: #"field "id" must be a string, a number or null"#, column: 7, byteOffset: 6)) {
            try parser.parse(#"{"id":[],"title":"t"}"#)
        }
        #expect(throws: JSONParseError(message: #"field "description" must be a string or null"#, column: 16, byteOffset: 15)) {
            try parser.parse(#"{"description":1,"title":"t"}"#)
        }
    }

    @Test func buffersHoldTheFieldsAsBytes() throws {
        let parser = IncidentLineParser()
        let line = Array(#"{"id":"INC-9","title":"T","description":"line1\nline2","context":"c"}"#.utf8)
        let outcome = try line.withUnsafeBufferPointer { try parser.parse($0) }
        #expect(outcome == .incident)
        #expect(Array(parser.id.bytes) == Array("INC-9".utf8))
        #expect(Array(parser.buffer(for: .description).bytes) == Array("line1\nline2".utf8))
        #expect(parser.context.string == "c")
        #expect(parser.has(.context))
    }

    // MARK: Agreement with JSONSerialization

    /// Varied lines: escapes, unicode, numbers, nested values, key order, whitespace.
    static let agreementLines: [String] = [
        #"{"id": "INC-0000001", "title": "Intermittent timeouts calling identity-provider", "description": "sev-2 per on-call.\n\n```\nError: connect ECONNREFUSED 10.52.44.152:27017\n```"}"#,
        #"{"id":"a","title":"t","description":"d"}"#,
        #"{"description":"d","title":"t","id":"a"}"#,
        #"  {  "id" : "a" , "title" : "t" , "description" : "d"  }  "#,
        "\t{\"id\":\t\"a\",\r\n\"title\":\"t\",\n\"description\":\"d\"}",
        #"{"id":1,"title":"t","description":"d"}"#,
        #"{"id":-12,"title":"t","description":"d"}"#,
        #"{"id":3.25,"title":"t","description":"d"}"#,
        #"{"id":1e3,"title":"t","description":"d"}"#,
        #"{"id":-0.5E-2,"title":"t","description":"d"}"#,
        #"{"id":"a","title":"José García","description":"Zürich → München, 田中 太郎, Ирина"}"#,
        #"{"id":"a","title":"emoji 😀🔥","description":"κόσμε"}"#,
        #"{"id":"a","title":"\u00e9\u00E9","description":"\u7530\u4e2d"}"#,
        #"{"id":"a","title":"\ud83d\ude00","description":"\uD83D\uDD25"}"#,
        #"{"id":"a","title":"\"quoted\"","description":"back\\slash and \/ slash"}"#,
        #"{"id":"a","title":"\b\f\n\r\t","description":"\u0000\u001f\u007f"}"#,
        #"{"id":"a","title":"t","description":"d","context":null}"#,
        #"{"id":"a","title":"t","description":"d","context":"region=eu"}"#,
        #"{"id":"a","title":"t","description":"d","severity":"high","agents":["db","network"],"agents_complete":true}"#,
        #"{"id":"a","nested":{"a":{"b":{"c":[1,[2,[3,{"d":null}]]]}}},"title":"t","description":"d"}"#,
        #"{"id":"a","title":"t","description":"d","n":[0,-0,1.5,-2e-5,1E+10,123456789012]}"#,
        #"{"id":"a","title":"t","description":"d","b":[true,false,null]}"#,
        #"{"id":"a","title":"","description":""}"#,
        #"{"id":"a","title":" spaces ","description":"  "}"#,
        #"{"id":"a","title":"t","title":"last wins","description":"d"}"#,
        #"{"id":"a","title":"t","description":"d","empty":{},"none":[]}"#,
        #"{"id":"a","title":"mixed \u00e9 é \\u00e9","description":"x\\ny"}"#,
        #"{"id":"a","title":"1234567\"","description":"12345678\\"}"#,
        #"{"id":"a","title":"\/\/\/\/\/\/\/\/\/","description":"\t\t\t\t\t\t\t\t\t"}"#,
        #"{"id":"a","title":"αβγδεζηθικλμνξοπρστυφχψω","description":"ÀÁÂÃÄÅÆÇÈÉÊË"}"#,
        #"{"id":"a","title":"t","description":"d","context":"multi\nline\ncontext"}"#,
    ]

    @Test(arguments: agreementLines)
    func agreesWithJSONSerialization(line: String) throws {
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(line.utf8), options: [.fragmentsAllowed]) as? [String: Any])
        let parsed = try #require(try IncidentLineParser().parseIncident(line))
        #expect(parsed.title == object["title"] as? String)
        #expect(parsed.description == object["description"] as? String)
        #expect(parsed.context == object["context"] as? String)
        if let id = object["id"] as? String {
            #expect(parsed.id == id)
        } else {
            let number = try #require(object["id"] as? NSNumber)
            #expect(Double(parsed.id) == number.doubleValue)
        }
    }
}
