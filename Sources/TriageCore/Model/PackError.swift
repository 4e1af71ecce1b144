/// A problem with a rule pack, found while loading or compiling it.
///
/// Every error has a stable `code` (for tools and tests), a lowercase message
/// that says what and why, and where it was written when that is known.
public struct PackError: Error, Sendable, Hashable, CustomStringConvertible {
    public var code: Code
    public var message: String
    public var location: SourceLocation?

    public init(_ code: Code, _ message: String, at location: SourceLocation? = nil) {
        self.code = code
        self.message = message
        self.location = location
    }

    /// `file:line:col: error: message [code]`.
    public var description: String {
        let prefix = location.map { "\($0): " } ?? ""
        return "\(prefix)error: \(message) [\(code.rawValue)]"
    }

    /// What kind of problem it is. New codes may be added.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let io = Code(rawValue: "io")
        public static let yamlSyntax = Code(rawValue: "yaml-syntax")
        public static let unknownField = Code(rawValue: "unknown-field")
        public static let missingField = Code(rawValue: "missing-field")
        public static let invalidValue = Code(rawValue: "invalid-value")
        public static let duplicateDefinition = Code(rawValue: "duplicate-definition")
        public static let duplicateRuleID = Code(rawValue: "duplicate-rule-id")
        public static let unknownAgent = Code(rawValue: "unknown-agent")
        public static let unknownList = Code(rawValue: "unknown-list")
        public static let unknownMacro = Code(rawValue: "unknown-macro")
        public static let macroCycle = Code(rawValue: "macro-cycle")
        public static let invalidRegex = Code(rawValue: "invalid-regex")
        public static let invalidPattern = Code(rawValue: "invalid-pattern")
        public static let thresholdsOutOfOrder = Code(rawValue: "thresholds-out-of-order")
        public static let invalidCondition = Code(rawValue: "invalid-condition")
        public static let limitExceeded = Code(rawValue: "limit-exceeded")
    }
}

extension PackError {
    /// The order errors are reported in: by file, line and column, errors
    /// without a place first.
    public static func sourceOrder(_ a: PackError, _ b: PackError) -> Bool {
        switch (a.location, b.location) {
        case (nil, nil): return a.message < b.message
        case (nil, _): return true
        case (_, nil): return false
        case (let x?, let y?): return (x.file, x.line, x.column, x.description) < (y.file, y.line, y.column, y.description)
        }
    }
}

/// Every problem found in a pack, reported together rather than one at a time.
public struct PackErrors: Error, Sendable, CustomStringConvertible {
    public var errors: [PackError]

    public init(_ errors: [PackError]) { self.errors = errors }

    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
