import ArgumentParser
import Foundation
import TriageBench
import TriageCore
import TriageIO
import TriageRegex
import TriageYAML

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure the engine: throughput, latency percentiles, compile time, memory, per-rule cost.",
        subcommands: [Run.self, Generate.self],
        defaultSubcommand: Run.self)
}

enum BenchFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

extension Bench {
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Classify a corpus in-process and report how fast.",
            discussion: """
                The corpus is decoded into memory first, so the timed loop is the engine \
                alone: incidents/s, MB/s of incident text, per-incident latency \
                percentiles (HdrHistogram), the time to load and compile the pack, and \
                the process's peak resident memory. --profile adds each rule's cost, \
                slowest first. For whole-process figures beside other tools, see \
                benchmarks/compare.sh.
                """)

        @OptionGroup var rules: RulesOptions

        @Option(help: ArgumentHelp("A JSONL corpus to classify.", valueName: "file"))
        var corpus: String?

        @Option(help: ArgumentHelp("Classify N generated incidents instead of a file.", valueName: "n"))
        var generate: Int?

        @Option(help: "Seed for --generate.")
        var seed: UInt64 = 42

        @Option(name: .shortAndLong, help: "Threads.")
        var jobs = 1

        @Flag(help: "Collect evidence for every incident, as classify --evidence does.")
        var evidence = false

        @Flag(help: "Report each rule's cost, slowest first.")
        var profile = false

        @Option(help: "How many rules the profile lists.")
        var top = 20

        @Option(help: "Output format.")
        var format = BenchFormat.text

        func validate() throws {
            if (corpus == nil) == (generate == nil) { throw ValidationError("give either --corpus FILE or --generate N") }
            if let generate, generate < 1 { throw ValidationError("--generate needs at least 1") }
            if jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        }

        func run() throws {
            let compileStart = DispatchTime.now().uptimeNanoseconds
            let pack = try rules.load()
            let compileSeconds = Double(DispatchTime.now().uptimeNanoseconds - compileStart) / 1e9

            let incidents: [EncodedIncident]
            let source: String
            if let generate {
                incidents = SyntheticCorpus.generate(count: generate, seed: seed).map(EncodedIncident.init)
                source = "generated, seed \(seed)"
            } else {
                incidents = try Self.read(corpus!)
                source = corpus!
            }
            let result = BenchRunner.run(
                pack: pack, incidents: incidents,
                configuration: BenchConfiguration(jobs: jobs, evidence: evidence, profile: profile))
            let report = BenchReport(
                pack: pack, compileSeconds: compileSeconds, source: source, result: result,
                peakResidentBytes: BenchRunner.peakResidentBytes, top: top)
            print(format == .json ? report.json() : report.text())
        }

        static func read(_ path: String) throws -> [EncodedIncident] {
            let reader: LineChunkReader
            do {
                reader = try LineChunkReader(path: path)
            } catch {
                Console.error("error: \(error)")
                throw ExitCode(ExitStatus.ioError)
            }
            let parser = IncidentLineParser()
            var out = [EncodedIncident]()
            var bad = 0
            while let chunk = try reader.next() {
                chunk.forEachLine { line, number in
                    do throws(JSONParseError) {
                        if let incident = try parser.parseIncident(line) { out.append(EncodedIncident(incident)) }
                    } catch {
                        bad += 1
                        if bad <= 5 { Console.error("\(path):\(number):\(error.column): error: \(error.message)") }
                    }
                }
            }
            if bad > 0 { Console.error("\(path): \(bad) unreadable line\(bad == 1 ? "" : "s") skipped") }
            if out.isEmpty {
                Console.error("\(path): no incidents")
                throw ExitCode(ExitStatus.failures)
            }
            return out
        }
    }

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write N deterministic synthetic incidents as JSONL (the same N and seed give the same bytes).")

        @Argument(help: "How many incidents.")
        var count: Int

        @Option(help: "Seed.")
        var seed: UInt64 = 42

        func run() throws {
            let out = FileDescriptorWriter()
            var w = JSONWriter(reservingCapacity: 1 << 20)
            // One incident at a time: ten million of them must not sit in memory.
            var generator = SyntheticCorpus(seed: seed)
            for number in stride(from: 1, through: count, by: 1) {
                let incident = generator.next(number: number)
                w.beginObject()
                w.key("id")
                w.string(incident.id)
                w.key("title")
                w.string(incident.title)
                w.key("description")
                w.string(incident.description)
                w.endObject()
                w.newline()
                if w.bytes.count > 1 << 20 {
                    try out.write(w.bytes)
                    w.removeAll()
                }
            }
            try out.write(w.bytes)
            try out.flush()
        }
    }
}

/// The text and JSON forms of a bench run.
struct BenchReport {
    var pack: CompiledPack
    var compileSeconds: Double
    var source: String
    var result: BenchResult
    var peakResidentBytes: Int
    var top: Int

    private func us(_ ns: UInt64) -> String { String(format: "%.1f µs", Double(ns) / 1000) }

    func text() -> String {
        let s = pack.statistics
        let r = result
        var lines = [
            "pack        \(pack.metadata.name) \(pack.metadata.version): \(s.rules) rules, \(s.patterns) patterns, \(s.literals) literals, \(s.regexes) regexes (\(s.prefilteredRegexes) prefiltered)",
            "automaton   \(s.automatonStates) states, \(s.automatonBytes / 1024) KiB; regex backend \(pack.regexBackendName)",
            String(format: "compile     %.1f ms (load and compile)", compileSeconds * 1000),
            String(format: "corpus      %d incidents, %.1f MB of text (%@)", r.incidents, Double(r.textBytes) / 1e6, source),
            "threads     \(r.jobs)",
            String(format: "throughput  %.0f incidents/s, %.1f MB/s (%.3f s)", r.incidentsPerSecond, r.megabytesPerSecond, r.wallSeconds),
            "latency     p50 \(us(r.latency.valueAtPercentile(50)))  p99 \(us(r.latency.valueAtPercentile(99)))  p99.9 \(us(r.latency.valueAtPercentile(99.9)))  max \(us(r.latency.max))",
            String(format: "memory      peak resident %.1f MB", Double(peakResidentBytes) / 1e6),
            "rules fired \(r.rulesFired) (\(String(format: "%.2f", Double(r.rulesFired) / Double(max(r.incidents, 1)))) per incident)",
        ]
        if let p = r.profile {
            let n = Double(max(p.incidents, 1))
            lines.append("")
            lines.append(String(format: "shared      normalise %.0f ns, literal pass %.0f ns, decide %.0f ns per incident",
                                Double(p.normaliseNanos) / n, Double(p.literalPassNanos) / n, Double(p.decideNanos) / n))
            lines.append("rule                                         total ms   ns/incident   searches    matches  evaluated      fired")
            for c in p.ruleCosts(pack).sorted(by: { $0.nanoseconds > $1.nanoseconds }).prefix(top) {
                lines.append(
                    c.id.padding(toLength: 42, withPad: " ", startingAt: 0)
                        + String(format: " %10.2f %13.1f %10d %10d %10d %10d", c.nanoseconds / 1e6, c.perIncidentNanoseconds,
                                 c.regexSearches, c.regexMatches, c.evaluations, c.fired))
            }
        }
        return lines.joined(separator: "\n")
    }

    func json() -> String {
        var w = JSONWriter()
        let r = result
        w.beginObject()
        w.key("pack")
        w.packMetadata(pack.metadata)
        w.key("compileSeconds")
        w.double(compileSeconds)
        w.key("source")
        w.string(source)
        w.key("incidents")
        w.int(r.incidents)
        w.key("textBytes")
        w.int(r.textBytes)
        w.key("threads")
        w.int(r.jobs)
        w.key("wallSeconds")
        w.double(r.wallSeconds)
        w.key("incidentsPerSecond")
        w.double(r.incidentsPerSecond.rounded())
        w.key("megabytesPerSecond")
        w.double((r.megabytesPerSecond * 100).rounded() / 100)
        w.key("latencyNanoseconds")
        w.beginObject()
        for (name, p) in [("p50", 50.0), ("p99", 99.0), ("p999", 99.9)] {
            w.key(name)
            w.int(Int(r.latency.valueAtPercentile(p)))
        }
        w.key("max")
        w.int(Int(r.latency.max))
        w.key("mean")
        w.double(r.latency.mean.rounded())
        w.endObject()
        w.key("peakResidentBytes")
        w.int(peakResidentBytes)
        w.key("rulesFired")
        w.int(r.rulesFired)
        if let p = r.profile {
            w.key("rules")
            w.beginArray()
            for c in p.ruleCosts(pack).sorted(by: { $0.nanoseconds > $1.nanoseconds }) {
                w.beginObject()
                w.key("id")
                w.string(c.id)
                w.key("nanoseconds")
                w.double(c.nanoseconds.rounded())
                w.key("perIncidentNanoseconds")
                w.double((c.perIncidentNanoseconds * 10).rounded() / 10)
                w.key("regexSearches")
                w.int(c.regexSearches)
                w.key("regexMatches")
                w.int(c.regexMatches)
                w.key("evaluations")
                w.int(c.evaluations)
                w.key("fired")
                w.int(c.fired)
                w.endObject()
            }
            w.endArray()
        }
        w.endObject()
        return String(decoding: w.bytes, as: UTF8.self)
    }
}
