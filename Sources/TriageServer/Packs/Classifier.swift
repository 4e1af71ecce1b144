import Foundation
import TriageCore
import TriageIO

/// What triage asks of a classifier: a severity, agents, and the evidence
/// for both. The rule engine is the one classifier; the protocol lets tests
/// put a slow or failing one in its place.
public protocol IncidentClassifier: Sendable {
    func classify(_ incident: Incident, priority: Severity?) async throws -> Classification
}

/// A classifier's conclusion about one incident.
public struct Classification: Sendable, Hashable {
    /// The severity triage reports: `priority` when given, else `ruleSeverity`.
    public var severity: Severity
    /// What the classifier itself decided.
    public var ruleSeverity: Severity
    public var priority: Severity?
    public var agents: [String]
    public var pack: PackMetadata
    /// The evidence document (JSON): pack, severity decision (with the
    /// priority override beside what the rules decided), agents, fired
    /// rules with their spans and contributions, near misses.
    public var evidence: String

    public init(
        severity: Severity, ruleSeverity: Severity, priority: Severity?, agents: [String], pack: PackMetadata,
        evidence: String
    ) {
        self.severity = severity
        self.ruleSeverity = ruleSeverity
        self.priority = priority
        self.agents = agents
        self.pack = pack
        self.evidence = evidence
    }
}

/// The rule engine as a classifier: the current pack of a `PackHolder`.
public struct RuleClassifier: IncidentClassifier {
    public let packs: PackHolder
    let metrics: ServerMetrics?

    public init(packs: PackHolder, metrics: ServerMetrics? = nil) {
        self.packs = packs
        self.metrics = metrics
    }

    public func classify(_ incident: Incident, priority: Severity?) async throws -> Classification {
        let generation = packs.current
        let started = ContinuousClock.now
        let verdict = generation.classify(incident, options: ClassifyOptions(evidence: true, severityOverride: priority))
        metrics?.classified(verdict.severity, duration: ContinuousClock.now - started)
        var w = JSONWriter(reservingCapacity: 2048)
        w.evidence(verdict, pack: generation.metadata)
        return Classification(
            severity: verdict.severity, ruleSeverity: verdict.decision.ruleSeverity, priority: priority,
            agents: verdict.agents.map(\.id), pack: generation.metadata, evidence: String(decoding: w.bytes, as: UTF8.self))
    }
}
