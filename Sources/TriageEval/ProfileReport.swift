import TriageCore

/// Where a classification run spent its time, from the merged profiles of
/// every worker: the steps all rules share, and each rule's own cost,
/// slowest first (see `ScanProfile.ruleCosts` for how a rule's cost is
/// counted).
public struct ProfileReport: Sendable, Hashable {
    /// A step shared by all rules: `normalise`, `literal pass`, `decide`.
    public struct Shared: Sendable, Hashable {
        public var name: String
        public var nanoseconds: UInt64
    }

    public var incidents: Int
    public var workers: Int
    public var shared: [Shared]
    /// Slowest first; ties by rule id.
    public var rules: [RuleCost]
    /// Time in regex searches, all rules together (each rule's share is in `rules`).
    public var regexNanoseconds: UInt64

    public init(profile: ScanProfile, pack: CompiledPack, workers: Int) {
        incidents = profile.incidents
        self.workers = workers
        shared = [
            Shared(name: "normalise", nanoseconds: profile.normaliseNanos),
            Shared(name: "literal pass", nanoseconds: profile.literalPassNanos),
            Shared(name: "decide", nanoseconds: profile.decideNanos),
        ]
        rules = profile.ruleCosts(pack).sorted {
            $0.nanoseconds != $1.nanoseconds ? $0.nanoseconds > $1.nanoseconds : $0.id < $1.id
        }
        regexNanoseconds = profile.regexNanos.reduce(0, +)
    }

    /// Everything measured: the shared steps plus every regex search.
    public var totalNanoseconds: UInt64 { shared.map(\.nanoseconds).reduce(0, +) + regexNanoseconds }
}
