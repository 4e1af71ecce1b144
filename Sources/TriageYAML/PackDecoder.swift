import TriageCore

/// What one YAML file of a pack contributes: any of the sections, each with
/// where it was written (a directory pack may define each section once).
struct PackFragment {
    var file: String
    var pack: (metadata: PackMetadata, location: SourceLocation)?
    var settings: (titleWeight: Double?, limits: MatchLimits, location: SourceLocation)?
    var severity: (thresholds: SeverityThresholds?, defaultSeverity: Severity?, location: SourceLocation)?
    var agents: (catalogue: [AgentDefinition], threshold: Double?, max: Int?, relative: Double?, location: SourceLocation)?
    var lists: [PatternList] = []
    var macros: [Macro] = []
    var rules: [Rule] = []
}

/// Turns a YAML node tree into pack fragments, collecting every error.
///
/// The decoder knows the type each field wants, so plain scalars are read as
/// that type (`score: 3` is a number, `- yes` in a keyword list is the word
/// "yes"). Every error carries the position of the node it is about, and
/// unknown keys come with the closest known key as a suggestion.
struct PackDecoder {
    var errors: [PackError] = []

    mutating func fail(_ code: PackError.Code, _ message: String, _ node: YAMLNode) {
        errors.append(PackError(code, message, at: node.location))
    }

    // MARK: Top level

    static let topKeys = ["pack", "settings", "severity", "agents", "lists", "macros", "rules"]

    mutating func decodeFile(_ root: YAMLNode, file: String) -> PackFragment {
        var fragment = PackFragment(file: file)
        if root.isNull { return fragment }  // an empty file contributes nothing
        guard let top = mapping(root, "the top level of a pack file", allowed: Self.topKeys) else { return fragment }
        if let n = top["pack"] { fragment.pack = decodeMetadata(n) }
        if let n = top["settings"] { fragment.settings = decodeSettings(n) }
        if let n = top["severity"] { fragment.severity = decodeSeverity(n) }
        if let n = top["agents"] { fragment.agents = decodeAgents(n) }
        if let n = top["lists"] { fragment.lists = decodeLists(n) }
        if let n = top["macros"] { fragment.macros = decodeMacros(n) }
        if let n = top["rules"] {
            if let items = sequence(n, "rules") { fragment.rules = items.compactMap { decodeRule($0) } }
        }
        return fragment
    }

    mutating func decodeMetadata(_ node: YAMLNode) -> (PackMetadata, SourceLocation)? {
        guard let m = mapping(node, "pack", allowed: ["name", "version", "description"]) else { return nil }
        guard let nameNode = m["name"] else {
            fail(.missingField, "pack has no name", node)
            return nil
        }
        let name = string(nameNode, "pack name") ?? ""
        if name.isEmpty { fail(.invalidValue, "pack name must not be empty", nameNode) }
        let version = m["version"].flatMap { string($0, "pack version") } ?? "0.0.0"
        let description = m["description"].flatMap { string($0, "pack description") } ?? ""
        return (PackMetadata(name: name, version: version, description: description), node.location)
    }

    mutating func decodeSettings(_ node: YAMLNode) -> (Double?, MatchLimits, SourceLocation)? {
        let keys = ["title_weight", "match_limit", "depth_limit", "heap_limit_kib"]
        guard let m = mapping(node, "settings", allowed: keys) else { return nil }
        var limits = MatchLimits()
        let titleWeight = m["title_weight"].flatMap { number($0, "title_weight") }
        // The limits are what bound a hostile regex, so a pack may tighten
        // them freely but loosen them only so far (`MatchLimits.maximum`).
        let most = MatchLimits.maximum
        if let n = m["match_limit"], let v = limit(n, "match_limit", most.matchLimit) { limits.matchLimit = v }
        if let n = m["depth_limit"], let v = limit(n, "depth_limit", most.depthLimit) { limits.depthLimit = v }
        if let n = m["heap_limit_kib"], let v = limit(n, "heap_limit_kib", most.heapLimitKiB) { limits.heapLimitKiB = v }
        return (titleWeight, limits, node.location)
    }

    mutating func decodeSeverity(_ node: YAMLNode) -> (SeverityThresholds?, Severity?, SourceLocation)? {
        guard let m = mapping(node, "severity", allowed: ["thresholds", "default"]) else { return nil }
        var thresholds: SeverityThresholds?
        if let t = m["thresholds"], let tm = mapping(t, "severity thresholds", allowed: ["critical", "high", "medium", "low"]) {
            var st = SeverityThresholds(location: t.location)
            st.critical = tm["critical"].flatMap { number($0, "critical threshold") }
            st.high = tm["high"].flatMap { number($0, "high threshold") }
            st.medium = tm["medium"].flatMap { number($0, "medium threshold") }
            st.low = tm["low"].flatMap { number($0, "low threshold") }
            thresholds = st
        }
        let def = m["default"].flatMap { severity($0) }
        return (thresholds, def, node.location)
    }

    mutating func decodeAgents(_ node: YAMLNode) -> ([AgentDefinition], Double?, Int?, Double?, SourceLocation)? {
        guard let m = mapping(node, "agents", allowed: ["catalogue", "threshold", "max", "relative"]) else { return nil }
        var catalogue = [AgentDefinition]()
        if let c = m["catalogue"], let items = sequence(c, "agent catalogue") {
            for item in items {
                guard let am = mapping(item, "agent", allowed: ["id", "description"]) else { continue }
                guard let idNode = am["id"], let id = string(idNode, "agent id") else {
                    if am["id"] == nil { fail(.missingField, "agent has no id", item) }
                    continue
                }
                checkIdentifier(id, "agent id", idNode)
                let d = am["description"].flatMap { string($0, "agent description") } ?? ""
                catalogue.append(AgentDefinition(id: id, description: d, location: idNode.location))
            }
        }
        let threshold = m["threshold"].flatMap { number($0, "agent threshold") }
        var max: Int?
        if let n = m["max"], let v = count(n, "max agents") { max = Int(v) }
        var relative = m["relative"].flatMap { number($0, "relative agent threshold") }
        if let r = relative, let n = m["relative"], !(0...1).contains(r) {
            fail(.invalidValue, "the relative agent threshold must be between 0 and 1", n)
            // Reported here, with its place: the compiler, which checks what
            // did decode, must not see it and report it again without one.
            relative = nil
        }
        return (catalogue, threshold, max, relative, node.location)
    }

    mutating func decodeLists(_ node: YAMLNode) -> [PatternList] {
        guard let pairs = node.mapping else {
            fail(.invalidValue, "lists must be a mapping of names to lists of patterns, found \(node.kindDescription)", node)
            return []
        }
        var out = [PatternList]()
        for p in pairs {
            guard let name = string(p.key, "list name") else { continue }
            guard let items = sequence(p.value, "list \"\(name)\"") else { continue }
            let patterns = items.compactMap { decodePattern($0, allowList: false) }
            out.append(PatternList(name: name, patterns: patterns.map(\.0), location: p.key.location))
        }
        return out
    }

    mutating func decodeMacros(_ node: YAMLNode) -> [Macro] {
        guard let pairs = node.mapping else {
            fail(.invalidValue, "macros must be a mapping of names to conditions, found \(node.kindDescription)", node)
            return []
        }
        var out = [Macro]()
        for p in pairs {
            guard let name = string(p.key, "macro name") else { continue }
            if let c = decodeCondition(p.value) {
                out.append(Macro(name: name, condition: c, location: p.key.location))
            }
        }
        return out
    }

    // MARK: Rules

    static let ruleKeys = [
        "id", "description", "enabled", "tags", "fields", "match", "score", "floor", "ceiling", "override", "agents",
        "title_weight", "tests", "lint",
    ]

    mutating func decodeRule(_ node: YAMLNode) -> Rule? {
        guard let m = mapping(node, "rule", allowed: Self.ruleKeys) else { return nil }
        guard let idNode = m["id"] else {
            fail(.missingField, "rule has no id", node)
            return nil
        }
        guard let id = string(idNode, "rule id") else { return nil }
        checkIdentifier(id, "rule id", idNode)
        guard let matchNode = m["match"] else {
            fail(.missingField, "rule \"\(id)\" has no `match` condition", node)
            return nil
        }
        let before = errors.count
        let condition = decodeCondition(matchNode)
        var rule = Rule(id: id, condition: condition ?? .any([]), location: idNode.location)
        rule.description = m["description"].flatMap { string($0, "description") } ?? ""
        rule.enabled = m["enabled"].flatMap { bool($0, "enabled") } ?? true
        rule.tags = m["tags"].flatMap { stringList($0, "tags") } ?? []
        if let f = m["fields"], let fields = fieldSet(f) { rule.fields = fields }
        rule.score = m["score"].flatMap { number($0, "score") } ?? 0
        rule.floor = m["floor"].flatMap { severity($0) }
        rule.ceiling = m["ceiling"].flatMap { severity($0) }
        rule.override = m["override"].flatMap { severity($0) }
        if let a = m["agents"] { rule.agents = decodeAgentWeights(a) }
        rule.titleWeight = m["title_weight"].flatMap { number($0, "title_weight") }
        if let t = m["tests"], let items = sequence(t, "tests") { rule.tests = items.compactMap { decodeTest($0) } }
        if let l = m["lint"] { rule.lintSuppressions = decodeLintSettings(l) }
        return errors.count == before || condition != nil ? rule : nil
    }

    /// `lint: {ignore: [check-id, ...]}`: lint checks not reported for this rule.
    /// The ids are checked by the linter, which knows them.
    mutating func decodeLintSettings(_ node: YAMLNode) -> [LintSuppression] {
        guard let m = mapping(node, "lint settings", allowed: ["ignore"]), let ignore = m["ignore"] else { return [] }
        let items = ignore.sequence ?? [ignore]
        return items.compactMap { item in
            guard let id = string(item, "lint check id") else { return nil }
            return LintSuppression(check: id, location: item.location)
        }
    }

    mutating func decodeAgentWeights(_ node: YAMLNode) -> [AgentWeight] {
        if let items = node.sequence {
            return items.compactMap { n in string(n, "agent").map { AgentWeight(agent: $0, weight: 1, location: n.location) } }
        }
        guard let pairs = node.mapping else {
            fail(.invalidValue, "agents must be a mapping of agent to weight or a list of agents, found \(node.kindDescription)", node)
            return []
        }
        return pairs.compactMap { p in
            guard let id = string(p.key, "agent"), let w = number(p.value, "agent weight") else { return nil }
            return AgentWeight(agent: id, weight: w, location: p.key.location)
        }
    }

    static let testKeys = ["name", "title", "description", "context", "expect", "severity", "agents"]

    mutating func decodeTest(_ node: YAMLNode) -> RuleTest? {
        guard let m = mapping(node, "test", allowed: Self.testKeys) else { return nil }
        guard let expectNode = m["expect"] else {
            fail(.missingField, "test has no `expect` (match or no_match)", node)
            return nil
        }
        var expectMatch = true
        switch expectNode.scalar {
        case "match": expectMatch = true
        case "no_match": expectMatch = false
        default:
            fail(.invalidValue, "expect must be `match` or `no_match`" + Suggestions.hint(for: expectNode.scalar ?? "", in: ["match", "no_match"]), expectNode)
            return nil
        }
        guard m["title"] != nil || m["description"] != nil else {
            fail(.missingField, "test needs a title or a description", node)
            return nil
        }
        let incident = Incident(
            title: m["title"].flatMap { string($0, "title") } ?? "",
            description: m["description"].flatMap { string($0, "description") } ?? "",
            context: m["context"].flatMap { string($0, "context") })
        return RuleTest(
            name: m["name"].flatMap { string($0, "name") }, incident: incident, expectMatch: expectMatch,
            severity: m["severity"].flatMap { severity($0) }, agents: m["agents"].flatMap { stringList($0, "agents") },
            location: node.location)
    }

    // MARK: Conditions and patterns

    static let operatorKeys = ["any", "all", "none", "at_least", "macro", "keyword", "phrase", "regex", "list"]
    static let patternOptionKeys = ["case_sensitive", "word", "fields", "flags", "prefilter"]

    mutating func decodeCondition(_ node: YAMLNode) -> Condition? {
        switch node.kind {
        case .scalar:
            return decodePattern(node, allowList: true).map { .pattern($0.0, fields: $0.1) }
        case .sequence(let items):
            if items.isEmpty {
                fail(.invalidCondition, "an empty list of conditions never holds", node)
                return nil
            }
            let cs = items.compactMap { decodeCondition($0) }
            return cs.count == items.count ? .any(cs) : nil
        case .mapping(let pairs):
            let ops = pairs.compactMap { $0.key.scalar }.filter { Self.operatorKeys.contains($0) }
            if ops.count != 1 {
                fail(
                    .invalidCondition,
                    ops.isEmpty
                        ? "a condition needs one of \(Self.operatorKeys.joined(separator: ", "))"
                            + Suggestions.hint(for: pairs.first?.key.scalar ?? "", in: Self.operatorKeys)
                        : "a condition has exactly one of \(Self.operatorKeys.joined(separator: ", ")); found \(ops.joined(separator: " and "))",
                    node)
                return nil
            }
            let op = ops[0]
            let value = node[op]!
            switch op {
            case "keyword", "phrase", "regex", "list":
                if op == "list" {
                    guard let m = mapping(node, "list reference", allowed: ["list", "fields"]) else { return nil }
                    guard let name = string(value, "list name") else { return nil }
                    let fields = m["fields"].flatMap { fieldSet($0) }
                    return .list(name, fields: fields, location: value.location)
                }
                return decodePattern(node, allowList: true).map { .pattern($0.0, fields: $0.1) }
            case "macro":
                guard mapping(node, "macro reference", allowed: ["macro"]) != nil, let name = string(value, "macro name")
                else { return nil }
                return .macro(name, location: value.location)
            case "any", "all", "none":
                guard mapping(node, "`\(op)` condition", allowed: [op]) != nil else { return nil }
                let items = value.sequence ?? [value]
                if items.isEmpty {
                    fail(.invalidCondition, "`\(op)` needs at least one condition", value)
                    return nil
                }
                let cs = items.compactMap { decodeCondition($0) }
                guard cs.count == items.count else { return nil }
                return op == "any" ? .any(cs) : op == "all" ? .all(cs) : .none(cs)
            default:  // at_least
                guard let m = mapping(node, "`at_least` condition", allowed: ["at_least", "of"]) else { return nil }
                guard let n = count(value, "at_least") else { return nil }
                guard let of = m["of"] else {
                    fail(.missingField, "`at_least: \(n)` needs `of:` with the conditions to count", node)
                    return nil
                }
                guard let items = sequence(of, "`of`") else { return nil }
                let cs = items.compactMap { decodeCondition($0) }
                guard cs.count == items.count else { return nil }
                return .atLeast(Int(n), cs, location: value.location)
            }
        }
    }

    /// A pattern: a scalar (keyword) or a mapping with keyword/phrase/regex and options.
    mutating func decodePattern(_ node: YAMLNode, allowList: Bool) -> (PatternSpec, FieldSet?)? {
        if case .scalar(let text, let style) = node.kind {
            if node.isNull {
                fail(.invalidPattern, "empty pattern", node)
                return nil
            }
            return (PatternSpec(kind: .keyword, text: text, location: textLocation(node, style)), nil)
        }
        let kinds = ["keyword", "phrase", "regex"]
        guard let m = mapping(node, "pattern", allowed: kinds + Self.patternOptionKeys) else { return nil }
        let present = kinds.filter { m[$0] != nil }
        guard present.count == 1 else {
            fail(.invalidPattern, present.isEmpty ? "a pattern needs one of keyword, phrase or regex" : "a pattern has one of keyword, phrase or regex; found \(present.joined(separator: " and "))", node)
            return nil
        }
        let kind = PatternSpec.Kind(rawValue: present[0])!
        let valueNode = m[present[0]]!
        guard case .scalar(let text, let style) = valueNode.kind, !valueNode.isNull else {
            fail(.invalidPattern, "\(kind.rawValue) must be a non-empty string", valueNode)
            return nil
        }
        var spec = PatternSpec(kind: kind, text: text, location: textLocation(valueNode, style))
        if let n = m["case_sensitive"], let v = bool(n, "case_sensitive") { spec.caseSensitive = v }
        if let n = m["word"] {
            if kind == .regex {
                fail(.invalidPattern, "`word` applies to keywords and phrases; use \\b in a regex", n)
            } else if let v = bool(n, "word") {
                spec.wholeWord = v
            }
        }
        if let n = m["flags"] {
            if kind != .regex {
                fail(.invalidPattern, "`flags` applies to regexes only", n)
            } else if let names = stringList(n, "flags") {
                var o = RegexOptions()
                for (i, name) in names.enumerated() {
                    if let f = RegexOptions.names.first(where: { $0.0 == name }) {
                        o.insert(f.1)
                    } else {
                        let at = n.sequence?[i] ?? n
                        fail(.invalidValue, "unknown regex flag \"\(name)\"" + Suggestions.hint(for: name, in: RegexOptions.names.map(\.0)), at)
                    }
                }
                spec.regexOptions = o
            }
        }
        if let n = m["prefilter"] {
            if kind != .regex {
                fail(.invalidPattern, "`prefilter` applies to regexes only", n)
            } else {
                spec.prefilter = stringList(n, "prefilter")
            }
        }
        let fields = m["fields"].flatMap { fieldSet($0) }
        return (spec, fields)
    }

    /// Where the text of a scalar starts: after the opening quote, if any.
    func textLocation(_ node: YAMLNode, _ style: ScalarStyle) -> SourceLocation {
        switch style {
        case .singleQuoted, .doubleQuoted: node.location.advanced(byColumns: 1)
        default: node.location
        }
    }

    // MARK: Typed scalars

    mutating func mapping(_ node: YAMLNode, _ what: String, allowed: [String]) -> [String: YAMLNode]? {
        guard let pairs = node.mapping else {
            fail(.invalidValue, "expected \(what) to be a mapping, found \(node.kindDescription)", node)
            return nil
        }
        var out = [String: YAMLNode]()
        for p in pairs {
            guard let key = p.key.scalar else {
                fail(.invalidValue, "keys of \(what) must be strings", p.key)
                continue
            }
            if allowed.contains(key) {
                out[key] = p.value
            } else {
                fail(.unknownField, "unknown field \"\(key)\" in \(what)" + Suggestions.hint(for: key, in: allowed), p.key)
            }
        }
        return out
    }

    mutating func sequence(_ node: YAMLNode, _ what: String) -> [YAMLNode]? {
        guard let items = node.sequence else {
            fail(.invalidValue, "expected \(what) to be a list, found \(node.kindDescription)", node)
            return nil
        }
        return items
    }

    mutating func string(_ node: YAMLNode, _ what: String) -> String? {
        guard let s = node.scalar else {
            fail(.invalidValue, "expected \(what) to be a string, found \(node.kindDescription)", node)
            return nil
        }
        return s
    }

    mutating func stringList(_ node: YAMLNode, _ what: String) -> [String]? {
        if node.scalar != nil, !node.isNull { return [node.scalar!] }
        guard let items = sequence(node, what) else { return nil }
        return items.compactMap { string($0, what) }
    }

    mutating func number(_ node: YAMLNode, _ what: String) -> Double? {
        guard case .scalar(let text, .plain) = node.kind, let v = Double(text), v.isFinite else {
            fail(.invalidValue, "expected \(what) to be a number, found \(describe(node))", node)
            return nil
        }
        return v
    }

    mutating func count(_ node: YAMLNode, _ what: String) -> UInt32? {
        guard case .scalar(let text, .plain) = node.kind, let v = UInt32(text) else {
            fail(.invalidValue, "expected \(what) to be a whole number of 0 or more, found \(describe(node))", node)
            return nil
        }
        return v
    }

    /// A match limit setting: a whole number from 1 to `most`.
    mutating func limit(_ node: YAMLNode, _ what: String, _ most: UInt32) -> UInt32? {
        guard case .scalar(let text, .plain) = node.kind, let v = UInt64(text), v >= 1 else {
            fail(.invalidValue, "expected \(what) to be a whole number of 1 or more, found \(describe(node))", node)
            return nil
        }
        guard v <= most else {
            fail(.limitExceeded, "\(what) \(v) is over the most a pack may set, \(most)", node)
            return nil
        }
        return UInt32(v)
    }

    mutating func bool(_ node: YAMLNode, _ what: String) -> Bool? {
        if case .scalar(let text, .plain) = node.kind {
            if text == "true" { return true }
            if text == "false" { return false }
        }
        fail(.invalidValue, "expected \(what) to be true or false, found \(describe(node))", node)
        return nil
    }

    mutating func severity(_ node: YAMLNode) -> Severity? {
        if let s = node.scalar, let v = Severity(name: s) { return v }
        fail(
            .invalidValue,
            "expected a severity (critical, high, medium, low or info), found \(describe(node))"
                + Suggestions.hint(for: node.scalar ?? "", in: Severity.allCases.map(\.name)),
            node)
        return nil
    }

    mutating func fieldSet(_ node: YAMLNode) -> FieldSet? {
        if node.scalar == "all" { return .all }
        guard let names = stringList(node, "fields") else { return nil }
        var set = FieldSet()
        for (i, name) in names.enumerated() {
            if let f = Field(name: name) {
                set.insert(FieldSet(f))
            } else {
                fail(
                    .invalidValue,
                    "unknown field name \"\(name)\"; fields are title, description, context or all"
                        + Suggestions.hint(for: name, in: ["title", "description", "context"]),
                    node.sequence?[i] ?? node)
            }
        }
        if set.isEmpty && names.isEmpty { fail(.invalidValue, "fields must name at least one field", node) }
        return set
    }

    mutating func checkIdentifier(_ id: String, _ what: String, _ node: YAMLNode) {
        let ok = !id.isEmpty && id.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.:".unicodeScalars.contains($0))
        }
        if !ok { fail(.invalidValue, "\(what) \(String(reflecting: id)) may hold only letters, digits, -, _, . and :", node) }
    }

    func describe(_ node: YAMLNode) -> String {
        switch node.kind {
        case .scalar(let t, let style):
            return style == .plain ? String(reflecting: t) : "the quoted string \(String(reflecting: t))"
        default:
            return node.kindDescription
        }
    }
}
