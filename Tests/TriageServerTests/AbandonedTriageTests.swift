import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TriageCore
@testable import TriageServer

/// A triage whose request could not record how it ended (the classifier or
/// the store failed, and then marking it failed failed too) is left
/// `running` in the store. It must not answer 409 until the next restart.
@Suite struct AbandonedTriageTests {
    static func investigationsUsed(_ server: TestServer) async throws -> Int {
        try await server.sqlite.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT SUM(investigations_used) FROM quota_usage WHERE organization = 'acme'") ?? 0
        }
    }

    /// The classifier fails, and so does marking the triage failed: the row
    /// stays `running` in the store. The next request must not answer 409
    /// for ever; it fails the abandoned triage (refunding it) and runs a new one.
    @Test(arguments: ["post", "get"])
    func anAbandonedRunningTriageIsNotStuck(firstCall: String) async throws {
        let fail = Locked(true)
        struct Flaky: IncidentClassifier {
            let inner: any IncidentClassifier
            let fail: Locked<Bool>
            func classify(_ incident: Incident, priority: Severity?) async throws -> Classification {
                if fail.current { throw FailingClassifier.Failure() }
                return try await inner.classify(incident, priority: priority)
            }
        }
        let server = try await TestServer.make(
            .init(
                quotas: QuotaPolicy(default: Quota(events: 9, investigations: 1)), failuresCanChange: true,
                classifier: { Flaky(inner: $0, fail: fail) }))
        defer { server.remove() }
        try await server.app().test(.router) { client in
            let headers = try await server.auth()
            let id = try await client.createIncident(headers)
            server.failures.withLock { $0 = [.failTriage] }
            let failed = try await client.post("/v1/triage/\(id)", headers, "{}")
            #expect(failed.status == .internalServerError && failed.json.errorCode == "triage_error")
            let stuck = try #require(try await server.sqlite.triage(incidentID: id, organization: "acme"))
            #expect(stuck.status == .running)

            // The store and the classifier work again.
            server.failures.withLock { $0 = [] }
            fail.withLock { $0 = false }
            if firstCall == "get" {
                let shown = try await client.get("/v1/triage/\(id)", headers)
                #expect(shown.status == .ok)
                #expect(shown.json.string("status") == "failed", "\(shown.text)")
                #expect(shown.json.string("failure")?.contains("abandoned") == true)
            }
            // The quota allows one investigation: it was given back.
            let retried = try await client.post("/v1/triage/\(id)", headers, "{}")
            #expect(retried.status == .created, "\(retried.text)")
            #expect(retried.json.string("triageId") != stuck.id)
            #expect(try await Self.investigationsUsed(server) == 1)
        }
    }

    /// While the store still cannot mark it, the abandoned triage answers
    /// 409 as before (nothing better can be said), and nothing crashes.
    @Test func anAbandonedTriageStaysConflictedWhileTheStoreFails() async throws {
        let server = try await TestServer.make(.init(failuresCanChange: true, classifier: { _ in FailingClassifier() }))
        defer { server.remove() }
        try await server.app().test(.router) { client in
            let headers = try await server.auth()
            let id = try await client.createIncident(headers)
            server.failures.withLock { $0 = [.failTriage] }
            #expect(try await client.post("/v1/triage/\(id)", headers, "{}").status == .internalServerError)
            let again = try await client.post("/v1/triage/\(id)", headers, "{}")
            #expect(again.status == .conflict && again.json.errorCode == "triage_already_running")
            #expect(try await client.get("/v1/triage/\(id)", headers).json.string("status") == "running")
        }
    }

    /// A request that really is running its triage is never taken for an
    /// abandoned one, however many others ask meanwhile.
    @Test func aRunningTriageIsNotTakenForAbandoned() async throws {
        let (server, classifier) = try await TestServer.makeGated()
        defer { server.remove() }
        try await server.app().test(.router) { client in
            let headers = try await server.auth()
            let id = try await client.createIncident(headers)
            async let first = client.post("/v1/triage/\(id)", headers, "{}")
            await classifier.waitUntilEntered()
            for _ in 0..<10 {
                #expect(try await client.post("/v1/triage/\(id)", headers, "{}").status == .conflict)
                #expect(try await client.get("/v1/triage/\(id)", headers).json.string("status") == "running")
            }
            await classifier.gate.release()
            #expect(try await first.status == .created)
        }
    }
}
