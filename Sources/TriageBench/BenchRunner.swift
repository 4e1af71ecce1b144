import Foundation
import Histogram
import TriageCore

/// One incident's fields as UTF-8 bytes, decoded once before timing so that
/// the measured loop is the engine alone.
public struct EncodedIncident: Sendable {
    public var title: [UInt8]
    public var description: [UInt8]
    public var context: [UInt8]?

    public init(_ incident: Incident) {
        title = Array(incident.title.utf8)
        description = Array(incident.description.utf8)
        context = incident.context.map { Array($0.utf8) }
    }

    public var byteCount: Int { title.count + description.count + (context?.count ?? 0) }
}

/// What to measure.
public struct BenchConfiguration: Sendable {
    public var jobs: Int
    public var evidence: Bool
    public var profile: Bool
    /// Incidents classified before timing starts (caches, JIT pages, allocator).
    public var warmup: Int

    public init(jobs: Int = 1, evidence: Bool = false, profile: Bool = false, warmup: Int = 1000) {
        self.jobs = jobs
        self.evidence = evidence
        self.profile = profile
        self.warmup = warmup
    }
}

/// The figures of one run.
public struct BenchResult: Sendable {
    public var incidents: Int
    public var textBytes: Int
    public var jobs: Int
    public var wallSeconds: Double
    /// Per-incident latency in nanoseconds (HdrHistogram, 3 significant digits).
    public var latency: Histogram<UInt64>
    public var rulesFired: Int
    public var profile: ScanProfile?

    public var incidentsPerSecond: Double { Double(incidents) / wallSeconds }
    public var megabytesPerSecond: Double { Double(textBytes) / 1e6 / wallSeconds }
}

/// Classifies pre-decoded incidents in-process and times it.
///
/// Each thread gets a contiguous slice, its own scratch and its own
/// histogram; histograms and profiles merge at the end. Latency is the
/// time of one `classify` call, read with the monotonic clock around it.
public enum BenchRunner {
    public static func run(pack: CompiledPack, incidents: [EncodedIncident], configuration c: BenchConfiguration) -> BenchResult {
        let jobs = max(1, min(c.jobs, max(incidents.count, 1)))
        let options = ClassifyOptions(evidence: c.evidence)
        // Warm up on one thread; not measured.
        let warm = pack.makeScratch()
        for i in 0..<min(c.warmup, incidents.count) { _ = classify(pack, incidents[i], warm, options) }

        let slices = (0..<jobs).map { j in (incidents.count * j / jobs)..<(incidents.count * (j + 1) / jobs) }
        let results = Results(count: jobs)
        let start = DispatchTime.now().uptimeNanoseconds
        DispatchQueue.concurrentPerform(iterations: jobs) { j in
            let scratch = pack.makeScratch(profiling: c.profile)
            var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
            var fired = 0
            for i in slices[j] {
                let t0 = DispatchTime.now().uptimeNanoseconds
                let v = classify(pack, incidents[i], scratch, options)
                let t1 = DispatchTime.now().uptimeNanoseconds
                _ = histogram.record(t1 &- t0)
                fired += v.rules.count
            }
            results.set(j, histogram, fired, scratch.profile)
        }
        let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let merged = results.merged()
        return BenchResult(
            incidents: incidents.count, textBytes: incidents.reduce(0) { $0 + $1.byteCount }, jobs: jobs,
            wallSeconds: wall, latency: merged.histogram, rulesFired: merged.fired, profile: merged.profile)
    }

    @inline(__always)
    public static func classify(_ pack: CompiledPack, _ e: EncodedIncident, _ s: ScanScratch, _ o: ClassifyOptions) -> Verdict {
        e.title.withUnsafeBufferPointer { t in
            e.description.withUnsafeBufferPointer { d in
                if let ctx = e.context {
                    return ctx.withUnsafeBufferPointer { c in
                        pack.classify(IncidentText(title: t, description: d, context: c), scratch: s, options: o)
                    }
                }
                return pack.classify(IncidentText(title: t, description: d), scratch: s, options: o)
            }
        }
    }

    /// Per-thread results, written once by each thread under a lock.
    final class Results: @unchecked Sendable {
        private let lock = NSLock()
        private var histograms: [Histogram<UInt64>?]
        private var fired: [Int]
        private var profiles: [ScanProfile?]

        init(count: Int) {
            histograms = Array(repeating: nil, count: count)
            fired = Array(repeating: 0, count: count)
            profiles = Array(repeating: nil, count: count)
        }

        func set(_ j: Int, _ h: Histogram<UInt64>, _ f: Int, _ p: ScanProfile?) {
            lock.withLock {
                histograms[j] = h
                fired[j] = f
                profiles[j] = p
            }
        }

        func merged() -> (histogram: Histogram<UInt64>, fired: Int, profile: ScanProfile?) {
            lock.withLock {
                var h = histograms[0]!
                for other in histograms.dropFirst() { h.add(other!) }
                let p = profiles[0]
                for other in profiles.dropFirst() { if let other { p?.merge(other) } }
                return (h, fired.reduce(0, +), p)
            }
        }
    }

    /// The process's peak resident memory, in bytes.
    public static var peakResidentBytes: Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int(usage.ru_maxrss) * 1024
    }
}
