import Foundation
import Testing
@testable import TriageIO

@Suite struct JSONValueTests {
    static let valid: [(String, JSONValue)] = [
        ("null", .null),
        ("true", true),
        (" false ", false),
        ("0", 0),
        ("-0", .number(-0.0)),
        ("12.5e-1", 1.25),
        ("-1E+2", -100),
        ("123456789012345", 123_456_789_012_345),
        (#""""#, ""),
        (#""a\"b\u00e9\ud83d\ude00""#, "a\"bé😀"),
        ("[]", []),
        ("{}", .object([])),
        ("[1, [2, []], {\"a\": null}]", [1, [2, []], ["a": nil]]),
        (#"{"severity": "high", "agents": ["db", "network"], "agents_complete": true}"#,
         ["severity": "high", "agents": ["db", "network"], "agents_complete": true]),
        (#"{"b": 1, "a": 2, "b": 3}"#, .object([.init("b", 1), .init("a", 2), .init("b", 3)])),
        ("\t\r\n [ 1 ,\n2 ]\n", [1, 2]),
    ]

    @Test(arguments: valid)
    func parses(text: String, expected: JSONValue) throws {
        #expect(try JSONValue.parse(text) == expected)
    }

    static let invalid: [(String, Int, String)] = [
        ("", 1, "expected a value"),
        ("   ", 4, "expected a value"),
        ("nul", 1, "invalid literal"),
        ("[1,]", 4, "expected a value"),
        ("[1 2]", 4, "expected ',' or ']' after array element"),
        (#"{"a" 1}"#, 6, "expected ':' after object key"),
        (#"{"a":1,}"#, 8, "expected object key"),
        (#"{"a":1 "b":2}"#, 8, "expected ',' or '}' after object member"),
        ("1 2", 3, "unexpected characters after the value"),
        ("1e400", 1, "number out of range"),
        ("-", 2, "invalid number"),
        ("00", 1, "leading zero in number"),
        (#""\ud8""#, 2, "invalid \\u escape"),
        (#"["é", "\q"]"#, 8, "invalid escape sequence"),
        (#"["abc"#, 2, "unterminated string"),
    ]

    @Test(arguments: invalid)
    func reportsErrors(text: String, column: Int, message: String) {
        do {
            let value = try JSONValue.parse(text)
            Issue.record("parsed as \(value)")
        } catch {
            #expect(error.message == message)
            #expect(error.column == column)
        }
    }

    @Test(arguments: [(64, false), (65, true)])
    func limitsNesting(depth: Int, fails: Bool) {
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        if fails {
            #expect(throws: JSONParseError(message: "nesting deeper than 64", column: 65, byteOffset: 64)) {
                try JSONValue.parse(text)
            }
        } else {
            #expect(throws: Never.self) { try JSONValue.parse(text) }
        }
    }

    @Test func accessors() throws {
        let v = try JSONValue.parse(#"{"severity":"high","agents":["db"],"n":3,"x":2.5,"ok":false,"n":4,"z":null}"#)
        #expect(v["severity"]?.stringValue == "high")
        #expect(v["agents"]?[0]?.stringValue == "db")
        #expect(v["agents"]?[1] == nil)
        #expect(v["n"]?.intValue == 4)  // the last duplicate wins
        #expect(v["x"]?.intValue == nil)
        #expect(v["x"]?.doubleValue == 2.5)
        #expect(v["ok"]?.boolValue == false)
        #expect(v["z"]?.isNull == true)
        #expect(v["missing"] == nil)
        #expect(v.objectValue?.count == 7)
        #expect(v["agents"]?.arrayValue == ["db"])
    }

    /// The incident lines plus values that are not objects.
    static let agreementTexts: [String] = IncidentLineParserTests.agreementLines + [
        "[1, 2.5, -3e-7, true, false, null, \"s\"]",
        #"{"a": {"b": {"c": {"d": [[[["deep"]]]]}}}}"#,
        #""\u0041\u00df\u6771\ud834\udd1e""#,
        "1.7976931348623157e308",
        "5e-324",
    ]

    @Test(arguments: agreementTexts)
    func agreesWithJSONSerialization(text: String) throws {
        let reference = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        let value = try JSONValue.parse(text)
        #expect(sameJSON(value, reference))
        // What the writer makes of it parses back to the same value.
        #expect(try JSONValue.parse(value.description) == value)
    }
}

/// Whether a `JSONValue` equals what `JSONSerialization` made of the same text.
func sameJSON(_ value: JSONValue, _ any: Any) -> Bool {
    switch value {
    case .null: return any is NSNull
    case .bool(let b):
        guard let n = any as? NSNumber else { return false }
        return n.boolValue == b
    case .number(let d):
        guard let n = any as? NSNumber else { return false }
        return exactDouble(n) == d
    case .string(let s): return (any as? String) == s
    case .array(let elements):
        guard let a = any as? [Any], a.count == elements.count else { return false }
        return zip(elements, a).allSatisfy { sameJSON($0, $1) }
    case .object(let members):
        guard let o = any as? [String: Any] else { return false }
        // JSONSerialization keeps the last of duplicate keys, as `JSONValue[key]` does.
        let keys = Set(members.map(\.key))
        guard keys.count == o.count else { return false }
        return keys.allSatisfy { key in o[key].map { sameJSON(value[key]!, $0) } ?? false }
    }
}

/// The Double an NSNumber from `JSONSerialization` stands for. On Linux it
/// returns long decimals as `NSDecimalNumber`, whose `doubleValue` can be off
/// in the last place (0.30000000000000004 comes back as 0.3000000000000001),
/// so those are converted from their exact decimal text instead.
func exactDouble(_ n: NSNumber) -> Double {
    if n is NSDecimalNumber, let d = Double(n.stringValue) { return d }
    return n.doubleValue
}
