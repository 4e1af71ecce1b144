/// The severity of an incident, an ordinal scale: `critical > high > medium > low > info`.
///
/// Severities are compared by rank, never as strings (comparing the names
/// would put "high" below "info").
public enum Severity: Int, Comparable, CaseIterable, Sendable, Hashable, CustomStringConvertible {
    case info = 0
    case low = 1
    case medium = 2
    case high = 3
    case critical = 4

    /// The lowercase name used in rule packs, corpora and output.
    public var name: String {
        switch self {
        case .info: "info"
        case .low: "low"
        case .medium: "medium"
        case .high: "high"
        case .critical: "critical"
        }
    }

    /// Parses a lowercase severity name; returns nil for anything else.
    public init?(name: String) {
        switch name {
        case "info": self = .info
        case "low": self = .low
        case "medium": self = .medium
        case "high": self = .high
        case "critical": self = .critical
        default: return nil
        }
    }

    public var description: String { name }

    /// From most to least severe, the order thresholds are written and checked in.
    public static let descending: [Severity] = [.critical, .high, .medium, .low, .info]

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rawValue < rhs.rawValue }
}
