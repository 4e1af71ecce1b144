/// Approximate facts about parsed regexes, for lint checks: which characters
/// a node can consume, whether it can match the empty string, which single
/// characters it can match alone, and a readable rendering.

/// A set of characters, exact for ASCII and one bit for "some non-ASCII
/// character". Overlap tests err towards overlapping.
struct CharApprox: Hashable, Sendable {
    var lo: UInt64 = 0  // ASCII 0-63
    var hi: UInt64 = 0  // ASCII 64-127
    var nonASCII = false

    static let empty = CharApprox()
    static let all = CharApprox(lo: ~0, hi: ~0, nonASCII: true)

    init(lo: UInt64 = 0, hi: UInt64 = 0, nonASCII: Bool = false) {
        self.lo = lo
        self.hi = hi
        self.nonASCII = nonASCII
    }

    init(_ ranges: [ClosedRange<UInt32>]) {
        for r in ranges { insert(r) }
    }

    init(string: String) {
        for u in string.unicodeScalars { insert(u.value...u.value) }
    }

    var isEmpty: Bool { lo == 0 && hi == 0 && !nonASCII }

    mutating func insert(_ r: ClosedRange<UInt32>) {
        if r.upperBound >= 0x80 { nonASCII = true }
        guard r.lowerBound < 0x80 else { return }
        for v in r.lowerBound...min(r.upperBound, 0x7F) {
            if v < 64 { lo |= 1 << UInt64(v) } else { hi |= 1 << UInt64(v - 64) }
        }
    }

    func contains(_ v: UInt32) -> Bool {
        if v >= 0x80 { return nonASCII }
        return v < 64 ? lo >> UInt64(v) & 1 == 1 : hi >> UInt64(v - 64) & 1 == 1
    }

    func union(_ o: CharApprox) -> CharApprox { CharApprox(lo: lo | o.lo, hi: hi | o.hi, nonASCII: nonASCII || o.nonASCII) }
    func intersection(_ o: CharApprox) -> CharApprox {
        CharApprox(lo: lo & o.lo, hi: hi & o.hi, nonASCII: nonASCII && o.nonASCII)
    }
    func overlaps(_ o: CharApprox) -> Bool { !intersection(o).isEmpty }
    /// The members not in `o` (non-ASCII stays only when `o` has none).
    func subtracting(_ o: CharApprox) -> CharApprox {
        CharApprox(lo: lo & ~o.lo, hi: hi & ~o.hi, nonASCII: nonASCII && !o.nonASCII)
    }
    /// Everything else; "some non-ASCII character" stays possible.
    var complement: CharApprox { CharApprox(lo: ~lo, hi: ~hi, nonASCII: true) }

    /// A member to build example texts from, preferring letters and digits.
    var example: Unicode.Scalar? {
        for v in Array(UInt32(0x61)...0x7A) + Array(UInt32(0x30)...0x39) + Array(UInt32(0x41)...0x5A) + Array(UInt32(0x20)...0x7E)
        where contains(v) {
            return Unicode.Scalar(v)
        }
        if nonASCII { return "é" }
        for v in UInt32(0)..<0x80 where contains(v) { return Unicode.Scalar(v) }
        return nil
    }

    static let digits = CharApprox([0x30...0x39])
    static let word = CharApprox([0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A])
    static let letters = CharApprox([0x41...0x5A, 0x61...0x7A])
    static let space = CharApprox([0x09...0x0D, 0x20...0x20])
    static let horizontalSpace = CharApprox([0x09...0x09, 0x20...0x20])
    static let verticalSpace = CharApprox([0x0A...0x0D])
    static let newline = CharApprox([0x0A...0x0A])

    /// A named open member of a class (see `RegexCharClass.named`).
    static func named(_ name: String) -> CharApprox {
        var n = name
        let negated = n.hasPrefix("^")
        if negated { n.removeFirst() }
        var set: CharApprox
        switch n {
        case "w", "word": set = word.union(CharApprox(nonASCII: true))
        case "W": return word.complement
        case "d", "digit": set = digits.union(CharApprox(nonASCII: true))
        case "D": return digits.complement
        case "s", "space": set = space.union(CharApprox(nonASCII: true))
        case "S": return space.complement
        case "H": return horizontalSpace.complement
        case "V": return verticalSpace.complement
        case "alpha", "upper", "lower": set = letters.union(CharApprox(nonASCII: true))
        case "alnum": set = letters.union(digits).union(CharApprox(nonASCII: true))
        case "blank": set = horizontalSpace.union(CharApprox(nonASCII: true))
        case "ascii": set = CharApprox([0...0x7F])
        case "cntrl": set = CharApprox([0...0x1F, 0x7F...0x7F])
        case "graph": set = CharApprox([0x21...0x7E]).union(CharApprox(nonASCII: true))
        case "print": set = CharApprox([0x20...0x7E]).union(CharApprox(nonASCII: true))
        case "punct": set = CharApprox([0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E]).union(CharApprox(nonASCII: true))
        default: return .all  // \p{…} and anything unknown
        }
        return negated ? set.complement : set
    }
}

extension RegexNode {
    /// Whether the node can match the empty string.
    var nullable: Bool {
        switch self {
        case .empty, .assertion, .lookaround, .resetMatchStart, .backreference: return true
        case .char, .set, .unknown: return false
        case .concat(let xs): return xs.allSatisfy(\.nullable)
        case .alternation(let xs): return xs.contains(where: \.nullable)
        case .repetition(let x, let lo, _): return lo == 0 || x.nullable
        }
    }

    /// Whether the node can make a match attempt fail after a repetition
    /// that has consumed a run of characters: by needing a character, or by a
    /// zero-width test that giving characters back cannot satisfy. `\b` and
    /// `\B` do not count: the repetition can always back off to a place
    /// where they hold.
    var canFail: Bool {
        switch self {
        case .assertion(let k): return k != "b" && k != "B"
        case .lookaround: return true
        case .empty, .resetMatchStart, .backreference: return false
        case .char, .set, .unknown: return true
        case .concat(let xs), .alternation(let xs): return xs.contains(where: \.canFail)
        case .repetition(let x, let lo, _): return lo > 0 ? x.canFail : x.containsFailingAssertion
        }
    }

    /// Contains a zero-width test that can fail (see `canFail`).
    var containsFailingAssertion: Bool {
        switch self {
        case .assertion(let k): return k != "b" && k != "B"
        case .lookaround: return true
        case .concat(let xs), .alternation(let xs): return xs.contains(where: \.containsFailingAssertion)
        case .repetition(let x, _, _): return x.containsFailingAssertion
        default: return false
        }
    }

    /// The characters `nodes`, matched in order after a repetition, accept
    /// from a run of one repeated character: when the run's character is
    /// among them, the repetition gives characters back and the match
    /// succeeds, so it never has to try every split. Empty when some part
    /// needs more than single characters.
    static func absorbed(by nodes: [RegexNode]) -> CharApprox {
        var set = CharApprox.all
        for n in nodes {
            if n.nullable && !n.containsFailingAssertion { continue }
            switch n {
            case .char, .set, .unknown:
                set = set.intersection(n.chars)
            case .repetition(let x, let lo, _) where lo >= 1 && x.isSingleCharacter:
                set = set.intersection(x.chars)
            case .alternation(let xs) where xs.allSatisfy(\.isSingleCharacter):
                set = set.intersection(n.chars)
            default:
                return .empty
            }
        }
        return set
    }

    var isSingleCharacter: Bool {
        switch self {
        case .char, .set, .unknown: return true
        default: return false
        }
    }

    /// Every character the node can consume.
    var chars: CharApprox {
        switch self {
        case .empty, .assertion, .lookaround, .resetMatchStart: return .empty
        case .backreference: return .all
        case .unknown: return CharApprox.newline.complement
        case .char(let c, let caseless): return Self.charSet(c, caseless: caseless)
        case .set(let cls, let caseless): return Self.classSet(cls, caseless: caseless)
        case .concat(let xs), .alternation(let xs): return xs.reduce(.empty) { $0.union($1.chars) }
        case .repetition(let x, _, let hi): return hi == 0 ? .empty : x.chars
        }
    }

    /// Characters the node can match as a whole one-character match.
    var singles: CharApprox {
        switch self {
        case .char, .set, .unknown: return chars
        case .concat(let xs):
            var out = CharApprox.empty
            for (k, x) in xs.enumerated() where xs.indices.allSatisfy({ $0 == k || xs[$0].nullable }) {
                out = out.union(x.singles)
            }
            return out
        case .alternation(let xs): return xs.reduce(.empty) { $0.union($1.singles) }
        case .repetition(let x, let lo, let hi):
            if hi == 0 { return .empty }
            return lo <= 1 || x.nullable ? x.singles : .empty
        default: return .empty
        }
    }

    static func charSet(_ c: Unicode.Scalar, caseless: Bool) -> CharApprox {
        var set = CharApprox(string: String(c))
        if caseless, c.isASCII, c.properties.isAlphabetic {
            set.insert(c.value ^ 0x20...c.value ^ 0x20)
        }
        return set
    }

    static func classSet(_ cls: RegexCharClass, caseless: Bool) -> CharApprox {
        var set = CharApprox(cls.implied)
        for r in cls.written {
            set.insert(r)
            if caseless, r.lowerBound < 0x80 {
                for v in r.lowerBound...min(r.upperBound, 0x7F) {
                    if (0x41...0x5A).contains(v) || (0x61...0x7A).contains(v) { set.insert(v ^ 0x20...v ^ 0x20) }
                }
            }
        }
        for n in cls.named { set = set.union(CharApprox.named(n)) }
        if cls.open && cls.named.isEmpty { set = .all }
        return cls.negated ? set.complement : set
    }

    /// A readable regex for the node (not always the text as written:
    /// assertions all read `\b`… so they are left out).
    var rendered: String {
        switch self {
        case .empty, .assertion, .resetMatchStart: return ""
        case .backreference: return "\\1"
        case .unknown: return "."
        case .lookaround(let b): return "(?=\(b.rendered))"
        case .char(let c, _): return Self.escape(c)
        case .set(let cls, _): return Self.render(cls)
        case .concat(let xs): return xs.map { $0.isAlternation ? "(?:\($0.rendered))" : $0.rendered }.joined()
        case .alternation(let xs): return xs.map(\.rendered).joined(separator: "|")
        case .repetition(let x, let lo, let hi):
            let body: String
            switch x {
            case .char, .set, .unknown, .backreference: body = x.rendered
            default: body = "(?:\(x.rendered))"
            }
            switch (lo, hi) {
            case (0, nil): return body + "*"
            case (1, nil): return body + "+"
            case (0, 1): return body + "?"
            case (let m, nil): return body + "{\(m),}"
            case (let m, let n?) where m == n: return body + "{\(m)}"
            case (let m, let n?): return body + "{\(m),\(n)}"
            }
        }
    }

    var isAlternation: Bool {
        if case .alternation = self { return true }
        return false
    }

    static func escape(_ c: Unicode.Scalar) -> String {
        switch c {
        case "\n": return "\\n"
        case "\t": return "\\t"
        case "\r": return "\\r"
        default:
            return "\\^$.|?*+()[]{}".unicodeScalars.contains(c) ? "\\" + String(c) : String(c)
        }
    }

    static func render(_ cls: RegexCharClass) -> String {
        // A class that is one named class (its implied members come from the name).
        if cls.written.isEmpty && cls.named.count == 1 && !cls.negated {
            let n = cls.named[0]
            return n.count == 1 ? "\\" + n : "[[:\(n):]]"
        }
        if cls.written.isEmpty && cls.named.isEmpty && !cls.negated {
            if cls.implied == [0x30...0x39] { return "\\d" }
            if cls.implied == [0x09...0x0D, 0x20...0x20] { return "\\s" }
        }
        var out = cls.negated ? "[^" : "["
        for r in cls.written.prefix(8) {
            guard let a = Unicode.Scalar(r.lowerBound), let b = Unicode.Scalar(r.upperBound) else { continue }
            out += r.count == 1 ? escapeInClass(a) : escapeInClass(a) + "-" + escapeInClass(b)
        }
        if cls.written.count > 8 { out += "…" }
        if cls.implied == [0x30...0x39] { out += "\\d" } else if cls.implied == [0x09...0x0D, 0x20...0x20] { out += "\\s" }
        for n in cls.named { out += n.count == 1 ? "\\" + n : "[:\(n):]" }
        return out + "]"
    }

    static func escapeInClass(_ c: Unicode.Scalar) -> String {
        switch c {
        case "\n": return "\\n"
        case "\t": return "\\t"
        default: return "\\]^-[".unicodeScalars.contains(c) ? "\\" + String(c) : String(c)
        }
    }

    /// A short text the node matches (assertions ignored), to reach a part
    /// of the pattern in a crafted input.
    var example: String { example(replacing: nil, with: "") }

    /// The example with `target`'s part replaced by `text`.
    func example(replacing target: RegexNode?, with text: String) -> String {
        if let target, self == target { return text }
        switch self {
        case .empty, .assertion, .lookaround, .resetMatchStart, .backreference: return ""
        case .char(let c, _): return String(c)
        case .set, .unknown: return chars.example.map(String.init) ?? ""
        case .concat(let xs): return xs.map { $0.example(replacing: target, with: text) }.joined()
        case .alternation(let xs): return xs.first?.example(replacing: target, with: text) ?? ""
        case .repetition(let x, let lo, _):
            let copies = target.map { x.contains($0) } == true ? max(lo, 1) : lo
            return String(repeating: x.example(replacing: target, with: text), count: copies)
        }
    }

    /// Whether `node` is this node or inside it.
    func contains(_ node: RegexNode) -> Bool {
        if self == node { return true }
        switch self {
        case .concat(let xs), .alternation(let xs): return xs.contains { $0.contains(node) }
        case .repetition(let x, _, _), .lookaround(let x): return x.contains(node)
        default: return false
        }
    }
}
