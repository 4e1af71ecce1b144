#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Required-literal extraction for regexes.
///
/// The engine finds every keyword of a pack in one Aho-Corasick pass over the
/// case-folded text. A regex joins that pass through a *prefilter*: a small
/// set of literals of which every match contains at least one. The regex then
/// runs only on incidents where the pass saw one of them, and when every match
/// *starts* with one, the search can begin at the first hit.
///
/// ## Technique
///
/// The analysis follows Russ Cox's codesearch trigram query and the literal
/// extraction of Rust's regex-syntax. For every node of the parsed regex
/// (`RegexSyntax.swift`) it computes four sets of case-folded UTF-8 strings:
///
/// - `exact`: every match, folded, is one of these (kept only while small);
/// - `prefix`: every match, folded, starts with one of these;
/// - `suffix`: every match, folded, ends with one of these;
/// - `factor`: every match, folded, contains one of these.
///
/// A set holding the empty string says nothing, so `[""]` means "no
/// information". Concatenation multiplies exact sets, extends a left exact
/// set by the right prefix set (and a right exact set by the left suffix
/// set), and offers `suffix(a) × prefix(b)` as a factor: in a match of `ab`
/// the end of the `a` part runs straight into the start of the `b` part.
/// Alternation unions each kind of set, so one branch without information
/// makes the union useless. `x?`, `x*` and `x{0,n}` require nothing (though
/// small exact sets survive, `x?` as `{"", x}`); `x+` and `x{m,n}` with
/// `m ≥ 1` keep what `x{m}` has. Zero-width items are the empty string;
/// `.`, large classes and back references are "unknown". Small classes
/// (`[45]`, `\d`, `[-_]`) become exact sets, so `\b5\d\d\b` yields the 100
/// literals `500`…`599`.
///
/// ## Soundness
///
/// Folding (`CaseFolding`) works scalar by scalar without context, so the
/// folded text of a match is the concatenation of the folds of the scalars
/// it matched, and it sits in the folded subject exactly where the match
/// sits in the original. Every leaf therefore describes the folds of the
/// scalars it can match: a character matched case-sensitively contributes its
/// own fold; one matched caselessly contributes the folds of every character
/// PCRE2 treats as its other case (`µ` matches `Μ`, which folds to `μ`, not
/// to `µ`, so both are kept — see `CaselessMatching`); a class contributes the
/// folds of all its members and their case variants, or nothing when it is
/// large. Each combination rule above only ever claims what holds for every
/// string of the combined language, and greediness, atomic groups and
/// possessive quantifiers only narrow which of those strings PCRE2 reports.
/// Whenever the analysis is unsure (unparsed syntax, sets over the size
/// bound) it says nothing, which is always correct: the regex then runs on
/// every incident. A regex that can match the empty string can never get a
/// literal set, since every set describing it contains the empty string.
///
/// `\K` moves the reported start of a match past text the pattern consumed:
/// literals may then lie before the reported match (still in the subject), and
/// `atMatchStart` is never set. Nor is it with `\G`, which holds where the
/// search starts: a search started at the literal could match where one from
/// the start of the text does not.
///
/// ## Where the literal sits
///
/// When the literals are not at the match start, the analysis also says what
/// can precede one in a match (`RegexPrefilter.prefixBytes`,
/// `maxPrefixLength`), so that a search can start shortly before the first
/// occurrence instead of at offset 0. Every node also gets a *shape*
/// (`RegexShapes.swift`): the bytes its matches consist of and their length
/// bounds. Prefix and exact sets sit at the start of a match. A suffix or
/// factor set carries a *lead*: the bytes, and how many, that can come
/// before its occurrence. In `ab` a literal found in the `b` part has all
/// of the `a` part before it (a's shape followed by the lead it had in `b`);
/// one that joins a's suffix to b's prefix starts where a's suffix did. A
/// suffix of `x{m,n}` taken from `x^k` has up to `n - k` more copies before
/// it. Alternation unions the leads. Two steps move an occurrence later
/// inside a literal, and their leads grow by the bytes skipped: dropping
/// literals that contain a shorter one, and cutting literals to their last
/// bytes to fit the bound. A suffix set holding the empty string (no
/// information) is, to `cross`, an occurrence at the end of the match, so
/// its lead is the whole match.
///
/// ## Cost model
///
/// Several literal sets are valid for one regex; the best is the one the
/// folded text contains least often. Each byte has an estimated frequency in
/// English and log text (`LiteralCost.byteFrequency`, in the spirit of the
/// rank tables in Rust's memchr and aho-corasick crates: space and common
/// letters frequent, digits middling, punctuation such as `@ % # _` rare,
/// upper-case ASCII absent from folded text). A literal's frequency is the
/// product of its bytes' frequencies, plus a small per-literal overhead so
/// that a hundred expansions of a literal do not beat the literal itself for
/// a negligible gain. A set costs the sum over its literals. The prefix set is
/// preferred when it costs at most about twice the best, since a match then
/// can be searched from the literal hit. When even the best set is expected
/// in most incidents (a single common byte, the ten digits), no prefilter is
/// returned.
public struct RegexPrefilter: Sendable, Hashable {
    /// Case-folded UTF-8 literals (CaseFolding), none empty: every match of the regex,
    /// seen in the folded text, contains at least one of them as a substring.
    public var literals: [[UInt8]]
    /// True when every match *starts* with one of the literals (leading zero-width
    /// assertions such as \b or lookbehind allowed), so a search may begin at the
    /// first place a literal occurs.
    public var atMatchStart: Bool
    /// How far before a literal occurrence a match can start. For every match
    /// of the regex, starting at `s` in the folded text `T`, some occurrence
    /// of one of `literals` that lies inside the match starts at an `h ≥ s`
    /// such that every byte of `T[s..<h]` is in `prefixBytes` (nil: any byte)
    /// and `h - s ≤ maxPrefixLength` (nil: any distance). Both are empty and
    /// zero when `atMatchStart`.
    ///
    /// ## Why the earliest occurrence bounds every match
    ///
    /// Let `h1` be the start of the earliest occurrence of any literal in the
    /// text, and `r` the start of the run of `prefixBytes` bytes that ends at
    /// `h1` (`r = h1` when the byte before `h1` is not in the set). Take any
    /// match, starting at `s`, with its occurrence at `h` as above; `h1 ≤ h`
    /// since `h1` is the earliest. Then `s ≥ h - maxPrefixLength ≥ h1 -
    /// maxPrefixLength`. And either `s ≥ h1 ≥ r`, or `s < h1 ≤ h`, in which
    /// case `T[s..<h1]` is part of `T[s..<h]`, all in `prefixBytes`, so the run
    /// ending at `h1` reaches back at least to `s`: `r ≤ s`. So no match
    /// starts before `max(r, h1 - maxPrefixLength)` (`searchStart`). The
    /// occurrence need not be the earliest, nor the same for every match:
    /// only the existence of one with a pure, short lead is claimed.
    ///
    /// A search from that offset reports the same first match as one from 0:
    /// PCRE2 tries start positions in increasing order, none before the bound
    /// can succeed, and lookbehind and `\b` still see the bytes before the
    /// start offset. (`\G`, which does depend on the start offset, gets no
    /// bound.)
    public var prefixBytes: ByteSet?
    public var maxPrefixLength: Int?

    public init(literals: [[UInt8]], atMatchStart: Bool, prefixBytes: ByteSet? = nil, maxPrefixLength: Int? = nil) {
        self.literals = literals
        self.atMatchStart = atMatchStart
        self.prefixBytes = atMatchStart ? ByteSet() : prefixBytes
        self.maxPrefixLength = atMatchStart ? 0 : maxPrefixLength
    }

    /// Where a search of the folded `text` may start, given `earliestOccurrence`,
    /// the start of the earliest occurrence in `text` of any of the literals:
    /// `max(r, h1 - maxPrefixLength)` as explained at `prefixBytes`, moved
    /// back to the start of a character (PCRE2 requires one).
    @inlinable
    public func searchStart(in text: UnsafeBufferPointer<UInt8>, earliestOccurrence h1: Int) -> Int {
        startBound.searchStart(in: text, earliestOccurrence: h1)
    }

    /// What `searchStart` needs, without the literals: a value with no
    /// references, which the scan reads without retaining anything.
    public var startBound: RegexStartBound {
        RegexStartBound(atMatchStart: atMatchStart, prefixBytes: prefixBytes, maxPrefixLength: maxPrefixLength)
    }
}

/// How far before the earliest literal occurrence a match can start (see
/// `RegexPrefilter.prefixBytes`).
public struct RegexStartBound: Sendable, Hashable {
    public var atMatchStart: Bool
    public var prefixBytes: ByteSet?
    public var maxPrefixLength: Int?

    /// `RegexPrefilter.searchStart(in:earliestOccurrence:)`.
    @inlinable
    public func searchStart(in text: UnsafeBufferPointer<UInt8>, earliestOccurrence h1: Int) -> Int {
        guard h1 > 0, h1 <= text.count else { return 0 }
        if atMatchStart { return h1 }
        var bound = 0
        if let m = maxPrefixLength, m < h1 { bound = h1 - m }
        if let p = prefixBytes {
            var r = h1
            while r > bound && p.contains(text[r - 1]) { r -= 1 }
            bound = r
        }
        while bound > 0 && bound < text.count && text[bound] & 0xC0 == 0x80 { bound -= 1 }
        return bound
    }
}

public enum RegexLiteralAnalysis {
    /// At most this many literals in any set, final or intermediate.
    static let maxLiterals = 256
    /// Classes with more members than this (after folding) are "unknown".
    static let maxClassMembers = 10
    /// Classes are only enumerated up to this many members before folding.
    static let maxClassScan = 64
    /// `x{m,n}` is expanded into an exact set only for `n` up to this.
    static let maxExactRepeat = 8
    /// `x{m}` is analysed as at most this many copies of `x`.
    static let maxRepeatCopies = 4

    /// nil when no usable literal set exists (the regex then runs on every incident).
    public static func prefilter(pattern: String, caseInsensitive: Bool, options: RegexOptions) -> RegexPrefilter? {
        guard let tree = RegexParser.parse(pattern, caseInsensitive: caseInsensitive, options: options) else { return nil }
        return prefilter(tree)
    }

    /// `prefilter(pattern:caseInsensitive:options:)` for a parsed pattern.
    static func prefilter(_ tree: RegexSyntaxTree) -> RegexPrefilter? {
        prefilterAndShape(tree).prefilter
    }

    /// The prefilter and the shape of the whole pattern (what `shape(_:)`
    /// computes: the analysis tracks shapes for its leads anyway, and a test
    /// keeps the two equal), from one pass: the run gate needs the shape,
    /// and computing it apart was an eighth of a pack's regex preparation.
    static func prefilterAndShape(_ tree: RegexSyntaxTree) -> (prefilter: RegexPrefilter?, shape: ByteShape) {
        let root = info(tree.root)
        var found = select(root, startsAllowed: !tree.resetsMatchStart && !tree.assertsSearchStart)
        if tree.resetsMatchStart || tree.assertsSearchStart {
            found?.prefixBytes = nil
            found?.maxPrefixLength = nil
        }
        return (found, root.shape)
    }

    /// True when the pattern parses, has no inline option settings, and every literal
    /// character and class member in it is unchanged by CaseFolding; a case-insensitive
    /// regex can then be compiled case-sensitively and run on the folded text (faster JIT).
    ///
    /// A character also qualifies only if every character PCRE2 matches
    /// caselessly with it folds to it (`µ` does not: its other case `Μ` folds to
    /// `μ`), so the folded text holds it wherever the original held a variant,
    /// and `\p{…}`, `[:upper:]` and `[:lower:]`, whose caseless meaning folding
    /// does not reproduce, disqualify a pattern. What still differs on folded
    /// text is what folding adds: full folding makes `ß` read as `ss` and `ﬁ`
    /// as `fi`, and the few non-ASCII characters that fold into ASCII (the
    /// Kelvin sign, `ſ`) then match ASCII items such as `s`, `\w` or `[a-z]`:
    /// the reading keywords get too.
    public static func isFoldInvariant(pattern: String, options: RegexOptions) -> Bool {
        guard let tree = RegexParser.parse(pattern, caseInsensitive: true, options: options) else { return false }
        return isFoldInvariant(tree)
    }

    /// `isFoldInvariant(pattern:options:)` for a pattern parsed case-insensitively.
    static func isFoldInvariant(_ tree: RegexSyntaxTree) -> Bool {
        !tree.hasInlineOptions && isFoldInvariant(tree.root)
    }

    // MARK: Selection

    /// Picks the final set from the root's information: the cheapest valid
    /// set, or the prefix set when it is nearly as cheap.
    static func select(_ info: LiteralInfo, startsAllowed: Bool) -> RegexPrefilter? {
        var best = LiteralSet.emptyString
        var bestLead = Lead.zero
        let candidates: [(LiteralSet?, Lead)] = [
            (info.factor, info.factorLead), (info.exact, .zero), (info.prefix, .zero), (info.suffix, info.suffixLead),
        ]
        var minimal: [(LiteralSet, (LiteralSet, Lead))] = []
        for (candidate, lead) in candidates {
            guard let candidate, candidate.cost.isFinite else { continue }
            // The candidates are often one set under several names.
            let (set, shift): (LiteralSet, Lead)
            if let known = minimal.first(where: { $0.0 === candidate }) {
                (set, shift) = known.1
            } else {
                (set, shift) = candidate.substringMinimal()
                minimal.append((candidate, (set, shift)))
            }
            if set.cost < best.cost {
                best = set
                bestLead = lead.then(shift)
            }
        }
        guard best.cost.isFinite else { return nil }
        if startsAllowed {
            let starts = info.prefix.prefixMinimal()
            if starts.cost <= LiteralCost.startPreference * best.cost + LiteralCost.startSlack,
                starts.cost <= LiteralCost.maxUseful
            {
                return RegexPrefilter(literals: starts.sortedLiterals, atMatchStart: true)
            }
        }
        guard best.cost <= LiteralCost.maxUseful else { return nil }
        return RegexPrefilter(
            literals: best.sortedLiterals, atMatchStart: false,
            prefixBytes: bestLead.bytes.isFull ? nil : bestLead.bytes, maxPrefixLength: bestLead.maxLength)
    }

    // MARK: Analysis

    static func info(_ node: RegexNode) -> LiteralInfo {
        switch node {
        case .empty, .assertion, .lookaround, .resetMatchStart:
            return .exact(.emptyString, shape: .empty)
        case .char(let c, let caseless):
            let folds = CaselessMatching.foldedVariants(of: c, caseless: caseless)
            return .exact(LiteralSet(folds), shape: ByteShape(folds))
        case .set(let cls, let caseless):
            guard let members = classMembers(cls, caseless: caseless) else {
                return .unknown(shape(node))
            }
            return .exact(members, shape: ByteShape(members))
        case .unknown, .backreference:
            return .unknown(shape(node))
        case .concat(let items):
            // Runs of characters with one fold each become one literal directly.
            var acc = LiteralInfo.exact(.emptyString, shape: .empty)
            var run: [UInt8] = []
            func flush() {
                guard !run.isEmpty else { return }
                acc = concat(acc, .exact(LiteralSet([run]), shape: ByteShape([run])))
                run = []
            }
            for item in items {
                if case .char(let c, let caseless) = item {
                    if c.isASCII {
                        let v = UInt8(c.value)
                        run.append(v &- 0x41 < 26 ? v + 0x20 : v)
                        continue
                    }
                    let folds = CaselessMatching.foldedVariants(of: c, caseless: caseless)
                    if folds.count == 1 {
                        run += folds[0]
                        continue
                    }
                }
                flush()
                acc = concat(acc, info(item))
            }
            flush()
            return acc
        case .alternation(let branches):
            return alternate(branches.map(info))
        case .repetition(let x, let lo, let hi):
            return repeated(info(x), min: lo, max: hi)
        }
    }

    /// The folded strings a class can match, or nil when there are too many
    /// (or they are not enumerated).
    static func classMembers(_ cls: RegexCharClass, caseless: Bool) -> LiteralSet? {
        guard !cls.negated, !cls.open else { return nil }
        var total = 0
        for r in cls.written + cls.implied {
            total += r.count
            if total > maxClassScan { return nil }
        }
        // ASCII members fold to ASCII (upper case to lower case, whatever the
        // case mode): a bitmap dedupes them without allocating.
        var ascii: (UInt64, UInt64) = (0, 0)
        var other = Set<[UInt8]>()
        for r in cls.written + cls.implied {
            for v in r {
                if v < 0x80 {
                    let f = v &- 0x41 < 26 ? v + 0x20 : v
                    if f < 64 { ascii.0 |= 1 << f } else { ascii.1 |= 1 << (f - 64) }
                } else if let s = Unicode.Scalar(v) {
                    for f in CaselessMatching.foldedVariants(of: s, caseless: caseless) {
                        if f.count == 1 {
                            if f[0] < 64 { ascii.0 |= 1 << f[0] } else { ascii.1 |= 1 << (f[0] - 64) }
                        } else {
                            other.insert(f)
                        }
                    }
                }
            }
        }
        guard ascii.0.nonzeroBitCount + ascii.1.nonzeroBitCount + other.count <= maxClassMembers else { return nil }
        var b = LiteralSet.Builder()
        for byte in UInt8(0)..<128 where (byte < 64 ? ascii.0 >> byte : ascii.1 >> (byte - 64)) & 1 == 1 {
            withUnsafeBytes(of: byte) { b.append($0.bindMemory(to: UInt8.self)) }
        }
        for f in other.sorted(by: { $0.lexicographicallyPrecedes($1) }) { f.withUnsafeBufferPointer { b.append($0) } }
        return b.ends.isEmpty ? nil : b.build()
    }

    /// The information for `ab`. Beside the literal sets it tracks where a
    /// suffix or factor occurrence sits in a match (`Lead`): a literal found
    /// in the `b` part has all of the `a` part before it.
    static func concat(_ a: LiteralInfo, _ b: LiteralInfo) -> LiteralInfo {
        if a.exact?.isEmptyStringOnly == true { return b }
        if b.exact?.isEmptyStringOnly == true { return a }
        var r = LiteralInfo.unknown(a.shape.then(b.shape))
        if let ae = a.exact, let be = b.exact { r.exact = LiteralSet.cross(ae, be) }
        // Every match starts with a match of `a`: its exact set extended by
        // b's prefixes, or the exact set alone when that is cheaper.
        if let ae = a.exact {
            let extended = b.prefix === b.exact ? r.exact : LiteralSet.cross(ae, b.prefix)
            r.prefix = LiteralSet.cheapest([extended, ae])
        } else {
            r.prefix = a.prefix
        }
        // A suffix of `a` is where a's suffix occurrence is; the `b` part
        // starts after all of `a`.
        let aSuffixLead = a.suffix === a.exact ? Lead.zero : a.suffixLead
        let bStart = Lead.zero.after(a.shape)
        if let be = b.exact {
            let extended = a.suffix === a.exact ? r.exact : LiteralSet.cross(a.suffix, be)
            let k = LiteralSet.cheapestIndex([extended, be])!
            r.suffix = k == 0 ? extended! : be
            r.suffixLead = k == 0 ? aSuffixLead : bStart
        } else {
            r.suffix = b.suffix
            r.suffixLead = b.suffixLead.after(a.shape)
        }
        // In a match of `ab` the end of the `a` part runs into the start of the `b` part.
        let joined = a.suffix === a.exact && b.prefix === b.exact ? r.exact : LiteralSet.cross(a.suffix, b.prefix)
        let factors: [(LiteralSet?, Lead)] = [
            (a.factor, a.factorLead), (b.factor, b.factorLead.after(a.shape)), (joined, aSuffixLead), (r.exact, .zero),
            (r.prefix, .zero), (r.suffix, r.suffixLead),
        ]
        let k = LiteralSet.cheapestIndex(factors.map(\.0))
        r.factor = k.map { factors[$0].0! } ?? .emptyString
        r.factorLead = k.map { factors[$0].1 } ?? .zero
        r.settle()
        return r
    }

    static func alternate(_ branches: [LiteralInfo]) -> LiteralInfo {
        var r = LiteralInfo.unknown(ByteShape.either(branches.map(\.shape)))
        if branches.allSatisfy({ $0.exact != nil }) {
            r.exact = LiteralSet.union(branches.map { $0.exact! }, keepingEmpty: true)
        }
        r.prefix = LiteralSet.union(branches.map(\.prefix))?.prefixMinimal()
            ?? LiteralSet.shrinkingPrefixes(branches.map(\.prefix))
        let suffixLead = Lead.either(branches.map { $0.suffix === $0.exact ? .zero : $0.suffixLead })
        if let u = LiteralSet.union(branches.map(\.suffix)) {
            r.suffix = u
            r.suffixLead = suffixLead
        } else {
            let (cut, shift) = LiteralSet.shrinkingSuffixes(branches.map(\.suffix))
            r.suffix = cut
            r.suffixLead = suffixLead.then(shift)
        }
        let factors: [(LiteralSet?, Lead)] = [
            (LiteralSet.union(branches.map(\.factor)), Lead.either(branches.map(\.factorLead))), (r.exact, .zero),
            (r.prefix, .zero), (r.suffix, r.suffixLead),
        ]
        let k = LiteralSet.cheapestIndex(factors.map(\.0))
        r.factor = k.map { factors[$0].0! } ?? .emptyString
        r.factorLead = k.map { factors[$0].1 } ?? .zero
        r.settle()
        return r
    }

    static func repeated(_ x: LiteralInfo, min lo: Int, max hi: Int?) -> LiteralInfo {
        if hi == 0 { return .exact(.emptyString, shape: .empty) }
        let shape = x.shape.repeated(min: lo, max: hi)
        // The exact set of x{lo,hi}: the union of x^k for k in lo...hi, when small.
        var exact: LiteralSet? = nil
        if let xe = x.exact, let hi, hi <= maxExactRepeat {
            var power: LiteralSet? = .emptyString
            var parts: [LiteralSet] = []
            for k in 0...hi {
                guard let p = power else { break }
                if k >= lo { parts.append(p) }
                if k < hi { power = LiteralSet.cross(p, xe) }
            }
            if power != nil { exact = LiteralSet.union(parts, keepingEmpty: true) }
        }
        if lo == 0 {
            let e = exact ?? .emptyString
            var r = LiteralInfo.unknown(shape)
            r.exact = exact
            r.prefix = e
            r.suffix = e
            r.suffixLead = exact == nil ? r.suffixLead : .zero
            return r
        }
        // Every match of x{lo,hi} starts with, ends with and contains a match
        // of x^k for k ≤ lo. A factor of x^k lies in the first k copies, where
        // it lay in x^k alone; a suffix lies in the last k copies, after up to
        // hi - k others.
        let copies = Swift.min(lo, maxRepeatCopies)
        var r = x
        for _ in 1..<copies { r = concat(r, x) }
        if lo > maxRepeatCopies || hi != lo {
            let before = x.shape.repeated(min: 0, max: hi.map { $0 - copies })
            r.suffixLead = (r.suffix === r.exact ? Lead.zero : r.suffixLead).after(before)
            r.exact = exact
        }
        r.shape = shape
        r.settle()
        return r
    }

    static func isFoldInvariant(_ node: RegexNode) -> Bool {
        switch node {
        case .char(let c, _):
            return CaselessMatching.isFoldFixedPoint(c)
        case .set(let cls, _):
            guard !cls.caseDependent else { return false }
            var total = 0
            for r in cls.written {
                total += r.count
                if total > 4096 { return false }
                for v in r {
                    guard let s = Unicode.Scalar(v) else { continue }
                    if !CaselessMatching.isFoldFixedPoint(s) { return false }
                }
            }
            return true
        case .lookaround(let body):
            return isFoldInvariant(body)
        case .concat(let items), .alternation(let items):
            return items.allSatisfy(isFoldInvariant)
        case .repetition(let x, _, _):
            return isFoldInvariant(x)
        case .empty, .unknown, .assertion, .resetMatchStart, .backreference:
            return true
        }
    }
}

/// What is known about the strings a node matches; see `RegexLiteralAnalysis`.
/// `.emptyString` as a prefix, suffix or factor set means "no information".
///
/// `suffixLead` and `factorLead` say where an occurrence of the suffix or
/// factor set sits in a match: some occurrence has only `Lead.bytes` before
/// it, at most `Lead.maxLength` of them (a prefix or exact occurrence sits
/// at the start). `shape` describes the whole match.
struct LiteralInfo: Sendable {
    var exact: LiteralSet?
    var prefix: LiteralSet
    var suffix: LiteralSet
    var factor: LiteralSet
    var suffixLead = Lead.zero
    var factorLead = Lead.zero
    var shape: ByteShape

    static func unknown(_ shape: ByteShape) -> LiteralInfo {
        LiteralInfo(
            exact: nil, prefix: .emptyString, suffix: .emptyString, factor: .emptyString,
            suffixLead: Lead.zero.after(shape), shape: shape)
    }

    /// A suffix set holding the empty string (say, "no information") still
    /// takes part in concatenations, where `cross` treats its empty member as
    /// an occurrence at the very end of the match: its lead is then the
    /// whole match. (An exact set has every match as a member, empty ones
    /// included, so its lead stays zero.)
    mutating func settle() {
        if suffix.containsEmpty && suffix !== exact { suffixLead = Lead.zero.after(shape) }
    }

    static func exact(_ e: LiteralSet, shape: ByteShape) -> LiteralInfo {
        LiteralInfo(exact: e, prefix: e, suffix: e, factor: e, shape: shape)
    }
}

/// A set of distinct folded literals, in a deterministic order, with its
/// cost. Every operation stays within `RegexLiteralAnalysis.maxLiterals`.
///
/// The literals are stored back to back in one buffer, and a set is an
/// immutable shared object: an analysis builds thousands of small sets, and
/// one allocation per set (rather than one per literal) keeps a pack of ten
/// thousand regexes well under a second.
final class LiteralSet: Sendable {
    /// The literals, back to back.
    let bytes: [UInt8]
    /// The end offset of each literal in `bytes`.
    let ends: [Int]
    /// The estimated frequency of each literal (`LiteralCost`).
    let frequencies: [Double]
    /// Whether all literals have the same length: concatenations with such
    /// a set cannot collide, so they need no duplicate check.
    let uniformLength: Bool
    /// Whether the empty string is a member.
    let containsEmpty: Bool
    /// `LiteralCost.of` this set: infinite when it is empty, over the bound
    /// or holds the empty string.
    let cost: Double

    /// `ends` and `frequencies` describe `bytes`; the literals must be distinct.
    init(bytes: [UInt8], ends: [Int], frequencies: [Double]) {
        self.bytes = bytes
        self.ends = ends
        self.frequencies = frequencies
        var uniform = true
        var hasEmpty = false
        var previous = 0
        var total = 0.0
        for (k, e) in ends.enumerated() {
            let n = e - previous
            if n == 0 { hasEmpty = true }
            if k > 0 && n != ends[0] { uniform = false }
            previous = e
            total += frequencies[k] + LiteralCost.perLiteral
        }
        uniformLength = uniform
        containsEmpty = hasEmpty
        cost = hasEmpty || ends.isEmpty || ends.count > RegexLiteralAnalysis.maxLiterals ? .infinity : total
    }

    /// A set of distinct literals.
    convenience init<S: Sequence>(_ literals: S) where S.Element == [UInt8] {
        var b = Builder()
        for lit in literals { lit.withUnsafeBufferPointer { b.append($0) } }
        self.init(bytes: b.bytes, ends: b.ends, frequencies: b.frequencies)
    }

    static let emptyString = LiteralSet([[]])
    static var maxLiterals: Int { RegexLiteralAnalysis.maxLiterals }

    var count: Int { ends.count }
    var isEmptyStringOnly: Bool { ends == [0] }

    func range(_ k: Int) -> Range<Int> { (k == 0 ? 0 : ends[k - 1])..<ends[k] }
    func literal(_ k: Int) -> [UInt8] { Array(bytes[range(k)]) }
    var literals: [[UInt8]] { (0..<count).map(literal) }
    var sortedLiterals: [[UInt8]] { literals.sorted { $0.lexicographicallyPrecedes($1) } }

    /// Accumulates literals for a new set.
    struct Builder {
        var bytes: [UInt8] = []
        var ends: [Int] = []
        var frequencies: [Double] = []

        mutating func append(_ lit: UnsafeBufferPointer<UInt8>) {
            bytes.append(contentsOf: lit)
            ends.append(bytes.count)
            frequencies.append(LiteralCost.frequency(lit))
        }

        /// Appends the concatenation `x + y`, whose frequency is the product.
        mutating func append(_ x: UnsafeBufferPointer<UInt8>, _ y: UnsafeBufferPointer<UInt8>, frequency: Double) {
            bytes.append(contentsOf: x)
            bytes.append(contentsOf: y)
            ends.append(bytes.count)
            frequencies.append(frequency)
        }

        func build() -> LiteralSet { LiteralSet(bytes: bytes, ends: ends, frequencies: frequencies) }

        /// Appends `x + y` unless it is in already, looking it up in `index`
        /// (which must hold every literal appended so far); returns whether
        /// it was new.
        mutating func appendIfNew(
            _ x: UnsafeBufferPointer<UInt8>, _ y: UnsafeBufferPointer<UInt8>, frequency: Double,
            index: inout LiteralIndex
        ) -> Bool {
            var h: UInt64 = 0xcbf2_9ce4_8422_2325
            for b in x { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
            for b in y { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
            let n = x.count + y.count
            var slot = Int(truncatingIfNeeded: h ^ (h >> 29)) & index.mask
            let found: Bool = bytes.withUnsafeBufferPointer { all in
                while index.slots[slot] >= 0 {
                    let k = Int(index.slots[slot])
                    let start = k == 0 ? 0 : ends[k - 1]
                    if ends[k] - start == n,
                        UnsafeBufferPointer(rebasing: all[start..<(start + x.count)]).elementsEqual(x),
                        UnsafeBufferPointer(rebasing: all[(start + x.count)..<ends[k]]).elementsEqual(y)
                    {
                        return true
                    }
                    slot = (slot + 1) & index.mask
                }
                return false
            }
            if found { return false }
            index.insert(Int32(ends.count), at: slot)
            append(x, y, frequency: frequency)
            return true
        }

        /// Whether `lit` is already in (a linear scan, for small sets).
        func contains(_ lit: UnsafeBufferPointer<UInt8>) -> Bool {
            var start = 0
            for e in ends {
                if e - start == lit.count, bytes[start..<e].elementsEqual(lit) { return true }
                start = e
            }
            return false
        }
    }

    /// An open-addressing hash index over a `Builder`'s literals, for
    /// duplicate checks. It hashes the bytes where they lie (FNV-1a);
    /// `Set<[UInt8]>` needed an array per candidate and hashed it byte by
    /// byte through `Hasher`, which made deduplication the largest single
    /// cost of compiling a pack of several hundred regexes.
    struct LiteralIndex {
        var slots: [Int32]
        let mask: Int
        var count = 0

        /// Room for `n` literals at most half full.
        init(capacity n: Int) {
            var size = 16
            while size < 2 * n { size <<= 1 }
            slots = [Int32](repeating: -1, count: size)
            mask = size - 1
        }

        mutating func insert(_ literal: Int32, at slot: Int) {
            slots[slot] = literal
            count += 1
        }
    }

    /// Every concatenation of one string of `a` and one of `b`; nil when
    /// that could exceed the bound.
    static func cross(_ a: LiteralSet, _ b: LiteralSet) -> LiteralSet? {
        if a.isEmptyStringOnly { return b }
        if b.isEmptyStringOnly { return a }
        guard a.count * b.count <= maxLiterals else { return nil }
        let distinct = a.uniformLength || b.uniformLength
        var index = LiteralIndex(capacity: distinct ? 0 : a.count * b.count)
        var out = Builder()
        out.bytes.reserveCapacity(a.bytes.count * b.count + b.bytes.count * a.count)
        out.ends.reserveCapacity(a.count * b.count)
        out.frequencies.reserveCapacity(a.count * b.count)
        a.bytes.withUnsafeBufferPointer { ab in
            b.bytes.withUnsafeBufferPointer { bb in
                for i in 0..<a.count {
                    let x = UnsafeBufferPointer(rebasing: ab[a.range(i)])
                    for j in 0..<b.count {
                        let y = UnsafeBufferPointer(rebasing: bb[b.range(j)])
                        let frequency = a.frequencies[i] * b.frequencies[j]
                        if distinct {
                            out.append(x, y, frequency: frequency)
                        } else {
                            _ = out.appendIfNew(x, y, frequency: frequency, index: &index)
                        }
                    }
                }
            }
        }
        return out.build()
    }

    /// The union of the sets, or nil over the bound. For prefix, suffix and
    /// factor sets (`keepingEmpty` false) a set with the empty string says
    /// nothing, and so does the union. Exact sets keep the empty string as a
    /// member like any other.
    static func union(_ sets: [LiteralSet], keepingEmpty: Bool = false) -> LiteralSet? {
        if !keepingEmpty, sets.contains(where: \.containsEmpty) { return .emptyString }
        if sets.count == 1 { return sets[0].count <= maxLiterals ? sets[0] : nil }
        let total = sets.reduce(0) { $0 + $1.count }
        if total > 4 * maxLiterals { return nil }
        var out = Builder()
        // Small unions dedupe by comparing against what is already in; large ones hash.
        var index = LiteralIndex(capacity: total > 32 ? total : 0)
        let none = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
        for set in sets {
            set.bytes.withUnsafeBufferPointer { sb in
                for k in 0..<set.count {
                    let lit = UnsafeBufferPointer(rebasing: sb[set.range(k)])
                    if total > 32 {
                        _ = out.appendIfNew(lit, none, frequency: set.frequencies[k], index: &index)
                    } else if !out.contains(lit) {
                        out.append(lit, none, frequency: set.frequencies[k])
                    }
                }
            }
            if out.ends.count > maxLiterals { return nil }
        }
        return out.build()
    }

    /// Drops every literal that starts with another one: a match starting
    /// with the longer one starts with the shorter one too. The result is in
    /// byte order.
    func prefixMinimal() -> LiteralSet {
        if uniformLength { return self }
        return bytes.withUnsafeBufferPointer { all in
            let order = (0..<count).sorted {
                UnsafeBufferPointer(rebasing: all[range($0)]).lexicographicallyPrecedes(
                    UnsafeBufferPointer(rebasing: all[range($1)]))
            }
            var out = Builder()
            var last: UnsafeBufferPointer<UInt8>? = nil
            for k in order {
                let lit = UnsafeBufferPointer(rebasing: all[range(k)])
                if let last, lit.starts(with: last) { continue }
                out.append(lit, UnsafeBufferPointer(start: nil, count: 0), frequency: frequencies[k])
                last = lit
            }
            return out.build()
        }
    }

    /// Drops every literal that contains another one. A match holding a
    /// dropped literal holds the kept one a little later: the returned
    /// `Lead` covers the bytes of the dropped literal before it. The result
    /// is ordered by length.
    func substringMinimal() -> (LiteralSet, Lead) {
        if uniformLength { return (self, .zero) }
        return bytes.withUnsafeBufferPointer { all in
            // By length, then position: one integer sort, not a closure per comparison.
            let byLength = (0..<count).map { UInt64(range($0).count) << 32 | UInt64($0) }.sorted().map {
                Int($0 & 0xFFFF_FFFF)
            }
            // Kept literals, indexed by their first two bytes (one-byte ones
            // by their byte), so that each literal is checked against those
            // that can start at each of its positions rather than against
            // every kept literal: sets of a few hundred literals made the
            // pairwise scan a seventh of compiling the shipped packs.
            var kept: [Int] = []
            var oneByte = [Int32](repeating: -1, count: 256)  // byte -> position in `kept`
            let buckets = 512
            var head = [Int32](repeating: -1, count: buckets)  // hash of two bytes -> position in `kept`
            var next: [Int32] = []  // position in `kept` -> next in its bucket
            func bucket(_ a: UInt8, _ b: UInt8) -> Int { (Int(a) &* 31 &+ Int(b)) & (buckets - 1) }
            var shift = Lead.zero
            // An empty literal sorts first and is in every longer one, at 0.
            let emptyKept = byLength.first.map { range($0).isEmpty } ?? false
            for k in byLength {
                let lit = UnsafeBufferPointer(rebasing: all[range(k)])
                // The first kept literal (in kept order) that occurs in `lit`, at its first occurrence.
                var best = emptyKept && !lit.isEmpty ? Int32(0) : Int32.max
                var bestAt = 0
                for p in 0..<lit.count where best != 0 {
                    let single = oneByte[Int(lit[p])]
                    if single >= 0 && single < best && lit.count > 1 {
                        best = single
                        bestAt = p
                    }
                    guard p + 1 < lit.count else { continue }
                    var j = head[bucket(lit[p], lit[p + 1])]
                    while j >= 0 {
                        if j < best {
                            let shorter = UnsafeBufferPointer(rebasing: all[range(kept[Int(j)])])
                            if shorter.count < lit.count, p + shorter.count <= lit.count,
                                memcmp(shorter.baseAddress!, lit.baseAddress! + p, shorter.count) == 0
                            {
                                best = j
                                bestAt = p
                            }
                        }
                        j = next[Int(j)]
                    }
                }
                if best != Int32.max {
                    // Lead.either of the two, without building an array for it.
                    shift.bytes.formUnion(ByteSet(lit[..<bestAt]).wholeCharacters)
                    shift.maxLength = shift.maxLength.map { Swift.max($0, bestAt) }
                    continue
                }
                let position = Int32(kept.count)
                kept.append(k)
                next.append(-1)
                if lit.count == 1 {
                    oneByte[Int(lit[0])] = position
                } else if lit.count > 1 {
                    let h = bucket(lit[0], lit[1])
                    next[Int(position)] = head[h]
                    head[h] = position
                }
            }
            if kept.count == count && kept.indices.allSatisfy({ kept[$0] == $0 }) { return (self, shift) }
            var out = Builder()
            for k in kept {
                out.append(UnsafeBufferPointer(rebasing: all[range(k)]), UnsafeBufferPointer(start: nil, count: 0), frequency: frequencies[k])
            }
            return (out.build(), shift)
        }
    }

    static func firstIndex(of needle: UnsafeBufferPointer<UInt8>, in haystack: UnsafeBufferPointer<UInt8>) -> Int? {
        if needle.isEmpty { return 0 }
        if needle.count > haystack.count { return nil }
        // memchr for the first byte, memcmp for the rest (Glibc's memmem is
        // not exported to Swift without _GNU_SOURCE).
        let h = UnsafeRawPointer(haystack.baseAddress!)
        let n = needle.count
        let last = haystack.count - n
        var i = 0
        while i <= last {
            guard let hit = memchr(h + i, Int32(needle[0]), last - i + 1) else { return nil }
            let at = h.distance(to: UnsafeRawPointer(hit))
            if memcmp(hit, needle.baseAddress!, n) == 0 { return at }
            i = at + 1
        }
        return nil
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        firstIndex(of: needle, in: haystack) != nil
    }

    static func firstIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        needle.withUnsafeBufferPointer { n in haystack.withUnsafeBufferPointer { h in firstIndex(of: n, in: h) } }
    }

    /// Brings a union of prefix sets under the bound by cutting every
    /// literal to its first k bytes (at a character boundary), for the
    /// largest k that fits: a prefix of a prefix is still a prefix.
    static func shrinkingPrefixes(_ sets: [LiteralSet]) -> LiteralSet {
        shrinking(sets) { lit, k in
            var n = Swift.min(k, lit.count)
            while n > 0, n < lit.count, lit[n] & 0xC0 == 0x80 { n -= 1 }
            return Array(lit[..<n])
        }.0
    }

    /// Like `shrinkingPrefixes`, keeping the last k bytes. An occurrence of a
    /// cut literal starts later than the whole one did: the returned `Lead`
    /// covers what was cut off.
    static func shrinkingSuffixes(_ sets: [LiteralSet]) -> (LiteralSet, Lead) {
        func cutStart(_ lit: [UInt8], _ k: Int) -> Int {
            var start = Swift.max(0, lit.count - k)
            while start < lit.count, lit[start] & 0xC0 == 0x80 { start += 1 }
            return start
        }
        let (cut, k) = shrinking(sets) { lit, k in Array(lit[cutStart(lit, k)...]) }
        if cut.isEmptyStringOnly { return (cut, .zero) }
        var shift = Lead.zero
        for set in sets {
            for lit in set.literals where lit.count > k {
                let start = cutStart(lit, k)
                shift = Lead.either([shift, Lead(bytes: ByteSet(lit[..<start]).wholeCharacters, maxLength: start)])
            }
        }
        return (cut, shift)
    }

    /// The literals cut by `cut` to the largest length `k` that fits the
    /// bound, and that `k` (0 for the empty string).
    private static func shrinking(_ sets: [LiteralSet], cut: ([UInt8], Int) -> [UInt8]) -> (LiteralSet, Int) {
        let all = sets.flatMap(\.literals)
        if all.contains(where: \.isEmpty) { return (.emptyString, 0) }
        var k = Swift.min(all.map(\.count).max() ?? 0, 16)
        while k > 0 {
            var seen = Set<[UInt8]>()
            var out: [[UInt8]] = []
            for lit in all {
                let c = cut(lit, k)
                if c.isEmpty { return (.emptyString, 0) }
                if seen.insert(c).inserted { out.append(c) }
                if out.count > maxLiterals { break }
            }
            if out.count <= maxLiterals { return (LiteralSet(out), k) }
            k -= 1
        }
        return (.emptyString, 0)
    }

    /// The position of the cheapest of the candidates (the first on ties);
    /// nil when all are nil.
    static func cheapestIndex(_ candidates: [LiteralSet?]) -> Int? {
        var best: Int? = nil
        for (k, c) in candidates.enumerated() {
            guard let c else { continue }
            if best == nil || c.cost < candidates[best!]!.cost { best = k }
        }
        return best
    }

    /// The cheapest of the candidates (the first on ties); the empty string
    /// when there is none.
    static func cheapest(_ candidates: [LiteralSet?]) -> LiteralSet {
        var best: LiteralSet? = nil
        for case let c? in candidates where best == nil || c.cost < best!.cost {
            best = c
        }
        return best ?? .emptyString
    }
}

/// The expected-frequency cost of literal sets.
enum LiteralCost {
    /// Per-literal overhead: one more pattern in the automaton, one more hit
    /// to route. It keeps a literal from being expanded a hundredfold for a
    /// negligible drop in expected frequency.
    static let perLiteral = 1e-6
    /// No prefilter when the chosen set costs more than this: the literals
    /// would be present in most incidents anyway.
    static let maxUseful = 0.0025
    /// The prefix set wins when it costs at most `startPreference` times the
    /// best set plus `startSlack`.
    static let startPreference = 2.0
    static let startSlack = 4e-6

    /// Estimated frequency of each byte in folded English and log text (the
    /// fraction of bytes equal to it). Upper-case ASCII never occurs in folded
    /// text; bytes 0x80-0xFF are UTF-8 of non-English text.
    static let byteFrequency: [Double] = {
        var f = [Double](repeating: 1e-6, count: 256)  // control characters
        let table: [(String, Double)] = [
            (" ", 0.14), ("e", 0.085), ("t", 0.065), ("a", 0.06), ("o", 0.058), ("i", 0.055), ("n", 0.055),
            ("s", 0.052), ("r", 0.05), ("l", 0.033), ("h", 0.032), ("d", 0.03), ("c", 0.027), ("u", 0.022),
            ("m", 0.021), ("p", 0.018), ("f", 0.016), ("g", 0.016), ("y", 0.013), ("w", 0.012), ("b", 0.011),
            ("v", 0.008), ("k", 0.007), ("x", 0.003), ("j", 0.0015), ("q", 0.001), ("z", 0.001),
            ("0", 0.009), ("1", 0.008), ("2", 0.007), ("3", 0.005), ("4", 0.005), ("5", 0.005), ("6", 0.005),
            ("7", 0.005), ("8", 0.005), ("9", 0.005),
            ("\n", 0.01), ("\t", 0.002), ("\r", 0.001),
            (".", 0.012), (",", 0.008), ("-", 0.006), (":", 0.004), ("/", 0.004), ("\"", 0.003), ("_", 0.002),
            ("'", 0.002), ("(", 0.002), (")", 0.002), ("=", 0.002), ("[", 0.001), ("]", 0.001), (";", 0.001),
            (">", 0.0006), ("<", 0.0006), ("?", 0.0006), ("!", 0.0005), ("*", 0.0004), ("+", 0.0004),
            ("{", 0.0003), ("}", 0.0003), ("&", 0.0003), ("#", 0.0003), ("@", 0.0003), ("%", 0.0003),
            ("|", 0.0002), ("$", 0.0002), ("\\", 0.0002), ("~", 0.0001), ("^", 0.0001), ("`", 0.0001),
        ]
        for (chars, p) in table {
            for b in chars.utf8 { f[Int(b)] = p }
        }
        for b in 0x41...0x5A { f[b] = 1e-7 }
        for b in 0x80...0xBF { f[b] = 0.0005 }  // continuation bytes
        for b in 0xC2...0xDF { f[b] = 0.0003 }
        for b in 0xE0...0xEF { f[b] = 0.0002 }
        for b in 0xF0...0xF4 { f[b] = 0.00003 }
        for b in [0xC0, 0xC1] + Array(0xF5...0xFF) { f[b] = 1e-7 }  // never in UTF-8
        return f
    }()

    /// Expected occurrences per byte of text of any literal of the set, plus
    /// the per-literal overhead; infinite for a set that says nothing (empty,
    /// holding the empty string, over the bound).
    static func of(_ set: [[UInt8]]) -> Double { LiteralSet(Set(set)).cost }

    /// A literal's estimated frequency: the product of its bytes' frequencies.
    static func frequency(_ lit: UnsafeBufferPointer<UInt8>) -> Double {
        var p = 1.0
        for b in lit { p *= byteFrequency[Int(b)] }
        return p
    }
}

/// Which characters PCRE2 matches with a given one when matching caselessly
/// in UTF mode, and what they fold to.
///
/// PCRE2 pairs characters through the Unicode simple case mappings and the
/// simple case folding (its "caseless sets": `k`, `K` and the Kelvin sign;
/// `µ`, `Μ` and `μ`; `в` and `ᲀ`). Those do not all fold alike under
/// `CaseFolding` (`µ` is unchanged, `Μ` becomes `μ`), so a caseless character
/// stands for the folds of all its variants. The groups are the connected
/// components of the graph linking each cased character to its single-scalar
/// lower, upper and title case mappings, which contains every PCRE2 pair (a
/// superset is harmless: it only adds literals), plus three pairs that
/// Unicode 15 made caseless equivalents of each other.
enum CaselessMatching {
    /// The folded UTF-8 of every character `c` matches (just `fold(c)` when
    /// matching case-sensitively).
    static func foldedVariants(of c: Unicode.Scalar, caseless: Bool) -> [[UInt8]] {
        if c.isASCII || !caseless {
            // ASCII letters pair only with each other, the Kelvin sign and
            // long s, which all fold to the ASCII lower case.
            var out: [UInt8] = []
            CaseFolding.appendFolded(c, to: &out)
            return [out]
        }
        guard let group = groups[c.value] else {
            var out: [UInt8] = []
            CaseFolding.appendFolded(c, to: &out)
            return [out]
        }
        var folds = Set<[UInt8]>()
        for v in group {
            var out: [UInt8] = []
            CaseFolding.appendFolded(Unicode.Scalar(v)!, to: &out)
            folds.insert(out)
        }
        return folds.sorted { $0.lexicographicallyPrecedes($1) }
    }

    /// Whether `c` is its own fold and every caseless variant folds to it.
    static func isFoldFixedPoint(_ c: Unicode.Scalar) -> Bool {
        // ASCII: only A-Z fold to something else (the Kelvin sign and long s
        // fold *to* k and s, which stay themselves). Most patterns are ASCII,
        // and the general path allocates for every character.
        if c.isASCII { return !(c.value >= 0x41 && c.value <= 0x5A) }
        switch CaseFolding.foldTable.lookup(c.value) {
        case .same: break
        case .single(let f) where f == c: break
        default: return false
        }
        // Its own fold; then every variant must fold to it too.
        guard groups[c.value] != nil else { return true }
        let own = Array(String(c).utf8)
        return foldedVariants(of: c, caseless: true) == [own]
    }

    /// Non-ASCII characters that have case variants, mapped to their group
    /// (`groupTable`).
    static let groups: [UInt32: [UInt32]] = {
        var out: [UInt32: [UInt32]] = [:]
        out.reserveCapacity(3000)
        var group: [UInt32] = []
        for v in groupTable {
            guard v == 0 else {
                group.append(v)
                continue
            }
            for m in group where m >= 0x80 { out[m] = group }
            group.removeAll()
        }
        return out
    }()
}
