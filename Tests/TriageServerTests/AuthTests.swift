import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import TriageServer

/// Tokens: every way one can be wrong gets 401 with a message saying how;
/// a valid one's role decides 403 or success.
@Suite struct AuthTests {
    static let secret = TestServer.secret

    static func b64url(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// A token built by hand, so tests can sign anything with any header.
    static func token(header: String = #"{"alg":"HS256","typ":"JWT"}"#, claims: [String: Any], secret: String? = secret)
        -> String
    {
        let h = b64url(Data(header.utf8))
        let p = b64url(try! JSONSerialization.data(withJSONObject: claims))
        let input = "\(h).\(p)"
        guard let secret else { return input + "." }
        let mac = HMAC<SHA256>.authenticationCode(for: Data(input.utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return input + "." + b64url(Data(mac))
    }

    static var now: Double { Date().timeIntervalSince1970.rounded(.down) }
    static var valid: [String: Any] { ["role": "admin", "org": "acme", "exp": now + 3600] }

    static func with(_ changes: [String: Any?]) -> [String: Any] {
        var c = valid
        for (k, v) in changes { c[k] = v }
        return c
    }

    // name, Authorization header value, expected message fragment
    static var rejected: [(String, String, String)] {
        let good = token(claims: valid)
        let parts = good.split(separator: ".").map(String.init)
        let otherClaims = b64url(try! JSONSerialization.data(withJSONObject: with(["role": "admin", "org": "globex"])))
        return [
            ("alg none, no signature", "Bearer " + token(header: #"{"alg":"none","typ":"JWT"}"#, claims: valid, secret: nil),
             "algorithm 'none' is not HS256"),
            ("alg none with an HS256 signature", "Bearer " + token(header: #"{"alg":"none"}"#, claims: valid),
             "algorithm 'none' is not HS256"),
            ("no alg", "Bearer " + token(header: #"{"typ":"JWT"}"#, claims: valid), "(none given) is not HS256"),
            ("HS512 header", "Bearer " + token(header: #"{"alg":"HS512"}"#, claims: valid), "'HS512' is not HS256"),
            ("RS256 header", "Bearer " + token(header: #"{"alg":"RS256"}"#, claims: valid), "'RS256' is not HS256"),
            ("expired", "Bearer " + token(claims: with(["exp": now - 1])), "has expired"),
            ("expired long ago", "Bearer " + token(claims: with(["exp": 1_000_000])), "has expired"),
            ("not valid yet", "Bearer " + token(claims: with(["nbf": now + 600])), "not valid yet"),
            ("wrong secret", "Bearer " + token(claims: valid, secret: String(repeating: "w", count: 40)),
             "signature does not verify"),
            ("payload swapped after signing", "Bearer \(parts[0]).\(otherClaims).\(parts[2])", "signature does not verify"),
            ("signature cut short", "Bearer \(parts[0]).\(parts[1]).\(parts[2].dropLast(4))", "signature does not verify"),
            ("signature missing", "Bearer \(parts[0]).\(parts[1]).", "signature does not verify"),
            ("no exp", "Bearer " + token(claims: with(["exp": nil])), "no exp claim"),
            ("no role", "Bearer " + token(claims: with(["role": nil])), "no role claim"),
            ("no org", "Bearer " + token(claims: with(["org": nil])), "no org claim"),
            ("empty org", "Bearer " + token(claims: with(["org": ""])), "empty org claim"),
            ("role not a string", "Bearer " + token(claims: with(["role": 7])), "claims could not be decoded"),
            ("two parts", "Bearer \(parts[0]).\(parts[1])", "malformed"),
            ("header not base64", "Bearer !!!.\(parts[1]).\(parts[2])", "malformed"),
            ("header not JSON", "Bearer \(b64url(Data("hello".utf8))).\(parts[1]).\(parts[2])", "header is not JSON"),
            ("garbage", "Bearer not-a-token", "malformed"),
            ("empty bearer", "Bearer ", "must be 'Bearer <token>'"),
            ("basic scheme", "Basic YWRtaW46YWRtaW4=", "must be 'Bearer <token>'"),
            ("token without scheme", good, "must be 'Bearer <token>'"),
        ]
    }

    @Test(arguments: rejected)
    func rejects(row: (String, String, String)) async throws {
        let server = try await TestServer.make()
        defer { server.remove() }
        try await server.app().test(.router) { client in
            let r = try await client.get("/v1/triage/inc_x", [.authorization: row.1])
            #expect(r.status == .unauthorized, "\(row.0): \(r.text)")
            #expect(r.json.errorCode == "unauthorized")
            #expect(r.json.errorMessage?.contains(row.2) == true, "\(row.0): \(r.text)")
        }
    }

    // role, may create incidents, may triage, may reload
    static let roles: [(String, Bool, Bool, Bool)] = [
        ("admin", true, true, true),
        ("owner", true, false, false),
        ("operator", true, false, false),
        ("member", false, true, false),
        ("viewer", false, false, false),
        ("Admin", false, false, false),
    ]

    @Test(arguments: roles)
    func rolesDecideAccess(row: (String, Bool, Bool, Bool)) async throws {
        let server = try await TestServer.make()
        defer { server.remove() }
        try await server.app().test(.router) { client in
            let headers = try await server.auth(row.0)
            let created = try await client.post("/v1/incidents/chat", headers, incidentBody())
            #expect(created.status == (row.1 ? .created : .forbidden), "\(row.0)")
            let id = try await client.createIncident(try await server.auth("admin"))
            let triaged = try await client.post("/v1/triage/\(id)", headers, "{}")
            #expect(triaged.status == (row.2 ? .created : .forbidden), "\(row.0)")
            let read = try await client.get("/v1/triage/\(id)", headers)
            #expect(read.status == (row.2 ? .ok : .forbidden), "\(row.0)")
            let evidence = try await client.get("/v1/triage/\(id)/evidence", headers)
            #expect(evidence.status == (row.2 ? .ok : .forbidden), "\(row.0)")
            let reload = try await client.post("/v1/admin/reload", headers)
            #expect(reload.status == (row.3 ? .ok : .forbidden), "\(row.0)")
        }
    }

    /// A token that was accepted is remembered, but its expiry is checked on every use.
    @Test func aRememberedTokenStillExpires() async throws {
        let clock = TestClock(Date())
        let verifier = try await TokenVerifier(secret: Self.secret, clock: { clock() })
        let token = Self.token(claims: Self.with(["exp": Self.now + 60, "nbf": Self.now - 10]))
        #expect(try await verifier.verify(token).organization == "acme")
        #expect(try await verifier.verify(token).role == "admin")
        clock.set(Date().addingTimeInterval(61))
        await #expect(throws: APIError.self) { try await verifier.verify(token) }
        clock.set(Date().addingTimeInterval(-60))
        await #expect(throws: APIError.self) { try await verifier.verify(token) }
    }

    /// jwt-kit asserts (and crashes debug builds) on HMAC keys under 32 bytes,
    /// so the server refuses them first, with the length and a fix.
    @Test(arguments: [0, 1, 16, 31])
    func shortSecretsAreRefused(length: Int) async throws {
        let secret = String(repeating: "k", count: length)
        do {
            _ = try await TokenVerifier(secret: secret)
            Issue.record("accepted a \(length)-byte secret")
        } catch {
            #expect(error.message.contains("the JWT secret is \(length) byte"))
            #expect(error.message.contains("at least 32"))
        }
        await #expect(throws: ConfigurationError.self) { try await TokenIssuer(secret: secret) }
        let config = Configuration(rulesPath: "rules", databasePath: "/tmp/x", jwtSecret: secret)
        #expect(throws: ConfigurationError.self) { try config.validate() }
    }

    @Test func issuedTokensVerify() async throws {
        let issuer = try await TokenIssuer(secret: Self.secret)
        let verifier = try await TokenVerifier(secret: Self.secret)
        let token = try await issuer.issue(role: "member", organization: "globex", subject: "ana", lifetime: 60)
        let identity = try await verifier.verify(token)
        #expect(identity == Identity(role: "member", organization: "globex", subject: "ana"))
        let later = try await issuer.issue(
            role: "member", organization: "globex", lifetime: 600, notBefore: Date().addingTimeInterval(300))
        await #expect(throws: APIError.self) { try await verifier.verify(later) }
    }
}
