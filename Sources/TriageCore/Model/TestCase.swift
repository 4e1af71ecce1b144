/// A test case from a separate test file: an incident and what the whole
/// pack should make of it.
public struct PackTestCase: Sendable, Hashable {
    public var name: String?
    public var incident: Incident
    public var expect: TestExpectation
    public var location: SourceLocation?

    public init(name: String? = nil, incident: Incident, expect: TestExpectation, location: SourceLocation? = nil) {
        self.name = name
        self.incident = incident
        self.expect = expect
        self.location = location
    }
}

/// What a test expects; every part is optional.
public struct TestExpectation: Sendable, Hashable {
    /// The severity the pack gives.
    public var severity: Severity?
    /// The agents the pack assigns: exactly these, in any order.
    public var agents: [String]?
    /// Rules that must fire.
    public var rulesFired: [RuleReference]
    /// Rules that must not fire.
    public var rulesNotFired: [RuleReference]

    public init(
        severity: Severity? = nil, agents: [String]? = nil, rulesFired: [RuleReference] = [],
        rulesNotFired: [RuleReference] = []
    ) {
        self.severity = severity
        self.agents = agents
        self.rulesFired = rulesFired
        self.rulesNotFired = rulesNotFired
    }

    public var isEmpty: Bool { severity == nil && agents == nil && rulesFired.isEmpty && rulesNotFired.isEmpty }
}

/// A rule named by a test, with where it was named (for "unknown rule" reports).
public struct RuleReference: Sendable, Hashable {
    public var id: String
    public var location: SourceLocation?

    public init(_ id: String, location: SourceLocation? = nil) {
        self.id = id
        self.location = location
    }
}
