import Foundation
import FuzzHarness
import Testing

/// Replays every committed fuzz input (the seeds, what the fuzzers kept as
/// interesting, and every input that once crashed) through the same checks
/// the fuzz targets run, so that `swift test` guards what fuzzing found
/// without running a fuzzer.
@Suite struct FuzzCorpusTests {
    static let targets: [(name: String, run: @Sendable ([UInt8]) -> [String])] = [
        ("FuzzPackLoader", FuzzHarness.packLoader),
        ("FuzzClassifier", FuzzHarness.classifier),
        ("FuzzIncidentLine", FuzzHarness.incidentLine),
    ]

    @Test(arguments: targets.map(\.name))
    func corpusReplaysCleanly(target: String) throws {
        let run = Self.targets.first { $0.name == target }!.run
        let dir = FuzzHarness.corpus(target)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { !$0.hasPrefix(".") }.sorted()
        #expect(!files.isEmpty, "no corpus in \(dir.path)")
        for name in files {
            let bytes = try [UInt8](Data(contentsOf: dir.appendingPathComponent(name)))
            let problems = run(bytes)
            #expect(problems.isEmpty, "\(target)/\(name): \(problems.joined(separator: "; "))")
        }
    }
}
