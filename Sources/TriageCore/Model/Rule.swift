/// A weight a rule gives to one agent of the pack's catalogue.
public struct AgentWeight: Sendable, Hashable {
    public var agent: String
    public var weight: Double
    public var location: SourceLocation?

    public init(agent: String, weight: Double, location: SourceLocation? = nil) {
        self.agent = agent
        self.weight = weight
        self.location = location
    }
}

/// A test case written next to a rule: an incident and what should happen to it.
public struct RuleTest: Sendable, Hashable {
    public var name: String?
    public var incident: Incident
    /// Whether the rule the test belongs to should fire.
    public var expectMatch: Bool
    /// The severity the whole pack should give the incident, when stated.
    public var severity: Severity?
    /// Agents the whole pack should assign, when stated (exactly these, in any order).
    public var agents: [String]?
    public var location: SourceLocation?

    public init(
        name: String? = nil, incident: Incident, expectMatch: Bool, severity: Severity? = nil,
        agents: [String]? = nil, location: SourceLocation? = nil
    ) {
        self.name = name
        self.incident = incident
        self.expectMatch = expectMatch
        self.severity = severity
        self.agents = agents
        self.location = location
    }
}

/// A lint check switched off for one rule (`lint: {ignore: [check-id]}`).
public struct LintSuppression: Sendable, Hashable {
    /// The check's stable id, such as `short-keyword-without-boundary`.
    public var check: String
    public var location: SourceLocation?

    public init(check: String, location: SourceLocation? = nil) {
        self.check = check
        self.location = location
    }
}

/// One rule: a condition over the incident's text and the effects it has when it fires.
public struct Rule: Sendable, Hashable {
    public var id: String
    public var description: String
    public var enabled: Bool
    public var tags: [String]
    /// Fields the rule's patterns look at unless a pattern names its own.
    public var fields: FieldSet
    public var condition: Condition
    /// Added to the incident's score when the rule fires (may be negative).
    public var score: Double
    /// The incident is at least this severe when the rule fires.
    public var floor: Severity?
    /// The incident is at most this severe when the rule fires.
    public var ceiling: Severity?
    /// The incident has exactly this severity when the rule fires.
    public var override: Severity?
    public var agents: [AgentWeight]
    /// Multiplies score and agent weights when a pattern matched in the title;
    /// nil: the pack's `title_weight`.
    public var titleWeight: Double?
    public var tests: [RuleTest]
    /// Lint checks whose findings about this rule are not reported.
    public var lintSuppressions: [LintSuppression]
    public var location: SourceLocation?

    public init(
        id: String, description: String = "", enabled: Bool = true, tags: [String] = [],
        fields: FieldSet = .all, condition: Condition, score: Double = 0, floor: Severity? = nil,
        ceiling: Severity? = nil, override: Severity? = nil, agents: [AgentWeight] = [],
        titleWeight: Double? = nil, tests: [RuleTest] = [], lintSuppressions: [LintSuppression] = [],
        location: SourceLocation? = nil
    ) {
        self.id = id
        self.description = description
        self.enabled = enabled
        self.tags = tags
        self.fields = fields
        self.condition = condition
        self.score = score
        self.floor = floor
        self.ceiling = ceiling
        self.override = override
        self.agents = agents
        self.titleWeight = titleWeight
        self.tests = tests
        self.lintSuppressions = lintSuppressions
        self.location = location
    }
}
