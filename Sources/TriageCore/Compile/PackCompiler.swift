import Dispatch

/// Compiles a `RulePack` into a `CompiledPack`, or reports every problem in it.
///
/// Compilation is where everything that can fail fails: unknown names,
/// duplicate ids, regexes that do not compile, thresholds out of order. It
/// collects all problems before giving up, each with the place it was written,
/// so an author fixes a pack in one round trip.
///
/// What it builds, in order:
/// 1. lists and macros are inlined into each rule's condition, which is
///    flattened into an array of nodes;
/// 2. identical patterns across rules are interned once;
/// 3. keywords become literals of one Aho-Corasick automaton; each regex gets
///    its required literals (declared, or extracted by
///    `RegexLiteralAnalysis`) added to the same automaton, so one pass over the
///    text decides which regexes need to run at all;
/// 4. phrases become regexes (words joined by `\s+`) prefiltered by a word.
public struct PackCompiler: Sendable {
    public let backend: any RegexBackend
    public let limits: PackLimits

    public init(backend: any RegexBackend, limits: PackLimits = PackLimits()) {
        self.backend = backend
        self.limits = limits
    }

    /// Compiles the pack, throwing every problem found.
    public func compile(_ pack: RulePack) throws(PackErrors) -> CompiledPack {
        var b = Builder(pack: pack, backend: backend, limits: limits)
        let compiled = b.build()
        if !b.errors.isEmpty { throw PackErrors(b.errors.sorted(by: PackError.sourceOrder)) }
        return compiled!
    }

    /// Every problem in the pack, without building anything usable.
    public func check(_ pack: RulePack) -> [PackError] {
        var b = Builder(pack: pack, backend: backend, limits: limits)
        _ = b.build()
        return b.errors.sorted(by: PackError.sourceOrder)
    }

}

/// Bounds on the size of a pack, checked before anything is compiled.
///
/// The YAML loader has its own limits (`YAMLLimits`: nesting, nodes after
/// alias expansion, scalar bytes), which stop hostile documents before they
/// become a `RulePack`; these bound what reaches the compiler, from YAML or
/// from code.
public struct PackLimits: Sendable, Hashable {
    /// Most rules in a pack, enabled or not. Real packs hold hundreds; a
    /// pack of 100,000 one-keyword rules loads and compiles in 2.5 s in a
    /// debug build, so the limit is there to give a clear error long before
    /// memory runs out, not because the engine slows down.
    public var maxRules: Int

    public init(maxRules: Int = 100_000) {
        self.maxRules = maxRules
    }
}

/// The mutable state of one compilation.
private struct Builder {
    let pack: RulePack
    let backend: any RegexBackend
    let limits: PackLimits
    var errors: [PackError] = []

    var lists: [String: PatternList] = [:]
    var macros: [String: Macro] = [:]
    var agentIndex: [String: Int] = [:]

    // Interned patterns.
    var patternIndex: [PatternSpec: Int] = [:]
    var specs: [PatternSpec] = []
    var patternFields: [FieldSet] = []
    var patternRules: [[Int32]] = []

    // Condition program.
    var nodes: [ConditionNode] = []
    var children: [Int32] = []

    init(pack: RulePack, backend: any RegexBackend, limits: PackLimits) {
        self.pack = pack
        self.backend = backend
        self.limits = limits
    }

    mutating func error(_ code: PackError.Code, _ message: String, _ location: SourceLocation?) {
        errors.append(PackError(code, message, at: location))
    }

    mutating func build() -> CompiledPack? {
        // Past the limit nothing else is checked: compiling a pack that will
        // be refused anyway would only cost time and memory.
        if pack.rules.count > limits.maxRules {
            error(
                .limitExceeded,
                "the pack has \(pack.rules.count) rules, more than the limit of \(limits.maxRules); "
                    + "rule \(limits.maxRules + 1) is here", pack.rules[limits.maxRules].location)
            return nil
        }
        checkMetadata()
        indexAgents()
        indexListsAndMacros()

        var rules = [CompiledRule]()
        var seenRules: [String: SourceLocation?] = [:]
        for rule in pack.rules {
            if rule.id.isEmpty {
                error(.missingField, "rule has an empty id", rule.location)
            } else if let first = seenRules[rule.id] {
                error(
                    .duplicateRuleID,
                    "duplicate rule id \"\(rule.id)\"" + (first.map { "; first defined at \($0)" } ?? ""),
                    rule.location)
            } else {
                seenRules[rule.id] = rule.location
            }
            let compiled = compileRule(rule, index: Int32(rules.count))
            if rule.enabled, let compiled { rules.append(compiled) }
        }

        let engines = compilePatterns()
        guard errors.isEmpty, let engines else { return nil }

        // Reverse index: pattern -> rules, and rules that fire on exclusions alone.
        var start = [Int32]()
        var flat = [Int32]()
        for p in 0..<specs.count {
            start.append(Int32(flat.count))
            var seen = Set<Int32>()
            for r in patternRules[p] where seen.insert(r).inserted { flat.append(r) }
        }
        start.append(Int32(flat.count))
        let always = rules.indices.filter { canHoldWithNoMatch(rules[$0].root) }.map { Int32($0) }

        return CompiledPack(
            metadata: pack.metadata, agents: pack.agents, agentThreshold: pack.agentThreshold,
            maxAgents: pack.maxAgents, agentRelativeThreshold: pack.agentRelativeThreshold, thresholds: pack.thresholds, defaultSeverity: pack.defaultSeverity,
            limits: pack.limits, rules: rules, patterns: engines.patterns, automaton: engines.automaton,
            targetStart: engines.targetStart, targets: engines.targets, keywordChecks: engines.keywordChecks,
            regexes: engines.regexes, unconditionalRegexes: engines.unconditional, nodes: nodes, children: children,
            patternRuleStart: start, patternRules: flat, alwaysEvaluated: always, backend: backend)
    }

    // MARK: Pack-level checks

    mutating func checkMetadata() {
        let t = pack.thresholds
        var previous: (Severity, Double)?
        for s in Severity.descending {
            guard let v = t[s] else { continue }
            if !v.isFinite { error(.invalidValue, "\(s) threshold must be a finite number", t.location) }
            if let (ps, pv) = previous, !(v < pv) {
                error(
                    .thresholdsOutOfOrder,
                    "severity thresholds out of order: \(s) (\(SeverityDecision.format(v))) must be below \(ps) (\(SeverityDecision.format(pv)))",
                    t.location)
            }
            previous = (s, v)
        }
        if pack.maxAgents < 0 { error(.invalidValue, "max agents must not be negative", nil) }
        if !(0...1).contains(pack.agentRelativeThreshold) {
            error(.invalidValue, "the relative agent threshold must be between 0 and 1", nil)
        }
        if !pack.titleWeight.isFinite { error(.invalidValue, "title weight must be a finite number", nil) }
    }

    mutating func indexAgents() {
        for (i, a) in pack.agents.enumerated() {
            if a.id.isEmpty {
                error(.missingField, "agent has an empty id", a.location)
            } else if agentIndex[a.id] != nil {
                error(.duplicateDefinition, "duplicate agent \"\(a.id)\"", a.location)
            } else {
                agentIndex[a.id] = i
            }
        }
    }

    mutating func indexListsAndMacros() {
        for l in pack.lists {
            if lists[l.name] != nil {
                error(.duplicateDefinition, "duplicate list \"\(l.name)\"", l.location)
            } else {
                lists[l.name] = l
            }
            if l.patterns.isEmpty { error(.invalidValue, "list \"\(l.name)\" is empty", l.location) }
        }
        for m in pack.macros {
            if macros[m.name] != nil {
                error(.duplicateDefinition, "duplicate macro \"\(m.name)\"", m.location)
            } else {
                macros[m.name] = m
            }
        }
    }

    // MARK: Rules

    mutating func compileRule(_ rule: Rule, index: Int32) -> CompiledRule? {
        var agents = [(agent: Int, weight: Double)]()
        for aw in rule.agents {
            guard let a = agentIndex[aw.agent] else {
                error(
                    .unknownAgent,
                    "rule \"\(rule.id)\" names unknown agent \"\(aw.agent)\""
                        + Suggestions.hint(for: aw.agent, in: pack.agents.map(\.id)),
                    aw.location ?? rule.location)
                continue
            }
            if !aw.weight.isFinite { error(.invalidValue, "agent weight must be a finite number", aw.location) }
            agents.append((a, aw.weight))
        }
        if !rule.score.isFinite { error(.invalidValue, "score must be a finite number", rule.location) }
        if let f = rule.floor, let c = rule.ceiling, f > c {
            error(.invalidValue, "rule \"\(rule.id)\" has floor \(f) above its ceiling \(c)", rule.location)
        }
        if let w = rule.titleWeight, !w.isFinite {
            error(.invalidValue, "title weight must be a finite number", rule.location)
        }

        // Only enabled rules get patterns and nodes; disabled ones are still checked.
        let before = errors.count
        var positive = [CompiledRule.Leaf]()
        var negative = [CompiledRule.Leaf]()
        var expanding = [String]()
        let root = lower(
            rule.condition, ruleFields: rule.fields, rule: rule.enabled ? index : nil, negated: false,
            positive: &positive, negative: &negative, expanding: &expanding, at: rule.location)
        guard rule.enabled, errors.count == before, let root else { return nil }
        if positive.isEmpty {
            error(
                .invalidCondition,
                "rule \"\(rule.id)\" has no pattern outside a `none` condition, so it would fire on every incident",
                rule.location)
            return nil
        }
        return CompiledRule(
            id: rule.id, description: rule.description, tags: rule.tags, score: rule.score, floor: rule.floor,
            ceiling: rule.ceiling, override: rule.override, agents: agents,
            titleWeight: rule.titleWeight ?? pack.titleWeight, tests: rule.tests, location: rule.location, root: root,
            positiveLeaves: positive, negativeLeaves: negative)
    }

    /// Lowers a condition to nodes, inlining lists and macros. `rule` is nil
    /// for disabled rules (checked, not registered).
    mutating func lower(
        _ c: Condition, ruleFields: FieldSet, rule: Int32?, negated: Bool,
        positive: inout [CompiledRule.Leaf], negative: inout [CompiledRule.Leaf], expanding: inout [String],
        at location: SourceLocation?
    ) -> Int32? {
        func group(_ op: ConditionNode.Op, _ arg: Int32, _ items: [Condition], negated: Bool) -> Int32? {
            var ids = [Int32]()
            var ok = true
            for item in items {
                if let id = lower(
                    item, ruleFields: ruleFields, rule: rule, negated: negated, positive: &positive,
                    negative: &negative, expanding: &expanding, at: location)
                {
                    ids.append(id)
                } else {
                    ok = false
                }
            }
            guard ok else { return nil }
            let childStart = Int32(children.count)
            children.append(contentsOf: ids)
            nodes.append(
                ConditionNode(op: op, arg: arg, fields: [], childStart: childStart, childCount: Int32(ids.count)))
            return Int32(nodes.count - 1)
        }

        switch c {
        case .pattern(let spec, let fields):
            guard validate(spec) else { return nil }
            let f = fields ?? ruleFields
            if f.isEmpty {
                error(.invalidValue, "a pattern must look at one field at least", spec.location ?? location)
                return nil
            }
            let p = intern(spec, fields: f, rule: rule)
            let leaf = CompiledRule.Leaf(pattern: Int32(p), fields: f)
            if negated { negative.append(leaf) } else { positive.append(leaf) }
            nodes.append(ConditionNode(op: .leaf, arg: Int32(p), fields: f, childStart: 0, childCount: 0))
            return Int32(nodes.count - 1)

        case .list(let name, let fields, let loc):
            guard let list = lists[name] else {
                error(
                    .unknownList, "unknown list \"\(name)\"" + Suggestions.hint(for: name, in: lists.keys),
                    loc ?? location)
                return nil
            }
            return group(.any, 0, list.patterns.map { .pattern($0, fields: fields) }, negated: negated)

        case .macro(let name, let loc):
            guard let m = macros[name] else {
                error(
                    .unknownMacro, "unknown macro \"\(name)\"" + Suggestions.hint(for: name, in: macros.keys),
                    loc ?? location)
                return nil
            }
            if expanding.contains(name) {
                error(
                    .macroCycle, "macro \"\(name)\" refers to itself: " + (expanding + [name]).joined(separator: " -> "),
                    loc ?? location)
                return nil
            }
            expanding.append(name)
            defer { expanding.removeLast() }
            return lower(
                m.condition, ruleFields: ruleFields, rule: rule, negated: negated, positive: &positive,
                negative: &negative, expanding: &expanding, at: m.location)

        case .any(let items):
            if items.isEmpty { error(.invalidCondition, "`any` needs at least one condition", location) }
            return group(.any, 0, items, negated: negated)
        case .all(let items):
            if items.isEmpty { error(.invalidCondition, "`all` needs at least one condition", location) }
            return group(.all, 0, items, negated: negated)
        case .none(let items):
            if items.isEmpty { error(.invalidCondition, "`none` needs at least one condition", location) }
            return group(.none, 0, items, negated: !negated)
        case .atLeast(let n, let items, let loc):
            if n < 1 || n > items.count {
                error(
                    .invalidCondition,
                    "at_least \(n) of \(items.count) condition\(items.count == 1 ? "" : "s") can never be decided usefully; use 1 to \(items.count)",
                    loc ?? location)
                return nil
            }
            return group(.atLeast, Int32(n), items, negated: negated)
        }
    }

    mutating func validate(_ spec: PatternSpec) -> Bool {
        switch spec.kind {
        case .keyword:
            if spec.text.isEmpty {
                error(.invalidPattern, "empty keyword", spec.location)
                return false
            }
        case .phrase:
            if phraseWords(spec.text).isEmpty {
                error(.invalidPattern, "a phrase needs at least one word", spec.location)
                return false
            }
        case .regex:
            if spec.text.isEmpty {
                error(.invalidPattern, "empty regex", spec.location)
                return false
            }
            if let p = spec.prefilter, p.isEmpty || p.contains(where: \.isEmpty) {
                error(.invalidPattern, "prefilter literals must be non-empty strings", spec.location)
                return false
            }
        }
        return true
    }

    mutating func intern(_ spec: PatternSpec, fields: FieldSet, rule: Int32?) -> Int {
        let p: Int
        if let existing = patternIndex[spec] {
            p = existing
        } else {
            p = specs.count
            patternIndex[spec] = p
            specs.append(spec)
            patternFields.append([])
            patternRules.append([])
        }
        if let rule {
            patternFields[p].formUnion(fields)
            patternRules[p].append(rule)
        }
        return p
    }

    func canHoldWithNoMatch(_ node: Int32) -> Bool {
        let n = nodes[Int(node)]
        let kids = (0..<Int(n.childCount)).map { children[Int(n.childStart) + $0] }
        switch n.op {
        case .leaf: return false
        case .any: return kids.contains { canHoldWithNoMatch($0) }
        case .all: return kids.allSatisfy { canHoldWithNoMatch($0) }
        case .none: return true
        case .atLeast: return kids.filter { canHoldWithNoMatch($0) }.count >= Int(n.arg)
        }
    }

    // MARK: Patterns

    struct Engines {
        var patterns: [CompiledPattern]
        var automaton: AhoCorasick
        var targetStart: [Int32]
        var targets: [UInt32]
        var keywordChecks: [KeywordCheck]
        var regexes: [RegexProgram]
        var unconditional: [Int32]
    }

    mutating func compilePatterns() -> Engines? {
        var literalIndex: [[UInt8]: Int] = [:]
        var literals: [[UInt8]] = []
        var literalTargets: [[UInt32]] = []
        func literal(_ bytes: [UInt8]) -> Int {
            if let l = literalIndex[bytes] { return l }
            literalIndex[bytes] = literals.count
            literals.append(bytes)
            literalTargets.append([])
            return literals.count - 1
        }

        var compiled = [CompiledPattern]()
        var checks = [KeywordCheck]()
        var regexes = [RegexProgram]()
        var unconditional = [Int32]()
        var regexCache: [RegexKey: CompiledRegex] = [:]
        let prepared = prepareRegexes()
        var emptyCheck: RegexScratch?

        for (p, spec) in specs.enumerated() {
            let fields = patternFields[p]
            switch spec.kind {
            case .keyword:
                let folded = CaseFolding.foldedUTF8(spec.text)
                let l = literal(folded)
                let scalars = spec.text.unicodeScalars
                checks.append(
                    KeywordCheck(
                        pattern: Int32(p),
                        boundaryBefore: spec.wholeWord && WordCharacters.isWord(scalars.first!),
                        boundaryAfter: spec.wholeWord && WordCharacters.isWord(scalars.last!),
                        exact: spec.caseSensitive ? Array(spec.text.utf8) : nil))
                literalTargets[l].append(UInt32(checks.count - 1))
                compiled.append(CompiledPattern(spec: spec, fields: fields, engine: .keyword(literal: l)))

            case .phrase, .regex:
                let prep = prepared[p]!
                let source = prep.source
                let caseless = prep.caseless
                let prefilter = prep.prefilter
                let key = RegexKey(source: source, caseless: caseless, options: spec.regexOptions)
                let regex: CompiledRegex
                if let cached = regexCache[key] {
                    regex = cached
                } else {
                    do {
                        regex = try prep.regex.get()
                    } catch {
                        let where_ = spec.kind == .regex ? spec.location.map { regexErrorLocation($0, spec.text, error.offset) } : spec.location
                        self.error(
                            .invalidRegex,
                            "regex does not compile: \(error.message) at offset \(error.offset) in \(String(reflecting: spec.text))",
                            where_ ?? spec.location)
                        continue
                    }
                    regexCache[key] = regex
                    if emptyCheck == nil { emptyCheck = backend.makeScratch(limits: pack.limits) }
                    if matchesEmpty(regex, emptyCheck!) {
                        self.error(
                            .invalidRegex,
                            "regex \(String(reflecting: spec.text)) matches the empty string, so it would match every incident",
                            spec.location)
                        continue
                    }
                }
                let r = regexes.count
                let onFolded = !spec.caseSensitive
                let anchored = prep.anchored
                let gate = prep.gate.map { RunGateTable($0) }
                regexes.append(
                    RegexProgram(
                        pattern: Int32(p), regex: regex, anchored: anchored, onFolded: onFolded,
                        prefiltered: prefilter != nil, atMatchStart: prefilter?.atMatchStart ?? false, fields: fields,
                        prefilter: prefilter, gate: gate))
                if let prefilter {
                    for lit in Set(prefilter.literals) where !lit.isEmpty {
                        literalTargets[literal(lit)].append(UInt32(r) | LiteralTargets.regexBit)
                    }
                } else {
                    unconditional.append(Int32(r))
                }
                compiled.append(
                    CompiledPattern(
                        spec: spec, fields: fields,
                        engine: .regex(
                            index: r, prefiltered: prefilter != nil, atMatchStart: prefilter?.atMatchStart ?? false)))
            }
        }
        guard errors.isEmpty else { return nil }

        var targetStart = [Int32]()
        var targets = [UInt32]()
        for t in literalTargets {
            targetStart.append(Int32(targets.count))
            targets.append(contentsOf: t)
        }
        targetStart.append(Int32(targets.count))
        return Engines(
            patterns: compiled, automaton: AhoCorasick(literals: literals, asciiCaseInsensitive: true), targetStart: targetStart, targets: targets,
            keywordChecks: checks, regexes: regexes, unconditional: unconditional)
    }

    struct RegexKey: Hashable {
        var source: String
        var caseless: Bool
        var options: RegexOptions
    }

    /// Where a regex error points: the regex's own location plus the offset,
    /// counted in characters (columns are characters, offsets are bytes).
    func regexErrorLocation(_ loc: SourceLocation, _ text: String, _ offset: Int) -> SourceLocation {
        let prefix = text.utf8.prefix(offset)
        let chars = String(decoding: prefix, as: UTF8.self).count
        // A pattern that spans lines (block scalar) cannot be mapped column-wise.
        if text.utf8.prefix(offset).contains(UInt8(ascii: "\n")) { return loc }
        return loc.advanced(byColumns: chars)
    }

    /// What compiling one phrase or regex needs that does not depend on the
    /// rest of the pack: its source, literal analysis, run gate and engines.
    struct PreparedRegex: @unchecked Sendable {  // engines are immutable once compiled
        var source: String
        var caseless: Bool
        var prefilter: RegexPrefilter?
        var regex: Result<CompiledRegex, RegexCompileFailure>
        var anchored: CompiledRegex?
        var gate: RegexRunGate?
    }

    /// Prepares every phrase and regex, on all cores: the literal analysis
    /// and PCRE2's JIT compiler are most of a pack's compile time, and each
    /// pattern's work is independent (PCRE2 compiles share no state).
    func prepareRegexes() -> [PreparedRegex?] {
        let specs = self.specs
        let backend = self.backend
        let indices = specs.indices.filter { specs[$0].kind != .keyword }
        let prepared = concurrentMap(indices.count) { k in Self.prepare(specs[indices[k]], backend) }
        var out = [PreparedRegex?](repeating: nil, count: specs.count)
        for (k, p) in indices.enumerated() { out[p] = prepared[k] }
        return out
    }

    static func prepare(_ spec: PatternSpec, _ backend: any RegexBackend) -> PreparedRegex {
        let source: String
        let caseless: Bool
        let prefilter: RegexPrefilter?
        var gate: RegexRunGate?
        if spec.kind == .phrase {
            let words = phraseWords(spec.caseSensitive ? spec.text : CaseFolding.fold(spec.text))
            source = phraseRegex(words, wholeWord: spec.wholeWord)
            // The words are already folded and the text is folded: no need for PCRE2 caseless matching.
            caseless = false
            let best = words.max { $0.utf8.count < $1.utf8.count }!
            prefilter = RegexPrefilter(literals: [CaseFolding.foldedUTF8(best)], atMatchStart: best == words.first)
        } else {
            source = spec.text
            // A case-insensitive regex is parsed once for its three analyses
            // (parsing was a tenth of a pack's compile when each parsed anew).
            let tree = spec.caseSensitive
                ? nil : RegexParser.parse(spec.text, caseInsensitive: true, options: spec.regexOptions)
            // A caseless regex whose literals are all folded already can run
            // case-sensitively on the folded text: PCRE2's JIT is about twice
            // as fast without caseless matching.
            caseless = !spec.caseSensitive && !(tree.map(RegexLiteralAnalysis.isFoldInvariant) ?? false)
            var shape: ByteShape?
            if let declared = spec.prefilter {
                prefilter = RegexPrefilter(literals: declared.map(CaseFolding.foldedUTF8), atMatchStart: false)
            } else if spec.caseSensitive {
                prefilter = RegexLiteralAnalysis.prefilter(
                    pattern: spec.text, caseInsensitive: false, options: spec.regexOptions)
            } else if let tree {
                (prefilter, shape) = RegexLiteralAnalysis.prefilterAndShape(tree)
            } else {
                prefilter = nil
            }
            // A regex may be ruled out, field by field, by the class of bytes
            // its matches are made of, and its search kept to the runs of that
            // class (after the literal prefilter, if any).
            gate = tree.flatMap { RegexLiteralAnalysis.runGate($0, shape: shape, prefiltered: prefilter != nil) }
        }
        let regex = Result { () throws(RegexCompileFailure) -> CompiledRegex in
            try backend.compile(source, options: RegexCompileOptions(caseInsensitive: caseless, options: spec.regexOptions))
        }
        var anchored: CompiledRegex?
        if prefilter?.atMatchStart == true, case .success = regex {
            anchored = try? backend.compile(
                source, options: RegexCompileOptions(caseInsensitive: caseless, options: spec.regexOptions, anchored: true))
        }
        return PreparedRegex(
            source: source, caseless: caseless, prefilter: prefilter, regex: regex, anchored: anchored, gate: gate)
    }

    func matchesEmpty(_ regex: CompiledRegex, _ scratch: RegexScratch) -> Bool {
        let empty: [UInt8] = []
        // Unchecked (`validUTF8: false`): a one-off probe, which a backend
        // answers without preparing the fast path the scan's searches get.
        return empty.withUnsafeBufferPointer {
            if case .match = regex.firstMatch(in: $0, from: 0, validUTF8: false, scratch: scratch) { return true }
            return false
        }
    }
}

/// The words of a phrase: runs of non-whitespace.
func phraseWords(_ text: String) -> [String] {
    text.split(whereSeparator: { $0.isWhitespace }).map(String.init)
}

/// The regex a phrase compiles to: its words joined by `\s+`, with word
/// boundaries (Unicode letters, numbers, marks and connectors) at the edges.
func phraseRegex(_ words: [String], wholeWord: Bool) -> String {
    // One word character as WordCharacters defines it: \w in Unicode, minus
    // the scripts written without spaces.
    let wordClass = #"(?![\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}])[\p{L}\p{N}\p{M}\p{Pc}]"#
    var out = ""
    if wholeWord, let first = words.first?.unicodeScalars.first, WordCharacters.isWord(first) {
        out += "(?<!\(wordClass))"
    }
    out += words.map(escapeRegex).joined(separator: #"\s+"#)
    if wholeWord, let last = words.last?.unicodeScalars.last, WordCharacters.isWord(last) {
        out += "(?!\(wordClass))"
    }
    return out
}

/// Escapes every ASCII character that is not a letter or digit.
func escapeRegex(_ s: String) -> String {
    var out = ""
    for u in s.unicodeScalars {
        if u.isASCII && !(u.properties.isAlphabetic || ("0"..."9").contains(u)) { out.append("\\") }
        out.unicodeScalars.append(u)
    }
    return out
}
