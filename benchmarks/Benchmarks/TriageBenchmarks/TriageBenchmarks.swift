// Engine benchmarks, run with:
//   TRIAGE_BENCHMARKS=1 swift package benchmark
// and checked against the recorded thresholds with:
//   TRIAGE_BENCHMARKS=1 swift package benchmark thresholds check --path benchmarks/Thresholds
// Packs and incidents are generated in code (TriageBench), so nothing here
// needs files outside the repository.
import Benchmark
import Foundation
import TriageBench
import TriageCore
import TriageRegex
import TriageYAML

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident],
        warmupIterations: 2,
        maxDuration: .seconds(2),
        maxIterations: 200,
        // Generous: the machines these run on are shared and drift by tens of percent.
        thresholds: [.wallClock: .init(relative: [.p50: 35.0]), .mallocCountTotal: .init(relative: [.p50: 10.0])])

    let backend = PCRE2Backend()
    let shippedRules = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("rules").path

    // MARK: Compile

    Benchmark("compile/shipped pack (load + compile)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try PackLoader.compile(path: shippedRules, backend: backend)) }
    }

    let generated = SyntheticPacks.generated(count: 10_000)
    Benchmark("compile/10,000 generated rules", configuration: .init(maxIterations: 20)) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try PackCompiler(backend: backend).compile(generated)) }
    }

    // MARK: Classify

    let shortIncidents = SyntheticCorpus.generate(count: 2_000, seed: 1).map {
        EncodedIncident(Incident(title: $0.title, description: String($0.description.prefix(120))))
    }
    let longIncidents = (0..<300).map { i in
        let parts = SyntheticCorpus.generate(count: 8, seed: UInt64(100 + i))
        return EncodedIncident(Incident(title: parts[0].title, description: parts.map(\.description).joined(separator: "\n\n")))
    }
    let packs = [
        ("keywords", try! PackCompiler(backend: backend).compile(SyntheticPacks.keywords())),
        ("regex-heavy", try! PackCompiler(backend: backend).compile(SyntheticPacks.regexHeavy())),
    ]
    for (packName, pack) in packs {
        for (lengthName, incidents) in [("short", shortIncidents), ("long", longIncidents)] {
            for evidence in [false, true] {
                let name = "classify/\(packName)/\(lengthName)\(evidence ? "/evidence" : "")"
                Benchmark(name, configuration: .init(scalingFactor: .kilo)) { benchmark in
                    let scratch = pack.makeScratch()
                    let options = ClassifyOptions(evidence: evidence)
                    var i = 0
                    for _ in benchmark.scaledIterations {
                        blackHole(BenchRunner.classify(pack, incidents[i], scratch, options))
                        i = i + 1 == incidents.count ? 0 : i + 1
                    }
                }
            }
        }
    }
}
