import Foundation
import Hummingbird
import Logging
import TriageCore
import TriageIO

/// `POST /v1/triage/{incidentId}` starts triage; `GET` returns it, and
/// `GET .../evidence` the evidence behind it.
///
/// Classification is synchronous and fast, so a new triage is stored
/// `running`, classified, and stored `completed` within the request (201).
/// The `running` row is the marker a concurrent request for the same
/// incident runs into (409). Once completed, a triage never changes: later
/// requests get it back as it is (200), whatever pack is loaded by then.
struct TriageController {
    let deps: ServerDependencies
    let completed = CompletedTriageCache()
    /// The triages requests of this process are running right now.
    let running = RunningTriages()

    var endpoints: RouteCollection<TriageRequestContext> {
        let routes = RouteCollection(context: TriageRequestContext.self)
        routes.post("{incidentId}", use: start)
        routes.get("{incidentId}", use: show)
        routes.get("{incidentId}/evidence", use: evidence)
        return routes
    }

    struct StartRequest: JSONRequestBody {
        /// A severity that overrides the classifier's: critical, high, medium or low.
        var priority: String?
        /// Free text given to the classifier as the incident's `context` field.
        var context: String?

        init(priority: String? = nil, context: String? = nil) {
            self.priority = priority
            self.context = context
        }

        init(json: JSONObject) throws(APIError) {
            priority = try json.string("priority")
            context = try json.string("context")
        }
    }

    static let priorities: [Severity] = [.critical, .high, .medium, .low]
    static let maxContextLength = 4000

    @Sendable func start(_ request: Request, context: TriageRequestContext) async throws -> Response {
        let identity = try context.require(Role.triage)
        let incidentID = try Self.incidentID(context)
        let body = try await JSONBody.decode(
            StartRequest.self, from: request, limit: deps.configuration.maxBodyBytes, whenEmpty: StartRequest())
        let (priority, triageContext) = try Self.validate(body)
        let org = identity.organization

        // A completed triage answers from memory, else from a read; only a
        // new (or failed) triage needs the write below.
        if let body = completed.body(organization: org, incidentID: incidentID) { return Self.ok(body) }
        if let existing = try await storeCall({ try await deps.store.triage(incidentID: incidentID, organization: org) }) {
            switch existing.status {
            case .completed: return Self.ok(keep(existing))
            case .running:
                guard await settleOrphan(existing) else { throw APIError.triageAlreadyRunning(incidentID) }
            case .failed: break
            }
        }

        var begun = try await begin(incidentID, org, priority, triageContext)
        if case .running(let other) = begun, await settleOrphan(other) {
            begun = try await begin(incidentID, org, priority, triageContext)
        }

        switch begun {
        case .existing(let triage):
            return Self.ok(keep(triage))
        case .running:
            throw APIError.triageAlreadyRunning(incidentID)
        case .started(let triage, let incident):
            // Registered by `begin`; from here on this request owns the
            // running marker, and gives it up once it is completed or failed.
            defer { running.remove(triage.id) }
            let classification: Classification
            do {
                classification = try await deps.classifier.classify(
                    Incident(id: incident.id, title: incident.title, description: incident.description, context: triageContext),
                    priority: priority)
            } catch {
                await markFailed(triage, reason: "the classifier failed: \(error)")
                throw APIError.triageError("triage of \(incidentID) failed: the classifier failed")
            }
            do {
                let done = try await deps.store.completeTriage(
                    id: triage.id,
                    outcome: TriageOutcome(
                        classifiedSeverity: classification.severity, ruleSeverity: classification.ruleSeverity,
                        assignedAgents: classification.agents, pack: classification.pack,
                        evidence: classification.evidence, completedAt: deps.clock()))
                return Response.json(.created, keep(done))
            } catch {
                await markFailed(triage, reason: "the result could not be stored: \(error)")
                throw APIError.triageError("triage of \(incidentID) failed: its result could not be stored")
            }
        }
    }

    /// Stores a new `running` triage unless the incident has one. The new
    /// triage's id is registered as running here *before* the write, so no
    /// other request can see the marker and take it for an orphan; it stays
    /// registered only when the result is `.started`.
    func begin(_ incidentID: String, _ org: String, _ priority: Severity?, _ triageContext: String?) async throws
        -> TriageStart
    {
        let now = deps.clock()
        let id = "tri_" + deps.ids.next().description
        running.insert(id)
        let begun: TriageStart
        do {
            begun = try await deps.store.beginTriage(
                NewTriage(
                    id: id, incidentID: incidentID, organization: org, priority: priority, context: triageContext,
                    startedAt: now),
                quota: deps.configuration.quotas.quota(for: org), period: Timestamps.quotaPeriod(now))
        } catch StoreError.incidentNotFound {
            running.remove(id)
            throw APIError.incidentNotFound(incidentID)
        } catch StoreError.quotaExceeded(let limit) {
            running.remove(id)
            throw APIError.quotaExceeded(limit: limit)
        } catch {
            running.remove(id)
            deps.logger.error("triage \(incidentID): could not start: \(error)")
            throw APIError.triageError("could not start triage for \(incidentID)")
        }
        if case .started = begun {} else { running.remove(id) }
        return begun
    }

    /// Whether a triage the store shows `running` is an orphan, now failed.
    ///
    /// Triage runs inside one request, and every triage a request of this
    /// process is running is in `running`; those left by an earlier process
    /// were failed at start-up. So a `running` triage that is not in the
    /// set is one whose request could not mark it failed (the store failed
    /// then too). Left alone it would answer 409 until the next restart;
    /// instead it is failed now (refunding its investigation), and the
    /// caller may start a new one. Returns false for a triage that really
    /// is running, or when the store still cannot mark it.
    func settleOrphan(_ triage: TriageRecord) async -> Bool {
        guard triage.status == .running, !running.contains(triage.id) else { return false }
        do {
            _ = try await deps.store.failTriage(
                id: triage.id, reason: "abandoned: its request could not record how it ended", at: deps.clock())
            deps.logger.warning("triage \(triage.incidentID): marked abandoned triage \(triage.id) failed")
            return true
        } catch StoreError.triageNotRunning {
            // It completed or failed between the read and now.
            return true
        } catch {
            deps.logger.error("triage \(triage.incidentID): could not mark abandoned \(triage.id) failed: \(error)")
            return false
        }
    }

    @Sendable func show(_ request: Request, context: TriageRequestContext) async throws -> Response {
        let identity = try context.require(Role.triage)
        let incidentID = try Self.incidentID(context)
        let org = identity.organization
        if let body = completed.body(organization: org, incidentID: incidentID) { return Self.ok(body) }
        guard var triage = try await storeCall({ try await deps.store.triage(incidentID: incidentID, organization: org) })
        else { throw try await notFound(incidentID, org) }
        if await settleOrphan(triage),
            let now = try await storeCall({ try await deps.store.triage(incidentID: incidentID, organization: org) })
        {
            triage = now
        }
        return triage.status == .completed ? Self.ok(keep(triage)) : Response.json(.ok) { $0.triage(triage) }
    }

    @Sendable func evidence(_ request: Request, context: TriageRequestContext) async throws -> Response {
        let identity = try context.require(Role.triage)
        let incidentID = try Self.incidentID(context)
        let org = identity.organization
        guard let record = try await storeCall({ try await deps.store.evidence(incidentID: incidentID, organization: org) })
        else {
            if try await storeCall({ try await deps.store.triage(incidentID: incidentID, organization: org) }) != nil {
                throw APIError.evidenceNotFound(incidentID)
            }
            throw try await notFound(incidentID, org)
        }
        return Response.json(.ok) { $0.evidenceRecord(record) }
    }

    /// The JSON of a triage; a completed one is kept for later requests.
    func keep(_ triage: TriageRecord) -> [UInt8] {
        var w = JSONWriter(reservingCapacity: 512)
        w.triage(triage)
        if triage.status == .completed {
            completed.keep(w.bytes, organization: triage.organization, incidentID: triage.incidentID)
        }
        return w.bytes
    }

    /// The path's incident id. One with a NUL character cannot name an
    /// incident (SQLite would compare it only up to the NUL), so it is
    /// not found.
    static func incidentID(_ context: TriageRequestContext) throws(APIError) -> String {
        let id = context.parameters.get("incidentId") ?? ""
        guard !id.utf8.contains(0) else { throw APIError.incidentNotFound(id) }
        return id
    }

    static func ok(_ body: [UInt8]) -> Response { Response.json(.ok, body) }

    /// The priority and context, or a 400 naming what is wrong.
    static func validate(_ body: StartRequest) throws(APIError) -> (Severity?, String?) {
        var problems = [String]()
        var priority: Severity?
        if let p = body.priority {
            if let s = Severity(name: p), priorities.contains(s) {
                priority = s
            } else {
                problems.append("priority: must be one of critical, high, medium, low (got '\(p)')")
            }
        }
        // Code points, as JSON Schema's maxLength counts them.
        if let c = body.context, c.unicodeScalars.count > maxContextLength {
            problems.append("context: must be at most \(maxContextLength) characters (got \(c.unicodeScalars.count))")
        }
        if let c = body.context, c.utf8.contains(0) { problems.append("context: \(JSONObject.nulProblem)") }
        guard problems.isEmpty else { throw APIError.validation(problems.joined(separator: "; ")) }
        return (priority, body.context)
    }

    /// 404: `incident_not_found` when the incident is not in the caller's
    /// organisation (whether or not it exists in another), else `triage_not_found`.
    func notFound(_ incidentID: String, _ org: String) async throws -> APIError {
        let incident = try await storeCall { try await deps.store.incident(id: incidentID, organization: org) }
        return incident == nil ? APIError.incidentNotFound(incidentID) : APIError.triageNotFound(incidentID)
    }

    /// A store read; its failure is a 500 `triage_error`.
    func storeCall<T>(_ body: () async throws -> T) async throws(APIError) -> T {
        do {
            return try await body()
        } catch {
            deps.logger.error("triage store: \(error)")
            throw APIError.triageError("the triage store failed")
        }
    }

    func markFailed(_ triage: TriageRecord, reason: String) async {
        deps.logger.error("triage \(triage.incidentID): \(reason)")
        do {
            _ = try await deps.store.failTriage(id: triage.id, reason: reason, at: deps.clock())
        } catch {
            // It stays `running` in the store; the next request for the
            // incident finds it abandoned (`settleOrphan`) and fails it then.
            deps.logger.error("triage \(triage.incidentID): could not mark \(triage.id) failed: \(error)")
        }
    }
}
