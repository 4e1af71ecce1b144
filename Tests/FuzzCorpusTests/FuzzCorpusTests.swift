import Foundation
import FuzzHarness
import Testing
import TriageRegex
import TriageYAML

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

    /// The classifier target's packs load without errors. The first version
    /// of Fuzz/Packs/hostile.yaml had `^(\w+\s?)*$`, which the compiler
    /// refuses (it matches the empty string), so the target died on its first
    /// input instead of fuzzing; this says which pattern, rather than a trap.
    @Test(arguments: ["rules", "Fuzz/Packs/hostile.yaml"])
    func fuzzPacksCompile(path: String) {
        #expect(throws: Never.self) {
            try PackLoader.compile(path: FuzzHarness.root.appendingPathComponent(path).path, backend: PCRE2Backend())
        }
    }
}
