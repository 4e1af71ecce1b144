/// Byte classes of regex matches: which bytes a match can consist of, how
/// long it can be, and how far before a literal occurrence it can start.
///
/// Like the literal sets (`RegexLiterals.swift`), everything here describes
/// matches as they appear in the case-folded text (`CaseFolding`): the
/// folded form of a match is the concatenation of the folds of the
/// characters it matched, in place. Each leaf of the parsed regex therefore
/// contributes the bytes of the folds of every character it can match (with
/// their PCRE2 caseless variants, `CaselessMatching`), and each character
/// counts for the shortest and longest of those folds. Zero-width items
/// (`\b`, anchors, lookarounds) consume nothing and contribute nothing.
///
/// Whenever a class can match a non-ASCII character, all of 0x80-0xFF joins
/// its byte set, so a set holds either every byte of a UTF-8 encoded
/// non-ASCII character or none: a run of set bytes then always starts and
/// ends at a character boundary.

// MARK: - Shapes

/// What the folded form of every match of a node looks like: all its bytes
/// are in `bytes`, and it is between `minLength` and `maxLength` bytes long
/// (nil: unbounded).
struct ByteShape: Sendable, Hashable {
    var bytes: ByteSet
    var minLength: Int
    var maxLength: Int?

    /// Lengths beyond this are treated as unbounded (and minimums capped), so
    /// nested repetitions cannot overflow.
    static let lengthCap = 1 << 40

    /// Zero-width: matches only the empty string.
    static let empty = ByteShape(bytes: ByteSet(), minLength: 0, maxLength: 0)
    /// Any text at all (a back reference).
    static let anything = ByteShape(bytes: .all, minLength: 0, maxLength: nil)
    /// One character, which may be almost any (`.`, `\S`, `[^…]`, `\p{…}`).
    static let anyCharacter = ByteShape(bytes: .all, minLength: 1, maxLength: CaseFolding.maxFoldedLength)

    init(bytes: ByteSet, minLength: Int, maxLength: Int?) {
        self.bytes = bytes
        self.minLength = minLength
        self.maxLength = maxLength
    }

    /// The shape of a node that matches exactly these folded strings.
    init(_ literals: [[UInt8]]) {
        var bytes = ByteSet()
        var lo = Int.max
        var hi = 0
        for lit in literals {
            for b in lit { bytes.insert(b) }
            lo = Swift.min(lo, lit.count)
            hi = Swift.max(hi, lit.count)
        }
        self.init(bytes: bytes.wholeCharacters, minLength: literals.isEmpty ? 0 : lo, maxLength: hi)
    }

    init(_ set: LiteralSet) {
        var bytes = ByteSet()
        for b in set.bytes { bytes.insert(b) }
        var lo = Int.max
        var hi = 0
        for k in 0..<set.count {
            let n = set.range(k).count
            lo = Swift.min(lo, n)
            hi = Swift.max(hi, n)
        }
        self.init(bytes: bytes.wholeCharacters, minLength: set.count == 0 ? 0 : lo, maxLength: hi)
    }

    static func add(_ a: Int?, _ b: Int?) -> Int? {
        guard let a, let b else { return nil }
        let s = a + b
        return s > lengthCap ? nil : s
    }

    static func multiply(_ a: Int?, _ b: Int?) -> Int? {
        guard let a, let b else { return nil }
        if a == 0 || b == 0 { return 0 }
        return a > lengthCap / b ? nil : a * b
    }

    /// A match of `self` followed by a match of `next`.
    func then(_ next: ByteShape) -> ByteShape {
        ByteShape(
            bytes: bytes.union(next.bytes), minLength: Swift.min(minLength + next.minLength, ByteShape.lengthCap),
            maxLength: ByteShape.add(maxLength, next.maxLength))
    }

    /// A match of any one of the shapes.
    static func either(_ shapes: [ByteShape]) -> ByteShape {
        guard var r = shapes.first else { return .empty }
        for s in shapes.dropFirst() {
            r.bytes.formUnion(s.bytes)
            r.minLength = Swift.min(r.minLength, s.minLength)
            r.maxLength = r.maxLength.flatMap { a in s.maxLength.map { Swift.max(a, $0) } }
        }
        return r
    }

    /// `lo` to `hi` (nil: unbounded) matches of `self` in a row.
    func repeated(min lo: Int, max hi: Int?) -> ByteShape {
        if hi == 0 || maxLength == 0 { return .empty }
        return ByteShape(
            bytes: bytes, minLength: Swift.min(ByteShape.multiply(lo, minLength) ?? ByteShape.lengthCap, ByteShape.lengthCap),
            maxLength: ByteShape.multiply(maxLength, hi))
    }
}

/// Where a literal occurrence sits in a match: every byte of the match
/// before it is in `bytes`, and there are at most `maxLength` of them (nil:
/// any number).
struct Lead: Sendable, Hashable {
    var bytes: ByteSet
    var maxLength: Int?

    /// The occurrence starts the match.
    static let zero = Lead(bytes: ByteSet(), maxLength: 0)

    /// The lead once a match of `shape` comes before the part the occurrence
    /// was found in.
    func after(_ shape: ByteShape) -> Lead {
        Lead(bytes: bytes.union(shape.bytes), maxLength: ByteShape.add(maxLength, shape.maxLength))
    }

    /// The lead once the occurrence moves `shift` further into the match
    /// (to a shorter literal inside the one that occurred).
    func then(_ shift: Lead) -> Lead {
        Lead(bytes: bytes.union(shift.bytes), maxLength: ByteShape.add(maxLength, shift.maxLength))
    }

    /// Holds for whichever of several occurrences a match has.
    static func either(_ leads: [Lead]) -> Lead {
        guard var r = leads.first else { return .zero }
        for l in leads.dropFirst() {
            r.bytes.formUnion(l.bytes)
            r.maxLength = r.maxLength.flatMap { a in l.maxLength.map { Swift.max(a, $0) } }
        }
        return r
    }
}

extension ByteSet {
    /// The set with all of 0x80-0xFF when it has any of them, so that it
    /// holds whole UTF-8 characters.
    var wholeCharacters: ByteSet { containsNonASCII ? union(.nonASCII) : self }
}

extension CaseFolding {
    /// No character folds to more UTF-8 bytes than this (nor to fewer than one).
    static let maxFoldedLength = 4
}

// MARK: - Run gates

/// A necessary condition for a match that needs no literal: every match of
/// the regex, in the folded text, is a run of at least `minLength`
/// consecutive bytes, all in `bytes`. A field without such a run cannot
/// match, and no match starts before the first such run: a match lies inside
/// a maximal run of set bytes that is long enough, and the first of those
/// starts at or before every other.
public struct RegexRunGate: Sendable, Hashable {
    public var bytes: ByteSet
    public var minLength: Int
    /// Whether a match depends on nothing after it but the one character that
    /// follows (no `$`, `\z`, `\Z` or lookaround; `\b` and `\B` look one
    /// character ahead). Then a search may stop at the end of a run: a
    /// subject cut one character after the run matches inside the run
    /// exactly as the whole text does.
    public var runLocal: Bool
    /// Bytes every match holds, with how many times at least (from the
    /// characters a match cannot do without, such as the two hyphens of
    /// `[a-z]+-[a-z0-9]{8}-[a-z0-9]{5}`): a run with fewer cannot hold a match.
    public var required: [UInt8: Int]

    public init(bytes: ByteSet, minLength: Int, runLocal: Bool = false, required: [UInt8: Int] = [:]) {
        self.bytes = bytes
        self.minLength = minLength
        self.runLocal = runLocal
        self.required = required
    }

    /// The start of the first run of at least `minLength` bytes of `bytes` in
    /// the folded `text`, moved back to a character boundary if need be; nil
    /// when there is none, and then nothing matches.
    @inlinable
    public func firstRunStart(in text: UnsafeBufferPointer<UInt8>) -> Int? {
        var start = 0
        var i = 0
        let need = Swift.max(minLength, 1)
        while i < text.count {
            if bytes.contains(text[i]) {
                if i + 1 - start >= need {
                    while start > 0 && text[start] & 0xC0 == 0x80 { start -= 1 }
                    return start
                }
            } else {
                start = i + 1
            }
            i += 1
        }
        return nil
    }
}

/// When a run gate is worth checking.
///
/// The estimate of how often a gate passes is the chance that a given
/// position starts a run of `minLength` set bytes if bytes were drawn
/// independently with the frequencies of `LiteralCost.byteFrequency`: `p^n`
/// for the set's total frequency `p`. Real text clusters (letters come in
/// words, digits in numbers), so this is a rough guide; the other two limits
/// keep out gates that cannot filter whatever the estimate says.
enum RunGateCost {
    /// Shorter runs than this occur everywhere.
    static let minLength = 4
    /// A set with more printable ASCII characters than this (two thirds of
    /// them) matches nearly any text.
    static let maxPrintable = 64
    /// No gate when a run is expected at more than one position in twenty.
    static let maxUseful = 0.05

    /// `behindPrefilter`: a literal prefilter decides first whether the regex
    /// runs at all. There a class that takes in the space runs across words
    /// and sentences: the gate rarely rules a field out, and its scan
    /// (branchy, byte by byte) cost more than it saved, 4 to 6% of classify
    /// time on the peer set, since PCRE2's JIT skips to the bytes that can
    /// start a match by itself.
    static func isSelective(_ shape: ByteShape, behindPrefilter: Bool = false) -> Bool {
        guard shape.minLength >= minLength else { return false }
        if behindPrefilter && shape.bytes.contains(UInt8(ascii: " ")) { return false }
        var printable = 0
        var p = 0.0
        for b in 0..<256 where shape.bytes.contains(UInt8(b)) {
            if b >= 0x20 && b < 0x7F { printable += 1 }
            p += LiteralCost.byteFrequency[b]
        }
        guard printable <= maxPrintable else { return false }
        return pow(Swift.min(p, 1), Double(shape.minLength)) <= maxUseful
    }

    /// `x^n` for `0 ≤ x ≤ 1` without Foundation.
    static func pow(_ x: Double, _ n: Double) -> Double {
        var r = 1.0
        var k = Int(n)
        var b = x
        while k > 0 {
            if k & 1 == 1 { r *= b }
            b *= b
            k >>= 1
        }
        return r
    }
}

extension RegexLiteralAnalysis {
    /// The run gate of a regex: the bytes every match consists of and its
    /// minimum length in the folded text. nil when it would not filter
    /// (`RunGateCost`: a minimum length under 4, more than 64 printable ASCII
    /// characters in the set, or an estimated chance over 1 in 20 that a
    /// position starts a long enough run), or when the regex cannot be
    /// analysed (unparsed syntax; `\K`, which reports a match start after
    /// text the pattern consumed; `\G`, which makes a search started later
    /// match differently).
    public static func runGate(pattern: String, caseInsensitive: Bool, options: RegexOptions) -> RegexRunGate? {
        guard let tree = RegexParser.parse(pattern, caseInsensitive: caseInsensitive, options: options) else { return nil }
        return runGate(tree)
    }

    /// `runGate(pattern:caseInsensitive:options:)` for a parsed pattern,
    /// given its shape when already known. `prefiltered`: a literal
    /// prefilter runs first (see `RunGateCost.isSelective`). Only a gate that
    /// is its regex's one filter carries the bytes every match holds
    /// (`RegexRunGate.required`): that analysis was a tenth of a pack's
    /// compile when every gate had it.
    static func runGate(_ tree: RegexSyntaxTree, shape known: ByteShape? = nil, prefiltered: Bool = false) -> RegexRunGate? {
        guard !tree.resetsMatchStart, !tree.assertsSearchStart else { return nil }
        let s = known ?? shape(tree.root)
        guard RunGateCost.isSelective(s, behindPrefilter: prefiltered) else { return nil }
        let local = looksAtMostOneAhead(tree.root)
        return RegexRunGate(
            bytes: s.bytes, minLength: s.minLength, runLocal: local,
            required: !prefiltered && local ? requiredBytes(tree.root) : [:])
    }

    /// For each byte, how many times at least every match of `node` holds it
    /// in the folded text; bytes that some match may lack are left out.
    static func requiredBytes(_ node: RegexNode) -> [UInt8: Int] {
        switch node {
        case .empty, .assertion, .lookaround, .resetMatchStart, .unknown, .backreference, .set:
            // Lookarounds consume nothing; a class is left to the shape.
            return [:]
        case .char(let c, let caseless):
            if c.isASCII {
                let b = UInt8(c.value)
                return [b &+ (b &- 0x41 < 26 ? 0x20 : 0): 1]
            }
            let variants = CaselessMatching.foldedVariants(of: c, caseless: caseless)
            return common(variants.map { bytes in bytes.reduce(into: [:]) { $0[$1, default: 0] += 1 } })
        case .concat(let items):
            return items.reduce(into: [:]) { acc, item in acc.merge(requiredBytes(item), uniquingKeysWith: +) }
        case .alternation(let branches):
            return common(branches.map(requiredBytes))
        case .repetition(let x, let lo, _):
            return lo == 0 ? [:] : requiredBytes(x).mapValues { $0 * lo }
        }
    }

    /// The counts every one of `alternatives` guarantees: the least of each byte's.
    private static func common(_ alternatives: [[UInt8: Int]]) -> [UInt8: Int] {
        guard var acc = alternatives.first else { return [:] }
        for other in alternatives.dropFirst() {
            acc = acc.reduce(into: [:]) { kept, entry in
                if let n = other[entry.key] { kept[entry.key] = min(entry.value, n) }
            }
        }
        return acc
    }

    /// True when nothing in `node` reads past the character after a match:
    /// the only assertions are `^`, `\A`, `\b` and `\B`, and there is no
    /// lookaround (a lookbehind would be safe, but none of the patterns
    /// this serves need one).
    static func looksAtMostOneAhead(_ node: RegexNode) -> Bool {
        switch node {
        case .empty, .char, .set, .unknown, .backreference:
            return true
        case .assertion(let a):
            return a == "^" || a == "A" || a == "b" || a == "B"
        case .lookaround, .resetMatchStart:
            return false
        case .concat(let items), .alternation(let items):
            return items.allSatisfy(looksAtMostOneAhead)
        case .repetition(let x, _, _):
            return looksAtMostOneAhead(x)
        }
    }

    /// The shape of every match of `node`.
    static func shape(_ node: RegexNode) -> ByteShape {
        switch node {
        case .empty, .assertion, .lookaround, .resetMatchStart:
            return .empty
        case .char(let c, let caseless):
            return ByteShape(CaselessMatching.foldedVariants(of: c, caseless: caseless))
        case .set(let cls, let caseless):
            return classShape(cls, caseless: caseless)
        case .unknown:
            // \X (any number of characters), \R (one or two).
            return ByteShape(bytes: .all, minLength: 1, maxLength: nil)
        case .backreference:
            return .anything
        case .concat(let items):
            var acc = ByteShape.empty
            for item in items { acc = acc.then(shape(item)) }
            return acc
        case .alternation(let branches):
            return .either(branches.map(shape))
        case .repetition(let x, let lo, let hi):
            return shape(x).repeated(min: lo, max: hi)
        }
    }

    /// Non-ASCII class members are enumerated one by one up to this many;
    /// larger ranges count as every non-ASCII byte.
    static let maxShapeScan = 512

    /// The shape of one character matched by a class.
    static func classShape(_ cls: RegexCharClass, caseless: Bool) -> ByteShape {
        guard !cls.negated, !cls.open else { return .anyCharacter }
        var bytes = ByteSet()
        var lo = Int.max
        var hi = 0
        var scanned = 0
        for (ranges, mode) in [(cls.written, caseless), (cls.implied, false)] {
            for r in ranges {
                if r.lowerBound < 0x80 {
                    // ASCII members and their caseless variants (the Kelvin
                    // sign, long s) fold to the ASCII lower case.
                    for v in r.lowerBound...Swift.min(r.upperBound, 0x7F) {
                        let b = UInt8(v)
                        bytes.insert(b &- 0x41 < 26 ? b + 0x20 : b)
                    }
                    lo = Swift.min(lo, 1)
                    hi = Swift.max(hi, 1)
                }
                guard r.upperBound >= 0x80 else { continue }
                let upper = Swift.max(r.lowerBound, 0x80)...r.upperBound
                scanned += upper.count
                if scanned <= maxShapeScan {
                    for v in upper {
                        guard let c = Unicode.Scalar(v) else { continue }
                        for f in CaselessMatching.foldedVariants(of: c, caseless: mode) {
                            for b in f { bytes.insert(b) }
                            lo = Swift.min(lo, f.count)
                            hi = Swift.max(hi, f.count)
                        }
                    }
                } else {
                    bytes.formUnion(.nonASCII)
                    for (v, ascii) in CaselessMatching.asciiInFolds where upper.contains(v) { bytes.formUnion(ascii) }
                    lo = Swift.min(lo, 1)
                    hi = CaseFolding.maxFoldedLength
                }
            }
        }
        guard lo != Int.max else { return .anyCharacter }  // no member at all
        return ByteShape(bytes: bytes.wholeCharacters, minLength: lo, maxLength: hi)
    }
}

extension CaselessMatching {
    /// The non-ASCII characters whose fold, or the fold of a caseless
    /// variant, has ASCII bytes (`ß` → `ss`, `ﬁ` → `fi`, the Kelvin sign → `k`,
    /// `ſ` → `s`, `İ` → `i̇`), with those bytes. Every other non-ASCII
    /// character folds to non-ASCII bytes only. Cased characters all lie
    /// below U+20000.
    static let asciiInFolds: [(UInt32, ByteSet)] = {
        var out: [(UInt32, ByteSet)] = []
        for v in UInt32(0x80)..<0x20000 {
            guard let c = Unicode.Scalar(v) else { continue }
            if groups[v] == nil, case .same = CaseFolding.foldTable.lookup(v) { continue }
            var ascii = ByteSet()
            for f in foldedVariants(of: c, caseless: true) + foldedVariants(of: c, caseless: false) {
                for b in f where b < 0x80 { ascii.insert(b) }
            }
            if !ascii.isEmpty { out.append((v, ascii)) }
        }
        return out
    }()
}
