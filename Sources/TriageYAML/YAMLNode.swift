import TriageCore

/// One node of a parsed YAML document, with where it was written.
///
/// Nothing is resolved beyond what YAML syntax itself says: a scalar is its
/// text plus the style it was written in, so `yes`, `'yes'` and `"123"` stay
/// distinguishable from `123`. Which of them is a boolean, a number or a
/// string is the decoder's business, because only it knows what type each
/// field wants.
public struct YAMLNode: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case scalar(String, style: ScalarStyle)
        case sequence([YAMLNode])
        /// Key/value pairs in the order they were written. Keys are always
        /// scalars and never repeat (the parser rejects both).
        case mapping([Pair])
    }

    /// One entry of a mapping; the key keeps its own location and style.
    public struct Pair: Sendable, Hashable {
        public var key: YAMLNode
        public var value: YAMLNode

        public init(key: YAMLNode, value: YAMLNode) {
            self.key = key
            self.value = value
        }
    }

    public var kind: Kind
    /// Where the node starts, 1-based; for a node with an anchor or a tag,
    /// that is where its first property starts. A node copied from an alias
    /// keeps the locations of the anchored original.
    public var location: SourceLocation
    /// The explicit tag, if one was written. Tags in YAML's own namespace are
    /// given in their short form (`!!str`, not `tag:yaml.org,2002:str`);
    /// others as libyaml resolved them (`!local`, or a `%TAG` prefix applied).
    public var tag: String?

    public init(_ kind: Kind, location: SourceLocation, tag: String? = nil) {
        self.kind = kind
        self.location = location
        self.tag = tag
    }
}

/// How a scalar was written.
public enum ScalarStyle: Sendable, Hashable {
    case plain, singleQuoted, doubleQuoted, literal, folded
}

// MARK: - Conveniences for the decoder

extension YAMLNode {
    /// The text of a scalar; nil for a collection.
    public var scalar: String? {
        if case .scalar(let text, _) = kind { return text }
        return nil
    }

    /// The style of a scalar; nil for a collection.
    public var scalarStyle: ScalarStyle? {
        if case .scalar(_, let style) = kind { return style }
        return nil
    }

    /// A scalar written without quotes or block indicators, so its meaning
    /// may depend on its text (`true`, `12`, `~`).
    public var isPlainScalar: Bool { scalarStyle == .plain }

    /// Whether the node means "no value": an untagged plain scalar that is
    /// empty, `~`, `null`, `Null` or `NULL` (YAML 1.2's core schema), or any
    /// scalar tagged `!!null`. `key:` with nothing after it is null; `key: ""`
    /// is an empty string.
    public var isNull: Bool {
        guard case .scalar(let text, let style) = kind else { return false }
        if tag == "!!null" { return true }
        guard tag == nil, style == .plain else { return false }
        switch text {
        case "", "~", "null", "Null", "NULL": return true
        default: return false
        }
    }

    /// The items of a sequence; nil for anything else.
    public var sequence: [YAMLNode]? {
        if case .sequence(let items) = kind { return items }
        return nil
    }

    /// The pairs of a mapping, in source order; nil for anything else.
    public var mapping: [Pair]? {
        if case .mapping(let pairs) = kind { return pairs }
        return nil
    }

    /// The pair whose key's text is `key`, for a mapping (keys are unique).
    public func pair(forKey key: String) -> Pair? {
        guard case .mapping(let pairs) = kind else { return nil }
        return pairs.first { $0.key.scalar == key }
    }

    /// The value for the key whose text is `key`, for a mapping.
    public subscript(key: String) -> YAMLNode? { pair(forKey: key)?.value }

    /// "a scalar", "a sequence" or "a mapping", for messages such as
    /// "expected a mapping, found a sequence".
    public var kindDescription: String {
        switch kind {
        case .scalar: "a scalar"
        case .sequence: "a sequence"
        case .mapping: "a mapping"
        }
    }
}

// MARK: - Errors and limits

/// A problem in a YAML file, with where it is.
///
/// `description` is `file:line:col: message`; messages start in lower case,
/// say what is wrong and, where it helps, why or where the related thing is.
public struct YAMLError: Error, Sendable, Hashable, CustomStringConvertible {
    public var location: SourceLocation
    public var message: String
    /// True when the document is well formed but crosses one of the
    /// `YAMLLimits`, rather than being malformed.
    public var isLimit: Bool

    public init(location: SourceLocation, message: String, isLimit: Bool = false) {
        self.location = location
        self.message = message
        self.isLimit = isLimit
    }

    public var description: String { "\(location): \(message)" }
}

/// Bounds on the work and memory one document may cost. The input's size
/// alone bounds nothing once aliases are involved: ten aliases of ten
/// aliases of ten... grow exponentially, so the counts below are taken
/// after expanding aliases and checked while the tree is being built.
public struct YAMLLimits: Sendable, Hashable {
    /// Most collections nested inside one another (the root collection is
    /// level 1). Anything walking the tree recursively stays shallow.
    public var maxDepth: Int
    /// Most nodes (scalars and collections) in the document, counting every
    /// alias as a full copy of the node it names.
    public var maxNodes: Int
    /// Most bytes of scalar text in the document, again counting an alias
    /// as a full copy: a modest number of aliases to one large scalar would
    /// otherwise hand the decoder gigabytes of text to compile.
    public var maxTotalScalarBytes: Int

    /// The defaults leave room for a pack at the compiler's rule limit
    /// (`PackLimits.maxRules`, 100,000) of about 20 nodes a rule, while an
    /// alias bomb stops within a second.
    public init(maxDepth: Int = 64, maxNodes: Int = 2_000_000, maxTotalScalarBytes: Int = 64 << 20) {
        self.maxDepth = maxDepth
        self.maxNodes = maxNodes
        self.maxTotalScalarBytes = maxTotalScalarBytes
    }
}
