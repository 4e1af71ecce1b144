import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TriageCore
@testable import TriageServer

/// One way to get one status from one operation.
struct StatusCase: Sendable, CustomTestStringConvertible {
    /// "METHOD /path", as in the OpenAPI document.
    var operation: String
    var status: Int
    /// The error code the body must carry (nil for a success).
    var code: String?
    /// Text the error message must contain (the field and the reason, say).
    var message: String?
    var name: String
    var options = TestServer.Options()
    var run: @Sendable (TestServer, any TestClientProtocol) async throws -> TestResponse

    var testDescription: String { "\(operation) \(status) \(name)" }
}

let createIncident = "POST /v1/incidents/chat"
let startTriage = "POST /v1/triage/{incidentId}"
let getTriage = "GET /v1/triage/{incidentId}"
let getEvidence = "GET /v1/triage/{incidentId}/evidence"
let reloadPack = "POST /v1/admin/reload"

let validDescription = "Since 14:30 UTC the primary database refuses connections: too many connections."

/// A JSON body for `POST /v1/incidents/chat`.
func incidentBody(title: Any? = "Database down", description: Any? = validDescription) -> String {
    var object = [String: Any]()
    if let title { object["title"] = title }
    if let description { object["description"] = description }
    return String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self)
}

/// Posts `body` to create an incident as `role`.
func create(_ body: String?, role: String = "admin", contentType: String? = "application/json")
    -> @Sendable (TestServer, any TestClientProtocol) async throws -> TestResponse
{
    { server, client in
        var headers = try await server.auth(role)
        headers[.contentType] = contentType
        return try await client.post("/v1/incidents/chat", headers, body)
    }
}

/// Creates an incident as admin, then posts `body` to triage it as `role`.
func triage(_ body: String?, role: String = "admin", contentType: String? = "application/json")
    -> @Sendable (TestServer, any TestClientProtocol) async throws -> TestResponse
{
    { server, client in
        let id = try await client.createIncident(try await server.auth())
        var headers = try await server.auth(role)
        headers[.contentType] = contentType
        return try await client.post("/v1/triage/\(id)", headers, body)
    }
}

/// Every status code of every operation, each reached the way a client would.
/// `OpenAPITests` checks that this table and the OpenAPI document list the
/// same statuses for the same operations.
let statusCases: [StatusCase] = [
    // MARK: POST /v1/incidents/chat
    StatusCase(operation: createIncident, status: 201, name: "admin", run: create(incidentBody())),
    StatusCase(operation: createIncident, status: 201, name: "owner", run: create(incidentBody(), role: "owner")),
    StatusCase(operation: createIncident, status: 201, name: "operator", run: create(incidentBody(), role: "operator")),
    StatusCase(
        operation: createIncident, status: 201, name: "content type with charset",
        run: create(incidentBody(), contentType: "application/json; charset=utf-8")),
    StatusCase(
        operation: createIncident, status: 201, name: "description of exactly 10 characters",
        run: create(incidentBody(description: "0123456789"))),
    StatusCase(
        operation: createIncident, status: 201, name: "description of exactly 4000 characters",
        run: create(incidentBody(description: String(repeating: "x", count: 4000)))),
    StatusCase(
        operation: createIncident, status: 400, code: "validation_error", message: "title: required",
        name: "title missing", run: create(incidentBody(title: nil))),
    StatusCase(
        operation: createIncident, status: 400, code: "validation_error", message: "title: must not be empty",
        name: "title empty", run: create(incidentBody(title: ""))),
    StatusCase(
        operation: createIncident, status: 400, code: "validation_error", message: "title: must not be empty",
        name: "title only spaces", run: create(incidentBody(title: "   \n "))),
    StatusCase(
        operation: createIncident, status: 400, code: "validation_error",
        message: "title: must be at most 200 characters (got 201)", name: "title too long",
        run: create(incidentBody(title: String(repeating: "t", count: 201)))),
    StatusCase(
        operation: createIncident, status: 400, code: "validation_error", message: "title: must be a string",
        name: "title a number", run: create(incidentBody(title: 42))),
    StatusCase(
        operation: createIncident, status: 400, code: "validation_error", message: "description: required",
        name: "description missing", run: create(incidentBody(description: nil))),
    StatusCase(
        operation: createIncident, status: 400, code: "validation_error",
        message: "description: must be between 10 and 4000 characters (got 9)", name: "description too short",
        run: create(incidentBody(description: "too short"))),
    StatusCase(
        operation: createIncident, status: 400, code: "validation_error",
        message: "description: must be between 10 and 4000 characters (got 4001)", name: "description too long",
        run: create(incidentBody(description: String(repeating: "x", count: 4001)))),
    // Lengths are code points, as in the OpenAPI document's patterns; only
    // space, tab, CR and LF are trimmed.
    StatusCase(
        operation: createIncident, status: 201, name: "ten code points in five characters",
        run: create(incidentBody(description: String(repeating: "e\u{301}", count: 5)))),
    StatusCase(
        operation: createIncident, status: 400, code: "validation_error",
        message: "description: must be between 10 and 4000 characters (got 9)", name: "trimmed to nine",
        run: create(incidentBody(description: "\t\r\n 123456789 \n"))),
    StatusCase(
        operation: createIncident, status: 400, code: "validation_error",
        message: "description: must be between 10 and 4000 characters (got 4001)", name: "4001 code points in 2001 characters",
        run: create(incidentBody(description: "x" + String(repeating: "e\u{301}", count: 2000)))),
    StatusCase(
        operation: createIncident, status: 201, name: "a no-break space is not trimmed",
        run: create(incidentBody(title: "\u{A0}"))),
    StatusCase(
        operation: createIncident, status: 400, code: "validation_error",
        message: "title: required; description: required", name: "both missing", run: create("{}")),
    StatusCase(
        operation: createIncident, status: 400, code: "validation_error", message: "description: must be a string",
        name: "description an array", run: create(incidentBody(description: ["a"]))),
    StatusCase(
        operation: createIncident, status: 400, code: "validation_error", message: "body: not valid JSON",
        name: "malformed JSON", run: create(#"{"title": "x", "#)),
    StatusCase(
        operation: createIncident, status: 400, code: "validation_error", message: "body: must be a JSON object",
        name: "a JSON array", run: create("[1, 2]")),
    StatusCase(
        operation: createIncident, status: 400, code: "validation_error", message: "body: required",
        name: "no body", run: create(nil)),
    StatusCase(
        operation: createIncident, status: 401, code: "unauthorized", message: "bearer token is required",
        name: "no token",
        run: { _, client in try await client.post("/v1/incidents/chat", [.contentType: "application/json"], incidentBody()) }),
    StatusCase(
        operation: createIncident, status: 401, code: "unauthorized", message: "Bearer <token>",
        name: "basic auth",
        run: { _, client in
            try await client.post(
                "/v1/incidents/chat", [.authorization: "Basic dXNlcjpwYXNz", .contentType: "application/json"],
                incidentBody())
        }),
    StatusCase(
        operation: createIncident, status: 403, code: "forbidden", message: "role member may not do this",
        name: "member", run: create(incidentBody(), role: "member")),
    StatusCase(
        operation: createIncident, status: 403, code: "forbidden", message: "needs admin, owner or operator",
        name: "unknown role", run: create(incidentBody(), role: "viewer")),
    StatusCase(
        operation: createIncident, status: 413, code: "payload_too_large", message: "larger than 1024 bytes",
        name: "body over the limit", options: .init(maxBodyBytes: 1024),
        run: create(incidentBody(description: String(repeating: "x", count: 2000)))),
    StatusCase(
        operation: createIncident, status: 415, code: "unsupported_media_type", message: "'text/plain'",
        name: "text/plain", run: create(incidentBody(), contentType: "text/plain")),
    StatusCase(
        operation: createIncident, status: 415, code: "unsupported_media_type", message: "untyped",
        name: "no content type", run: create(incidentBody(), contentType: nil)),
    StatusCase(
        operation: createIncident, status: 429, code: "event_quota_exceeded", message: "(0)",
        name: "quota of 0", options: .init(quotas: QuotaPolicy(default: Quota(events: 0, investigations: 5))),
        run: create(incidentBody())),
    StatusCase(
        operation: createIncident, status: 429, code: "event_quota_exceeded", message: "(2)",
        name: "third of a quota of 2", options: .init(quotas: QuotaPolicy(default: Quota(events: 2, investigations: 5))),
        run: { server, client in
            let headers = try await server.auth()
            _ = try await client.createIncident(headers)
            _ = try await client.createIncident(headers)
            return try await client.post("/v1/incidents/chat", headers, incidentBody())
        }),
    StatusCase(
        operation: createIncident, status: 500, code: "internal_error", name: "store fails",
        options: .init(failing: [.createIncident]), run: create(incidentBody())),

    // MARK: POST /v1/triage/{incidentId}
    StatusCase(operation: startTriage, status: 201, name: "no body", run: triage(nil, contentType: nil)),
    StatusCase(operation: startTriage, status: 201, name: "empty object", run: triage("{}")),
    StatusCase(operation: startTriage, status: 201, name: "member", run: triage("{}", role: "member")),
    StatusCase(
        operation: startTriage, status: 201, name: "every priority",
        run: { server, client in
            var last: TestResponse?
            for p in ["critical", "high", "medium", "low"] {
                let id = try await client.createIncident(try await server.auth())
                last = try await client.post("/v1/triage/\(id)", try await server.auth(), #"{"priority": "\#(p)"}"#)
                #expect(last?.status == .created && last?.json.string("classifiedSeverity") == p)
            }
            return last!
        }),
    StatusCase(
        operation: startTriage, status: 201, name: "context and null priority",
        run: triage(#"{"context": "on-call notes", "priority": null}"#)),
    StatusCase(
        operation: startTriage, status: 201, name: "null context, as the document allows",
        run: triage(#"{"priority": "critical", "context": null}"#)),
    StatusCase(
        operation: startTriage, status: 200, name: "second call",
        run: { server, client in
            let id = try await client.createIncident(try await server.auth())
            _ = try await client.post("/v1/triage/\(id)", try await server.auth(), "{}")
            return try await client.post("/v1/triage/\(id)", try await server.auth("member"), "{}")
        }),
    StatusCase(
        operation: startTriage, status: 400, code: "validation_error",
        message: "priority: must be one of critical, high, medium, low (got 'urgent')", name: "unknown priority",
        run: triage(#"{"priority": "urgent"}"#)),
    StatusCase(
        operation: startTriage, status: 400, code: "validation_error", message: "(got 'info')",
        name: "info is not a priority", run: triage(#"{"priority": "info"}"#)),
    StatusCase(
        operation: startTriage, status: 400, code: "validation_error", message: "(got 'HIGH')",
        name: "priority in capitals", run: triage(#"{"priority": "HIGH"}"#)),
    StatusCase(
        operation: startTriage, status: 400, code: "validation_error", message: "priority: must be a string",
        name: "priority a number", run: triage(#"{"priority": 1}"#)),
    StatusCase(
        operation: startTriage, status: 400, code: "validation_error",
        message: "context: must be at most 4000 characters (got 4001)", name: "context too long",
        run: triage(#"{"context": "\#(String(repeating: "c", count: 4001))"}"#)),
    StatusCase(
        operation: startTriage, status: 400, code: "validation_error", message: "body: not valid JSON",
        name: "malformed JSON", run: triage("{priority: high}")),
    StatusCase(
        operation: startTriage, status: 401, code: "unauthorized", message: "bearer token is required",
        name: "no token",
        run: { server, client in
            let id = try await client.createIncident(try await server.auth())
            return try await client.post("/v1/triage/\(id)", [.contentType: "application/json"], "{}")
        }),
    StatusCase(
        operation: startTriage, status: 401, code: "unauthorized", message: "has expired", name: "expired token",
        run: { server, client in
            let id = try await client.createIncident(try await server.auth())
            let token = try await server.issuer.issue(
                role: "admin", organization: "acme", lifetime: 60, now: Date().addingTimeInterval(-3600))
            return try await client.post("/v1/triage/\(id)", [.authorization: "Bearer \(token)"], "{}")
        }),
    StatusCase(
        operation: startTriage, status: 403, code: "forbidden", message: "needs admin or member", name: "owner",
        run: triage("{}", role: "owner")),
    StatusCase(
        operation: startTriage, status: 403, code: "forbidden", message: "role operator", name: "operator",
        run: triage("{}", role: "operator")),
    StatusCase(
        operation: startTriage, status: 404, code: "incident_not_found", message: "inc_01ARZ3NDEKTSV4RRFFQ69G5FAV",
        name: "unknown incident",
        run: { server, client in
            try await client.post("/v1/triage/inc_01ARZ3NDEKTSV4RRFFQ69G5FAV", try await server.auth(), "{}")
        }),
    StatusCase(
        operation: startTriage, status: 404, code: "incident_not_found", name: "not an incident id",
        run: { server, client in try await client.post("/v1/triage/..%2F..%2Fetc", try await server.auth(), "{}") }),
    StatusCase(
        operation: startTriage, status: 404, code: "incident_not_found", name: "another organisation's incident",
        run: { server, client in
            let id = try await client.createIncident(try await server.auth(org: "globex"))
            return try await client.post("/v1/triage/\(id)", try await server.auth(org: "acme"), "{}")
        }),
    StatusCase(
        operation: startTriage, status: 409, code: "triage_already_running", name: "another request is running it",
        options: .init(classifier: { GatedClassifier($0) }),
        run: { server, client in
            let gated = server.deps.classifier as! GatedClassifier
            let id = try await client.createIncident(try await server.auth())
            let headers = try await server.auth()
            async let first = client.post("/v1/triage/\(id)", headers, "{}")
            await gated.waitUntilEntered()
            let second = try await client.post("/v1/triage/\(id)", headers, "{}")
            await gated.gate.release()
            _ = try await first
            return second
        }),
    StatusCase(
        operation: startTriage, status: 413, code: "payload_too_large", name: "body over the limit",
        options: .init(maxBodyBytes: 512), run: triage(#"{"context": "\#(String(repeating: "c", count: 600))"}"#)),
    StatusCase(
        operation: startTriage, status: 415, code: "unsupported_media_type", name: "form encoded",
        run: triage("priority=high", contentType: "application/x-www-form-urlencoded")),
    StatusCase(
        operation: startTriage, status: 429, code: "quota_exceeded", message: "investigation quota (0 a month)",
        name: "quota of 0", options: .init(quotas: QuotaPolicy(default: Quota(events: 5, investigations: 0))),
        run: triage("{}")),
    StatusCase(
        operation: startTriage, status: 500, code: "triage_error", message: "the classifier failed",
        name: "classifier fails", options: .init(classifier: { _ in FailingClassifier() }), run: triage("{}")),
    StatusCase(
        operation: startTriage, status: 500, code: "triage_error", name: "store fails to start it",
        options: .init(failing: [.beginTriage]), run: triage("{}")),
    StatusCase(
        operation: startTriage, status: 500, code: "triage_error", message: "could not be stored",
        name: "store fails to complete it", options: .init(failing: [.completeTriage]), run: triage("{}")),

    // MARK: GET /v1/triage/{incidentId}
    StatusCase(
        operation: getTriage, status: 200, name: "after triage",
        run: { server, client in
            let id = try await client.createIncident(try await server.auth())
            _ = try await client.post("/v1/triage/\(id)", try await server.auth(), "{}")
            return try await client.get("/v1/triage/\(id)", try await server.auth("member"))
        }),
    StatusCase(
        operation: getTriage, status: 401, code: "unauthorized", name: "no token",
        run: { _, client in try await client.get("/v1/triage/inc_x") }),
    StatusCase(
        operation: getTriage, status: 403, code: "forbidden", name: "operator",
        run: { server, client in try await client.get("/v1/triage/inc_x", try await server.auth("operator")) }),
    StatusCase(
        operation: getTriage, status: 404, code: "incident_not_found", name: "unknown incident",
        run: { server, client in try await client.get("/v1/triage/inc_x", try await server.auth()) }),
    StatusCase(
        operation: getTriage, status: 404, code: "triage_not_found", name: "not triaged yet",
        run: { server, client in
            let id = try await client.createIncident(try await server.auth())
            return try await client.get("/v1/triage/\(id)", try await server.auth())
        }),
    StatusCase(
        operation: getTriage, status: 500, code: "triage_error", name: "store fails",
        options: .init(failing: [.triage]),
        run: { server, client in try await client.get("/v1/triage/inc_x", try await server.auth()) }),

    // MARK: GET /v1/triage/{incidentId}/evidence
    StatusCase(
        operation: getEvidence, status: 200, name: "after triage",
        run: { server, client in
            let id = try await client.createIncident(try await server.auth())
            _ = try await client.post("/v1/triage/\(id)", try await server.auth(), "{}")
            return try await client.get("/v1/triage/\(id)/evidence", try await server.auth())
        }),
    StatusCase(
        operation: getEvidence, status: 401, code: "unauthorized", name: "no token",
        run: { _, client in try await client.get("/v1/triage/inc_x/evidence") }),
    StatusCase(
        operation: getEvidence, status: 403, code: "forbidden", name: "owner",
        run: { server, client in try await client.get("/v1/triage/inc_x/evidence", try await server.auth("owner")) }),
    StatusCase(
        operation: getEvidence, status: 404, code: "incident_not_found", name: "unknown incident",
        run: { server, client in try await client.get("/v1/triage/inc_x/evidence", try await server.auth()) }),
    StatusCase(
        operation: getEvidence, status: 404, code: "triage_not_found", name: "not triaged yet",
        run: { server, client in
            let id = try await client.createIncident(try await server.auth())
            return try await client.get("/v1/triage/\(id)/evidence", try await server.auth())
        }),
    StatusCase(
        operation: getEvidence, status: 404, code: "evidence_not_found", name: "triage failed",
        options: .init(classifier: { _ in FailingClassifier() }),
        run: { server, client in
            let id = try await client.createIncident(try await server.auth())
            _ = try await client.post("/v1/triage/\(id)", try await server.auth(), "{}")
            return try await client.get("/v1/triage/\(id)/evidence", try await server.auth())
        }),
    StatusCase(
        operation: getEvidence, status: 500, code: "triage_error", name: "store fails",
        options: .init(failing: [.evidence]),
        run: { server, client in try await client.get("/v1/triage/inc_x/evidence", try await server.auth()) }),

    // MARK: POST /v1/admin/reload
    StatusCase(
        operation: reloadPack, status: 200, name: "admin",
        run: { server, client in try await client.post("/v1/admin/reload", try await server.auth()) }),
    StatusCase(
        operation: reloadPack, status: 401, code: "unauthorized", name: "no token",
        run: { _, client in try await client.post("/v1/admin/reload", [:]) }),
    StatusCase(
        operation: reloadPack, status: 403, code: "forbidden", message: "needs admin", name: "member",
        run: { server, client in try await client.post("/v1/admin/reload", try await server.auth("member")) }),
    StatusCase(
        operation: reloadPack, status: 422, code: "pack_invalid", message: "was not loaded", name: "broken pack",
        options: .init(pack: smallPack(score: 6)),
        run: { server, client in
            try "rules: [".write(toFile: server.deps.packs.path!, atomically: true, encoding: .utf8)
            return try await client.post("/v1/admin/reload", try await server.auth())
        }),

    // MARK: Unauthenticated
    StatusCase(operation: "GET /healthz", status: 200, name: "up", run: { _, client in try await client.get("/healthz") }),
    StatusCase(operation: "GET /metrics", status: 200, name: "text", run: { _, client in try await client.get("/metrics") }),
    StatusCase(
        operation: "GET /openapi.yaml", status: 200, name: "yaml",
        run: { _, client in try await client.get("/openapi.yaml") }),
]

@Suite struct StatusCodeTests {
    @Test(arguments: statusCases)
    func status(_ c: StatusCase) async throws {
        let server = try await TestServer.make(c.options)
        defer { server.remove() }
        let app = try await server.app()
        try await app.test(.router) { client in
            let r = try await c.run(server, client)
            #expect(r.status.code == c.status, "\(r.text)")
            if let code = c.code {
                #expect(r.json.errorCode == code, "\(r.text)")
                #expect(r.headers[.contentType]?.hasPrefix("application/json") == true)
            }
            if let message = c.message {
                #expect(r.json.errorMessage?.contains(message) == true, "\(r.text)")
            }
            if c.status == 401 { #expect(r.headers[.wwwAuthenticate] == "Bearer") }
        }
    }

    /// Paths that are not routes get 404, and a method a route path does not
    /// have gets 405 with `Allow` (Hummingbird's router says 404 for both);
    /// both in the error shape, never an empty body.
    @Test(arguments: [
        ("GET", "/v1/nothing", 404, "not_found", nil),
        ("GET", "/", 404, "not_found", nil),
        ("POST", "/v1/triage/inc_x/evidence/more", 404, "not_found", nil),
        ("DELETE", "/v1/triage/inc_x", 405, "method_not_allowed", "GET, POST"),
        ("PUT", "/v1/triage/inc_x", 405, "method_not_allowed", "GET, POST"),
        ("POST", "/v1/triage/inc_x/evidence", 405, "method_not_allowed", "GET"),
        ("PUT", "/v1/incidents/chat", 405, "method_not_allowed", "POST"),
        ("GET", "/v1/incidents/chat", 405, "method_not_allowed", "POST"),
        ("GET", "/v1/admin/reload", 405, "method_not_allowed", "POST"),
        ("POST", "/healthz", 405, "method_not_allowed", "GET"),
        ("HEAD", "/openapi.yaml", 405, "method_not_allowed", "GET"),
        ("OPTIONS", "/metrics", 405, "method_not_allowed", "GET"),
    ] as [(String, String, Int, String, String?)])
    func unknownRoutes(method: String, path: String, status: Int, code: String, allow: String?) async throws {
        let server = try await TestServer.make()
        defer { server.remove() }
        try await server.app().test(.router) { client in
            for headers in [try await server.auth(), [:]] {
                let r = try await client.execute(uri: path, method: HTTPRequest.Method(method)!, headers: headers)
                #expect(r.status.code == status)
                if method != "HEAD" { #expect(r.json.errorCode == code, "\(r.text)") }
                #expect(r.headers[.allow] == allow)
            }
        }
    }
}
