/// When a rule fires: a tree of patterns combined with any, all, none and at-least-N.
public indirect enum Condition: Sendable, Hashable {
    /// The pattern matches in one of `fields` (nil: the rule's fields).
    case pattern(PatternSpec, fields: FieldSet?)
    /// Any pattern of the named list matches in one of `fields` (nil: the rule's fields).
    case list(String, fields: FieldSet?, location: SourceLocation?)
    /// The named macro's condition holds.
    case macro(String, location: SourceLocation?)
    /// At least one child holds.
    case any([Condition])
    /// Every child holds.
    case all([Condition])
    /// No child holds (an exclusion).
    case none([Condition])
    /// At least `n` children hold.
    case atLeast(Int, [Condition], location: SourceLocation?)
}

/// A named list of patterns that several rules can reuse with `list: NAME`.
public struct PatternList: Sendable, Hashable {
    public var name: String
    public var patterns: [PatternSpec]
    public var location: SourceLocation?

    public init(name: String, patterns: [PatternSpec], location: SourceLocation? = nil) {
        self.name = name
        self.patterns = patterns
        self.location = location
    }
}

/// A named condition that several rules can reuse with `macro: NAME`.
public struct Macro: Sendable, Hashable {
    public var name: String
    public var condition: Condition
    public var location: SourceLocation?

    public init(name: String, condition: Condition, location: SourceLocation? = nil) {
        self.name = name
        self.condition = condition
        self.location = location
    }
}
