import Foundation
import Testing
import TriageCore
@testable import TriageIO

/// Every record of `text` with its line number.
private func records(_ text: String, expectedFieldCount: Int? = nil) throws -> [(Int, [String])] {
    try records(Array(text.utf8), expectedFieldCount: expectedFieldCount)
}

private func records(_ bytes: [UInt8], expectedFieldCount: Int? = nil, firstLine: Int = 1) throws -> [(Int, [String])] {
    let parser = CSVRecordParser(expectedFieldCount: expectedFieldCount)
    var result: [(Int, [String])] = []
    try bytes.withUnsafeBufferPointer { b in
        try parser.forEachRecord(in: b, firstLine: firstLine) { record, line in result.append((line, record.strings)) }
    }
    return result
}

struct CSVRow: Sendable, CustomTestStringConvertible {
    var text: String
    var expected: [(Int, [String])]
    var testDescription: String { text.debugDescription }
    init(_ text: String, _ expected: [(Int, [String])]) {
        self.text = text
        self.expected = expected
    }
}

@Suite struct CSVTests {
    static let rows: [CSVRow] = [
        CSVRow("", []),
        CSVRow("a", [(1, ["a"])]),
        CSVRow("a,b,c\n1,2,3\n", [(1, ["a", "b", "c"]), (2, ["1", "2", "3"])]),
        CSVRow("a,b\r\n1,2\r\n", [(1, ["a", "b"]), (2, ["1", "2"])]),
        CSVRow("a,b\n1,2", [(1, ["a", "b"]), (2, ["1", "2"])]),
        CSVRow(",,\n", [(1, ["", "", ""])]),
        CSVRow("a,\n", [(1, ["a", ""])]),
        CSVRow("\"\"\n", [(1, [""])]),
        CSVRow("\"a,b\",c\n", [(1, ["a,b", "c"])]),
        CSVRow("\"say \"\"hi\"\"\",x\n", [(1, ["say \"hi\"", "x"])]),
        CSVRow("\"\"\"\"\n", [(1, ["\""])]),
        CSVRow("\"two\nlines\",x\nnext,y\n", [(1, ["two\nlines", "x"]), (3, ["next", "y"])]),
        CSVRow("\"crlf\r\ninside\",x\r\nnext,y\r\n", [(1, ["crlf\r\ninside", "x"]), (3, ["next", "y"])]),
        CSVRow("a\n\n\nb\n", [(1, ["a"]), (4, ["b"])]),
        CSVRow("a\r\n\r\nb\r\n", [(1, ["a"]), (3, ["b"])]),
        CSVRow("ab\"c,d\n", [(1, ["ab\"c", "d"])]),
        CSVRow(" \"x\" ,y\n", [(1, [" \"x\" ", "y"])]),
        CSVRow("José,田中 太郎,😀\n", [(1, ["José", "田中 太郎", "😀"])]),
        CSVRow("\"a\",\"b\"\n\"c\",\"d\"", [(1, ["a", "b"]), (2, ["c", "d"])]),
        CSVRow("\"a\"\r", [(1, ["a"])]),
        CSVRow("\"x\n\n\ny\"\nz\n", [(1, ["x\n\n\ny"]), (5, ["z"])]),
    ]

    @Test(arguments: rows)
    func parsesRecords(row: CSVRow) throws {
        let got = try records(row.text)
        #expect(got.map(\.0) == row.expected.map(\.0))
        #expect(got.map(\.1) == row.expected.map(\.1))
    }

    static let errors: [(String, Int?, CSVError)] = [
        ("a,\"open\nb\n", nil, CSVError(line: 1, message: "unterminated quoted field")),
        ("x\ny\n\"never\n\n", nil, CSVError(line: 3, message: "unterminated quoted field")),
        ("\"a\"b,c\n", nil, CSVError(line: 1, message: "expected ',' or end of line after closing quote")),
        ("\"multi\nline\"x\n", nil, CSVError(line: 2, message: "expected ',' or end of line after closing quote")),
        ("a,b\n1,2,3\n", 2, CSVError(line: 2, message: "expected 2 fields, found 3")),
        ("a,b\n\"1\n\",2\nonly\n", 2, CSVError(line: 4, message: "expected 2 fields, found 1")),
        ("a\nb,c\n", 1, CSVError(line: 2, message: "expected 1 field, found 2")),
    ]

    @Test(arguments: errors)
    func reportsErrorsWithLines(text: String, fieldCount: Int?, expected: CSVError) {
        #expect(throws: expected) { try records(text, expectedFieldCount: fieldCount) }
        #expect(expected.description == "line \(expected.line): \(expected.message)")
    }

    @Test func replacesInvalidUTF8() throws {
        let bytes: [UInt8] = Array("a,".utf8) + [0xFF, 0x62] + Array(",\"".utf8) + [0xC3] + Array("\"\n".utf8)
        #expect(try records(bytes).map(\.1) == [["a", "\u{FFFD}b", "\u{FFFD}"]])
    }

    /// Records spanning lines, cut into chunks at every chunk size, parse the
    /// same as the whole input, with the same line numbers.
    @Test(arguments: [false, true])
    func chunksCutOnlyBetweenRecords(crlf: Bool) throws {
        var text = [
            "id,title,description",
            "1,Disk full,\"on /var",
            "and /tmp\"",
            "2,\"Quoted, with comma\",\"He said \"\"hi\"\"\"",
            "",
            "3,é,\"multi",
            "",
            "line\"",
            "4,last,no newline",
        ].joined(separator: "\n")
        if crlf { text = text.replacingOccurrences(of: "\n", with: "\r\n") }
        let bytes = Array(text.utf8)
        let whole = try records(bytes)
        #expect(whole.map(\.0) == [1, 2, 4, 6, 9])
        for chunkSize in 1...(bytes.count + 1) {
            for piece in [1, 5, 100] {
                let got = try chunks(of: bytes, chunkSize: chunkSize, mode: .csv, piece: piece)
                #expect(got.flatMap(\.bytes) == bytes)
                var parsed: [(Int, [String])] = []
                let parser = CSVRecordParser(expectedFieldCount: 3)
                for chunk in got {
                    try parser.forEachRecord(in: chunk) { record, line in parsed.append((line, record.strings)) }
                }
                #expect(parsed.map(\.0) == whole.map(\.0), "chunk size \(chunkSize)")
                #expect(parsed.map(\.1) == whole.map(\.1), "chunk size \(chunkSize)")
            }
        }
    }

    @Test func headerMapsColumnsToIncidents() throws {
        let text = "summary,ref,body,notes,extra\r\nDisk full,INC-1,\"on /var\",,x\nCPU,INC-2,hot,\"region=eu\",y\n"
        let got = try chunks(of: Array(text.utf8), chunkSize: 1 << 20, mode: .csv)
        let parser = CSVRecordParser()
        let names = try #require(try parser.firstRecord(in: got[0]))
        let header = CSVHeader(names: names)
        #expect(header.index(of: "body") == 2)
        #expect(header.index(of: "nope") == nil)
        let keys = IncidentKeyMap(id: "ref", title: "summary", description: "body", context: "notes")
        let columns = try CSVIncidentColumns(header: header, keys: keys)
        #expect(columns.column(for: .context) == 3)
        parser.expectedFieldCount = header.count
        var incidents: [(Int, Incident)] = []
        for chunk in got {
            try parser.forEachRecord(in: chunk, skipping: chunk.index == 0 ? 1 : 0) { record, line in
                incidents.append((line, columns.incident(from: record)))
            }
        }
        #expect(incidents.map(\.0) == [2, 3])
        #expect(incidents.map(\.1) == [
            Incident(id: "INC-1", title: "Disk full", description: "on /var"),
            Incident(id: "INC-2", title: "CPU", description: "hot", context: "region=eu"),
        ])
        #expect(throws: CSVError(line: 1, message: #"missing required column "id""#)) {
            try CSVIncidentColumns(header: header)
        }
        // An optional column may be missing.
        let noContext = try CSVIncidentColumns(header: CSVHeader(names: ["id", "title", "description"]))
        #expect(noContext.column(for: .context) == nil)
    }

    // MARK: Writing

    static let written: [([[String]], String)] = [
        ([["a", "b"]], "a,b\n"),
        ([["a,b", "c"]], "\"a,b\",c\n"),
        ([["say \"hi\""]], "\"say \"\"hi\"\"\"\n"),
        ([["two\nlines", "cr\r"]], "\"two\nlines\",\"cr\r\"\n"),
        ([[""]], "\"\"\n"),
        ([["", ""]], ",\n"),
        ([[" padded ", "é田😀"]], " padded ,é田😀\n"),
        ([["1"], ["2"]], "1\n2\n"),
    ]

    @Test(arguments: written)
    func writesRecords(records input: [[String]], expected: String) throws {
        var w = CSVWriter()
        for r in input { w.record(r) }
        #expect(String(decoding: w.bytes, as: UTF8.self) == expected)
        #expect(try records(w.bytes).map(\.1) == input)
    }

    @Test func writesCRLFAndRoundTripsRandomFields() throws {
        var w = CSVWriter(lineEnding: .crlf)
        w.record(["a", "b"])
        #expect(w.bytes == Array("a,b\r\n".utf8))
        w.removeAll()
        let alphabet = Array("ab ,\"\n\ré")
        var input: [[String]] = []
        for _ in 0..<300 {
            let fields = (0..<Int.random(in: 1...4)).map { _ in
                String((0..<Int.random(in: 0...6)).map { _ in alphabet.randomElement()! })
            }
            input.append(fields)
            w.record(fields)
        }
        // A field that ends in "\r" before the record's "\r\n" is quoted, so nothing is lost.
        #expect(try records(w.bytes).map(\.1) == input)
    }
}
