/// `catastrophic-backtracking`: a regex that can take exponential time on
/// texts that almost match.
///
/// A backtracking matcher is exponential when an unbounded repetition can
/// split the same text into iterations in many ways and something after it
/// can still fail, so every split is tried. Statically, that is:
///
/// - a **nested repetition**: an unbounded repetition whose body contains
///   another unbounded repetition, where everything else in the body either
///   may match nothing or shares characters with the inner repetition
///   (`(a+)+`, `(\w+\s?)*`, `(\d+\.?\d+)*`, but not `(\w+\s)*`);
/// - an **ambiguous alternation** under an unbounded repetition: two
///   branches that can match the same single character (`(\w|\d)+`, `(.|\s)*`);
///
/// and in both cases something after the repetition that can fail (a
/// character, an anchor, a lookaround). A repetition at the very end of the
/// pattern returns its first success and never backtracks this way.
///
/// PCRE2's match limit stops such a search, which then counts as no match and
/// a diagnostic. To confirm, the check builds a text that reaches the
/// repetition, repeats a character both ways can take, and ends in one that
/// fails; when the compiled regex hits the match limit on it the finding is
/// an error instead of a warning.
public struct CatastrophicBacktracking: LintCheck {
    public static let id = "catastrophic-backtracking"
    public static let level = LintFinding.Level.warning
    public static let summary = "A regex can backtrack exponentially (nested or ambiguous repetition followed by something that can fail); an error when PCRE2 confirms it on a crafted text."

    /// A repetition with a maximum above this counts as unbounded.
    static let largeRepeat = 8
    /// About how long the repeated part of the crafted text is.
    static let pumpLength = 30

    public init() {}

    /// What the static analysis found in one regex, and the parts of a text
    /// that would show it: what reaches the repetition, one iteration that
    /// splits ambiguously (repeated), and what follows.
    struct Hazard {
        var loop: String
        var why: String
        var prefix: String
        var unit: String
        var suffix: String
        var loopChars: CharApprox
        /// The repetition's minimum count: the text needs well over that many units.
        var minimum: Int
    }

    public mutating func finalize(_ context: LintContext) -> [LintFinding] {
        var out = [LintFinding]()
        for o in context.patternOccurrences() where o.leaf.pattern.kind == .regex {
            let p = o.leaf.pattern
            guard let tree = RegexParser.parse(p.text, caseInsensitive: !p.caseSensitive, options: p.regexOptions),
                let hazard = Self.hazards(tree.root).first
            else { continue }
            let confirmed = Self.confirm(hazard, p, context)
            var message = "\(p.quoted) may backtrack catastrophically: \(hazard.why); when what follows fails, every split is tried"
            var level = Self.level
            if let confirmed {
                message += "; confirmed: PCRE2 hits the match limit (\(context.pack.limits.matchLimit)) on a crafted \(confirmed)-character text, and such incidents silently count as no match"
                level = .error
            }
            out.append(LintFinding(level: level, check: Self.id, message: message, location: o.leaf.location, rules: o.rules))
        }
        return out
    }

    static func isLarge(_ hi: Int?) -> Bool { hi == nil || hi! > largeRepeat }

    /// Every hazard in the tree, outermost first.
    static func hazards(_ root: RegexNode) -> [Hazard] {
        var out = [Hazard]()
        /// `after`: what follows the node, up to the end of the pattern.
        func walk(_ node: RegexNode, before: String, after: [RegexNode]) {
            switch node {
            case .concat(let xs):
                var prefix = before
                for (k, x) in xs.enumerated() {
                    walk(x, before: prefix, after: Array(xs[(k + 1)...]) + after)
                    prefix += x.example
                }
            case .alternation(let xs):
                for x in xs { walk(x, before: before, after: after) }
            case .lookaround(let body):
                // A negative lookaround must rule out every way to match: treat its end as failing.
                walk(body, before: before, after: [.assertion("$")])
            case .repetition(let body, let lo, let hi):
                if isLarge(hi), after.contains(where: \.canFail),
                    var h = hazard(body, loop: node, before: before, after: after)
                {
                    h.minimum = lo
                    out.append(h)
                }
                // Inside, another iteration or what follows comes next.
                walk(body, before: before, after: [body] + after)
            default:
                break
            }
        }
        walk(root, before: "", after: [])
        return out
    }

    /// Whether the body of an unbounded repetition makes it ambiguous, given what follows it.
    static func hazard(_ body: RegexNode, loop: RegexNode, before: String, after: [RegexNode]) -> Hazard? {
        let suffix = after.map(\.example).joined()
        // Characters what follows can take back from a run: a run of those never forces every split.
        let absorbed = RegexNode.absorbed(by: after)
        for inner in nestedLoops(body) {
            guard case .repetition(let x, _, _) = inner, let pump = x.chars.subtracting(absorbed).example else { continue }
            let unit = body.example(replacing: inner, with: String(repeating: String(pump), count: 2))
            return Hazard(
                loop: loop.rendered,
                why: "\"\(loop.rendered)\" repeats \"\(inner.rendered)\", so one text splits between the two repetitions in many ways",
                prefix: before, unit: unit.isEmpty ? String(pump) : unit, suffix: suffix, loopChars: loop.chars,
                minimum: 0)
        }
        for alt in alternations(body) {
            guard case .alternation(let branches) = alt else { continue }
            for j in branches.indices {
                for i in 0..<j {
                    let common = branches[i].singles.intersection(branches[j].singles)
                    guard let pump = common.subtracting(absorbed).example else { continue }
                    return Hazard(
                        loop: loop.rendered,
                        why: "in \"\(loop.rendered)\" the branches \"\(branches[i].rendered)\" and \"\(branches[j].rendered)\" can both match \(String(reflecting: String(pump))), so a run of it splits between them in many ways",
                        prefix: before, unit: String(pump), suffix: suffix, loopChars: loop.chars, minimum: 0)
                }
            }
        }
        return nil
    }

    /// Unbounded repetitions inside `node` that a run of their own characters
    /// can reach with everything around them matching nothing or the same
    /// characters.
    static func nestedLoops(_ node: RegexNode) -> [RegexNode] {
        switch node {
        case .repetition(let x, _, let hi):
            if isLarge(hi) { return x.chars.isEmpty ? [] : [node] }
            return nestedLoops(x)
        case .concat(let xs):
            var out = [RegexNode]()
            for (k, x) in xs.enumerated() {
                for inner in nestedLoops(x) {
                    guard case .repetition(let body, _, _) = inner else { continue }
                    let c = body.chars
                    let siblingsOK = xs.indices.allSatisfy { j in j == k || xs[j].nullable || xs[j].chars.overlaps(c) }
                    if siblingsOK { out.append(inner) }
                }
            }
            return out
        case .alternation(let xs):
            return xs.flatMap(nestedLoops)
        default:
            return []
        }
    }

    /// Alternations that make up a repetition body, alone or next to parts that may match nothing.
    static func alternations(_ node: RegexNode) -> [RegexNode] {
        switch node {
        case .alternation: return [node]
        case .repetition(let x, _, let hi) where !isLarge(hi): return alternations(x)
        case .concat(let xs):
            return xs.enumerated().flatMap { k, x in
                xs.indices.allSatisfy({ $0 == k || xs[$0].nullable }) ? alternations(x) : []
            }
        default: return []
        }
    }

    /// Runs the compiled regex on a crafted text; its length when PCRE2 gives up on it.
    static func confirm(_ h: Hazard, _ spec: PatternSpec, _ context: LintContext) -> Int? {
        guard context.pack.limits.matchLimit <= 10_000_000,
            let compiled = context.compiledPattern(spec), case .regex(let index, _, _) = compiled.engine
        else { return nil }
        let program = context.compiled.regexes[index]
        let candidates: [Unicode.Scalar] = ["!", "\u{1}", " ", "#", "\n", "~", "-", "a", "0"]
        guard let killer = candidates.first(where: { !h.loopChars.contains($0.value) }) else { return nil }
        var text = h.prefix
        let units = max(2, (pumpLength + h.unit.count - 1) / h.unit.count, 3 * h.minimum)
        text += String(repeating: h.unit, count: units)
        text.unicodeScalars.append(killer)
        text += h.suffix
        let bytes = program.onFolded ? CaseFolding.foldedUTF8(text) : Array(text.utf8)
        let scratch = context.compiled.backend.makeScratch(limits: context.pack.limits)
        let result = bytes.withUnsafeBufferPointer {
            program.regex.firstMatch(in: $0, from: 0, validUTF8: true, scratch: scratch)
        }
        if case .limitExceeded = result { return text.count }
        return nil
    }
}
