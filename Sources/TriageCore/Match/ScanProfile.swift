/// Where a pack's time goes, accumulated over many scans.
///
/// A scratch made with `makeScratch(profiling: true)` records, per scan, the
/// time of the literal pass and of every regex search, and per rule how often
/// it was evaluated and fired. Profiles from several threads merge. Timing
/// adds two clock reads per regex search, so profiling is opt-in.
public final class ScanProfile: @unchecked Sendable {
    public private(set) var incidents = 0
    /// Nanoseconds spent folding text (once per incident, shared by all rules).
    public internal(set) var normaliseNanos: UInt64 = 0
    /// Nanoseconds in the automaton pass (shared by all keywords and prefilters).
    public internal(set) var literalPassNanos: UInt64 = 0
    /// Nanoseconds evaluating conditions and scoring.
    public internal(set) var decideNanos: UInt64 = 0
    /// Per regex program (index in `CompiledPattern.Engine.regex`): time, searches, matches.
    public internal(set) var regexNanos: [UInt64]
    public internal(set) var regexSearches: [Int]
    public internal(set) var regexMatches: [Int]
    /// Per pattern: scans in which it matched in at least one field.
    public internal(set) var patternMatches: [Int]
    /// Per rule: scans in which it was evaluated, and in which it fired.
    public internal(set) var ruleEvaluations: [Int]
    public internal(set) var ruleFired: [Int]

    public init(pack: CompiledPack) {
        regexNanos = Array(repeating: 0, count: pack.regexes.count)
        regexSearches = Array(repeating: 0, count: pack.regexes.count)
        regexMatches = Array(repeating: 0, count: pack.regexes.count)
        patternMatches = Array(repeating: 0, count: pack.patterns.count)
        ruleEvaluations = Array(repeating: 0, count: pack.rules.count)
        ruleFired = Array(repeating: 0, count: pack.rules.count)
    }

    func countIncident() { incidents += 1 }

    /// Adds another profile of the same pack (another thread's) into this one.
    public func merge(_ other: ScanProfile) {
        incidents += other.incidents
        normaliseNanos += other.normaliseNanos
        literalPassNanos += other.literalPassNanos
        decideNanos += other.decideNanos
        for i in regexNanos.indices {
            regexNanos[i] += other.regexNanos[i]
            regexSearches[i] += other.regexSearches[i]
            regexMatches[i] += other.regexMatches[i]
        }
        for i in patternMatches.indices { patternMatches[i] += other.patternMatches[i] }
        for i in ruleEvaluations.indices {
            ruleEvaluations[i] += other.ruleEvaluations[i]
            ruleFired[i] += other.ruleFired[i]
        }
    }

    /// The cost of each rule: the time of the regex searches of its patterns
    /// (a regex shared by several rules is split evenly between them), plus
    /// its condition evaluations' share of the decide time. Keywords cost
    /// nothing of their own: the automaton pass is shared and reported apart.
    public func ruleCosts(_ pack: CompiledPack) -> [RuleCost] {
        var sharers = [Int](repeating: 0, count: pack.regexes.count)
        var regexesOfRule = [[Int]](repeating: [], count: pack.rules.count)
        for (r, rule) in pack.rules.enumerated() {
            var seen = Set<Int>()
            for leaf in rule.positiveLeaves + rule.negativeLeaves {
                if case .regex(let index, _, _) = pack.patterns[Int(leaf.pattern)].engine, seen.insert(index).inserted {
                    sharers[index] += 1
                    regexesOfRule[r].append(index)
                }
            }
        }
        let totalEvaluations = max(ruleEvaluations.reduce(0, +), 1)
        return pack.rules.indices.map { r in
            var nanos = 0.0
            var searches = 0
            var matches = 0
            for x in regexesOfRule[r] {
                let share = Double(max(sharers[x], 1))
                nanos += Double(regexNanos[x]) / share
                searches += regexSearches[x]
                matches += regexMatches[x]
            }
            nanos += Double(decideNanos) * Double(ruleEvaluations[r]) / Double(totalEvaluations)
            return RuleCost(
                rule: r, id: pack.rules[r].id, nanoseconds: nanos, perIncidentNanoseconds: nanos / Double(max(incidents, 1)),
                regexSearches: searches, regexMatches: matches, evaluations: ruleEvaluations[r], fired: ruleFired[r])
        }
    }
}

/// One rule's share of the scanning time.
public struct RuleCost: Sendable, Hashable {
    public var rule: Int
    public var id: String
    public var nanoseconds: Double
    public var perIncidentNanoseconds: Double
    public var regexSearches: Int
    public var regexMatches: Int
    /// Scans in which the rule's condition was evaluated (a pattern of it matched).
    public var evaluations: Int
    public var fired: Int
}

/// A monotonic clock in nanoseconds since the first call, for profiling only.
@usableFromInline
func monotonicNanos() -> UInt64 {
    let (seconds, attoseconds) = profileEpoch.duration(to: .now).components
    return UInt64(seconds) &* 1_000_000_000 &+ UInt64(attoseconds / 1_000_000_000)
}

private let profileEpoch = ContinuousClock.now
