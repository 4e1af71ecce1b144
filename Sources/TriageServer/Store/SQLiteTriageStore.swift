import Foundation
// GRDB rather than vapor/sqlite-nio: both build here, but GRDB is the
// better-kept SQLite library (steady releases, thorough docs and tests) and
// gives what this store needs without glue: a WAL connection pool whose
// readers run beside the single writer, IMMEDIATE write transactions, and
// versioned migrations. sqlite-nio is a thin driver under Fluent; on its own
// it would leave pooling, transactions and migrations to us.
import GRDB
import TriageCore
import TriageIO

/// The SQLite store: one database file in WAL mode, migrated on open.
///
/// Writes are serialised by GRDB's writer and run as IMMEDIATE transactions
/// (so they cannot interleave even with another process on the same file);
/// concurrent writes are group-committed (`GroupCommit`). Reads run
/// concurrently on a small pool of readers and never wait for writes.
/// Times are stored as integer milliseconds since 1970, UTC.
public final class SQLiteTriageStore: TriageStore {
    let pool: DatabasePool
    /// Writes made while another is committing share its successor's transaction.
    let writes: GroupCommit
    public let path: String

    /// Opens (creating it and its directory if needed) and migrates the database.
    public init(path: String, durability: Durability = .normal) throws {
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        var config = GRDB.Configuration()
        config.busyMode = .timeout(5)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(durability == .full ? "FULL" : "NORMAL")")
        }
        pool = try DatabasePool(path: path, configuration: config)
        writes = GroupCommit(pool: pool)
        self.path = path
        try Self.migrator.migrate(pool)
    }

    /// No secondary indexes beyond `triage.incident_id`: every query goes by
    /// a key, and each index is more pages to write per commit. The one scan,
    /// for triages left running, happens once at start-up.
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1: incidents, triages, evidence, quota usage") { db in
            try db.execute(
                sql: """
                    CREATE TABLE incident (
                        id TEXT PRIMARY KEY,
                        organization TEXT NOT NULL,
                        title TEXT NOT NULL,
                        description TEXT NOT NULL,
                        severity TEXT NOT NULL,
                        status TEXT NOT NULL,
                        source TEXT NOT NULL,
                        created_by TEXT,
                        created_at INTEGER NOT NULL
                    );
                    CREATE TABLE triage (
                        id TEXT PRIMARY KEY,
                        incident_id TEXT NOT NULL UNIQUE REFERENCES incident(id),
                        organization TEXT NOT NULL,
                        status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
                        priority TEXT,
                        context TEXT,
                        classified_severity TEXT,
                        rule_severity TEXT,
                        assigned_agents TEXT NOT NULL DEFAULT '[]',
                        pack_name TEXT,
                        pack_version TEXT,
                        pack_hash TEXT,
                        failure TEXT,
                        quota_period TEXT NOT NULL,
                        started_at INTEGER NOT NULL,
                        completed_at INTEGER
                    );
                    CREATE TABLE evidence (
                        triage_id TEXT PRIMARY KEY REFERENCES triage(id) ON DELETE CASCADE,
                        document TEXT NOT NULL
                    );
                    CREATE TABLE quota_usage (
                        organization TEXT NOT NULL,
                        period TEXT NOT NULL,
                        events_used INTEGER NOT NULL DEFAULT 0,
                        investigations_used INTEGER NOT NULL DEFAULT 0,
                        PRIMARY KEY (organization, period)
                    );
                    """)
        }
        return m
    }

    // MARK: Incidents

    public func createIncident(_ new: NewIncident, quota: Quota, period: String) async throws -> IncidentCreated {
        try await writes.write { db in
            let used = try Self.usage(db, organization: new.organization, period: period)
            guard used.events < quota.events else { throw StoreError.eventQuotaExceeded(limit: quota.events) }
            try Self.exec(
                db, """
                    INSERT INTO quota_usage (organization, period, events_used) VALUES (?, ?, 1)
                    ON CONFLICT (organization, period) DO UPDATE SET events_used = events_used + 1
                    """, [new.organization, period])
            let record = IncidentRecord(
                id: new.id, organization: new.organization, title: new.title, description: new.description,
                severity: "medium", status: "open", source: "manual", createdBy: new.createdBy, createdAt: new.createdAt)
            try Self.exec(
                db, """
                    INSERT INTO incident (id, organization, title, description, severity, status, source, created_by, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                [
                    record.id, record.organization, record.title, record.description, record.severity, record.status,
                    record.source, record.createdBy, Timestamps.millis(record.createdAt),
                ])
            let remaining = QuotaRemaining(
                events: max(0, quota.events - used.events - 1), investigations: max(0, quota.investigations - used.investigations))
            return IncidentCreated(incident: record, remaining: remaining)
        }
    }

    public func incident(id: String, organization: String) async throws -> IncidentRecord? {
        try await pool.read { db in try Self.incident(db, id: id, organization: organization) }
    }

    public func remaining(organization: String, quota: Quota, period: String) async throws -> QuotaRemaining {
        try await pool.read { db in
            let used = try Self.usage(db, organization: organization, period: period)
            return QuotaRemaining(
                events: max(0, quota.events - used.events), investigations: max(0, quota.investigations - used.investigations))
        }
    }

    // MARK: Triage

    public func beginTriage(_ start: NewTriage, quota: Quota, period: String) async throws -> TriageStart {
        try await writes.write { db in
            guard let incident = try Self.incident(db, id: start.incidentID, organization: start.organization) else {
                throw StoreError.incidentNotFound
            }
            let existing = try Self.triage(db, incidentID: start.incidentID, organization: start.organization)
            switch existing?.status {
            case .completed?: return .existing(existing!)
            case .running?: return .running(existing!)
            case .failed?, nil: break
            }
            let used = try Self.usage(db, organization: start.organization, period: period)
            guard used.investigations < quota.investigations else {
                throw StoreError.quotaExceeded(limit: quota.investigations)
            }
            try Self.exec(
                db, """
                    INSERT INTO quota_usage (organization, period, investigations_used) VALUES (?, ?, 1)
                    ON CONFLICT (organization, period) DO UPDATE SET investigations_used = investigations_used + 1
                    """, [start.organization, period])
            // A failed triage is replaced: the incident keeps one triage row.
            if let existing { try Self.exec(db, "DELETE FROM triage WHERE id = ?", [existing.id]) }
            try Self.exec(
                db, """
                    INSERT INTO triage (id, incident_id, organization, status, priority, context, quota_period, started_at)
                    VALUES (?, ?, ?, 'running', ?, ?, ?, ?)
                    """,
                [
                    start.id, start.incidentID, start.organization, start.priority?.name, start.context, period,
                    Timestamps.millis(start.startedAt),
                ])
            let record = TriageRecord(
                id: start.id, incidentID: start.incidentID, organization: start.organization, status: .running,
                classifiedSeverity: nil, ruleSeverity: nil, priority: start.priority, context: start.context,
                assignedAgents: [], pack: nil, failure: nil, startedAt: start.startedAt, completedAt: nil)
            return .started(record, incident)
        }
    }

    public func completeTriage(id: String, outcome: TriageOutcome) async throws -> TriageRecord {
        var w = JSONWriter(reservingCapacity: 64)
        w.beginArray()
        for a in outcome.assignedAgents { w.string(a) }
        w.endArray()
        let agents = String(decoding: w.bytes, as: UTF8.self)
        return try await writes.write { db in
            // RETURNING gives back the row as updated, so the commit path
            // reads nothing again.
            guard let row = try Self.row(
                db, """
                    UPDATE triage SET status = 'completed', classified_severity = ?, rule_severity = ?,
                        assigned_agents = ?, pack_name = ?, pack_version = ?, pack_hash = ?, completed_at = ?
                    WHERE id = ? AND status = 'running'
                    RETURNING \(Self.triageColumns)
                    """,
                [
                    outcome.classifiedSeverity.name, outcome.ruleSeverity.name, agents, outcome.pack.name,
                    outcome.pack.version, outcome.pack.hash, Timestamps.millis(outcome.completedAt), id,
                ])
            else { throw StoreError.triageNotRunning(id) }
            let triage = Self.triage(from: row)
            try Self.exec(db, "INSERT INTO evidence (triage_id, document) VALUES (?, ?)", [id, outcome.evidence])
            try Self.exec(
                db, "UPDATE incident SET severity = ? WHERE id = ?", [outcome.classifiedSeverity.name, triage.incidentID])
            return triage
        }
    }

    public func failTriage(id: String, reason: String, at date: Date) async throws -> TriageRecord {
        try await writes.write { db in
            guard let row = try Self.row(
                db, "SELECT organization, quota_period FROM triage WHERE id = ? AND status = 'running'", [id])
            else { throw StoreError.triageNotRunning(id) }
            try Self.fail(db, id: id, organization: row[0], period: row[1], reason: reason, at: date)
            return try Self.triage(db, id: id)!
        }
    }

    public func failInterruptedTriages(at date: Date) async throws -> Int {
        try await pool.write { db in
            let rows = try Row.fetchAll(db, sql: "SELECT id, organization, quota_period FROM triage WHERE status = 'running'")
            for row in rows {
                try Self.fail(
                    db, id: row[0], organization: row[1], period: row[2],
                    reason: "interrupted: the server stopped while this triage was running", at: date)
            }
            return rows.count
        }
    }

    public func triage(incidentID: String, organization: String) async throws -> TriageRecord? {
        try await pool.read { db in try Self.triage(db, incidentID: incidentID, organization: organization) }
    }

    public func evidence(incidentID: String, organization: String) async throws -> EvidenceRecord? {
        try await pool.read { db in
            guard let triage = try Self.triage(db, incidentID: incidentID, organization: organization),
                let document = try String.fetchOne(
                    db.cachedStatement(sql: "SELECT document FROM evidence WHERE triage_id = ?"), arguments: [triage.id])
            else { return nil }
            return EvidenceRecord(triage: triage, document: document)
        }
    }

    // MARK: Rows

    static func fail(_ db: Database, id: String, organization: String, period: String, reason: String, at date: Date) throws {
        try Self.exec(
            db, "UPDATE triage SET status = 'failed', failure = ?, completed_at = ? WHERE id = ?",
            [reason, Timestamps.millis(date), id])
        try Self.exec(
            db, """
                UPDATE quota_usage SET investigations_used = investigations_used - 1
                WHERE organization = ? AND period = ? AND investigations_used > 0
                """, [organization, period])
    }

    /// Runs a statement, prepared once per connection.
    static func exec(_ db: Database, _ sql: String, _ arguments: StatementArguments) throws {
        try db.cachedStatement(sql: sql).execute(arguments: arguments)
    }

    /// The first row of a query, prepared once per connection.
    static func row(_ db: Database, _ sql: String, _ arguments: StatementArguments) throws -> Row? {
        try Row.fetchOne(db.cachedStatement(sql: sql), arguments: arguments)
    }

    static func usage(_ db: Database, organization: String, period: String) throws -> (events: Int, investigations: Int) {
        let row = try Self.row(
            db, "SELECT events_used, investigations_used FROM quota_usage WHERE organization = ? AND period = ?",
            [organization, period])
        return (row?[0] ?? 0, row?[1] ?? 0)
    }

    static func incident(_ db: Database, id: String, organization: String) throws -> IncidentRecord? {
        guard let row = try Self.row(
            db, """
                SELECT id, organization, title, description, severity, status, source, created_by, created_at
                FROM incident WHERE id = ? AND organization = ?
                """, [id, organization])
        else { return nil }
        return IncidentRecord(
            id: row[0], organization: row[1], title: row[2], description: row[3], severity: row[4], status: row[5],
            source: row[6], createdBy: row[7], createdAt: Timestamps.date(millis: row[8]))
    }

    /// The columns `triage(from:)` reads, in its order.
    static let triageColumns = """
        id, incident_id, organization, status, priority, context, classified_severity, rule_severity,
        assigned_agents, pack_name, pack_version, pack_hash, failure, started_at, completed_at
        """

    static func triage(_ db: Database, incidentID: String, organization: String) throws -> TriageRecord? {
        try Self.row(
            db, "SELECT \(triageColumns) FROM triage WHERE incident_id = ? AND organization = ?", [incidentID, organization]
        ).map(triage(from:))
    }

    static func triage(_ db: Database, id: String) throws -> TriageRecord? {
        try Self.row(db, "SELECT \(triageColumns) FROM triage WHERE id = ?", [id]).map(triage(from:))
    }

    static func triage(from row: Row) -> TriageRecord {
        let agentsJSON: String = row[8]
        let agents = (try? JSONSerialization.jsonObject(with: Data(agentsJSON.utf8))) as? [String] ?? []
        let packHash: String? = row[11]
        let completed: Int64? = row[14]
        func severity(_ i: Int) -> Severity? { (row[i] as String?).flatMap { Severity(name: $0) } }
        return TriageRecord(
            id: row[0], incidentID: row[1], organization: row[2], status: TriageStatus(rawValue: row[3]) ?? .failed,
            classifiedSeverity: severity(6), ruleSeverity: severity(7), priority: severity(4), context: row[5],
            assignedAgents: agents,
            pack: packHash.map { PackMetadata(name: row[9] ?? "", version: row[10] ?? "", hash: $0) },
            failure: row[12], startedAt: Timestamps.date(millis: row[13]), completedAt: completed.map { Timestamps.date(millis: $0) })
    }
}
