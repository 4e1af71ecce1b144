/// One alternative of a regex: what a test has to contain for that branch
/// of the pattern to be the one that matched.
public struct RegexAlternative: Sendable, Hashable {
    /// A complete regex matching only this alternative: the branch alone,
    /// or the branch inside the group's surroundings (`(?:timeout) after`).
    public var pattern: String
    /// The branch as written (`timeout`).
    public var branch: String
    /// Where the branch starts in the original pattern, in characters.
    public var offset: Int
}

/// Splits a regex into its alternatives, for test coverage.
///
/// The alternatives are the branches of the top-level alternation
/// (`a|b|c`), or, when the pattern has none, the branches of its one
/// top-level group that has them, kept in place (`\b(?:timeout|timed out)
/// after` gives `\b(?:timeout) after` and `\b(?:timed out) after`). A group
/// that may repeat zero times, a lookaround, a branch-reset group and
/// patterns with inline option settings (which carry from one branch into the
/// next) are not split; nor is anything the regex parser does not read
/// exactly as PCRE2 does. Every alternative is checked to parse.
public enum RegexAlternatives {
    /// The alternatives of `pattern`, or nil when it has fewer than two or
    /// cannot be split safely.
    public static func split(_ pattern: String, caseSensitive: Bool = false, options: RegexOptions = []) -> [RegexAlternative]? {
        guard let tree = RegexParser.parse(pattern, caseInsensitive: !caseSensitive, options: options),
            !tree.hasInlineOptions
        else { return nil }
        let s = Array(pattern.unicodeScalars)
        guard let scan = Scan(s, extended: options.contains(.extended)) else { return nil }
        var out = [RegexAlternative]()
        func text(_ r: Range<Int>) -> String { String(String.UnicodeScalarView(s[r])) }

        let top = scan.bars.filter { $0.depth == 0 }.map(\.index)
        if !top.isEmpty {
            guard case .alternation(let branches) = tree.root, branches.count == top.count + 1 else { return nil }
            var start = 0
            for end in top + [s.count] {
                out.append(RegexAlternative(pattern: text(start..<end), branch: text(start..<end), offset: start))
                start = end + 1
            }
        } else {
            // The top-level groups whose own body has branches.
            let candidates = scan.groups.filter { g in
                g.depth == 0 && scan.bars.contains { $0.depth == 1 && $0.index > g.open && $0.index < g.close }
            }
            guard candidates.count == 1, let g = candidates.first else { return nil }
            let opener = text((g.open + 1)..<g.bodyStart)
            guard ["", "?:", "?>"].contains(opener) || isNamedCapture(opener) else { return nil }
            if mayRepeatZeroTimes(s, after: g.close) { return nil }
            let prefix = text(0..<(g.open + 1)) + opener
            let suffix = text(g.close..<s.count)
            var start = g.bodyStart
            let bars = scan.bars.filter { $0.depth == 1 && $0.index > g.open && $0.index < g.close }.map(\.index)
            for end in bars + [g.close] {
                let branch = text(start..<end)
                out.append(RegexAlternative(pattern: prefix + branch + suffix, branch: branch, offset: start))
                start = end + 1
            }
        }
        guard out.count > 1 else { return nil }
        for a in out where RegexParser.parse(a.pattern, caseInsensitive: !caseSensitive, options: options) == nil {
            return nil
        }
        return out
    }

    static func isNamedCapture(_ opener: String) -> Bool {
        (opener.hasPrefix("?<") && opener.hasSuffix(">") && !opener.hasPrefix("?<=") && !opener.hasPrefix("?<!"))
            || (opener.hasPrefix("?P<") && opener.hasSuffix(">"))
            || (opener.hasPrefix("?'") && opener.hasSuffix("'") && opener.count > 3)
    }

    /// Whether the group closing at `close` is followed by `?`, `*` or `{0…`.
    static func mayRepeatZeroTimes(_ s: [Unicode.Scalar], after close: Int) -> Bool {
        let i = close + 1
        guard i < s.count else { return false }
        switch s[i] {
        case "?", "*": return true
        case "{": return i + 1 < s.count && (s[i + 1] == "0" || s[i + 1] == ",")
        default: return false
        }
    }

    /// Where the pattern's `|`s and groups are, skipping escapes, classes,
    /// `\Q…\E`, comments and, in extended mode, `#` comments.
    struct Scan {
        struct Bar { var index: Int; var depth: Int }
        struct Group { var open: Int; var bodyStart: Int; var close: Int; var depth: Int }
        var bars: [Bar] = []
        var groups: [Group] = []

        init?(_ s: [Unicode.Scalar], extended: Bool) {
            var stack = [(open: Int, bodyStart: Int)]()
            var i = 0
            while i < s.count {
                let c = s[i]
                switch c {
                case "\\":
                    if i + 1 < s.count, s[i + 1] == "Q" {
                        i += 2
                        while i < s.count, !(s[i] == "\\" && i + 1 < s.count && s[i + 1] == "E") { i += 1 }
                        i += 2
                        continue
                    }
                    i += 2
                    continue
                case "[":
                    i = Scan.skipClass(s, from: i)
                    continue
                case "#" where extended:
                    while i < s.count, s[i] != "\n" { i += 1 }
                case "(":
                    if i + 2 < s.count, s[i + 1] == "?", s[i + 2] == "#" {
                        while i < s.count, s[i] != ")" { i += 1 }
                        i += 1
                        continue
                    }
                    // The opener: `?:`, `?<name>`, `?P<name>`, `?'name'`, `?=` …, up to the body.
                    var body = i + 1
                    if body < s.count, s[body] == "?" {
                        body += 1
                        if body < s.count, s[body] == "P" { body += 1 }
                        if body < s.count, s[body] == "<" || s[body] == "'" {
                            let close: Unicode.Scalar = s[body] == "<" ? ">" : "'"
                            if body + 1 < s.count, s[body + 1] == "=" || s[body + 1] == "!" {
                                body += 2
                            } else {
                                while body < s.count, s[body] != close { body += 1 }
                                body += 1
                            }
                        } else if body < s.count {
                            body += 1
                        }
                    }
                    stack.append((i, body))
                    i = body
                    continue
                case ")":
                    guard let open = stack.popLast() else { return nil }
                    groups.append(Group(open: open.open, bodyStart: open.bodyStart, close: i, depth: stack.count))
                case "|":
                    bars.append(Bar(index: i, depth: stack.count))
                default:
                    break
                }
                i += 1
            }
            guard stack.isEmpty else { return nil }
        }

        /// The index after the class starting at `i` (which holds `[`).
        static func skipClass(_ s: [Unicode.Scalar], from start: Int) -> Int {
            var i = start + 1
            if i < s.count, s[i] == "^" { i += 1 }
            if i < s.count, s[i] == "]" { i += 1 }
            while i < s.count {
                if s[i] == "\\" {
                    i += 2
                    continue
                }
                if s[i] == "[", i + 1 < s.count, s[i + 1] == ":" {
                    var j = i + 2
                    while j + 1 < s.count, !(s[j] == ":" && s[j + 1] == "]") , s[j] != "]" { j += 1 }
                    if j + 1 < s.count, s[j] == ":", s[j + 1] == "]" {
                        i = j + 2
                        continue
                    }
                }
                if s[i] == "]" { return i + 1 }
                i += 1
            }
            return i
        }
    }
}
