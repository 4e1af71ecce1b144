import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import TriageServer

/// The same API over a real socket on loopback: both contract pages end to
/// end, and the body checks that only a real connection exercises.
@Suite struct LiveServerTests {
    @Test func bothPagesOverASocket() async throws {
        let server = try await TestServer.make(.init(maxBodyBytes: 4096))
        defer { server.remove() }
        try await server.app().test(.live) { client in
            #expect(client.port != nil && client.port != 0)
            let admin = try await server.auth()
            let id = try await client.createIncident(admin)
            let started = try await client.post("/v1/triage/\(id)", try await server.auth("member"), #"{"priority": "critical"}"#)
            #expect(started.status == .created)
            #expect(started.json.string("classifiedSeverity") == "critical")
            let again = try await client.post("/v1/triage/\(id)", admin, nil)
            #expect(again.status == .ok && again.text == started.text)
            let evidence = try await client.get("/v1/triage/\(id)/evidence", admin)
            #expect(evidence.status == .ok)
            #expect(evidence.json.string("ruleSeverity") == "high")  // 503 and payments: score 5

            let big = try await client.post("/v1/incidents/chat", admin, incidentBody(description: String(repeating: "x", count: 5000)))
            #expect(big.status == .contentTooLarge && big.json.errorCode == "payload_too_large")
            let malformed = try await client.post("/v1/incidents/chat", admin, "{\"title\":")
            #expect(malformed.status == .badRequest && malformed.json.errorCode == "validation_error")
            let typed = try await client.post(
                "/v1/incidents/chat", [.authorization: admin[.authorization]!, .contentType: "text/csv"], "a,b")
            #expect(typed.status == .unsupportedMediaType)
            // The connection is still good after each refusal.
            #expect(try await client.get("/healthz").status == .ok)
        }
    }
}
