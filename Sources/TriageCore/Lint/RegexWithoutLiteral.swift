/// `regex-without-literal`: a regex with no required literal, so the
/// one-pass keyword scan cannot tell when it is worth running and it runs
/// on every incident (`\b\d{3}-\d{4}\b`).
///
/// The compiled pack decides: a regex whose engine is not prefiltered is
/// reported. Give it a `prefilter:` when every match contains one of a few
/// known literals, or anchor it on a word.
public struct RegexWithoutLiteral: LintCheck {
    public static let id = "regex-without-literal"
    public static let level = LintFinding.Level.warning
    public static let summary = "A regex has no literal to prefilter it, so it runs on every incident."

    public init() {}

    public mutating func finalize(_ context: LintContext) -> [LintFinding] {
        var out = [LintFinding]()
        for o in context.patternOccurrences() where o.leaf.pattern.kind == .regex {
            guard let compiled = context.compiledPattern(o.leaf.pattern),
                case .regex(_, prefiltered: false, _) = compiled.engine
            else { continue }
            out.append(
                Self.finding(
                    "\(o.leaf.pattern.quoted) has no literal that every match contains, so it runs on every incident; add `prefilter: [...]` with literals one of which every match holds, or anchor it on a word",
                    at: o.leaf.location, rules: o.rules))
        }
        return out
    }
}
