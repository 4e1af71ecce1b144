import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import TriageServer

/// `buildApplication(configuration:)` as `triage serve` calls it: it starts
/// with a good configuration and refuses a bad one with a message that says
/// what to fix.
@Suite struct ConfigurationTests {
    static func dir() throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("triage-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }

    @Test func buildsFromAConfiguration() async throws {
        let d = try Self.dir()
        defer { try? FileManager.default.removeItem(at: d) }
        let config = Configuration(
            rulesPath: TestServer.shippedPack, databasePath: d.appendingPathComponent("a/b/triage.sqlite").path,
            jwtSecret: TestServer.secret, port: 0, logLevel: .critical)
        try await buildApplication(configuration: config).test(.router) { client in
            let r = try await client.get("/healthz")
            #expect(r.status == .ok)
        }
        #expect(FileManager.default.fileExists(atPath: d.appendingPathComponent("a/b/triage.sqlite").path))
    }

    // what is wrong, text the error contains
    static let refusals: [(String, @Sendable (inout Configuration, URL) throws -> Void, String)] = [
        ("short secret", { c, _ in c.jwtSecret = "0123456789" }, "the JWT secret is 10 bytes; HS256 needs at least 32"),
        ("port out of range", { c, _ in c.port = 70000 }, "port 70000 is outside 0...65535"),
        ("zero body limit", { c, _ in c.maxBodyBytes = 0 }, "body limit must be positive"),
        ("negative quota", { c, _ in c.quotas.organizations["acme"] = Quota(events: -1, investigations: 1) },
         "quota for acme: counts cannot be negative"),
        ("no pack", { c, d in c.rulesPath = d.appendingPathComponent("none.yaml").path }, "no rule pack at"),
        ("broken pack", { c, d in
            let p = d.appendingPathComponent("bad.yaml").path
            try "pack: {name: bad}\nrules:\n  - {id: a, match: {regex: '(x'}}\n".write(toFile: p, atomically: true, encoding: .utf8)
            c.rulesPath = p
        }, "has 1 error(s)"),
    ]

    @Test(arguments: refusals)
    func refuses(row: (String, @Sendable (inout Configuration, URL) throws -> Void, String)) async throws {
        let d = try Self.dir()
        defer { try? FileManager.default.removeItem(at: d) }
        var config = Configuration(
            rulesPath: TestServer.shippedPack, databasePath: d.appendingPathComponent("t.sqlite").path,
            jwtSecret: TestServer.secret, port: 0, logLevel: .critical)
        try row.1(&config, d)
        do {
            _ = try await buildApplication(configuration: config)
            Issue.record("\(row.0): started")
        } catch let error as ConfigurationError {
            #expect(error.message.contains(row.2), "\(row.0): \(error.message)")
        }
    }

    @Test func dataDirectoryFollowsXDG() {
        #expect(DataDirectory.path(environment: ["XDG_DATA_HOME": "/x/data", "HOME": "/home/a"]) == "/x/data/triagekit")
        #expect(DataDirectory.path(environment: ["HOME": "/home/a"]) == "/home/a/.local/share/triagekit")
        // A relative XDG_DATA_HOME is invalid by the spec and ignored.
        #expect(DataDirectory.path(environment: ["XDG_DATA_HOME": "rel", "HOME": "/home/a"]) == "/home/a/.local/share/triagekit")
        #expect(DataDirectory.databasePath(environment: ["HOME": "/h"]) == "/h/.local/share/triagekit/triage.sqlite")
    }
}
