/// A parser for the subset of PCRE2 syntax that literal extraction needs.
///
/// The tree keeps only what decides *which strings* a regex can match:
/// characters (with the case mode in effect where they were written),
/// character classes, repetition, alternation and zero-width items. Capture
/// numbering, greediness, atomicity and possessiveness are dropped: they
/// change which of the possible matches PCRE2 reports, never the set of
/// strings a match can consist of, so an analysis that holds for every string
/// of the language holds for the reported match too.
///
/// PCRE2 validates every pattern itself, so this parser need not report
/// errors precisely. What it must never do is read a valid pattern
/// differently from PCRE2: wherever PCRE2 versions differ, or the syntax is
/// outside the subset (verbs such as `(*UTF)`, conditionals, recursion,
/// subroutine calls, callouts, `\C`, ambiguous `\10`-style escapes), parsing
/// fails and the caller treats the regex as having no usable literals,
/// which is always correct.

/// The options in effect at a point of the pattern.
struct RegexFlags: Sendable, Hashable {
    var caseless: Bool
    var extended: Bool
    /// `.` also matches a newline (PCRE2_DOTALL, `(?s)`).
    var dotAll = false
}

/// One node of a parsed regex.
indirect enum RegexNode: Sendable, Hashable {
    /// Matches the empty string (an empty group or branch).
    case empty
    /// One character; when `caseless`, also its other cases.
    case char(Unicode.Scalar, caseless: Bool)
    /// A character class, or an escape such as `\d` that stands for one.
    case set(RegexCharClass, caseless: Bool)
    /// Something that consumes text we do not describe: `\X` (a grapheme
    /// cluster of any length), `\R` (one or two characters). `.` and `\N`
    /// are one character of any kind: an open `set`.
    case unknown
    /// A zero-width assertion: `^ $ \A \z \Z \b \B \G`, with the character
    /// that names it (`^`, `$`, or the escape letter).
    case assertion(Unicode.Scalar)
    /// `(?=…)`, `(?!…)`, `(?<=…)`, `(?<!…)`: zero width; the body is kept for
    /// checks that look at every character written in the pattern.
    case lookaround(RegexNode)
    /// `\K`: zero width, but moves the start of the reported match.
    case resetMatchStart
    /// `\1`, `\g{…}`, `\k<…>`, `(?P=…)`: repeats captured text, unknown here.
    case backreference
    case concat([RegexNode])
    case alternation([RegexNode])
    /// `max == nil` is unbounded.
    case repetition(RegexNode, min: Int, max: Int?)
}

/// The members of a character class.
///
/// `written` holds the characters and ranges spelled in the pattern (their
/// case variants join them when matching caselessly); `implied` holds the
/// members of escapes and POSIX names that are fixed ASCII-or-space sets
/// (`\d`, `\s`, `\h`, `\v`, `\w`, `[:digit:]`, `[:alpha:]`, …), which no
/// case mode changes: without UCP, PCRE2 decides them from its default
/// character tables, which only classify ASCII. `open` means some members
/// are not enumerated at all (`.`, `\p{…}`, negated escapes, most POSIX
/// names, anything under UCP), and
/// `caseDependent` that caseless matching changes a member set in a way
/// folding does not mirror (`\p{Lu}` ignores caselessness, `[:upper:]`
/// does not).
struct RegexCharClass: Sendable, Hashable {
    var negated = false
    var written: [ClosedRange<UInt32>] = []
    var implied: [ClosedRange<UInt32>] = []
    var open = false
    var caseDependent = false
    /// What the open members are, for analyses that need an approximation
    /// of them (the lint's overlap check): escape letters (`w`, `W`, `D`,
    /// `S`, `H`, `V`, `p`, `P`, and `d`/`s` under UCP) and POSIX names
    /// (`alpha`, `^alpha`, …). Literal extraction ignores it.
    var named: [String] = []

    mutating func formUnion(_ other: RegexCharClass) {
        written += other.written
        implied += other.implied
        open = open || other.open
        caseDependent = caseDependent || other.caseDependent
        named += other.named
    }
}

/// A parsed pattern and the facts about it that are not local to one node.
struct RegexSyntaxTree: Sendable, Hashable {
    var root: RegexNode
    /// The pattern sets options inline: `(?i)`, `(?-i)`, `(?x)`, `(?i:…)`, ….
    var hasInlineOptions: Bool
    /// The pattern uses `\K`, so the reported match may start after text the
    /// pattern consumed.
    var resetsMatchStart: Bool
    /// The pattern uses `\G`, which holds only where the search started: a
    /// search started later than offset 0 can then find matches a search
    /// from 0 does not, so no search may be moved forward.
    var assertsSearchStart: Bool = false
}

struct RegexParser {
    /// Thrown for anything outside the supported subset (or invalid).
    struct Unsupported: Error {}

    private let s: [Unicode.Scalar]
    private var i = 0
    private var depth = 0
    private let ucp: Bool
    private var hasInlineOptions = false
    private var resetsMatchStart = false
    private var assertsSearchStart = false

    /// Groups nested deeper than this make the parser give up rather than
    /// recurse without bound.
    static let maxDepth = 200

    private init(_ pattern: String, ucp: Bool) {
        s = Array(pattern.unicodeScalars)
        self.ucp = ucp
    }

    /// Parses `pattern` as PCRE2 compiles it in UTF mode with `options`;
    /// nil when the pattern uses syntax outside the subset.
    static func parse(_ pattern: String, caseInsensitive: Bool, options: RegexOptions) -> RegexSyntaxTree? {
        var p = RegexParser(pattern, ucp: options.contains(.unicodeClasses))
        var flags = RegexFlags(
            caseless: caseInsensitive, extended: options.contains(.extended), dotAll: options.contains(.dotAll))
        do {
            let root = try p.parseAlternation(&flags)
            guard p.i == p.s.count else { return nil }  // a stray `)`
            return RegexSyntaxTree(
                root: root, hasInlineOptions: p.hasInlineOptions, resetsMatchStart: p.resetsMatchStart,
                assertsSearchStart: p.assertsSearchStart)
        } catch {
            return nil
        }
    }

    // MARK: Structure

    private func peek(_ k: Int = 0) -> Unicode.Scalar? { i + k < s.count ? s[i + k] : nil }

    /// Branches separated by `|`, up to `)` or the end. Inline option changes
    /// in one branch carry into the following branches of the same group, as
    /// in PCRE2, which is why `flags` is shared.
    private mutating func parseAlternation(_ flags: inout RegexFlags) throws -> RegexNode {
        var branches: [RegexNode] = []
        while true {
            branches.append(try parseConcat(&flags))
            guard peek() == "|" else { break }
            i += 1
        }
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    private mutating func parseConcat(_ flags: inout RegexFlags) throws -> RegexNode {
        var items: [RegexNode] = []
        while true {
            try skipTrivia(flags)
            guard let c = peek(), c != "|", c != ")" else { break }
            var atom: RegexNode
            var quantifiable = true
            if c == "\\", peek(1) == "Q" {
                // \Q…\E: every character literal; a quantifier applies to the last one.
                i += 2
                var quoted: [RegexNode] = []
                while let q = peek(), !(q == "\\" && peek(1) == "E") {
                    quoted.append(.char(q, caseless: flags.caseless))
                    i += 1
                }
                if peek() == "\\" { i += 2 }
                guard let last = quoted.popLast() else {
                    try skipTrivia(flags)
                    if try quantifierAhead() { throw Unsupported() }
                    continue
                }
                items += quoted
                atom = last
            } else {
                guard let a = try parseAtom(&flags) else {
                    // An option setting or a lone \E: nothing to repeat.
                    try skipTrivia(flags)
                    if try quantifierAhead() { throw Unsupported() }
                    continue
                }
                atom = a
                switch a {
                case .assertion, .resetMatchStart: quantifiable = false
                default: break
                }
            }
            try skipTrivia(flags)
            if let (lo, hi) = try parseQuantifier() {
                guard quantifiable else { throw Unsupported() }
                try skipTrivia(flags)
                if peek() == "?" || peek() == "+" { i += 1 }  // lazy or possessive
                try skipTrivia(flags)
                if try quantifierAhead() { throw Unsupported() }
                atom = .repetition(atom, min: lo, max: hi)
            }
            items.append(atom)
        }
        switch items.count {
        case 0: return .empty
        case 1: return items[0]
        default: return .concat(items)
        }
    }

    /// Skips what PCRE2 ignores between items: `(?#…)` comments always, and
    /// in extended mode white space and `#` comments. A `#` comment ends at
    /// a line feed; one that contains another line-break character is
    /// refused, since PCRE2's newline convention decides where it ends.
    private mutating func skipTrivia(_ flags: RegexFlags) throws {
        while let c = peek() {
            if flags.extended {
                if RegexParser.isPatternWhiteSpace(c) {
                    i += 1
                    continue
                }
                if c == "#" {
                    while let d = peek(), d != "\n" {
                        if RegexParser.isPatternWhiteSpace(d) && d != " " && d != "\t" && d != "\u{200E}" && d != "\u{200F}" {
                            throw Unsupported()
                        }
                        i += 1
                    }
                    if peek() == "\n" { i += 1 }
                    continue
                }
            }
            if c == "(", peek(1) == "?", peek(2) == "#" {
                i += 3
                while let d = peek(), d != ")" { i += 1 }
                guard peek() == ")" else { throw Unsupported() }
                i += 1
                continue
            }
            break
        }
    }

    static func isPatternWhiteSpace(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x09...0x0D, 0x20, 0x85, 0x200E, 0x200F, 0x2028, 0x2029: return true
        default: return false
        }
    }

    // MARK: Quantifiers

    private func quantifierAhead() throws -> Bool {
        switch peek() {
        case "*", "+", "?": return true
        case "{": return try braceQuantifier(at: i) != nil
        default: return false
        }
    }

    /// `*`, `+`, `?` or a brace quantifier at the cursor, consumed.
    private mutating func parseQuantifier() throws -> (Int, Int?)? {
        switch peek() {
        case "*": i += 1; return (0, nil)
        case "+": i += 1; return (1, nil)
        case "?": i += 1; return (0, 1)
        case "{":
            guard let (lo, hi, end) = try braceQuantifier(at: i) else { return nil }
            i = end
            return (lo, hi)
        default: return nil
        }
    }

    /// Reads `{n}`, `{n,}` or `{n,m}` starting at `at` (which holds `{`):
    /// the bounds and the index after `}`, or nil when the brace is a literal.
    /// Forms that PCRE2 10.43 and later read as quantifiers but earlier
    /// versions as literals (`{,m}`, spaces inside) are refused.
    private func braceQuantifier(at start: Int) throws -> (Int, Int?, Int)? {
        var j = start + 1
        func number() -> Int? {
            var v = 0
            var digits = 0
            while j < s.count, ("0"..."9").contains(s[j]) {
                v = min(v * 10 + Int(s[j].value - 0x30), 1_000_000)
                digits += 1
                j += 1
            }
            return digits > 0 ? v : nil
        }
        if let lo = number() {
            var hi: Int? = lo
            if j < s.count, s[j] == "," {
                j += 1
                hi = number()
            }
            if j < s.count, s[j] == "}" {
                guard lo <= 65535, (hi ?? 0) <= 65535, lo <= (hi ?? lo) else { throw Unsupported() }
                return (lo, hi, j + 1)
            }
        }
        // Not a strict quantifier: refuse anything a newer PCRE2 might read as one.
        var k = start + 1
        var sawDigit = false
        while k < s.count, s[k] == "," || s[k] == " " || s[k] == "\t" || ("0"..."9").contains(s[k]) {
            if ("0"..."9").contains(s[k]) { sawDigit = true }
            k += 1
        }
        if sawDigit, k < s.count, s[k] == "}" { throw Unsupported() }
        return nil
    }

    // MARK: Atoms

    /// One atom; nil for items that match nothing and cannot be repeated
    /// (an inline option setting, a lone `\E`).
    private mutating func parseAtom(_ flags: inout RegexFlags) throws -> RegexNode? {
        guard let c = peek() else { throw Unsupported() }
        switch c {
        case "(":
            return try parseGroup(&flags)
        case "[":
            return .set(try parseClass(), caseless: flags.caseless)
        case ".":
            i += 1
            return .set(flags.dotAll ? RegexParser.anyCharacter : RegexParser.anyButNewline, caseless: flags.caseless)
        case "^", "$":
            i += 1
            return .assertion(c)
        case "\\":
            return try parseEscape(flags)
        case "*", "+", "?":
            throw Unsupported()  // a quantifier with nothing to repeat
        case "{":
            if try braceQuantifier(at: i) != nil { throw Unsupported() }
            i += 1
            return .char(c, caseless: flags.caseless)
        default:
            i += 1
            return .char(c, caseless: flags.caseless)
        }
    }

    private mutating func parseGroup(_ flags: inout RegexFlags) throws -> RegexNode? {
        i += 1  // (
        depth += 1
        defer { depth -= 1 }
        guard depth <= RegexParser.maxDepth, let c = peek() else { throw Unsupported() }
        if c == "*" { throw Unsupported() }  // verbs, (*pla:…) and friends
        guard c == "?" else { return try groupBody(flags) }  // capturing
        i += 1
        guard let k = peek() else { throw Unsupported() }
        switch k {
        case ":", "|", ">":
            i += 1
            return try groupBody(flags)
        case "=", "!":
            i += 1
            return .lookaround(try groupBody(flags))
        case "<":
            if peek(1) == "=" || peek(1) == "!" {
                i += 2
                return .lookaround(try groupBody(flags))
            }
            i += 1
            try skipName(until: ">")
            return try groupBody(flags)
        case "'":
            i += 1
            try skipName(until: "'")
            return try groupBody(flags)
        case "P":
            i += 1
            switch peek() {
            case "<":
                i += 1
                try skipName(until: ">")
                return try groupBody(flags)
            case "=":
                i += 1
                try skipName(until: ")")
                return .backreference
            default:
                throw Unsupported()  // (?P>name) recursion
            }
        case "-", "^", "i", "m", "n", "s", "x", "J", "U":
            return try parseOptionSetting(&flags)
        default:
            // (?( conditionals, (?R) (?1) (?+1) (?-1) (?&name) recursion,
            // (?C callouts, (?* non-atomic lookahead, anything newer.
            throw Unsupported()
        }
    }

    /// The body of a group after its opening; consumes the closing `)`.
    private mutating func groupBody(_ outer: RegexFlags) throws -> RegexNode {
        var inner = outer
        let body = try parseAlternation(&inner)
        guard peek() == ")" else { throw Unsupported() }
        i += 1
        return body
    }

    private mutating func skipName(until terminator: Unicode.Scalar) throws {
        var n = 0
        while let c = peek(), c != terminator {
            guard c.properties.isAlphabetic || c.properties.numericType != nil || c == "_" else { throw Unsupported() }
            i += 1
            n += 1
        }
        guard n > 0, peek() == terminator else { throw Unsupported() }
        i += 1
    }

    /// `(?imnsxJU-imnsxJU)`, `(?^…)` and the scoped `(?…:…)` forms. Only `i`
    /// and `x` matter here; `(?xx)` (which also ignores spaces in classes)
    /// is refused.
    private mutating func parseOptionSetting(_ flags: inout RegexFlags) throws -> RegexNode? {
        hasInlineOptions = true
        var new = flags
        var on = true
        if peek() == "^" {
            new.caseless = false
            new.extended = false
            new.dotAll = false
            i += 1
        }
        while let c = peek() {
            i += 1
            switch c {
            case "i": new.caseless = on
            case "x":
                if peek() == "x" { throw Unsupported() }
                new.extended = on
            case "s": new.dotAll = on
            case "m", "n", "J", "U": break
            case "-":
                guard on else { throw Unsupported() }
                on = false
            case ")":
                flags = new  // for the rest of the enclosing group
                return nil
            case ":":
                return try groupBody(new)
            default:
                throw Unsupported()
            }
        }
        throw Unsupported()
    }

    // MARK: Escapes

    /// An escape outside a class, the cursor on the backslash.
    private mutating func parseEscape(_ flags: RegexFlags) throws -> RegexNode? {
        i += 1
        guard let e = peek() else { throw Unsupported() }
        i += 1
        switch e {
        case "G":
            assertsSearchStart = true
            return .assertion(e)
        case "b", "B", "A", "z", "Z":
            return .assertion(e)
        case "K":
            resetsMatchStart = true
            return .resetMatchStart
        case "X", "R":
            return .unknown
        case "N":
            if peek() == "{" {
                return .char(try unicodeNameEscape(), caseless: flags.caseless)
            }
            return .set(RegexParser.anyButNewline, caseless: flags.caseless)
        case "C":
            throw Unsupported()  // one code unit: can split a UTF-8 character
        case "E":
            return nil
        case "1"..."9":
            // \1-\9 are back references; longer numbers may be octal or a
            // reference depending on the group count, so they are refused.
            if let d = peek(), ("0"..."9").contains(d) { throw Unsupported() }
            return .backreference
        case "g":
            return try parseGReference()
        case "k":
            guard let open = peek(), let close: Unicode.Scalar = ["<": ">", "'": "'", "{": "}"][open] else { throw Unsupported() }
            i += 1
            try skipName(until: close)
            return .backreference
        case "d", "D", "w", "W", "s", "S", "h", "H", "v", "V", "p", "P":
            return .set(try escapeClass(e), caseless: flags.caseless)
        default:
            return .char(try characterEscape(e, inClass: false), caseless: flags.caseless)
        }
    }

    /// `\g{n}`, `\g{-n}`, `\g{name}`, `\gn`, `\g-n` are back references;
    /// `\g<…>` and `\g'…'` are subroutine calls, refused.
    private mutating func parseGReference() throws -> RegexNode {
        if peek() == "{" {
            i += 1
            if peek() == "-" || peek() == "+" { i += 1 }
            try skipName(until: "}")
            return .backreference
        }
        if peek() == "-" || peek() == "+" { i += 1 }
        var n = 0
        while let d = peek(), ("0"..."9").contains(d) {
            i += 1
            n += 1
        }
        guard n > 0 else { throw Unsupported() }
        return .backreference
    }

    /// Escapes that stand for one character, valid inside and outside
    /// classes (`e` already consumed). Letters and digits without a meaning
    /// are errors in PCRE2 and refused; any other escaped character is itself.
    private mutating func characterEscape(_ e: Unicode.Scalar, inClass: Bool) throws -> Unicode.Scalar {
        switch e {
        case "a": return "\u{07}"
        case "e": return "\u{1B}"
        case "f": return "\u{0C}"
        case "n": return "\n"
        case "r": return "\r"
        case "t": return "\t"
        case "0":
            return try scalar(readDigits(radix: 8, max: 2, initial: 0))
        case "1"..."7" where inClass:
            return try scalar(readDigits(radix: 8, max: 2, initial: UInt32(e.value - 0x30)))
        case "o":
            guard peek() == "{" else { throw Unsupported() }
            i += 1
            let v = readDigits(radix: 8, max: 12, initial: 0, required: true)
            guard peek() == "}", let v else { throw Unsupported() }
            i += 1
            return try scalar(v)
        case "x":
            if peek() == "{" {
                i += 1
                let v = readDigits(radix: 16, max: 8, initial: 0, required: true)
                guard peek() == "}", let v else { throw Unsupported() }
                i += 1
                return try scalar(v)
            }
            return try scalar(readDigits(radix: 16, max: 2, initial: 0))
        case "c":
            guard let x = peek(), x.value >= 0x20, x.value < 0x7F else { throw Unsupported() }
            i += 1
            let upper = x.value >= 0x61 && x.value <= 0x7A ? x.value - 0x20 : x.value
            return try scalar(upper ^ 0x40)
        default:
            if e.isASCII && (e.properties.isAlphabetic || ("0"..."9").contains(e)) { throw Unsupported() }
            return e
        }
    }

    /// `\N{U+hhhh}`, the only `\N{…}` form PCRE2 accepts.
    private mutating func unicodeNameEscape() throws -> Unicode.Scalar {
        guard peek() == "{", peek(1) == "U", peek(2) == "+" else { throw Unsupported() }
        i += 3
        let v = readDigits(radix: 16, max: 8, initial: 0, required: true)
        guard peek() == "}", let v else { throw Unsupported() }
        i += 1
        return try scalar(v)
    }

    private mutating func readDigits(radix: UInt32, max: Int, initial: UInt32, required: Bool = false) -> UInt32? {
        var v = initial
        var n = 0
        while n < max, let c = peek(), let d = Self.digitValue(c), d < radix {
            v = v &* radix &+ d
            n += 1
            i += 1
        }
        return required && n == 0 ? nil : v
    }

    private mutating func readDigits(radix: UInt32, max: Int, initial: UInt32) -> UInt32 {
        readDigits(radix: radix, max: max, initial: initial, required: false)!
    }

    private static func digitValue(_ c: Unicode.Scalar) -> UInt32? {
        switch c.value {
        case 0x30...0x39: return c.value - 0x30
        case 0x41...0x46: return c.value - 0x41 + 10
        case 0x61...0x66: return c.value - 0x61 + 10
        default: return nil
        }
    }

    private func scalar(_ v: UInt32?) throws -> Unicode.Scalar {
        guard let v, v <= 0x10FFFF, let s = Unicode.Scalar(v) else { throw Unsupported() }
        return s
    }

    /// The class an escape such as `\d` stands for (`e` already consumed).
    private mutating func escapeClass(_ e: Unicode.Scalar) throws -> RegexCharClass {
        var c = RegexCharClass()
        switch e {
        case "d":
            if ucp { c.open = true; c.named = ["d"] } else { c.implied = [0x30...0x39] }
        case "s":
            if ucp { c.open = true; c.named = ["s"] } else { c.implied = [0x09...0x0D, 0x20...0x20] }
        case "h":
            c.implied = RegexParser.horizontalSpace
        case "v":
            c.implied = [0x0A...0x0D, 0x85...0x85, 0x2028...0x2029]
        case "w":
            if ucp { c.open = true } else { c.implied = RegexParser.asciiWord }
            c.named = [String(e)]
        case "D", "W", "S", "H", "V":
            c.open = true
            c.named = [String(e)]
        case "p", "P":
            c.named = [String(e)]
            // \pL or \p{…}: Unicode properties ignore caseless matching.
            if peek() == "{" {
                while let d = peek(), d != "}" { i += 1 }
                guard peek() == "}" else { throw Unsupported() }
                i += 1
            } else {
                guard peek() != nil else { throw Unsupported() }
                i += 1
            }
            c.open = true
            c.caseDependent = true
        default:
            throw Unsupported()
        }
        return c
    }

    /// `.` and `\N`: one character, which may be almost any.
    static let anyCharacter: RegexCharClass = {
        var c = RegexCharClass()
        c.open = true
        return c
    }()

    /// `.` without dot-all, and `\N`: any character but a line feed (PCRE2's
    /// default newline). With another newline convention `.` excludes more,
    /// so this stays a superset of what it matches.
    static let anyButNewline = RegexCharClass(negated: true, written: [0x0A...0x0A])

    /// `\w` and `[:word:]` without UCP.
    static let asciiWord: [ClosedRange<UInt32>] = [0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A]

    static let horizontalSpace: [ClosedRange<UInt32>] = [
        0x09...0x09, 0x20...0x20, 0xA0...0xA0, 0x1680...0x1680, 0x180E...0x180E, 0x2000...0x200A,
        0x202F...0x202F, 0x205F...0x205F, 0x3000...0x3000,
    ]

    // MARK: Classes

    /// One member of a class: a character, or a set from an escape.
    private enum ClassAtom {
        case char(UInt32)
        case set(RegexCharClass)
    }

    /// `[…]`, the cursor on `[`. Extended mode does not apply inside.
    private mutating func parseClass() throws -> RegexCharClass {
        i += 1
        var cls = RegexCharClass()
        if peek() == "^" {
            cls.negated = true
            i += 1
        }
        var first = true
        var quoting = false
        while true {
            guard let c = peek() else { throw Unsupported() }
            if quoting {
                if c == "\\", peek(1) == "E" {
                    quoting = false
                    i += 2
                    // A quoted character followed by `-x`: refuse the rare range form.
                    if peek() == "-", let n = peek(1), n != "]" { throw Unsupported() }
                    continue
                }
                cls.written.append(c.value...c.value)
                i += 1
                first = false
                continue
            }
            if c == "]" && !first {
                i += 1
                return cls
            }
            first = false
            if c == "\\", peek(1) == "Q" {
                quoting = true
                i += 2
                continue
            }
            if c == "\\", peek(1) == "E" {
                i += 2
                continue
            }
            if c == "[", let k = peek(1), k == ":" || k == "." || k == "=" {
                if let posix = try parsePOSIX() {
                    cls.formUnion(posix)
                    continue
                }
            }
            let atom = try classAtom()
            if peek() == "-", let n = peek(1), n != "]" {
                guard case .char(let lo) = atom else { throw Unsupported() }  // [\d-z] is an error
                i += 1
                if n == "[" || (n == "\\" && (peek(1) == "Q" || peek(1) == "E")) { throw Unsupported() }
                guard case .char(let hi) = try classAtom(), lo <= hi else { throw Unsupported() }
                cls.written.append(lo...hi)
                continue
            }
            switch atom {
            case .char(let v): cls.written.append(v...v)
            case .set(let set): cls.formUnion(set)
            }
        }
    }

    private mutating func classAtom() throws -> ClassAtom {
        guard let c = peek() else { throw Unsupported() }
        guard c == "\\" else {
            i += 1
            return .char(c.value)
        }
        i += 1
        guard let e = peek() else { throw Unsupported() }
        i += 1
        switch e {
        case "b": return .char(0x08)
        case "d", "D", "w", "W", "s", "S", "h", "H", "v", "V", "p", "P":
            return .set(try escapeClass(e))
        case "N":
            guard peek() == "{" else { throw Unsupported() }
            return .char(try unicodeNameEscape().value)
        case "8", "9":
            throw Unsupported()
        default:
            return .char(try characterEscape(e, inClass: true).value)
        }
    }

    /// `[:name:]` or `[:^name:]` at the cursor, as PCRE2 recognises it: a
    /// `[:` followed by `:]` before any `]`. Returns nil (the `[` is then a
    /// literal) when it is not POSIX syntax. Collating elements (`[.`, `[=`)
    /// are refused.
    private mutating func parsePOSIX() throws -> RegexCharClass? {
        let terminator = s[i + 1]
        var j = i + 2
        while j < s.count {
            if s[j] == "\\", j + 1 < s.count, s[j + 1] == "]" || s[j + 1] == "\\" {
                j += 2
                continue
            }
            if (s[j] == "[" && j + 1 < s.count && s[j + 1] == terminator) || s[j] == "]" { break }
            if s[j] == terminator, j + 1 < s.count, s[j + 1] == "]" {
                guard terminator == ":" else { throw Unsupported() }
                var name = String(String.UnicodeScalarView(s[(i + 2)..<j]))
                i = j + 2
                var negated = false
                if name.hasPrefix("^") {
                    negated = true
                    name.removeFirst()
                }
                var c = try posixClass(name)
                if negated {
                    c = RegexCharClass()
                    c.open = true
                }
                if c.open { c.named = [(negated ? "^" : "") + name] }
                return c
            }
            j += 1
        }
        if terminator != ":" { throw Unsupported() }
        return nil
    }

    private func posixClass(_ name: String) throws -> RegexCharClass {
        var c = RegexCharClass()
        switch name {
        case "digit": if ucp { c.open = true } else { c.implied = [0x30...0x39] }
        case "xdigit": c.implied = [0x30...0x39, 0x41...0x46, 0x61...0x66]
        case "blank": if ucp { c.open = true } else { c.implied = [0x09...0x09, 0x20...0x20] }
        case "space": if ucp { c.open = true } else { c.implied = [0x09...0x0D, 0x20...0x20] }
        case "alpha": if ucp { c.open = true } else { c.implied = [0x41...0x5A, 0x61...0x7A] }
        case "alnum": if ucp { c.open = true } else { c.implied = [0x30...0x39, 0x41...0x5A, 0x61...0x7A] }
        case "word": if ucp { c.open = true } else { c.implied = RegexParser.asciiWord }
        case "upper", "lower":
            c.open = true
            c.caseDependent = true
        case "ascii", "cntrl", "graph", "print", "punct":
            c.open = true
        default:
            throw Unsupported()
        }
        return c
    }
}
