import Foundation
import GRDB
import Testing
import TriageCore
@testable import TriageServer

/// The SQLite store on its own: WAL, quotas spent and refunded atomically,
/// one triage per incident, organisations kept apart, nothing lost on reopen.
@Suite struct StoreTests {
    static func withStore(_ body: (SQLiteTriageStore, String) async throws -> Void) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("triage-store-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("nested/db.sqlite").path
        try await body(try SQLiteTriageStore(path: path), path)
    }

    static let t0 = date("2026-03-31T23:59:00Z")

    static func incident(_ id: String, org: String = "acme") -> NewIncident {
        NewIncident(
            id: id, organization: org, title: "Database down", description: "The database refuses connections.",
            createdBy: "ana", createdAt: t0)
    }

    static func start(_ triageID: String, _ incidentID: String, org: String = "acme", priority: Severity? = nil)
        -> NewTriage
    {
        NewTriage(id: triageID, incidentID: incidentID, organization: org, priority: priority, context: "notes", startedAt: t0)
    }

    static func outcome(_ severity: Severity = .high) -> TriageOutcome {
        TriageOutcome(
            classifiedSeverity: severity, ruleSeverity: .medium, assignedAgents: ["database", "network"],
            pack: PackMetadata(name: "p", version: "1", hash: "sha256:abc"), evidence: #"{"rules":[]}"#,
            completedAt: t0.addingTimeInterval(1))
    }

    @Test func opensInWALModeAndMigrates() async throws {
        try await Self.withStore { store, path in
            let mode = try await store.pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
            #expect(mode == "wal")
            let tables = try await store.pool.read { db in
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            }
            #expect(tables.filter { !$0.hasPrefix("grdb_") } == ["evidence", "incident", "quota_usage", "triage"])
            #expect(FileManager.default.fileExists(atPath: path))
        }
    }

    /// Events: each creation spends one, the last one allowed leaves 0, the
    /// next is refused and writes nothing.
    @Test func eventQuotaIsSpentWithTheInsert() async throws {
        try await Self.withStore { store, _ in
            let quota = Quota(events: 3, investigations: 7)
            var remaining = [Int]()
            for i in 0..<3 {
                let created = try await store.createIncident(Self.incident("inc_\(i)"), quota: quota, period: "2026-03")
                remaining.append(created.remaining.events)
                #expect(created.remaining.investigations == 7)
                #expect(created.incident.severity == "medium" && created.incident.status == "open")
                #expect(created.incident.source == "manual")
            }
            #expect(remaining == [2, 1, 0])
            await #expect(throws: StoreError.eventQuotaExceeded(limit: 3)) {
                try await store.createIncident(Self.incident("inc_3"), quota: quota, period: "2026-03")
            }
            #expect(try await store.incident(id: "inc_3", organization: "acme") == nil)
            // Another period, another organisation: their own counters.
            #expect(try await store.createIncident(Self.incident("inc_4"), quota: quota, period: "2026-04").remaining.events == 2)
            #expect(
                try await store.createIncident(Self.incident("inc_5", org: "globex"), quota: quota, period: "2026-03")
                    .remaining.events == 2)
            #expect(
                try await store.remaining(organization: "acme", quota: quota, period: "2026-03")
                    == QuotaRemaining(events: 0, investigations: 7))
        }
    }

    @Test func triageLifecycle() async throws {
        try await Self.withStore { store, _ in
            let quota = Quota(events: 10, investigations: 2)
            _ = try await store.createIncident(Self.incident("inc_a"), quota: quota, period: "2026-03")
            guard case .started(let running, let incident) = try await store.beginTriage(
                Self.start("tri_1", "inc_a", priority: .critical), quota: quota, period: "2026-03")
            else { Issue.record("not started"); return }
            #expect(running.status == .running && running.classifiedSeverity == nil && running.assignedAgents.isEmpty)
            #expect(incident.id == "inc_a")
            #expect(try await store.remaining(organization: "acme", quota: quota, period: "2026-03").investigations == 1)

            // While running, a second begin sees it and spends nothing.
            guard case .running(let seen) = try await store.beginTriage(
                Self.start("tri_2", "inc_a"), quota: quota, period: "2026-03")
            else { Issue.record("not running"); return }
            #expect(seen.id == "tri_1")
            #expect(try await store.remaining(organization: "acme", quota: quota, period: "2026-03").investigations == 1)

            let done = try await store.completeTriage(id: "tri_1", outcome: Self.outcome(.critical))
            #expect(done.status == .completed && done.classifiedSeverity == .critical && done.ruleSeverity == .medium)
            #expect(done.priority == .critical && done.context == "notes")
            #expect(done.assignedAgents == ["database", "network"])
            #expect(done.pack?.hash == "sha256:abc")
            #expect(done.completedAt == Self.t0.addingTimeInterval(1))
            #expect(try await store.incident(id: "inc_a", organization: "acme")?.severity == "critical")

            guard case .existing(let existing) = try await store.beginTriage(
                Self.start("tri_3", "inc_a"), quota: quota, period: "2026-03")
            else { Issue.record("not existing"); return }
            #expect(existing == done)
            let evidence = try await store.evidence(incidentID: "inc_a", organization: "acme")
            #expect(evidence?.document == #"{"rules":[]}"#)
            #expect(evidence?.triage == done)

            // Completing twice is refused.
            await #expect(throws: StoreError.triageNotRunning("tri_1")) {
                try await store.completeTriage(id: "tri_1", outcome: Self.outcome())
            }
        }
    }

    /// A failed triage gives its investigation back and is replaced by the next attempt.
    @Test func failureRefundsAndCanBeRetried() async throws {
        try await Self.withStore { store, _ in
            let quota = Quota(events: 10, investigations: 1)
            _ = try await store.createIncident(Self.incident("inc_a"), quota: quota, period: "2026-03")
            _ = try await store.beginTriage(Self.start("tri_1", "inc_a"), quota: quota, period: "2026-03")
            #expect(try await store.remaining(organization: "acme", quota: quota, period: "2026-03").investigations == 0)
            let failed = try await store.failTriage(id: "tri_1", reason: "boom", at: Self.t0)
            #expect(failed.status == .failed && failed.failure == "boom")
            #expect(try await store.remaining(organization: "acme", quota: quota, period: "2026-03").investigations == 1)
            #expect(try await store.evidence(incidentID: "inc_a", organization: "acme") == nil)
            guard case .started(let retry, _) = try await store.beginTriage(
                Self.start("tri_2", "inc_a"), quota: quota, period: "2026-03")
            else { Issue.record("not restarted"); return }
            #expect(retry.id == "tri_2")
            #expect(try await store.triage(incidentID: "inc_a", organization: "acme")?.id == "tri_2")
        }
    }

    @Test func investigationQuotaAndUnknownIncidents() async throws {
        try await Self.withStore { store, _ in
            let quota = Quota(events: 10, investigations: 1)
            for id in ["inc_a", "inc_b"] {
                _ = try await store.createIncident(Self.incident(id), quota: quota, period: "2026-03")
            }
            _ = try await store.beginTriage(Self.start("tri_1", "inc_a"), quota: quota, period: "2026-03")
            await #expect(throws: StoreError.quotaExceeded(limit: 1)) {
                try await store.beginTriage(Self.start("tri_2", "inc_b"), quota: quota, period: "2026-03")
            }
            #expect(try await store.triage(incidentID: "inc_b", organization: "acme") == nil)
            // The next month has its own quota.
            guard case .started = try await store.beginTriage(Self.start("tri_3", "inc_b"), quota: quota, period: "2026-04")
            else { Issue.record("not started in April"); return }
            await #expect(throws: StoreError.incidentNotFound) {
                try await store.beginTriage(Self.start("tri_4", "inc_zzz"), quota: quota, period: "2026-03")
            }
        }
    }

    /// Another organisation's incident does not exist, for every call.
    @Test func organisationsAreIsolated() async throws {
        try await Self.withStore { store, _ in
            let quota = Quota(events: 10, investigations: 10)
            _ = try await store.createIncident(Self.incident("inc_a", org: "acme"), quota: quota, period: "2026-03")
            _ = try await store.beginTriage(Self.start("tri_1", "inc_a"), quota: quota, period: "2026-03")
            _ = try await store.completeTriage(id: "tri_1", outcome: Self.outcome())
            #expect(try await store.incident(id: "inc_a", organization: "globex") == nil)
            #expect(try await store.triage(incidentID: "inc_a", organization: "globex") == nil)
            #expect(try await store.evidence(incidentID: "inc_a", organization: "globex") == nil)
            await #expect(throws: StoreError.incidentNotFound) {
                try await store.beginTriage(Self.start("tri_2", "inc_a", org: "globex"), quota: quota, period: "2026-03")
            }
        }
    }

    /// Everything acknowledged is there after the store is closed and opened
    /// again; a triage left running by a crash is failed and refunded.
    @Test func reopeningKeepsEverythingAndFailsInterruptedTriages() async throws {
        try await Self.withStore { store, path in
            let quota = Quota(events: 10, investigations: 10)
            for id in ["inc_a", "inc_b"] {
                _ = try await store.createIncident(Self.incident(id), quota: quota, period: "2026-03")
            }
            _ = try await store.beginTriage(Self.start("tri_a", "inc_a"), quota: quota, period: "2026-03")
            let done = try await store.completeTriage(id: "tri_a", outcome: Self.outcome())
            _ = try await store.beginTriage(Self.start("tri_b", "inc_b"), quota: quota, period: "2026-03")

            let reopened = try SQLiteTriageStore(path: path)
            #expect(try await reopened.triage(incidentID: "inc_a", organization: "acme") == done)
            #expect(try await reopened.remaining(organization: "acme", quota: quota, period: "2026-03")
                == QuotaRemaining(events: 8, investigations: 8))
            #expect(try await reopened.failInterruptedTriages(at: Self.t0) == 1)
            let b = try await reopened.triage(incidentID: "inc_b", organization: "acme")
            #expect(b?.status == .failed && b?.failure?.contains("interrupted") == true)
            #expect(try await reopened.remaining(organization: "acme", quota: quota, period: "2026-03").investigations == 9)
            #expect(try await reopened.failInterruptedTriages(at: Self.t0) == 0)
        }
    }

    /// Many writers at once never spend more than the quota, and every
    /// acknowledged incident is there.
    @Test func concurrentCreationsNeverOverspend() async throws {
        try await Self.withStore { store, _ in
            let quota = Quota(events: 25, investigations: 0)
            let results = await withTaskGroup(of: Bool.self) { group in
                for i in 0..<60 {
                    group.addTask {
                        (try? await store.createIncident(Self.incident("inc_\(i)"), quota: quota, period: "2026-03")) != nil
                    }
                }
                var ok = 0
                for await r in group where r { ok += 1 }
                return ok
            }
            #expect(results == 25)
            let count = try await store.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM incident") }
            #expect(count == 25)
        }
    }

    @Test func quotaPeriodIsTheUTCMonth() {
        #expect(Timestamps.quotaPeriod(date("2026-03-31T23:59:59Z")) == "2026-03")
        #expect(Timestamps.quotaPeriod(date("2026-04-01T00:00:00Z")) == "2026-04")
        #expect(Timestamps.quotaPeriod(date("1999-12-31T23:00:00Z")) == "1999-12")
        #expect(Timestamps.iso8601(date("2024-04-01T14:30:05Z")) == "2024-04-01T14:30:05Z")
        #expect(Timestamps.iso8601(Date(timeIntervalSince1970: 0.999)) == "1970-01-01T00:00:00Z")
    }
}

/// Group commit: operations that share a transaction still succeed or fail
/// one by one.
@Suite struct GroupCommitTests {
    @Test func aFailingOperationRollsBackOnlyItself() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("triage-gc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let pool = try DatabasePool(path: dir.appendingPathComponent("g.sqlite").path)
        try await pool.write { db in try db.execute(sql: "CREATE TABLE t (n INTEGER PRIMARY KEY)") }
        let writes = GroupCommit(pool: pool, maxBatch: 16)
        struct Odd: Error {}
        // Each operation inserts its number, then throws if it is odd: an odd
        // number must never be there, whatever batch it shared.
        let outcomes = await withTaskGroup(of: (Int, Bool).self) { group in
            for n in 0..<300 {
                group.addTask {
                    do {
                        let got = try await writes.write { db -> Int in
                            try db.execute(sql: "INSERT INTO t (n) VALUES (?)", arguments: [n])
                            if n % 2 == 1 { throw Odd() }
                            return n
                        }
                        return (got, true)
                    } catch {
                        return (n, false)
                    }
                }
            }
            var all = [(Int, Bool)]()
            for await o in group { all.append(o) }
            return all
        }
        #expect(outcomes.count == 300)
        #expect(outcomes.allSatisfy { $0.1 == ($0.0 % 2 == 0) })
        let stored = try await pool.read { db in try Int.fetchAll(db, sql: "SELECT n FROM t ORDER BY n") }
        #expect(stored == Array(stride(from: 0, to: 300, by: 2)))
    }
}
