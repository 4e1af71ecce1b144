import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TriageCore
@testable import TriageServer

/// A classifier that takes a while, so that concurrent requests for one
/// incident really overlap the running marker.
struct SlowClassifier: IncidentClassifier {
    let inner: any IncidentClassifier
    let delay: Duration
    func classify(_ incident: Incident, priority: Severity?) async throws -> Classification {
        try await Task.sleep(for: delay)
        return try await inner.classify(incident, priority: priority)
    }
}

/// Concurrent duplicate triage requests, and organisations that must not
/// see each other's incidents.
@Suite struct HardeningTests {
    /// Rows the store holds for one incident.
    static func stored(_ server: TestServer, _ incidentID: String) async throws -> (triages: Int, evidence: Int, triageID: String?) {
        try await server.sqlite.pool.read { db in
            let triages = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM triage WHERE incident_id = ?", arguments: [incidentID]) ?? -1
            let evidence = try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM evidence JOIN triage ON triage.id = evidence.triage_id WHERE incident_id = ?",
                arguments: [incidentID]) ?? -1
            let id = try String.fetchOne(db, sql: "SELECT id FROM triage WHERE incident_id = ?", arguments: [incidentID])
            return (triages, evidence, id)
        }
    }

    static func investigationsUsed(_ server: TestServer, org: String = "acme") async throws -> Int {
        try await server.sqlite.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT SUM(investigations_used) FROM quota_usage WHERE organization = ?", arguments: [org]) ?? 0
        }
    }

    /// Fires `copies` identical-incident triage requests at once for each
    /// incident and checks the outcome: exactly one 201, the rest 200 (the
    /// same triage) or 409, one stored triage with its evidence, one
    /// investigation spent per incident.
    static func duplicates(
        _ server: TestServer, _ client: any TestClientProtocol, incidents: Int, copies: Int
    ) async throws -> [Int: Int] {
        let admin = try await server.auth()
        let member = try await server.auth("member")
        var ids = [String]()
        for _ in 0..<incidents { ids.append(try await client.createIncident(admin)) }
        var tally = [Int: Int]()
        for id in ids {
            let bodies = [nil, "{}", #"{"priority": "low"}"#, #"{"context": "the database is down"}"#]
            let responses = try await withThrowingTaskGroup(of: TestResponse.self) { group in
                for i in 0..<copies {
                    group.addTask {
                        try await client.post("/v1/triage/\(id)", i % 2 == 0 ? admin : member, bodies[i % bodies.count])
                    }
                }
                var out = [TestResponse]()
                for try await r in group { out.append(r) }
                return out
            }
            for r in responses { tally[Int(r.status.code), default: 0] += 1 }
            let created = responses.filter { $0.status == .created }
            #expect(created.count == 1, "\(id): \(responses.map(\.status.code))")
            #expect(responses.allSatisfy { [200, 201, 409].contains($0.status.code) }, "\(responses.map(\.text))")
            for r in responses where r.status == .conflict { #expect(r.json.errorCode == "triage_already_running") }
            let triageID = created.first?.json.string("triageId")
            for r in responses where r.status == .ok {
                #expect(r.json.string("triageId") == triageID)
                #expect(r.text == created.first?.text, "a 200 differs from the 201")
            }
            let rows = try await stored(server, id)
            #expect(rows.triages == 1 && rows.evidence == 1 && rows.triageID == triageID, "\(id): \(rows)")
        }
        #expect(try await investigationsUsed(server) == incidents)
        return tally
    }

    @Test func concurrentDuplicatesInProcess() async throws {
        let server = try await TestServer.make(
            .init(classifier: { SlowClassifier(inner: $0, delay: .milliseconds(20)) }))
        defer { server.remove() }
        try await server.app().test(.router) { client in
            let tally = try await Self.duplicates(server, client, incidents: 8, copies: 48)
            // The classifier's 20 ms made requests overlap the running marker.
            #expect((tally[409] ?? 0) > 0, "\(tally)")
        }
    }

    /// The same over real sockets: AsyncHTTPClient opens a connection per
    /// request in flight, so the server sees them on separate channels.
    @Test func concurrentDuplicatesOverSockets() async throws {
        for delay in [0, 20] {
            let server = try await TestServer.make(
                .init(classifier: { SlowClassifier(inner: $0, delay: .milliseconds(delay)) }))
            defer { server.remove() }
            try await server.app().test(.ahc(.http)) { client in
                _ = try await Self.duplicates(server, client, incidents: 6, copies: 32)
            }
        }
    }

    // MARK: Organisations

    /// Before and after a triage, on every route that takes an incident id,
    /// another organisation gets exactly what a made-up id gets (404
    /// `incident_not_found`, same message), whatever its role; its POST
    /// writes nothing and spends no quota; the owner's triage is untouched.
    @Test func anotherOrganisationSeesNothing() async throws {
        let server = try await TestServer.make()
        defer { server.remove() }
        try await server.app().test(.router) { client in
            let acme = try await server.auth(org: "acme")
            let id = try await client.createIncident(acme)
            let missing = "inc_01ARZ3NDEKTSV4RRFFQ69G5FAV"
            let routes: [(HTTPRequest.Method, String, String?)] = [
                (.get, "/v1/triage/{}", nil), (.get, "/v1/triage/{}/evidence", nil), (.post, "/v1/triage/{}", "{}"),
                (.post, "/v1/triage/{}", #"{"priority": "critical"}"#),
            ]
            func probe(_ phase: String) async throws {
                for role in ["admin", "member"] {
                    let other = try await server.auth(role, org: "globex")
                    for (method, template, body) in routes {
                        func call(_ target: String) async throws -> TestResponse {
                            try await client.execute(
                                uri: template.replacingOccurrences(of: "{}", with: target), method: method, headers: other,
                                body: body.map { ByteBuffer(string: $0) })
                        }
                        let theirs = try await call(id)
                        let none = try await call(missing)
                        let what = "\(phase) \(role) \(method) \(template)"
                        #expect(theirs.status == .notFound && theirs.json.errorCode == "incident_not_found", "\(what): \(theirs.text)")
                        #expect(theirs.status == none.status && theirs.json.errorCode == none.json.errorCode, "\(what)")
                        #expect(
                            theirs.json.errorMessage == none.json.errorMessage?.replacingOccurrences(of: missing, with: id), "\(what)")
                    }
                }
                #expect(try await Self.investigationsUsed(server, org: "globex") == 0)
            }
            try await probe("before triage")
            #expect(try await Self.stored(server, id).triages == 0)
            let first = try await client.post("/v1/triage/\(id)", acme, "{}")
            #expect(first.status == .created)
            try await probe("after triage")
            #expect(try await client.get("/v1/triage/\(id)", acme).text == first.text)
            #expect(try await Self.stored(server, id).triages == 1)
            #expect(try await Self.investigationsUsed(server, org: "acme") == 1)
        }
    }

    /// An organisation claim is compared exactly: no case folding, no
    /// trimming, no prefix match.
    @Test(arguments: ["ACME", "acme ", " acme", "acm", "acmé", "acme\u{200B}"])
    func organisationsCompareExactly(org: String) async throws {
        let server = try await TestServer.make()
        defer { server.remove() }
        try await server.app().test(.router) { client in
            let id = try await client.createIncident(try await server.auth(org: "acme"))
            let r = try await client.get("/v1/triage/\(id)", try await server.auth(org: org))
            #expect(r.status == .notFound && r.json.errorCode == "incident_not_found", "\(org.debugDescription): \(r.text)")
        }
    }

    /// SQLite compares text only up to a NUL, so an org claim "acme\0…"
    /// would read acme's incidents: a claim with a control character is
    /// refused outright, and so are NULs in the strings the API stores.
    @Test func nulCannotStretchAnOrganisationOrAString() async throws {
        let server = try await TestServer.make()
        defer { server.remove() }
        try await server.app().test(.router) { client in
            let acme = try await server.auth(org: "acme")
            let id = try await client.createIncident(acme)
            for org in ["acme\u{0}", "acme\u{0}evil", "acme\n", "acme\u{7F}"] {
                let r = try await client.get("/v1/triage/\(id)", try await server.auth(org: org))
                #expect(r.status == .unauthorized && r.json.errorMessage?.contains("control character") == true, "\(r.text)")
            }
            let role = try await client.get("/v1/triage/\(id)", try await server.auth("admin\u{0}", org: "acme"))
            #expect(role.status == .unauthorized)

            for body in [incidentBody(title: "Database\u{0} down"), incidentBody(description: validDescription + "\u{0}hidden")] {
                let r = try await client.post("/v1/incidents/chat", acme, body)
                #expect(r.status == .badRequest && r.json.errorMessage?.contains("NUL") == true, "\(r.text)")
            }
            let context = try await client.post("/v1/triage/\(id)", acme, #"{"context": "a\u0000b"}"#)
            #expect(context.status == .badRequest && context.json.errorMessage?.contains("context: must not contain") == true)
            // An id with a NUL names no incident, not the one before the NUL.
            let nulID = try await client.get("/v1/triage/\(id)%00x", acme)
            #expect(nulID.status == .notFound && nulID.json.errorCode == "incident_not_found", "\(nulID.text)")
            #expect(try await Self.stored(server, id).triages == 0)
        }
    }

    // MARK: Hostile bodies

    /// Bodies built to break a parser get a 4xx, never a 5xx or a crash,
    /// and the server answers normally afterwards.
    @Test func hostileBodiesGetA4xx() async throws {
        let server = try await TestServer.make()
        defer { server.remove() }
        let description = String(repeating: "x", count: 20)
        let bodies: [(String, [UInt8], Set<Int>)] = [
            ("nested 20,000 deep", Array(("{\"title\": " + String(repeating: "[", count: 20_000)).utf8), [400]),
            ("nested 65 deep in an unknown key",
             Array(("{\"x\": " + String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
                + ", \"title\": \"t\", \"description\": \"\(description)\"}").utf8), [400]),
            ("invalid UTF-8 in a string", Array("{\"title\": \"a".utf8) + [0xFF, 0xFE] + Array("\", \"description\": \"\(description)\"}".utf8), [201, 400]),
            ("lone surrogate escapes", Array("{\"title\": \"\\ud800\\udfff\\udc00\", \"description\": \"\(description)\"}".utf8), [201, 400]),
            ("3,000 duplicate keys", Array(("{" + String(repeating: "\"title\": \"t\", ", count: 3000) + "\"description\": \"\(description)\"}").utf8), [201, 400]),
            ("a number with 10,000 digits", Array(("{\"x\": " + String(repeating: "9", count: 10_000) + ", \"title\": \"t\", \"description\": \"\(description)\"}").utf8), [201, 400]),
            ("a string never closed", Array("{\"title\": \"abc".utf8), [400]),
            ("a bare top-level string", Array("\"title\"".utf8), [400]),
            ("NUL bytes outside strings", Array("{\"title\":\u{0}\"t\"}".utf8), [400]),
            ("trailing garbage", Array("{\"title\": \"t\", \"description\": \"\(description)\"} {}".utf8), [400]),
        ]
        try await server.app().test(.router) { client in
            let headers = try await server.auth()
            for (name, body, allowed) in bodies {
                for uri in ["/v1/incidents/chat", "/v1/triage/inc_x"] {
                    let r = try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(bytes: body))
                    let expected = uri.hasSuffix("chat") ? allowed : allowed.union([404])
                    #expect(expected.contains(Int(r.status.code)), "\(name) to \(uri): \(r.status) \(r.text)")
                    #expect(r.json.errorCode != nil || r.status.code < 300, "\(name): \(r.text)")
                }
            }
            #expect(try await client.get("/healthz").status == .ok)
        }
    }
}
