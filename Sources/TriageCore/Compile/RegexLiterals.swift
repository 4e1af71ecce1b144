// Replaced by the literal analysis on merge; until then every regex runs unconditionally.
public struct RegexPrefilter: Sendable, Hashable {
    public var literals: [[UInt8]]
    public var atMatchStart: Bool
    public init(literals: [[UInt8]], atMatchStart: Bool) {
        self.literals = literals
        self.atMatchStart = atMatchStart
    }
}

public enum RegexLiteralAnalysis {
    public static func prefilter(pattern: String, caseInsensitive: Bool, options: RegexOptions) -> RegexPrefilter? { nil }
    public static func isFoldInvariant(pattern: String, options: RegexOptions) -> Bool { false }
}
