import Foundation
import Testing
@testable import TriageIO

private func written(_ body: (inout JSONWriter) -> Void) -> String {
    var w = JSONWriter()
    body(&w)
    return String(decoding: w.bytes, as: UTF8.self)
}

@Suite struct JSONWriterTests {
    static let strings: [(String, String)] = [
        ("", #""""#),
        ("plain", #""plain""#),
        ("q\"b\\s/", #""q\"b\\s/""#),
        ("\n\t\r\u{8}\u{C}", #""\n\t\r\b\f""#),
        ("\u{0}\u{1}\u{1F}", #""\u0000\u0001\u001f""#),
        ("\u{7F}", "\"\u{7F}\""),
        ("José → 田中 😀", "\"José → 田中 😀\""),
        ("\u{2028}", "\"\u{2028}\""),
        ("12345678\"12345678\n", #""12345678\"12345678\n""#),
    ]

    @Test(arguments: strings)
    func escapesStrings(input: String, expected: String) throws {
        #expect(written { $0.string(input) } == expected)
        var s = input
        #expect(s.withUTF8 { bytes in written { $0.string(utf8: bytes) } } == expected)
        let back = try JSONSerialization.jsonObject(with: Data(expected.utf8), options: [.fragmentsAllowed])
        #expect(back as? String == input)
    }

    @Test func everyControlCharacterRoundTrips() throws {
        let all = String(decoding: (0..<0x80).map { UInt8($0) }, as: UTF8.self)
        let text = written { $0.string(all) }
        let back = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        #expect(back as? String == all)
        #expect(try JSONValue.parse(text) == .string(all))
    }

    static let doubles: [(Double, String)] = [
        (3, "3"), (2.5, "2.5"), (-0.75, "-0.75"), (0, "0"), (-0.0, "-0"), (0.1, "0.1"),
        (1.0 / 3, "0.3333333333333333"), (1e-5, "1e-05"), (123456789012, "123456789012"),
        (9_007_199_254_740_992, "9007199254740992"), (1e16, "1e+16"), (-1e300, "-1e+300"),
        (1.7976931348623157e308, "1.7976931348623157e+308"), (.leastNonzeroMagnitude, "5e-324"),
        (.nan, "null"), (.infinity, "null"), (-.infinity, "null"),
    ]

    @Test(arguments: doubles)
    func writesShortestDoubles(value: Double, expected: String) {
        #expect(written { $0.double(value) } == expected)
    }

    @Test func doublesRoundTrip() throws {
        var rng = SystemRandomNumberGenerator()
        var samples: [Double] = [0.1, 0.2, 0.30000000000000004, 1e21, 1e-7, 4.35, 100, 2.5e-8]
        for _ in 0..<500 {
            samples.append(Double(bitPattern: rng.next() & 0x7FEF_FFFF_FFFF_FFFF) * (Bool.random() ? 1 : -1))
            samples.append(Double.random(in: -1000...1000))
            samples.append(Double(Int.random(in: -1_000_000...1_000_000)) / 8)
        }
        for d in samples {
            let text = written { $0.double(d) }
            #expect(!text.hasSuffix(".0"), "\(text)")
            #expect(try JSONValue.parse(text) == .number(d), "\(text)")
            let back = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
            #expect((back as? NSNumber).map(exactDouble) == d, "\(text)")
        }
    }

    static let ints: [(Int, String)] = [
        (0, "0"), (7, "7"), (-1, "-1"), (1234567890, "1234567890"),
        (Int.max, "9223372036854775807"), (Int.min, "-9223372036854775808"),
    ]

    @Test(arguments: ints)
    func writesIntegers(value: Int, expected: String) {
        #expect(written { $0.int(value) } == expected)
    }

    @Test func insertsCommasAndNewlines() {
        let text = written { w in
            for i in 0..<2 {
                w.beginObject()
                w.key("id")
                w.string("INC-\(i)")
                w.key("agents")
                w.beginArray()
                w.string("db")
                w.beginObject()
                w.endObject()
                w.beginArray()
                w.endArray()
                w.null()
                w.endArray()
                w.key("score")
                w.double(2.5)
                w.key("ok")
                w.bool(true)
                w.key("n")
                w.int(-3)
                w.endObject()
                w.newline()
            }
        }
        #expect(text == """
            {"id":"INC-0","agents":["db",{},[],null],"score":2.5,"ok":true,"n":-3}
            {"id":"INC-1","agents":["db",{},[],null],"score":2.5,"ok":true,"n":-3}

            """)
    }

    @Test func writesValuesAndRawFragments() throws {
        let value: JSONValue = ["a": [1, 2.5, nil, true], "b": ["c": "d\n"], "e": .object([])]
        #expect(written { $0.value(value) } == #"{"a":[1,2.5,null,true],"b":{"c":"d\n"},"e":{}}"#)
        let raw = Array("[1,2]".utf8)
        let text = raw.withUnsafeBufferPointer { r in
            written { w in
                w.beginArray()
                w.rawValue(r)
                w.int(3)
                w.endArray()
            }
        }
        #expect(text == "[[1,2],3]")
        var w = JSONWriter()
        w.int(1)
        w.removeAll()
        w.int(2)
        #expect(w.bytes == Array("2".utf8))
    }
}
