import Foundation
import Testing
import TriageCore
import TriageIO

/// A measurement, not a check that runs by default: enable it with
///
///     TRIAGEIO_BENCH=1 swift test -c release -Xswiftc -enable-testing --filter ParserBenchmark
///
/// and optionally `TRIAGEIO_BENCH_CORPUS=/path/to/corpus.jsonl` to measure a
/// real corpus instead of the generated lines. It prints MB/s for
/// `IncidentLineParser`, `JSONValue`, `JSONSerialization` and `JSONDecoder`
/// on one thread, and in release builds checks the parser is at least 5x
/// faster than `JSONDecoder`, the reason it exists.
@Suite struct ParserBenchmark {
    static let environment = ProcessInfo.processInfo.environment

    @Test(.enabled(if: environment["TRIAGEIO_BENCH"] != nil, "set TRIAGEIO_BENCH=1 to measure"))
    func parserVersusFoundation() throws {
        let lines: [[UInt8]]
        if let path = Self.environment["TRIAGEIO_BENCH_CORPUS"] {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            lines = data.split(separator: 0x0A).map { Array($0) }
        } else {
            lines = Self.generatedLines(count: 20_000)
        }
        let megabytes = Double(lines.reduce(0) { $0 + $1.count + 1 }) / 1e6

        let parser = IncidentLineParser()
        let parserRate = try Self.rate(megabytes) {
            var n = 0
            for line in lines {
                _ = try line.withUnsafeBufferPointer { try parser.parse($0) }
                n &+= parser.description.count
            }
            return n
        }
        // The Foundation parsers are slow: a tenth of the lines is plenty.
        let sample = Array(lines.prefix(max(1, lines.count / 10)))
        let sampleMB = Double(sample.reduce(0) { $0 + $1.count + 1 }) / 1e6
        let valueRate = try Self.rate(sampleMB) {
            try sample.reduce(0) { n, line in
                try n + (line.withUnsafeBufferPointer { try JSONValue.parse($0) }["description"]?.stringValue?.utf8.count ?? 0)
            }
        }
        let serializationRate = try Self.rate(sampleMB) {
            try sample.reduce(0) { n, line in
                let object = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any]
                return n + ((object?["description"] as? String)?.utf8.count ?? 0)
            }
        }
        struct Row: Decodable {
            var id: String
            var title: String
            var description: String
            var context: String?
        }
        let decoder = JSONDecoder()
        let decoderRate = try Self.rate(sampleMB) {
            try sample.reduce(0) { n, line in n + (try decoder.decode(Row.self, from: Data(line))).description.utf8.count }
        }
        let report = String(
            format: "%.1f MB, one thread: IncidentLineParser %.0f MB/s, JSONValue %.0f MB/s, JSONSerialization %.0f MB/s, JSONDecoder %.0f MB/s (%.1fx)",
            megabytes, parserRate, valueRate, serializationRate, decoderRate, parserRate / decoderRate)
        print(report)
        #if !DEBUG
        #expect(parserRate >= 5 * decoderRate, "\(report)")
        #endif
    }

    /// MB/s of the best of three runs of `body`.
    static func rate(_ megabytes: Double, _ body: () throws -> Int) throws -> Double {
        var best = Double.infinity
        var sink = 0
        for _ in 0..<3 {
            let start = ContinuousClock.now
            sink &+= try body()
            let elapsed = ContinuousClock.now - start
            best = min(best, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        }
        #expect(sink != 0)
        return megabytes / best
    }

    /// Lines shaped like the incident corpus: an id, a title of about 60
    /// characters, a description of about 500 with `\n` escapes and some
    /// non-ASCII text.
    static func generatedLines(count: Int) -> [[UInt8]] {
        let words = [
            "timeout", "upstream", "connect", "error", "checkout-api", "database", "replica", "lag", "after",
            "deploy", "latency", "p99", "increased", "José", "田中", "→", "Zürich", "é", "pods", "restarting",
            "OOMKilled", "certificate", "expired", "on", "the", "payments", "gateway", "503", "retries",
        ]
        var state: UInt64 = 42
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        func text(_ length: Int, newlines: Bool) -> String {
            var s = ""
            while s.utf8.count < length {
                s += words[next(words.count)]
                s += newlines && next(12) == 0 ? "\\n" : " "
            }
            return s
        }
        return (1...count).map { i in
            let id = String(format: "INC-%07d", i)
            let line = #"{"id": "\#(id)", "title": "\#(text(60, newlines: false))", "description": "\#(text(500, newlines: true))"}"#
            return Array(line.utf8)
        }
    }
}
