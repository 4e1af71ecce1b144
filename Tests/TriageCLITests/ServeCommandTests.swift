import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `triage token` and `triage serve` as users run them: secrets, exit
/// statuses, and one server process driven over HTTP and signals.
@Suite struct TokenCommandTests {
    static let secret = "cli-test-secret-0123456789abcdef0123456789"

    static func tempDir() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("triage-token-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    // args, TRIAGE_JWT_SECRET, exit status, text stderr contains
    static let rows: [([String], String?, Int32, String)] = [
        (["token", "--role", "admin", "--org", "acme"], "short", 3, "the JWT secret is 5 bytes; HS256 needs at least 32"),
        (["token", "--role", "viewer", "--org", "acme"], secret, 64, "The value 'viewer' is invalid for '--role"),
        (["token", "--role", "admin", "--org", ""], secret, 64, "--org must not be empty"),
        (["token", "--role", "admin", "--org", "acme", "--ttl", "0"], secret, 64, "--ttl must be positive"),
        (["token", "--role", "admin", "--org", "acme", "--jwt-secret-file", "/nonexistent"], nil, 3,
         "cannot read the JWT secret file /nonexistent"),
        (["serve", "--port", "0"], "too-short-secret", 3, "HS256 needs at least 32"),
        (["serve", "--port", "70000"], secret, 64, "port 70000 is outside 0...65535"),
        (["serve", "--port", "0", "--rules", "/nonexistent.yaml"], secret, 2, "no rule pack at /nonexistent.yaml"),
        (["serve", "--org-quota", "acme=5"], secret, 64, "expected ORG=EVENTS,INVESTIGATIONS"),
    ]

    @Test(arguments: rows)
    func refusals(row: ([String], String?, Int32, String)) throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        var env = ["XDG_DATA_HOME": dir.path, "TRIAGE_JWT_SECRET": ""]
        if let s = row.1 { env["TRIAGE_JWT_SECRET"] = s }
        let r = try CLI.run(row.0, env: env)
        #expect(r.status == row.2, "\(r.stderr)")
        #expect(r.stderr.contains(row.3), "\(r.stderr)")
    }

    @Test func printsAnHS256TokenWithTheClaims() throws {
        let r = try CLI.run(
            ["token", "--role", "member", "--org", "acme", "--sub", "ana", "--ttl", "60"],
            env: ["TRIAGE_JWT_SECRET": Self.secret])
        #expect(r.status == 0)
        let parts = r.stdout.trimmingCharacters(in: .newlines).split(separator: ".")
        #expect(parts.count == 3)
        func decode(_ s: Substring) throws -> [String: Any] {
            var b64 = s.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            while b64.count % 4 != 0 { b64 += "=" }
            return try JSONSerialization.jsonObject(with: Data(base64Encoded: b64)!) as! [String: Any]
        }
        #expect(try decode(parts[0])["alg"] as? String == "HS256")
        let claims = try decode(parts[1])
        #expect(claims["role"] as? String == "member")
        #expect(claims["org"] as? String == "acme")
        #expect(claims["sub"] as? String == "ana")
        let exp = try #require(claims["exp"] as? Double)
        let iat = try #require(claims["iat"] as? Double)
        #expect(exp - iat == 60)
    }

    /// With no secret configured, the first command generates one in the data
    /// directory (owner-only), and later commands use the same one.
    @Test func generatesTheSecretOnceInTheDataDirectory() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let env = ["XDG_DATA_HOME": dir.path, "TRIAGE_JWT_SECRET": ""]
        let first = try CLI.run(["token", "--role", "admin", "--org", "acme"], env: env)
        #expect(first.status == 0, "\(first.stderr)")
        let file = dir.appendingPathComponent("triagekit/jwt-secret").path
        let secret = try String(contentsOfFile: file, encoding: .utf8)
        #expect(secret.trimmingCharacters(in: .newlines).count == 64)
        let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let second = try CLI.run(["token", "--role", "admin", "--org", "acme"], env: env)
        #expect(second.status == 0)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == secret)
    }
}

/// One real `triage serve` process: it starts, answers over HTTP with a
/// token from `triage token`, reloads on SIGHUP, and exits 0 on SIGTERM.
@Suite struct ServeCommandTests {
    final class Output: @unchecked Sendable {
        private let lock = NSLock()
        private var text = ""
        func append(_ s: String) { lock.lock(); text += s; lock.unlock() }
        var value: String { lock.lock(); defer { lock.unlock() }; return text }
    }

    static func waitFor(_ output: Output, _ needle: String, seconds: Double = 60) async throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if output.value.contains(needle) { return output.value }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("timed out waiting for '\(needle)'; output so far:\n\(output.value)")
        return output.value
    }

    @Test func servesReloadsAndStopsOnSignals() async throws {
        let dir = try TokenCommandTests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let env = ["TRIAGE_JWT_SECRET": TokenCommandTests.secret, "XDG_DATA_HOME": dir.path]
        let p = Process()
        p.executableURL = CLI.binary
        p.arguments = ["serve", "--port", "0", "--rules", CLI.fixturePack, "--db", dir.appendingPathComponent("t.sqlite").path]
        p.environment = ProcessInfo.processInfo.environment.merging(env) { $1 }
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        let output = Output()
        err.fileHandleForReading.readabilityHandler = { h in output.append(String(decoding: h.availableData, as: UTF8.self)) }
        try p.run()
        defer { if p.isRunning { p.terminate() } }

        let started = try await Self.waitFor(output, "listening on http://127.0.0.1:")
        let port = try #require(
            started.components(separatedBy: "listening on http://127.0.0.1:").last?.prefix { $0.isNumber })
        let base = "http://127.0.0.1:\(port)"
        let token = try CLI.run(["token", "--role", "admin", "--org", "acme"], env: env).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)

        func call(_ method: String, _ path: String, _ body: String?) async throws -> (Int, [String: Any]) {
            var request = URLRequest(url: URL(string: base + path)!)
            request.httpMethod = method
            request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
            if let body {
                request.setValue("application/json", forHTTPHeaderField: "Content-Type")
                request.httpBody = Data(body.utf8)
            }
            let (data, response) = try await URLSession.shared.data(for: request)
            let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
            return ((response as! HTTPURLResponse).statusCode, object)
        }

        let (created, incident) = try await call(
            "POST", "/v1/incidents/chat",
            #"{"title": "MySQL outage", "description": "The primary MySQL outage started at 09:00."}"#)
        #expect(created == 201)
        let id = try #require(incident["incidentId"] as? String)
        let (started201, triage) = try await call("POST", "/v1/triage/\(id)", #"{"priority": "critical"}"#)
        #expect(started201 == 201)
        #expect(triage["classifiedSeverity"] as? String == "critical")

        kill(p.processIdentifier, SIGHUP)
        _ = try await Self.waitFor(output, "pack reloaded (SIGHUP)")
        let (again, _) = try await call("POST", "/v1/triage/\(id)", nil)
        #expect(again == 200)

        kill(p.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(20)
        while p.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!p.isRunning)
        #expect(p.terminationStatus == 0, "\(output.value)")
        err.fileHandleForReading.readabilityHandler = nil
    }
}
