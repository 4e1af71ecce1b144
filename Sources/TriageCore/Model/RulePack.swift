/// Name, version and content hash of a pack: enough to say which rules produced a result.
public struct PackMetadata: Sendable, Hashable {
    public var name: String
    public var version: String
    public var description: String
    /// `sha256:` and the hex digest of the pack's source files, set by the loader.
    public var hash: String

    public init(name: String, version: String, description: String = "", hash: String = "") {
        self.name = name
        self.version = version
        self.description = description
        self.hash = hash
    }
}

/// A specialist agent the pack can assign.
public struct AgentDefinition: Sendable, Hashable {
    public var id: String
    public var description: String
    public var location: SourceLocation?

    public init(id: String, description: String = "", location: SourceLocation? = nil) {
        self.id = id
        self.description = description
        self.location = location
    }
}

/// The lowest summed score at which each severity is reached.
///
/// A level without a threshold is reached only through floors and overrides.
/// Present thresholds must fall strictly from critical to low; a score below
/// every threshold is `info`.
public struct SeverityThresholds: Sendable, Hashable {
    public var critical: Double?
    public var high: Double?
    public var medium: Double?
    public var low: Double?
    public var location: SourceLocation?

    public init(critical: Double? = nil, high: Double? = nil, medium: Double? = nil, low: Double? = nil,
                location: SourceLocation? = nil) {
        self.critical = critical
        self.high = high
        self.medium = medium
        self.low = low
        self.location = location
    }

    public subscript(severity: Severity) -> Double? {
        switch severity {
        case .critical: critical
        case .high: high
        case .medium: medium
        case .low: low
        case .info: nil
        }
    }

    /// The severity a score reaches, and the threshold it crossed (nil for info).
    public func severity(forScore score: Double) -> (Severity, Double?) {
        for s in Severity.descending {
            if let t = self[s], score >= t { return (s, t) }
        }
        return (.info, nil)
    }
}

/// Limits that bound the work one incident can cost.
public struct MatchLimits: Sendable, Hashable {
    /// PCRE2 match limit: how many times the matcher may backtrack per search.
    public var matchLimit: UInt32
    /// PCRE2 depth limit (interpreter only: JIT ignores it, so the match
    /// limit is what bounds a JIT search).
    public var depthLimit: UInt32
    /// PCRE2 heap limit in KiB.
    public var heapLimitKiB: UInt32

    public init(matchLimit: UInt32 = 100_000, depthLimit: UInt32 = 10_000, heapLimitKiB: UInt32 = 20_000) {
        self.matchLimit = matchLimit
        self.depthLimit = depthLimit
        self.heapLimitKiB = heapLimitKiB
    }

    /// The most a rule pack's `settings` may raise each limit to: PCRE2's own
    /// default match and depth limits (10 million; a JIT search stopped at
    /// that many steps takes tens of milliseconds) and a heap of 1 GiB.
    public static let maximum = MatchLimits(matchLimit: 10_000_000, depthLimit: 10_000_000, heapLimitKiB: 1 << 20)
}

/// A rule pack as written: metadata, the agent catalogue, how scores become
/// severities and agents, reusable lists and macros, and the rules.
public struct RulePack: Sendable, Hashable {
    public var metadata: PackMetadata
    public var agents: [AgentDefinition]
    /// An agent is assigned when its summed weight reaches this.
    public var agentThreshold: Double
    /// At most this many agents are assigned, heaviest first.
    public var maxAgents: Int
    /// An agent is assigned only when its weight is at least this fraction of
    /// the heaviest agent's (0: no such bound), so that weak secondary cues do
    /// not ride along with a clear primary agent.
    public var agentRelativeThreshold: Double
    public var thresholds: SeverityThresholds
    /// The severity when no rule fires.
    public var defaultSeverity: Severity
    /// Multiplies a rule's score and agent weights when it matched in the title.
    public var titleWeight: Double
    public var limits: MatchLimits
    public var lists: [PatternList]
    public var macros: [Macro]
    public var rules: [Rule]
    /// Source files the pack was read from, for messages.
    public var sources: [String]

    public init(
        metadata: PackMetadata, agents: [AgentDefinition] = [], agentThreshold: Double = 1, maxAgents: Int = 3,
        agentRelativeThreshold: Double = 0,
        thresholds: SeverityThresholds = SeverityThresholds(critical: 8, high: 5, medium: 2, low: 1),
        defaultSeverity: Severity = .medium, titleWeight: Double = 1, limits: MatchLimits = MatchLimits(),
        lists: [PatternList] = [], macros: [Macro] = [], rules: [Rule] = [], sources: [String] = []
    ) {
        self.metadata = metadata
        self.agents = agents
        self.agentThreshold = agentThreshold
        self.maxAgents = maxAgents
        self.agentRelativeThreshold = agentRelativeThreshold
        self.thresholds = thresholds
        self.defaultSeverity = defaultSeverity
        self.titleWeight = titleWeight
        self.limits = limits
        self.lists = lists
        self.macros = macros
        self.rules = rules
        self.sources = sources
    }
}
