import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing
import TriageCore
@testable import TriageServer

/// Builds a server on a temporary SQLite file for one test, with whatever
/// pieces the test swaps in, and helpers to call it.
struct TestServer: Sendable {
    static let secret = "test-secret-for-triagekit-0123456789abcdef"
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let shippedPack = root.appendingPathComponent("rules").path
    /// What tests classify with unless they bring their own pack: fixed, so the
    /// expected severities and agents do not move with the shipped packs.
    static let fixturePack = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/pack.yaml").path

    let deps: ServerDependencies
    let dir: URL
    let issuer: TokenIssuer
    /// The SQLite store under any wrapper a test put around it.
    let sqlite: SQLiteTriageStore
    /// The operations the store fails, which a test may change while it runs.
    let failures: Locked<Set<FailingStore.Operation>>

    struct Options: Sendable {
        var quotas = QuotaPolicy(default: Quota(events: 100, investigations: 100))
        var maxBodyBytes = 64 * 1024
        /// nil: the shipped packs; else the text of a one-file pack written to the temp dir.
        var pack: String?
        var failing: Set<FailingStore.Operation> = []
        /// Wrap the store in a `FailingStore` even with nothing failing yet.
        var failuresCanChange = false
        var classifier: (@Sendable (RuleClassifier) -> any IncidentClassifier)?
        var clock: (@Sendable () -> Date)?
        var tokenClock: (@Sendable () -> Date)?
        /// Reuse a database (and pack) directory, for restart tests.
        var directory: URL?
        var port = 0
    }

    static func make(_ options: Options = Options()) async throws -> TestServer {
        let dir = options.directory ?? FileManager.default.temporaryDirectory.appendingPathComponent(
            "triage-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var rulesPath = fixturePack
        if let pack = options.pack {
            rulesPath = dir.appendingPathComponent("pack.yaml").path
            if options.directory == nil || !FileManager.default.fileExists(atPath: rulesPath) {
                try pack.write(toFile: rulesPath, atomically: true, encoding: .utf8)
            }
        }
        let configuration = Configuration(
            rulesPath: rulesPath, databasePath: dir.appendingPathComponent("triage.sqlite").path, jwtSecret: secret,
            port: options.port, quotas: options.quotas, maxBodyBytes: options.maxBodyBytes)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        var deps = try await ServerDependencies.live(configuration: configuration, logger: logger)
        let sqlite = deps.store as! SQLiteTriageStore
        let failures = Locked(options.failing)
        if !options.failing.isEmpty || options.failuresCanChange { deps.store = FailingStore(inner: sqlite, failing: failures) }
        if let wrap = options.classifier { deps.classifier = wrap(RuleClassifier(packs: deps.packs, metrics: deps.metrics)) }
        if let clock = options.clock { deps.clock = clock }
        if let clock = options.tokenClock { deps.tokens = try await TokenVerifier(secret: secret, clock: clock) }
        return TestServer(
            deps: deps, dir: dir, issuer: try await TokenIssuer(secret: secret), sqlite: sqlite, failures: failures)
    }

    /// A server whose classifier waits for the test at every classification.
    static func makeGated(_ options: Options = Options()) async throws -> (TestServer, GatedClassifier) {
        let gated = Locked<GatedClassifier?>(nil)
        var options = options
        options.classifier = { inner in
            let g = GatedClassifier(inner)
            gated.withLock { $0 = g }
            return g
        }
        let server = try await make(options)
        return (server, try #require(gated.current))
    }

    func app() async throws -> some ApplicationProtocol { try await buildApplication(dependencies: deps) }

    func token(_ role: String = "admin", org: String = "acme") async throws -> String {
        try await issuer.issue(role: role, organization: org, subject: "tester")
    }

    func auth(_ role: String = "admin", org: String = "acme") async throws -> HTTPFields {
        [.authorization: "Bearer \(try await token(role, org: org))", .contentType: "application/json"]
    }

    func remove() { try? FileManager.default.removeItem(at: dir) }
}

/// A decoded response body.
struct JSONBodyValue {
    let object: [String: Any]

    init(_ buffer: ByteBuffer) {
        object = (try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView))) as? [String: Any] ?? [:]
    }

    subscript(_ key: String) -> Any? { object[key] }
    func string(_ key: String) -> String? { object[key] as? String }
    func int(_ key: String) -> Int? { object[key] as? Int }
    var errorCode: String? { (object["error"] as? [String: Any])?["code"] as? String }
    var errorMessage: String? { (object["error"] as? [String: Any])?["message"] as? String }
}

extension TestResponse {
    var json: JSONBodyValue { JSONBodyValue(body) }
    var text: String { String(buffer: body) }
}

extension TestClientProtocol {
    func post(_ uri: String, _ headers: HTTPFields, _ body: String? = nil) async throws -> TestResponse {
        try await execute(uri: uri, method: .post, headers: headers, body: body.map { ByteBuffer(string: $0) })
    }

    func get(_ uri: String, _ headers: HTTPFields = [:]) async throws -> TestResponse {
        try await execute(uri: uri, method: .get, headers: headers)
    }

    /// Creates an incident and returns its id.
    func createIncident(
        _ headers: HTTPFields, title: String = "Checkout returning 503 for EU customers",
        description: String =
            "Since 14:30 UTC all payment attempts from EU fail with HTTP 503; logs show connection refused from the payment gateway after the 14:25 deploy."
    ) async throws -> String {
        let body = try JSONSerialization.data(withJSONObject: ["title": title, "description": description])
        let r = try await post("/v1/incidents/chat", headers, String(decoding: body, as: UTF8.self))
        #expect(r.status == .created, "\(r.text)")
        return r.json.string("incidentId") ?? "inc_missing"
    }
}

/// A store that fails the operations it is told to, and otherwise passes through.
struct FailingStore: TriageStore {
    enum Operation: Sendable, Hashable {
        case createIncident, incident, beginTriage, completeTriage, failTriage, triage, evidence, remaining
    }

    struct Injected: Error, CustomStringConvertible {
        var operation: Operation
        var description: String { "injected failure in \(operation)" }
    }

    let inner: any TriageStore
    let failing: Locked<Set<Operation>>

    func check(_ op: Operation) throws { if failing.current.contains(op) { throw Injected(operation: op) } }

    func createIncident(_ incident: NewIncident, quota: Quota, period: String) async throws -> IncidentCreated {
        try check(.createIncident)
        return try await inner.createIncident(incident, quota: quota, period: period)
    }
    func incident(id: String, organization: String) async throws -> IncidentRecord? {
        try check(.incident)
        return try await inner.incident(id: id, organization: organization)
    }
    func beginTriage(_ start: NewTriage, quota: Quota, period: String) async throws -> TriageStart {
        try check(.beginTriage)
        return try await inner.beginTriage(start, quota: quota, period: period)
    }
    func completeTriage(id: String, outcome: TriageOutcome) async throws -> TriageRecord {
        try check(.completeTriage)
        return try await inner.completeTriage(id: id, outcome: outcome)
    }
    func failTriage(id: String, reason: String, at: Date) async throws -> TriageRecord {
        try check(.failTriage)
        return try await inner.failTriage(id: id, reason: reason, at: at)
    }
    func triage(incidentID: String, organization: String) async throws -> TriageRecord? {
        try check(.triage)
        return try await inner.triage(incidentID: incidentID, organization: organization)
    }
    func evidence(incidentID: String, organization: String) async throws -> EvidenceRecord? {
        try check(.evidence)
        return try await inner.evidence(incidentID: incidentID, organization: organization)
    }
    func remaining(organization: String, quota: Quota, period: String) async throws -> QuotaRemaining {
        try check(.remaining)
        return try await inner.remaining(organization: organization, quota: quota, period: period)
    }
    func failInterruptedTriages(at: Date) async throws -> Int { try await inner.failInterruptedTriages(at: at) }
}

/// A classifier that always fails.
struct FailingClassifier: IncidentClassifier {
    struct Failure: Error {}
    func classify(_ incident: Incident, priority: Severity?) async throws -> Classification { throw Failure() }
}

/// A classifier that signals when a classification starts and then waits
/// for the test to let it finish, so a test can act while a triage is
/// running.
final class GatedClassifier: IncidentClassifier {
    let inner: any IncidentClassifier
    let gate = Gate()
    let entered: AsyncStream<Void>
    private let enteredContinuation: AsyncStream<Void>.Continuation

    init(_ inner: any IncidentClassifier) {
        self.inner = inner
        (entered, enteredContinuation) = AsyncStream.makeStream()
    }

    func classify(_ incident: Incident, priority: Severity?) async throws -> Classification {
        enteredContinuation.yield()
        await gate.wait()
        return try await inner.classify(incident, priority: priority)
    }

    /// Waits until a classification has started.
    func waitUntilEntered() async {
        for await _ in entered { return }
    }
}

actor Gate {
    private var open = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func wait() async {
        if open { return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        open = true
        for w in waiters { w.resume() }
        waiters = []
    }
}

/// A clock tests move by hand.
final class TestClock: Sendable {
    private let now: Locked<Date>
    init(_ start: Date) { now = Locked(start) }
    func callAsFunction() -> Date { now.current }
    func set(_ date: Date) { now.withLock { $0 = date } }
}

/// A small pack whose one rule's score decides the severity of any incident
/// that says "database": 6 is high, 9 is critical.
func smallPack(score: Double, version: String = "1.0.0") -> String {
    """
    pack: {name: small, version: \(version)}
    agents: {catalogue: [{id: database}, {id: network}]}
    severity: {thresholds: {critical: 8, high: 5, medium: 2, low: 1}, default: low}
    rules:
      - {id: db-down, match: database, score: \(score), agents: {database: 2}}
      - {id: net, match: network, score: 1, agents: {network: 1}}

    """
}

func date(_ iso: String) -> Date { ISO8601DateFormatter().date(from: iso)! }
