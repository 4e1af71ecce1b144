/// `unreachable-severity`: a severity no incident can get.
///
/// The check assumes any set of enabled rules can fire together (which
/// over-estimates what is reachable, so nothing reachable is reported). Each
/// rule that affects severity adds 0, its score, or its score times its
/// title weight; the sums of every non-empty set of rules give the
/// severities reachable by score. Ceilings can then lower any of those,
/// floors raise them, overrides impose theirs, and the default applies when
/// no such rule fires. A severity outside all of that is reported, with the
/// thresholds and the range of possible scores.
public struct UnreachableSeverity: LintCheck {
    public static let id = "unreachable-severity"
    public static let level = LintFinding.Level.warning
    public static let summary = "No combination of rules reaches a severity: scores, thresholds, floors, ceilings and overrides all miss it."

    /// Beyond this many distinct sums the check falls back to their range.
    static let maxSums = 20_000

    public init() {}

    public mutating func finalize(_ context: LintContext) -> [LintFinding] {
        let pack = context.pack
        let affecting = context.enabledRules.filter {
            let r = $0.rule
            return r.score != 0 || r.floor != nil || r.ceiling != nil || r.override != nil
        }

        // Every sum of a non-empty set of rules' contributions (or their range).
        var sums = Set<Double>()
        var exact = true
        var low = 0.0
        var high = 0.0
        for lr in affecting {
            let r = lr.rule
            let inTitle = lr.leaves.contains { !$0.negated && $0.leaf.fields.contains(.title) }
            var options = [r.score]
            if inTitle { options.append(r.score * (r.titleWeight ?? pack.titleWeight)) }
            low += min(0, options.min()!)
            high += max(0, options.max()!)
            if exact {
                var next = sums
                for base in [0.0] + Array(sums) {
                    for o in options { next.insert(Self.round(base + o)) }
                }
                sums = next
                if sums.count > Self.maxSums { exact = false }
            }
        }
        var byScore = Set<Severity>()
        if !affecting.isEmpty {
            if exact {
                for s in sums { byScore.insert(pack.thresholds.severity(forScore: s).0) }
            } else {
                for s in Severity.allCases where Self.range(of: s, pack.thresholds).map({ $0.lo <= high && low < $0.hi }) ?? false {
                    byScore.insert(s)
                }
            }
        }

        let rules = affecting.map(\.rule)
        let ceilings = Set(rules.compactMap(\.ceiling))
        let floors = Set(rules.compactMap(\.floor))
        let overrides = Set(rules.compactMap(\.override))
        var reach = byScore
        for b in byScore { for c in ceilings { reach.insert(min(b, c)) } }
        for r in reach { for f in floors { reach.insert(max(r, f)) } }
        reach.formUnion(overrides)
        reach.insert(pack.defaultSeverity)

        var out = [LintFinding]()
        for s in Severity.descending where !reach.contains(s) {
            var why: String
            if let r = Self.range(of: s, pack.thresholds) {
                let need = r.hi == .infinity
                    ? "a score of \(formatNumber(r.lo)) or more"
                    : r.lo == -.infinity ? "a score below \(formatNumber(r.hi))"
                    : "a score from \(formatNumber(r.lo)) up to \(formatNumber(r.hi))"
                if affecting.isEmpty {
                    why = "it needs \(need) and no enabled rule has a score"
                } else if high < r.lo || low >= r.hi {
                    why = "it needs \(need), but the rules' scores add up to \(formatNumber(low)) at least and \(formatNumber(high)) at most"
                } else {
                    why = "it needs \(need), and no combination of the rules' scores falls there"
                }
            } else {
                why = "it has no threshold"
            }
            out.append(
                Self.finding(
                    "severity \(s) is never reached: \(why); no rule has a floor, ceiling or override of \(s) and it is not the default",
                    at: pack.thresholds.location ?? pack.rules.first?.location))
        }
        return out
    }

    /// The scores that give `s` by threshold: `lo ..< hi`; nil when no score does.
    static func range(of s: Severity, _ t: SeverityThresholds) -> (lo: Double, hi: Double)? {
        let levels = Severity.descending
        let above = levels.prefix { $0 != s }.compactMap { t[$0] }.min() ?? .infinity
        if s == .info {
            let lowest = [Severity.critical, .high, .medium, .low].compactMap { t[$0] }.min() ?? .infinity
            return (-.infinity, lowest)
        }
        guard let lo = t[s] else { return nil }
        return lo < above ? (lo, above) : nil
    }

    static func round(_ x: Double) -> Double { (x * 1e9).rounded() / 1e9 }
}
