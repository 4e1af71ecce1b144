/// The ids of the triages this process's requests are running, so that a
/// `running` row in the store that no request owns can be told apart (see
/// `TriageController.settleOrphan`).
final class RunningTriages: Sendable {
    private let ids = Locked(Set<String>())

    func insert(_ id: String) { ids.withLock { _ = $0.insert(id) } }
    func remove(_ id: String) { ids.withLock { _ = $0.remove(id) } }
    func contains(_ id: String) -> Bool { ids.withLock { $0.contains(id) } }
    var count: Int { ids.withLock { $0.count } }
}
