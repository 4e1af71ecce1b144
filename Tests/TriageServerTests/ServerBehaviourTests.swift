import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TriageCore
@testable import TriageServer

/// What the API promises beyond status codes: the contract's fields, the
/// evidence, idempotence, concurrency, organisations, restarts, reloads,
/// quotas and metrics.
@Suite struct ServerBehaviourTests {
    static var ulid: Regex<Substring> { #/^[0-7][0-9A-HJKMNP-TV-Z]{25}$/# }
    static var iso8601: Regex<Substring> { #/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/# }

    @Test func createResponseHasTheContractFields() async throws {
        let server = try await TestServer.make(.init(quotas: QuotaPolicy(default: Quota(events: 5, investigations: 3))))
        defer { server.remove() }
        try await server.app().test(.router) { client in
            let r = try await client.post("/v1/incidents/chat", try await server.auth("owner"), incidentBody(title: "  Database down  "))
            #expect(r.status == .created)
            let body = r.json
            #expect(Set(body.object.keys) == [
                "incidentId", "title", "severity", "status", "source", "investigationsRemaining", "eventsRemaining",
            ])
            let id = try #require(body.string("incidentId"))
            #expect(id.hasPrefix("inc_") && id.dropFirst(4).wholeMatch(of: Self.ulid) != nil)
            #expect(body.string("title") == "Database down")
            #expect(body.string("severity") == "medium")
            #expect(body.string("status") == "open")
            #expect(body.string("source") == "manual")
            #expect(body.int("eventsRemaining") == 4)
            #expect(body.int("investigationsRemaining") == 3)
            let second = try await client.post("/v1/incidents/chat", try await server.auth(), incidentBody())
            #expect(second.json.int("eventsRemaining") == 3)
            #expect(second.json.string("incidentId")! > id)
        }
    }

    @Test func triageResponseHasTheContractFieldsAndNamesThePack() async throws {
        let server = try await TestServer.make()
        defer { server.remove() }
        try await server.app().test(.router) { client in
            let id = try await client.createIncident(try await server.auth())
            let r = try await client.post(
                "/v1/triage/\(id)", try await server.auth("member"),
                #"{"context": "On-call reports EU payment latency spike since 14:25 UTC deploy"}"#)
            #expect(r.status == .created)
            let body = r.json
            for key in ["triageId", "incidentId", "status", "classifiedSeverity", "assignedAgents", "startedAt"] {
                #expect(body[key] != nil, "\(key)")
            }
            let triageID = try #require(body.string("triageId"))
            #expect(triageID.hasPrefix("tri_") && triageID.dropFirst(4).wholeMatch(of: Self.ulid) != nil)
            #expect(body.string("incidentId") == id)
            #expect(body.string("status") == "completed")
            #expect(body.string("classifiedSeverity") == "high")
            #expect(body["assignedAgents"] as? [String] == ["payments", "network", "deployment"])
            #expect(body.string("startedAt")?.wholeMatch(of: Self.iso8601) != nil)
            #expect(body["priority"] is NSNull)
            let pack = try #require(body["pack"] as? [String: Any])
            #expect(pack["name"] as? String == "server-fixture")
            #expect(pack["hash"] as? String == server.deps.packs.current.metadata.hash)
        }
    }

    /// The context goes to the classifier as the incident's context field.
    @Test func contextIsClassifiedAsTheContextField() async throws {
        let server = try await TestServer.make(.init(pack: smallPack(score: 6)))
        defer { server.remove() }
        try await server.app().test(.router) { client in
            let id = try await client.createIncident(
                try await server.auth(), title: "Slow pages", description: "Pages are slow for some users.")
            let r = try await client.post("/v1/triage/\(id)", try await server.auth(), #"{"context": "the database is down"}"#)
            #expect(r.json.string("classifiedSeverity") == "high")
            let evidence = try await client.get("/v1/triage/\(id)/evidence", try await server.auth()).json
            let rules = (evidence["evidence"] as? [String: Any])?["rules"] as? [[String: Any]] ?? []
            let match = (rules.first?["matches"] as? [[String: Any]])?.first
            #expect(match?["field"] as? String == "context")
            #expect(match?["start"] as? Int == 4 && match?["end"] as? Int == 12)
            #expect(match?["text"] as? String == "database")
        }
    }

    // description, priority, severity the rules reach, severity reported
    static let overrides: [(String, String?, String, String)] = [
        ("The primary database is down since noon.", nil, "high", "high"),
        ("The primary database is down since noon.", "low", "high", "low"),
        ("The primary database is down since noon.", "critical", "high", "critical"),
        ("The status page shows a network blip.", nil, "low", "low"),
        ("The status page shows a network blip.", "high", "low", "high"),
        ("The status page shows a network blip.", "medium", "low", "medium"),
        ("Nothing the rules know about happened.", nil, "low", "low"),
        ("Nothing the rules know about happened.", "critical", "low", "critical"),
    ]

    /// A priority wins over the classifier, and the evidence keeps both.
    @Test(arguments: overrides)
    func priorityOverridesAndTheEvidenceRecordsBoth(row: (String, String?, String, String)) async throws {
        let server = try await TestServer.make(.init(pack: smallPack(score: 6)))
        defer { server.remove() }
        try await server.app().test(.router) { client in
            let id = try await client.createIncident(try await server.auth(), title: "Incident", description: row.0)
            let body = row.1.map { #"{"priority": "\#($0)"}"# } ?? "{}"
            let r = try await client.post("/v1/triage/\(id)", try await server.auth(), body)
            #expect(r.status == .created)
            #expect(r.json.string("classifiedSeverity") == row.3)
            #expect(r.json.string("priority") == row.1)
            let e = try await client.get("/v1/triage/\(id)/evidence", try await server.auth()).json
            #expect(e.string("classifiedSeverity") == row.3)
            #expect(e.string("ruleSeverity") == row.2)
            #expect(e.string("priority") == row.1)
            let decision = (e["evidence"] as? [String: Any])?["decision"] as? [String: Any]
            #expect(decision?["final"] as? String == row.3)
            #expect((decision?["callerOverride"] as? String) == row.1)
            let steps = decision?["steps"] as? [String] ?? []
            if let p = row.1 { #expect(steps.last == "caller override \(p): \(row.2) -> \(p)") }
            let pack = (e["evidence"] as? [String: Any])?["pack"] as? [String: Any]
            #expect(pack?["name"] as? String == "small" && pack?["version"] as? String == "1.0.0")
            #expect(pack?["hash"] as? String == server.deps.packs.current.metadata.hash)
        }
    }

    /// After the first triage, every call returns it byte for byte, whatever
    /// it asks for and whatever pack is loaded by then, without spending quota.
    @Test func laterCallsReturnTheStoredTriageUnchanged() async throws {
        let server = try await TestServer.make(.init(pack: smallPack(score: 6)))
        defer { server.remove() }
        try await server.app().test(.router) { client in
            let id = try await client.createIncident(try await server.auth(), title: "db", description: "The database is down.")
            let first = try await client.post("/v1/triage/\(id)", try await server.auth(), #"{"priority": "low"}"#)
            #expect(first.status == .created)
            try smallPack(score: 9, version: "2.0.0").write(toFile: server.deps.packs.path!, atomically: true, encoding: .utf8)
            #expect(try await client.post("/v1/admin/reload", try await server.auth()).json["changed"] as? Bool == true)
            for body in [nil, "{}", #"{"priority": "critical"}"#, #"{"context": "different"}"#] {
                let again = try await client.post("/v1/triage/\(id)", try await server.auth("member"), body)
                #expect(again.status == .ok)
                #expect(again.text == first.text)
            }
            #expect(try await client.get("/v1/triage/\(id)", try await server.auth()).text == first.text)
            let remaining = try await client.post("/v1/incidents/chat", try await server.auth(), incidentBody())
            #expect(remaining.json.int("investigationsRemaining") == 99)
        }
    }

    /// While one request holds the running marker, another for the same
    /// incident gets 409 and a read shows it running; then the first completes.
    @Test func aConcurrentRequestGets409() async throws {
        let (server, classifier) = try await TestServer.makeGated()
        defer { server.remove() }
        try await server.app().test(.router) { client in
            let id = try await client.createIncident(try await server.auth())
            let headers = try await server.auth()
            async let first = client.post("/v1/triage/\(id)", headers, "{}")
            await classifier.waitUntilEntered()

            let second = try await client.post("/v1/triage/\(id)", try await server.auth("member"), #"{"priority": "low"}"#)
            #expect(second.status == .conflict)
            #expect(second.json.errorCode == "triage_already_running")
            let during = try await client.get("/v1/triage/\(id)", headers)
            #expect(during.status == .ok)
            #expect(during.json.string("status") == "running")
            #expect(during.json["classifiedSeverity"] is NSNull)
            #expect(during.json["assignedAgents"] as? [String] == [])
            #expect(try await client.get("/v1/triage/\(id)/evidence", headers).json.errorCode == "evidence_not_found")

            await classifier.gate.release()
            let done = try await first
            #expect(done.status == .created)
            #expect(done.json.string("status") == "completed")
            #expect(done.json.string("triageId") == during.json.string("triageId"))
            #expect(try await client.post("/v1/triage/\(id)", headers, "{}").status == .ok)
        }
    }

    /// One organisation never sees another's incidents: every route answers
    /// exactly as for an id that does not exist.
    @Test func organisationsNeverSeeEachOther() async throws {
        let server = try await TestServer.make()
        defer { server.remove() }
        try await server.app().test(.router) { client in
            let acme = try await server.auth(org: "acme")
            let globex = try await server.auth(org: "globex")
            let id = try await client.createIncident(acme)
            #expect(try await client.post("/v1/triage/\(id)", acme, "{}").status == .created)
            let missing = "inc_01ARZ3NDEKTSV4RRFFQ69G5FAV"
            for (method, path) in [("POST", "/v1/triage/"), ("GET", "/v1/triage/"), ("GET", "/v1/triage/evidence")] {
                func call(_ target: String) async throws -> TestResponse {
                    let uri = path.hasSuffix("evidence") ? "/v1/triage/\(target)/evidence" : path + target
                    return try await client.execute(
                        uri: uri, method: HTTPRequest.Method(method)!, headers: globex, body: ByteBuffer(string: "{}"))
                }
                let other = try await call(id)
                let none = try await call(missing)
                #expect(other.status == .notFound && other.json.errorCode == "incident_not_found", "\(method) \(path)")
                #expect(other.json.errorMessage == none.json.errorMessage?.replacingOccurrences(of: missing, with: id))
            }
            // Quotas are per organisation too.
            let r = try await client.post("/v1/incidents/chat", globex, incidentBody())
            #expect(r.json.int("eventsRemaining") == 99 && r.json.int("investigationsRemaining") == 100)
        }
    }

    /// Per-organisation quotas from the configuration, counted per UTC month.
    @Test func quotasArePerOrganisationAndPerMonth() async throws {
        let clock = TestClock(date("2026-01-31T23:59:00Z"))
        let quotas = QuotaPolicy(
            default: Quota(events: 1, investigations: 1), organizations: ["big": Quota(events: 3, investigations: 2)])
        let server = try await TestServer.make(.init(quotas: quotas, clock: { clock() }))
        defer { server.remove() }
        try await server.app().test(.router) { client in
            let small = try await server.auth(org: "small")
            let big = try await server.auth(org: "big")
            let id = try await client.createIncident(small)
            #expect(try await client.post("/v1/incidents/chat", small, incidentBody()).json.errorCode == "event_quota_exceeded")
            #expect(try await client.post("/v1/triage/\(id)", small, "{}").status == .created)
            let id2 = try await client.createIncident(big)
            let id3 = try await client.createIncident(big)
            #expect(try await client.post("/v1/triage/\(id2)", big, "{}").status == .created)
            #expect(try await client.post("/v1/triage/\(id3)", big, "{}").status == .created)
            let last = try await client.post("/v1/incidents/chat", big, incidentBody())
            #expect(last.json.int("eventsRemaining") == 0 && last.json.int("investigationsRemaining") == 0)

            clock.set(date("2026-02-01T00:00:01Z"))
            let february = try await client.post("/v1/incidents/chat", small, incidentBody())
            #expect(february.status == .created)
            #expect(february.json.int("eventsRemaining") == 0 && february.json.int("investigationsRemaining") == 1)
        }
    }

    /// A triage whose classifier fails is marked failed, gives its
    /// investigation back, and runs again on the next request.
    @Test func failedTriageIsRefundedAndRetried() async throws {
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
            .init(quotas: QuotaPolicy(default: Quota(events: 9, investigations: 1)), classifier: { Flaky(inner: $0, fail: fail) }))
        defer { server.remove() }
        try await server.app().test(.router) { client in
            let id = try await client.createIncident(try await server.auth())
            let failed = try await client.post("/v1/triage/\(id)", try await server.auth(), "{}")
            #expect(failed.status == .internalServerError && failed.json.errorCode == "triage_error")
            let shown = try await client.get("/v1/triage/\(id)", try await server.auth())
            #expect(shown.json.string("status") == "failed")
            #expect(shown.json.string("failure")?.contains("classifier failed") == true)
            #expect(try await client.post("/v1/incidents/chat", try await server.auth(), incidentBody())
                .json.int("investigationsRemaining") == 1)
            fail.withLock { $0 = false }
            let retried = try await client.post("/v1/triage/\(id)", try await server.auth(), "{}")
            #expect(retried.status == .created && retried.json.string("status") == "completed")
            #expect(retried.json.string("triageId") != shown.json.string("triageId"))
        }
    }

    /// A new server on the same database file has everything the old one
    /// acknowledged; a triage the old one left running is failed, not stuck.
    @Test func restartLosesNothingAcknowledged() async throws {
        let first = try await TestServer.make(.init(quotas: QuotaPolicy(default: Quota(events: 10, investigations: 10))))
        defer { first.remove() }
        let (triaged, triage, evidence, pending) = try await first.app().test(.router) { client in
            let triaged = try await client.createIncident(try await first.auth())
            let triage = try await client.post("/v1/triage/\(triaged)", try await first.auth(), #"{"priority": "low"}"#).text
            let evidence = try await client.get("/v1/triage/\(triaged)/evidence", try await first.auth()).text
            let pending = try await client.createIncident(try await first.auth())
            return (triaged, triage, evidence, pending)
        }
        // As if the process died mid-triage: a running marker with nothing behind it.
        _ = try await first.deps.store.beginTriage(
            NewTriage(id: "tri_orphan", incidentID: pending, organization: "acme", priority: nil, context: nil, startedAt: Date()),
            quota: Quota(events: 10, investigations: 10), period: Timestamps.quotaPeriod(Date()))

        let second = try await TestServer.make(
            .init(quotas: QuotaPolicy(default: Quota(events: 10, investigations: 10)), directory: first.dir))
        try await second.app().test(.router) { client in
            #expect(try await client.get("/v1/triage/\(triaged)", try await second.auth()).text == triage)
            #expect(try await client.post("/v1/triage/\(triaged)", try await second.auth(), "{}").text == triage)
            #expect(try await client.get("/v1/triage/\(triaged)/evidence", try await second.auth()).text == evidence)
            let orphan = try await client.get("/v1/triage/\(pending)", try await second.auth())
            #expect(orphan.json.string("status") == "failed")
            #expect(try await client.post("/v1/triage/\(pending)", try await second.auth(), "{}").status == .created)
            let counts = try await client.post("/v1/incidents/chat", try await second.auth(), incidentBody()).json
            #expect(counts.int("eventsRemaining") == 7 && counts.int("investigationsRemaining") == 8)
        }
    }

    /// A reload swaps the pack for new requests; a request that already has
    /// the old one finishes with it; triages already stored keep their pack.
    @Test func reloadSwapsThePackWithoutDisturbingRequestsInFlight() async throws {
        let server = try await TestServer.make(.init(pack: smallPack(score: 6)))
        defer { server.remove() }
        let old = server.deps.packs.current
        let oldHash = old.metadata.hash
        try smallPack(score: 9, version: "2.0.0").write(toFile: server.deps.packs.path!, atomically: true, encoding: .utf8)
        try await server.app().test(.router) { client in
            let before = try await client.createIncident(try await server.auth(), title: "db", description: "The database is down.")
            _ = try await client.post("/v1/triage/\(before)", try await server.auth(), "{}")

            let reload = try await client.post("/v1/admin/reload", try await server.auth())
            #expect(reload.status == .ok)
            let newHash = try #require((reload.json["pack"] as? [String: Any])?["hash"] as? String)
            #expect((reload.json["previous"] as? [String: Any])?["hash"] as? String == oldHash)
            #expect(newHash != oldHash)

            // The generation an in-flight request took still classifies with the old pack.
            let v = old.classify(Incident(title: "database down", description: ""), options: ClassifyOptions())
            #expect(v.severity == .high)
            #expect(server.deps.packs.current.classify(Incident(title: "database down", description: ""), options: ClassifyOptions()).severity == .critical)

            let after = try await client.createIncident(try await server.auth(), title: "db", description: "The database is down.")
            let r = try await client.post("/v1/triage/\(after)", try await server.auth(), "{}")
            #expect(r.json.string("classifiedSeverity") == "critical")
            #expect((r.json["pack"] as? [String: Any])?["hash"] as? String == newHash)
            let kept = try await client.get("/v1/triage/\(before)", try await server.auth())
            #expect(kept.json.string("classifiedSeverity") == "high")
            #expect((kept.json["pack"] as? [String: Any])?["hash"] as? String == oldHash)
            #expect(try await client.get("/healthz").json["pack"].flatMap { ($0 as? [String: Any])?["hash"] as? String } == newHash)
        }
    }

    /// Triage requests running while the pack is reloaded over and over all
    /// succeed, and each one's severity matches the pack hash it reports.
    @Test func reloadsUnderLoadDropNothing() async throws {
        let server = try await TestServer.make(.init(quotas: QuotaPolicy(default: Quota(events: 500, investigations: 500)), pack: smallPack(score: 6)))
        defer { server.remove() }
        let path = server.deps.packs.path!
        let hashes = Locked<[String: String]>([server.deps.packs.current.metadata.hash: "high"])
        try await server.app().test(.router) { client in
            let headers = try await server.auth()
            var ids = [String]()
            for _ in 0..<120 { ids.append(try await client.createIncident(headers, title: "db", description: "The database is down.")) }
            let results = try await withThrowingTaskGroup(of: (Int, String?, String?).self) { group in
                group.addTask {
                    for i in 0..<20 {
                        let score = i % 2 == 0 ? 9.0 : 6.0
                        try smallPack(score: score, version: "v\(i)").write(toFile: path, atomically: true, encoding: .utf8)
                        let r = try await client.post("/v1/admin/reload", headers)
                        let hash = (r.json["pack"] as? [String: Any])?["hash"] as? String ?? "?"
                        hashes.withLock { $0[hash] = score == 9 ? "critical" : "high" }
                    }
                    return (0, nil, nil)
                }
                for id in ids {
                    group.addTask {
                        let r = try await client.post("/v1/triage/\(id)", headers, "{}")
                        return (r.status.code, r.json.string("classifiedSeverity"), (r.json["pack"] as? [String: Any])?["hash"] as? String)
                    }
                }
                var out = [(Int, String?, String?)]()
                for try await r in group where r.0 != 0 { out.append(r) }
                return out
            }
            #expect(results.count == 120)
            #expect(results.allSatisfy { $0.0 == 201 })
            let known = hashes.current
            for (_, severity, hash) in results {
                #expect(known[hash ?? ""] == severity, "\(hash ?? "nil") gave \(severity ?? "nil")")
            }
        }
    }

    @Test func metricsCountRequestsClassificationsAndThePack() async throws {
        let server = try await TestServer.make(.init(pack: smallPack(score: 6)))
        defer { server.remove() }
        try await server.app().test(.router) { client in
            let id = try await client.createIncident(try await server.auth(), title: "db", description: "The database is down.")
            _ = try await client.post("/v1/triage/\(id)", try await server.auth(), "{}")
            _ = try await client.post("/v1/triage/\(id)", try await server.auth(), "{}")
            _ = try await client.post("/v1/triage/\(id)", [:], "{}")
            let before = server.deps.packs.current.metadata.hash
            try smallPack(score: 9, version: "2.0.0").write(toFile: server.deps.packs.path!, atomically: true, encoding: .utf8)
            _ = try await client.post("/v1/admin/reload", try await server.auth())
            let after = server.deps.packs.current.metadata.hash

            let r = try await client.get("/metrics")
            #expect(r.status == .ok)
            #expect(r.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            let lines = Set(r.text.split(separator: "\n").map(String.init))
            for expected in [
                #"http_requests_total{method="POST",route="/v1/incidents/chat",status="201"} 1"#,
                #"http_requests_total{method="POST",route="/v1/triage/{incidentId}",status="201"} 1"#,
                #"http_requests_total{method="POST",route="/v1/triage/{incidentId}",status="200"} 1"#,
                #"http_requests_total{method="POST",route="/v1/triage/{incidentId}",status="401"} 1"#,
                #"http_requests_total{method="POST",route="/v1/admin/reload",status="200"} 1"#,
                #"triage_classifications_total{severity="high"} 1"#,
                #"triage_classify_duration_seconds_count 1"#,
                #"triage_pack_reloads_total{result="ok"} 1"#,
                #"triage_pack_info{name="small",version="2.0.0",hash="\#(after)"} 1.0"#,
            ] {
                #expect(lines.contains(expected), "missing: \(expected)\n\(r.text)")
            }
            #expect(!r.text.contains(before), "the previous pack is still reported")
            #expect(r.text.contains(#"http_request_duration_seconds_count{method="POST",route="/v1/triage/{incidentId}"} 3"#))
        }
    }

    @Test func healthNamesThePack() async throws {
        let server = try await TestServer.make()
        defer { server.remove() }
        try await server.app().test(.router) { client in
            let r = try await client.get("/healthz")
            #expect(r.status == .ok)
            #expect(r.json.string("status") == "ok")
            let pack = r.json["pack"] as? [String: Any]
            #expect(pack?["name"] as? String == "server-fixture")
            #expect((pack?["hash"] as? String)?.hasPrefix("sha256:") == true)
        }
    }
}
