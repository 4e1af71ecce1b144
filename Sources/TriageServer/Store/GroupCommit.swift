import Foundation
import GRDB

/// Group commit: concurrent write operations share one SQLite transaction.
///
/// SQLite has one writer, and each commit rewrites the WAL pages it touched,
/// so under load the cost per write is mostly the commit. Here a write waits
/// in a queue; whenever the writer is free it takes everything queued (up to
/// `maxBatch`) and runs it in one transaction, each operation inside its own
/// savepoint. An operation that throws (a quota reached, say) rolls back
/// only its savepoint; the others commit. Nobody is answered before the
/// commit that holds their write has returned, so "acknowledged" still
/// means "committed". With no concurrency a batch is one operation and
/// nothing waits.
final class GroupCommit: Sendable {
    private let pool: DatabasePool
    private let state = Locked(State())
    let maxBatch: Int

    private struct State {
        var queue: [Job] = []
        var flushing = false
    }

    /// One queued operation: `run` does it inside the batch's transaction and
    /// keeps its outcome; `finish` answers the caller once the batch commits
    /// (or with the commit's error).
    private struct Job: @unchecked Sendable {
        // Unchecked: `run` and `finish` are called once each, by the flush
        // loop, one after the other.
        let run: (Database) -> Void
        let finish: ((any Error)?) -> Void
    }

    /// The outcome of one operation, held from `run` to `finish`.
    private final class Outcome<T>: @unchecked Sendable {
        // Unchecked: written by `run`, read by `finish`, which happen in that order.
        var result: Result<T, any Error>?
    }

    init(pool: DatabasePool, maxBatch: Int = 256) {
        self.pool = pool
        self.maxBatch = maxBatch
    }

    /// Runs `operation` in a write transaction shared with whatever else is
    /// waiting, and returns its result once that transaction has committed.
    func write<T: Sendable>(_ operation: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let outcome = Outcome<T>()
            let job = Job(
                run: { db in
                    outcome.result = Result {
                        var value: T?
                        try db.inSavepoint {
                            value = try operation(db)
                            return .commit
                        }
                        return value!
                    }
                },
                finish: { commitError in
                    if let commitError {
                        continuation.resume(throwing: commitError)
                    } else {
                        continuation.resume(with: outcome.result ?? .failure(CancellationError()))
                    }
                })
            let startFlushing = state.withLock { s in
                s.queue.append(job)
                if s.flushing { return false }
                s.flushing = true
                return true
            }
            if startFlushing { Task { await self.flush() } }
        }
    }

    /// Commits batches until the queue is empty.
    private func flush() async {
        while true {
            let batch = state.withLock { s -> [Job] in
                let n = min(s.queue.count, maxBatch)
                let batch = Array(s.queue.prefix(n))
                s.queue.removeFirst(n)
                if batch.isEmpty { s.flushing = false }
                return batch
            }
            if batch.isEmpty { return }
            do {
                try await pool.write { db in
                    for job in batch { job.run(db) }
                }
                for job in batch { job.finish(nil) }
            } catch {
                for job in batch { job.finish(error) }
            }
        }
    }
}
