import Foundation
import TriageCore

/// Where incidents, triages, evidence and quota counters live.
///
/// Every method that both counts against a quota and writes does both in
/// one transaction, so a quota is never spent on a write that did not
/// happen, nor a write made past the quota. `SQLiteTriageStore` is the
/// implementation; the protocol is the seam for another database (and for
/// tests that make a store fail).
public protocol TriageStore: Sendable {
    /// Creates an incident, spending one event of the organisation's quota
    /// for the period. Throws `StoreError.eventQuotaExceeded` when none remain.
    func createIncident(_ incident: NewIncident, quota: Quota, period: String) async throws -> IncidentCreated

    /// The incident, if it exists in this organisation.
    func incident(id: String, organization: String) async throws -> IncidentRecord?

    /// Starts a triage for an incident unless one exists: a completed triage
    /// comes back as `.existing`, one in progress as `.running`; otherwise a
    /// `running` triage is stored (replacing a failed one) and one
    /// investigation is spent. Throws `StoreError.incidentNotFound` when the
    /// incident is not in this organisation, `StoreError.quotaExceeded` when
    /// no investigation remains.
    func beginTriage(_ start: NewTriage, quota: Quota, period: String) async throws -> TriageStart

    /// Stores a running triage's result and evidence, and the severity on the incident.
    func completeTriage(id: String, outcome: TriageOutcome) async throws -> TriageRecord

    /// Marks a running triage failed and gives back the investigation it spent.
    func failTriage(id: String, reason: String, at: Date) async throws -> TriageRecord

    /// The incident's triage, if it has one (in this organisation).
    func triage(incidentID: String, organization: String) async throws -> TriageRecord?

    /// A completed triage's evidence document.
    func evidence(incidentID: String, organization: String) async throws -> EvidenceRecord?

    /// What an organisation has left in a period.
    func remaining(organization: String, quota: Quota, period: String) async throws -> QuotaRemaining

    /// Marks every `running` triage failed (refunding it). Called at start-up:
    /// triage runs inside a request, so a triage still running then was cut
    /// off by a crash and would otherwise answer 409 for ever.
    func failInterruptedTriages(at: Date) async throws -> Int
}

public enum StoreError: Error, Sendable, Equatable {
    case eventQuotaExceeded(limit: Int)
    case quotaExceeded(limit: Int)
    case incidentNotFound
    case triageNotRunning(String)
}

public struct NewIncident: Sendable, Hashable {
    public var id: String
    public var organization: String
    public var title: String
    public var description: String
    public var createdBy: String?
    public var createdAt: Date

    public init(id: String, organization: String, title: String, description: String, createdBy: String?, createdAt: Date) {
        self.id = id
        self.organization = organization
        self.title = title
        self.description = description
        self.createdBy = createdBy
        self.createdAt = createdAt
    }
}

public struct IncidentRecord: Sendable, Hashable {
    public var id: String
    public var organization: String
    public var title: String
    public var description: String
    /// `medium` until a triage sets it.
    public var severity: String
    public var status: String
    public var source: String
    public var createdBy: String?
    public var createdAt: Date
}

public struct QuotaRemaining: Sendable, Hashable {
    public var events: Int
    public var investigations: Int
}

public struct IncidentCreated: Sendable, Hashable {
    public var incident: IncidentRecord
    public var remaining: QuotaRemaining
}

public struct NewTriage: Sendable, Hashable {
    public var id: String
    public var incidentID: String
    public var organization: String
    public var priority: Severity?
    public var context: String?
    public var startedAt: Date

    public init(
        id: String, incidentID: String, organization: String, priority: Severity?, context: String?, startedAt: Date
    ) {
        self.id = id
        self.incidentID = incidentID
        self.organization = organization
        self.priority = priority
        self.context = context
        self.startedAt = startedAt
    }
}

public enum TriageStatus: String, Sendable, Hashable {
    case running, completed, failed
}

public struct TriageRecord: Sendable, Hashable {
    public var id: String
    public var incidentID: String
    public var organization: String
    public var status: TriageStatus
    /// The severity the triage settled on: the priority override if one was given, else the rules'.
    public var classifiedSeverity: Severity?
    /// What the rules alone decided.
    public var ruleSeverity: Severity?
    public var priority: Severity?
    public var context: String?
    public var assignedAgents: [String]
    /// The pack that classified it.
    public var pack: PackMetadata?
    public var failure: String?
    public var startedAt: Date
    public var completedAt: Date?
}

public enum TriageStart: Sendable, Hashable {
    /// A new triage, now `running`, for this incident.
    case started(TriageRecord, IncidentRecord)
    /// The incident already has a completed triage.
    case existing(TriageRecord)
    /// Another request is running this incident's triage.
    case running(TriageRecord)
}

/// What a classifier concluded, ready to store.
public struct TriageOutcome: Sendable, Hashable {
    public var classifiedSeverity: Severity
    public var ruleSeverity: Severity
    public var assignedAgents: [String]
    public var pack: PackMetadata
    /// The evidence document (JSON).
    public var evidence: String
    public var completedAt: Date

    public init(
        classifiedSeverity: Severity, ruleSeverity: Severity, assignedAgents: [String], pack: PackMetadata,
        evidence: String, completedAt: Date
    ) {
        self.classifiedSeverity = classifiedSeverity
        self.ruleSeverity = ruleSeverity
        self.assignedAgents = assignedAgents
        self.pack = pack
        self.evidence = evidence
        self.completedAt = completedAt
    }
}

public struct EvidenceRecord: Sendable, Hashable {
    public var triage: TriageRecord
    /// The evidence document (JSON), as stored.
    public var document: String
}
