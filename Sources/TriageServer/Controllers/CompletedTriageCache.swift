/// The response bodies of completed triages, by organisation and incident.
///
/// A completed triage never changes (later requests get it back as it is),
/// so its JSON can be kept and served again without the store. This is what
/// makes the idempotent `POST /v1/triage/{id}` and `GET /v1/triage/{id}`
/// cheap. Running and failed triages are never kept.
///
/// Bounded with two generations: entries go into `young`; when it holds
/// `capacity` it becomes `old` (the previous `old` is dropped) and a hit in
/// `old` moves back to `young`. So the incidents in use stay, at most
/// 2 × `capacity` are kept (about 600 bytes each), and a miss only costs a
/// store read.
final class CompletedTriageCache: Sendable {
    struct Key: Hashable, Sendable {
        var organization: String
        var incidentID: String
    }

    private struct Generations {
        var young: [Key: [UInt8]] = [:]
        var old: [Key: [UInt8]] = [:]
    }

    private let entries = Locked(Generations())
    let capacity: Int

    init(capacity: Int = 50_000) { self.capacity = capacity }

    func body(organization: String, incidentID: String) -> [UInt8]? {
        let key = Key(organization: organization, incidentID: incidentID)
        return entries.withLock { g in
            if let body = g.young[key] { return body }
            guard let body = g.old.removeValue(forKey: key) else { return nil }
            Self.insert(key, body, into: &g, capacity: capacity)
            return body
        }
    }

    func keep(_ body: [UInt8], organization: String, incidentID: String) {
        entries.withLock { g in
            Self.insert(Key(organization: organization, incidentID: incidentID), body, into: &g, capacity: capacity)
        }
    }

    private static func insert(_ key: Key, _ body: [UInt8], into g: inout Generations, capacity: Int) {
        if g.young.count >= capacity {
            g.old = g.young
            g.young = [:]
        }
        g.young[key] = body
    }

    var count: Int { entries.withLock { $0.young.count + $0.old.count } }
}
