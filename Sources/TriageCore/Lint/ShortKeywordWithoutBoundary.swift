/// `short-keyword-without-boundary`: a short keyword or phrase with
/// `word: false`, which also matches inside longer words ("db" in
/// "feedback", "oom" in "room", "lag" in "flag").
///
/// Short means at most `maxLength` characters. Keywords in scripts written
/// without spaces (Han, Kana, Thai, …) are left out: they never get word
/// boundaries, by design.
public struct ShortKeywordWithoutBoundary: LintCheck {
    public static let id = "short-keyword-without-boundary"
    public static let level = LintFinding.Level.warning
    public static let summary = "A keyword of four characters or fewer has `word: false`, so it also matches inside longer words."

    /// Keywords up to this many characters (after folding) count as short.
    public static let maxLength = 4

    public init() {}

    public mutating func finalize(_ context: LintContext) -> [LintFinding] {
        var out = [LintFinding]()
        for o in context.patternOccurrences() {
            let p = o.leaf.pattern
            guard p.kind != .regex, !p.wholeWord else { continue }
            let text = p.matchKey
            guard text.unicodeScalars.count <= Self.maxLength,
                text.unicodeScalars.contains(where: WordCharacters.isWord)
            else { continue }
            out.append(
                Self.finding(
                    "\(p.quoted) has word: false and only \(plural(text.count, "character")): it also matches inside longer words; drop `word: false` or spell out the words it should match",
                    at: o.leaf.location, rules: o.rules))
        }
        return out
    }
}
