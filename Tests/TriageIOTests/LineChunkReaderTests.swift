import Foundation
import Testing
@testable import TriageIO

@Suite struct LineChunkReaderTests {
    /// Inputs with blank lines, CRLF endings, a last line without a newline,
    /// and multi-byte characters.
    static let inputs: [(String, [String])] = [
        ("", []),
        ("\n", [""]),
        ("a", ["a"]),
        ("a\n", ["a"]),
        ("a\nb", ["a", "b"]),
        ("one\ntwo\n\nfour\n", ["one", "two", "", "four"]),
        ("crlf\r\nlines\r\n\r\nend", ["crlf", "lines", "", "end"]),
        ("lone\rcr\nstays\r", ["lone\rcr", "stays"]),
        ("é田\n😀😀😀\n{\"id\": 1}\n\n\n", ["é田", "😀😀😀", "{\"id\": 1}", "", ""]),
    ]

    @Test(arguments: inputs)
    func cutsAtEveryChunkSize(text: String, expected: [String]) throws {
        let bytes = Array(text.utf8)
        for chunkSize in 1...(bytes.count + 2) {
            for piece in [1, 3, 64] {
                let got = try chunks(of: bytes, chunkSize: chunkSize, piece: piece)
                #expect(got.flatMap(\.bytes) == bytes, "chunk size \(chunkSize)")
                var lines: [String] = []
                var nextLine = 1
                var offset = 0
                for (i, chunk) in got.enumerated() {
                    #expect(chunk.index == i)
                    #expect(chunk.firstLine == nextLine)
                    #expect(chunk.byteOffset == offset)
                    #expect(!chunk.bytes.isEmpty)
                    if i < got.count - 1 { #expect(chunk.bytes.last == 0x0A) }
                    // About chunkSize bytes, or less than twice a line longer than that.
                    #expect(chunk.bytes.count <= max(chunkSize, 2 * longestLine(bytes)))
                    chunk.forEachLine { line, number in
                        #expect(number == nextLine + lines.count - (nextLine - 1))
                        lines.append(String(decoding: line, as: UTF8.self))
                    }
                    nextLine += chunk.lineCount
                    offset += chunk.bytes.count
                }
                #expect(lines == expected, "chunk size \(chunkSize), piece \(piece)")
            }
        }
    }

    private func longestLine(_ bytes: [UInt8]) -> Int {
        bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map { $0.count + 1 }.max() ?? 0
    }

    @Test(arguments: [1, 2, 5, 64, 1000])
    func longLinesComeOutWhole(chunkSize: Int) throws {
        let long = String(repeating: "x", count: 3000)
        let text = "short\n\(long)\nmid\n\(long)y"
        let got = try chunks(of: Array(text.utf8), chunkSize: chunkSize)
        var lines: [(Int, String)] = []
        for chunk in got {
            chunk.forEachLine { line, number in lines.append((number, String(decoding: line, as: UTF8.self))) }
        }
        #expect(lines.map(\.0) == [1, 2, 3, 4])
        #expect(lines.map(\.1) == ["short", long, "mid", long + "y"])
    }

    @Test func lineLengthLimitIsAnError() throws {
        let text = "ok\n" + String(repeating: "z", count: 100) + "\n"
        let fd = pipeFeeding(Array(text.utf8), piece: 1000)
        defer { close(fd) }
        let reader = LineChunkReader(fileDescriptor: fd, chunkSize: 8, maxLineLength: 50)
        #expect(try reader.next()?.lineCount == 1)
        #expect(throws: InputError("line 2 is longer than 50 bytes")) { try reader.next() }
    }

    @Test func skipsByteOrderMark() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("a\nb\n".utf8)
        for chunkSize in 1...8 {
            let got = try chunks(of: bytes, chunkSize: chunkSize, piece: 1)
            #expect(got.flatMap(\.bytes) == Array("a\nb\n".utf8))
        }
        // Only at the very start.
        let later: [UInt8] = Array("a\n".utf8) + [0xEF, 0xBB, 0xBF] + Array("b\n".utf8)
        #expect(try chunks(of: later, chunkSize: 1 << 20).flatMap(\.bytes) == later)
    }

    @Test func readsFilesAndKnowsTheirSize() throws {
        let text = (1...1000).map { #"{"id": "INC-\#($0)", "title": "t", "description": "d"}"# }.joined(separator: "\n")
        let bytes = Array(text.utf8)
        try withTemporaryFile(bytes) { path in
            let reader = try LineChunkReader(path: path, chunkSize: 4096)
            #expect(reader.totalBytes == bytes.count)
            var count = 0
            var parsed = 0
            let parser = IncidentLineParser()
            while let chunk = try reader.next() {
                #expect(chunk.bytes.count <= 4096)
                count += chunk.lineCount
                try chunk.forEachLine { (line, number) throws(JSONParseError) in
                    let outcome = try parser.parse(line)
                    #expect(outcome == .incident)
                    #expect(parser.id.string == "INC-\(number)")
                    parsed += 1
                }
            }
            #expect(count == 1000 && parsed == 1000)
            #expect(reader.bytesRead == bytes.count)
        }
        let fd = pipeFeeding([])
        defer { close(fd) }
        #expect(LineChunkReader(fileDescriptor: fd).totalBytes == nil)
    }

    @Test func chunkMemoryIsRecycled() throws {
        let text = String(repeating: "0123456789abcde\n", count: 64)  // 1 KiB
        let fd = pipeFeeding(Array(text.utf8), piece: 4096)
        defer { close(fd) }
        var reader: LineChunkReader? = LineChunkReader(fileDescriptor: fd, chunkSize: 64)
        var first: LineChunk? = try reader!.next()
        let firstBase = first!.storage.base
        let second = try #require(try reader!.next())
        #expect(second.storage.base != firstBase)  // both alive: distinct memory
        first = nil
        let third = try #require(try reader!.next())
        #expect(third.storage.base == firstBase)  // the released buffer came back
        // Chunks stay valid after their reader is gone.
        reader = nil
        #expect(String(decoding: second.bytes + third.bytes, as: UTF8.self) == String(repeating: "0123456789abcde\n", count: 8))
    }

    @Test func missingFileIsAnError() {
        #expect(throws: InputError("cannot open /nonexistent/triage.jsonl: No such file or directory")) {
            try LineChunkReader(path: "/nonexistent/triage.jsonl")
        }
    }

    @Test func forEachLinePropagatesErrors() {
        struct Stop: Error {}
        let chunk = LineChunk(bytes: Array("a\nb\nc\n".utf8), firstLine: 10)
        #expect(chunk.lineCount == 3)
        var seen: [Int] = []
        #expect(throws: Stop.self) {
            try chunk.forEachLine { (_, number) throws(Stop) in
                seen.append(number)
                if number == 11 { throw Stop() }
            }
        }
        #expect(seen == [10, 11])
    }

    // MARK: CSV cuts

    /// The byte-at-a-time rule that `csvCut` must agree with.
    static func referenceCut(_ bytes: [UInt8], from: Int, state initial: CSVCutState) -> (Int?, CSVCutState) {
        var state = initial
        var cut: Int? = nil
        for i in from..<bytes.count {
            let c = bytes[i]
            switch state {
            case .fieldStart, .unquoted, .quoteInQuoted:
                if c == 0x0A {
                    state = .fieldStart
                    cut = i + 1
                } else if c == 0x2C {
                    state = .fieldStart
                } else if c == 0x22 {
                    state = state == .unquoted ? .unquoted : .quoted
                } else {
                    state = .unquoted
                }
            case .quoted:
                if c == 0x22 { state = .quoteInQuoted }
            }
        }
        return (cut, state)
    }

    @Test func csvCutMatchesTheByteRule() {
        var rng = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = Array("a,\"\n\r".utf8)
        for _ in 0..<3000 {
            let n = Int.random(in: 0...24, using: &rng)
            let bytes = (0..<n).map { _ in alphabet.randomElement(using: &rng)! }
            // Scan in two steps, resuming from the saved state, as the reader does.
            let split = Int.random(in: 0...n, using: &rng)
            let first = bytes.withUnsafeBufferPointer { b in
                LineChunkReader.csvCut(UnsafeBufferPointer(rebasing: b[0..<split]), from: 0, state: .fieldStart)
            }
            let second = bytes.withUnsafeBufferPointer { LineChunkReader.csvCut($0, from: split, state: first.state) }
            let expected = Self.referenceCut(bytes, from: 0, state: .fieldStart)
            let cut = second.cut ?? first.cut
            #expect(cut == expected.0, "\(String(decoding: bytes, as: UTF8.self).debugDescription) split \(split)")
            #expect(second.state == expected.1, "\(String(decoding: bytes, as: UTF8.self).debugDescription) split \(split)")
        }
    }
}
