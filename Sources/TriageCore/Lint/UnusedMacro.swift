/// `unused-macro`: a macro no rule or other macro refers to.
public struct UnusedMacro: LintCheck {
    public static let id = "unused-macro"
    public static let level = LintFinding.Level.warning
    public static let summary = "A macro is defined but no rule or macro uses it."

    public init() {}

    public mutating func finalize(_ context: LintContext) -> [LintFinding] {
        let used = References(context.pack).macros
        return context.pack.macros.filter { !used.contains($0.name) }.map {
            Self.finding("macro \"\($0.name)\" is never used", at: $0.location)
        }
    }
}
