// swift-tools-version:6.1
import Foundation
import PackageDescription

// Dependencies point inward: TriageCore depends on nothing; every other module
// adapts it to one job (a regex backend, a file format, a command line).
let package = Package(
    name: "TriageKit",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "TriageCore", targets: ["TriageCore"]),
        .library(name: "TriageRegex", targets: ["TriageRegex"]),
        .library(name: "TriageYAML", targets: ["TriageYAML"]),
        .library(name: "TriageIO", targets: ["TriageIO"]),
        .library(name: "TriageBench", targets: ["TriageBench"]),
        .library(name: "TriageEval", targets: ["TriageEval"]),
        .library(name: "TriageServer", targets: ["TriageServer"]),
        .executable(name: "triage", targets: ["TriageCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        // jwt-kit 5.7 needs swift-crypto 4; TriageYAML only uses SHA256, which both majors have.
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        // The HTTP server (`triage serve`) and what it stands on.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.7.1"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        // Test-only: property-based tests of the engine's invariants.
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
    ],
    targets: [
        // MARK: C shims (system libraries found through pkg-config)
        .systemLibrary(
            name: "CPCRE2", pkgConfig: "libpcre2-8",
            providers: [.apt(["libpcre2-dev"]), .brew(["pcre2"])]),
        .systemLibrary(
            name: "CYAML", pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"]), .brew(["libyaml"])]),

        // MARK: Core: pure Swift, no I/O, no C
        .target(name: "TriageCore"),

        // MARK: Adapters
        .target(name: "TriageRegex", dependencies: ["TriageCore", "CPCRE2"]),
        .target(
            name: "TriageYAML",
            dependencies: ["TriageCore", "CYAML", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "TriageIO", dependencies: ["TriageCore"]),
        .target(
            name: "TriageBench",
            dependencies: ["TriageCore", .product(name: "Histogram", package: "hdrhistogram-swift")]),
        // Test runs, coverage, corpus metrics and profile reports: pure functions over packs and verdicts.
        .target(name: "TriageEval", dependencies: ["TriageCore", "TriageIO"]),

        // MARK: Server: its own module, so a change to the core does not rebuild Hummingbird's users twice
        .target(
            name: "TriageServer",
            dependencies: [
                "TriageCore", "TriageRegex", "TriageYAML", "TriageIO",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),

        // MARK: Apps
        .executableTarget(
            name: "TriageCLI",
            dependencies: [
                "TriageCore", "TriageRegex", "TriageYAML", "TriageIO", "TriageBench", "TriageEval", "TriageServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // MARK: Tests
        .testTarget(name: "TriageCoreTests", dependencies: ["TriageCore"]),
        .testTarget(name: "TriageEngineTests", dependencies: ["TriageCore", "TriageRegex", "TriageYAML"]),
        .testTarget(name: "TriageYAMLTests", dependencies: ["TriageYAML", "TriageCore", "TriageRegex"]),
        .testTarget(name: "TriageIOTests", dependencies: ["TriageIO", "TriageCore"]),
        .testTarget(
            name: "TriageEvalTests", dependencies: ["TriageEval", "TriageCore", "TriageRegex", "TriageYAML"]),
        .testTarget(name: "TriageCLITests", dependencies: ["TriageCLI"], exclude: ["Fixtures"]),
        .testTarget(
            name: "TriageServerTests",
            dependencies: [
                "TriageServer", "TriageCore", "TriageRegex", "TriageYAML",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "TriagePropertyTests",
            dependencies: [
                "TriageCore", "TriageRegex", .product(name: "PropertyBased", package: "swift-property-based"),
            ]),

        // MARK: Fuzzing
        // What each fuzz target does with one input; `swift test` replays the
        // committed corpus through it. The libFuzzer executables are below.
        .target(
            name: "FuzzHarness", dependencies: ["TriageCore", "TriageRegex", "TriageYAML", "TriageIO"],
            path: "Fuzz/Harness"),
        .testTarget(name: "FuzzCorpusTests", dependencies: ["FuzzHarness", "TriageYAML", "TriageRegex"]),
    ]
)

// MARK: Fuzz targets
// libFuzzer executables join the package only when asked for, and build only
// with -sanitize=fuzzer, which links libFuzzer; each main hands control to
// libFuzzer's driver:
//   scripts/fuzz.sh [seconds]
if ProcessInfo.processInfo.environment["TRIAGE_FUZZ"] != nil {
    package.targets.append(.target(name: "LibFuzzerDriver", path: "Fuzz/LibFuzzerDriver"))
    for name in ["FuzzPackLoader", "FuzzClassifier", "FuzzIncidentLine"] {
        package.targets.append(
            .executableTarget(name: name, dependencies: ["FuzzHarness", "LibFuzzerDriver"], path: "Fuzz/\(name)"))
    }
}

// MARK: Benchmarks
// ordo-one/benchmark targets join the package only when asked for, so that
// building and testing never resolve or compile the benchmark tooling:
//   TRIAGE_BENCHMARKS=1 swift package benchmark
if ProcessInfo.processInfo.environment["TRIAGE_BENCHMARKS"] != nil {
    package.dependencies.append(
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]))
    package.targets.append(
        .executableTarget(
            name: "TriageBenchmarks",
            dependencies: [
                "TriageCore", "TriageRegex", "TriageYAML", "TriageBench",
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "benchmarks/Benchmarks/TriageBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]))
}
