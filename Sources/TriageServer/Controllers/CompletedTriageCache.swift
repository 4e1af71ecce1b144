/// The response bodies of completed triages, by organisation and incident.
///
/// A completed triage never changes (later requests get it back as it is),
/// so its JSON can be kept and served again without the store. This is what
/// makes the idempotent `POST /v1/triage/{id}` and `GET /v1/triage/{id}`
/// cheap. Bounded: when full it starts over, and a miss just reads the
/// store. Running and failed triages are never kept.
final class CompletedTriageCache: Sendable {
    struct Key: Hashable, Sendable {
        var organization: String
        var incidentID: String
    }

    private let entries = Locked<[Key: [UInt8]]>([:])
    let capacity: Int

    init(capacity: Int = 50_000) { self.capacity = capacity }

    func body(organization: String, incidentID: String) -> [UInt8]? {
        entries.withLock { $0[Key(organization: organization, incidentID: incidentID)] }
    }

    func keep(_ body: [UInt8], organization: String, incidentID: String) {
        entries.withLock { e in
            if e.count >= capacity { e.removeAll(keepingCapacity: true) }
            e[Key(organization: organization, incidentID: incidentID)] = body
        }
    }

    var count: Int { entries.withLock { $0.count } }
}
