/// `shadowed-keyword`: a keyword or phrase that adds nothing to its
/// alternatives, because another alternative matches wherever it does.
///
/// In `any: [database, "database connection"]` every text that holds
/// "database connection" also holds "database" as a whole word, so the
/// longer keyword never changes the outcome. The check looks at the
/// alternatives of each `any` (lists and macros written out) and of each
/// `none`, and reports a keyword or phrase when another one of the same
/// group matches inside it with its word boundaries guaranteed, in at least
/// the same fields and case mode. Exact duplicates are reported too.
/// Regexes are left out: whether one matches inside a keyword depends on
/// the text around it.
public struct ShadowedKeyword: LintCheck {
    public static let id = "shadowed-keyword"
    public static let level = LintFinding.Level.warning
    public static let summary = "A keyword or phrase is redundant: another alternative of the same group matches wherever it does."

    public init() {}

    public mutating func check(_ lr: LintRule, _ context: LintContext) -> [LintFinding] {
        guard lr.rule.enabled else { return [] }
        var out = [LintFinding]()
        for group in Self.groups(lr.condition) {
            let literals = group.filter { $0.pattern.kind != .regex }
            let candidates = Self.candidates(literals)
            var reported = Set<Int>()
            for (j, long) in literals.enumerated() {
                for i in candidates[j] where i != j && !reported.contains(j) {
                    let short = literals[i]
                    guard Self.shadows(short, long) else { continue }
                    // Two identical alternatives shadow each other: report the later one only.
                    if Self.shadows(long, short) && i > j { continue }
                    reported.insert(j)
                    let same = short.pattern.matchKey == long.pattern.matchKey && short.pattern.kind == long.pattern.kind
                    let shortAt = reference(short.location, from: long.location)
                    let message = same
                        ? "\(long.pattern.quoted) repeats \(short.pattern.quoted)\(shortAt) in the same group of alternatives"
                        : "\(long.pattern.quoted) is shadowed by \(short.pattern.quoted)\(shortAt): wherever it matches, the shorter one matches too, so it adds nothing to its group of alternatives"
                    out.append(Self.finding(message, at: long.location ?? lr.rule.location, rules: [lr.id]))
                }
            }
        }
        return out
    }

    /// The groups of alternatives: the leaves of each `any` (nested `any`s
    /// and `at_least: 1` flattened into it) and of each `none`.
    static func groups(_ c: ExpandedCondition) -> [[ConditionLeaf]] {
        var out = [[ConditionLeaf]]()
        func flatten(_ xs: [ExpandedCondition], _ leaves: inout [ConditionLeaf], _ rest: inout [ExpandedCondition]) {
            for x in xs {
                switch x {
                case .leaf(let l): leaves.append(l)
                case .any(let ys), .atLeast(1, let ys): flatten(ys, &leaves, &rest)
                default: rest.append(x)
                }
            }
        }
        func walk(_ c: ExpandedCondition) {
            switch c {
            case .leaf: break
            case .any(let xs), .none(let xs), .atLeast(1, let xs):
                var leaves = [ConditionLeaf]()
                var rest = [ExpandedCondition]()
                flatten(xs, &leaves, &rest)
                if leaves.count > 1 { out.append(leaves) }
                rest.forEach(walk)
            case .all(let xs), .atLeast(_, let xs):
                xs.forEach(walk)
            }
        }
        walk(c)
        return out
    }

    /// For each alternative, the alternatives whose text occurs inside its
    /// own (folded or not, whitespace runs as written or as one space): the
    /// only ones that can shadow it. One Aho-Corasick pass per alternative
    /// keeps a group of thousands of keywords linear instead of quadratic.
    static func candidates(_ leaves: [ConditionLeaf]) -> [[Int]] {
        var keyIndex = [[UInt8]: Int]()
        var keys = [[UInt8]]()
        var owners = [[Int]]()
        for (i, l) in leaves.enumerated() {
            let k = Array(l.pattern.matchKey.utf8)
            guard !k.isEmpty else { continue }
            if let x = keyIndex[k] {
                owners[x].append(i)
            } else {
                keyIndex[k] = keys.count
                keys.append(k)
                owners.append([i])
            }
        }
        guard !keys.isEmpty else { return leaves.map { _ in [] } }
        let automaton = AhoCorasick(literals: keys)
        return leaves.map { l in
            let folded = CaseFolding.fold(l.pattern.text)
            var found = Set<Int>()
            for hay in Set([l.pattern.text, folded, Self.singleSpaced(l.pattern.text), Self.singleSpaced(folded)]) {
                Array(hay.utf8).withUnsafeBufferPointer { buf in
                    for hit in automaton.occurrences(in: buf) { found.formUnion(owners[hit.literal]) }
                }
            }
            return found.sorted()
        }
    }

    static func singleSpaced(_ s: String) -> String {
        s.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// Whether `short` matches wherever `long` does.
    static func shadows(_ short: ConditionLeaf, _ long: ConditionLeaf) -> Bool {
        let s = short.pattern
        let l = long.pattern
        guard s.kind != .regex, l.kind != .regex, long.fields.isSubset(of: short.fields) else { return false }
        if s.caseSensitive && !l.caseSensitive { return false }
        let sText = s.matchKey
        // A keyword with whitespace needs that exact whitespace, which a phrase does not promise.
        if s.kind == .keyword && l.kind == .phrase && sText.unicodeScalars.contains(where: { $0.properties.isWhitespace }) {
            return false
        }
        var lText = s.caseSensitive ? l.text : CaseFolding.fold(l.text)
        if l.kind == .phrase || s.kind == .phrase {
            lText = lText.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        }
        let hay = Array(lText.unicodeScalars)
        let needle = Array(sText.unicodeScalars)
        guard let first = needle.first, let last = needle.last, needle.count <= hay.count else { return false }
        let needBefore = s.wholeWord && WordCharacters.isWord(first)
        let needAfter = s.wholeWord && WordCharacters.isWord(last)
        var i = 0
        while i + needle.count <= hay.count {
            defer { i += 1 }
            guard Array(hay[i..<(i + needle.count)]) == needle else { continue }
            let end = i + needle.count
            // At the edge of the long pattern, only its own boundary promises anything.
            let beforeOK = !needBefore
                || (i > 0 ? !WordCharacters.isWord(hay[i - 1]) : l.wholeWord && WordCharacters.isWord(hay[0]))
            let afterOK = !needAfter
                || (end < hay.count ? !WordCharacters.isWord(hay[end]) : l.wholeWord && WordCharacters.isWord(hay[hay.count - 1]))
            if beforeOK && afterOK { return true }
        }
        return false
    }
}
