/// One pattern as written in a rule pack: a keyword, a phrase or a regex.
///
/// - A **keyword** is a literal string.
/// - A **phrase** is a sequence of words; the whitespace between words matches
///   any run of whitespace in the text (spaces, tabs, line breaks).
/// - A **regex** is a PCRE2 regular expression.
///
/// Keywords and phrases are case-insensitive (Unicode case folding) and
/// whole-word by default: a match must not have a word character (letter,
/// digit, mark or underscore) just before it, if it starts with a word
/// character, nor just after it, if it ends with one. Regexes are
/// case-insensitive by default and otherwise follow PCRE2.
public struct PatternSpec: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case keyword
        case phrase
        case regex
    }

    public var kind: Kind
    public var text: String
    /// Match case exactly instead of folding case.
    public var caseSensitive: Bool
    /// Keywords and phrases: require word boundaries at the edges.
    public var wholeWord: Bool
    /// Regexes: PCRE2 options beyond case.
    public var regexOptions: RegexOptions
    /// Regexes: literals declared by the author, one of which every match
    /// contains. When nil the compiler extracts them from the regex itself.
    public var prefilter: [String]?
    /// Where the pattern was written; not part of its identity.
    public var location: SourceLocation?

    public init(
        kind: Kind, text: String, caseSensitive: Bool = false, wholeWord: Bool = true,
        regexOptions: RegexOptions = [], prefilter: [String]? = nil, location: SourceLocation? = nil
    ) {
        self.kind = kind
        self.text = text
        self.caseSensitive = caseSensitive
        self.wholeWord = kind == .regex ? false : wholeWord
        self.regexOptions = kind == .regex ? regexOptions : []
        self.prefilter = kind == .regex ? prefilter : nil
        self.location = location
    }

    public static func keyword(_ text: String, wholeWord: Bool = true, caseSensitive: Bool = false) -> PatternSpec {
        PatternSpec(kind: .keyword, text: text, caseSensitive: caseSensitive, wholeWord: wholeWord)
    }

    public static func phrase(_ text: String, wholeWord: Bool = true, caseSensitive: Bool = false) -> PatternSpec {
        PatternSpec(kind: .phrase, text: text, caseSensitive: caseSensitive, wholeWord: wholeWord)
    }

    public static func regex(_ text: String, options: RegexOptions = [], caseSensitive: Bool = false) -> PatternSpec {
        PatternSpec(kind: .regex, text: text, caseSensitive: caseSensitive, regexOptions: options)
    }

    /// `keyword:"disk full"`, the form used in evidence and messages.
    public var description: String { "\(kind.rawValue):\(String(reflecting: text))" }

    public static func == (a: PatternSpec, b: PatternSpec) -> Bool {
        a.kind == b.kind && a.text == b.text && a.caseSensitive == b.caseSensitive
            && a.wholeWord == b.wholeWord && a.regexOptions == b.regexOptions && a.prefilter == b.prefilter
    }

    public func hash(into h: inout Hasher) {
        h.combine(kind)
        h.combine(text)
        h.combine(caseSensitive)
        h.combine(wholeWord)
        h.combine(regexOptions)
        h.combine(prefilter)
    }
}

/// PCRE2 options a regex may ask for (case is `PatternSpec.caseSensitive`).
public struct RegexOptions: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// `^` and `$` match at line breaks (PCRE2_MULTILINE).
    public static let multiline = RegexOptions(rawValue: 1 << 0)
    /// `.` matches line breaks too (PCRE2_DOTALL).
    public static let dotAll = RegexOptions(rawValue: 1 << 1)
    /// Whitespace and `#` comments in the pattern are ignored (PCRE2_EXTENDED).
    public static let extended = RegexOptions(rawValue: 1 << 2)
    /// `\w`, `\d`, `\s`, `\b` and POSIX classes use Unicode properties (PCRE2_UCP).
    public static let unicodeClasses = RegexOptions(rawValue: 1 << 3)

    /// The names used in rule packs, in a fixed order.
    public static let names: [(String, RegexOptions)] = [
        ("multiline", .multiline), ("dotall", .dotAll), ("extended", .extended), ("ucp", .unicodeClasses),
    ]
}
