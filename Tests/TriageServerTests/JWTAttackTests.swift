import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JWTKit
import Testing
@testable import TriageServer

/// The known ways to forge or bend a JWT, each sent to every `/v1` route:
/// all get 401 `unauthorized` (with `WWW-Authenticate: Bearer`), and none
/// writes anything. Unlike `AuthTests.rejects`, the tokens here are real
/// signatures with other algorithms and keys, made with jwt-kit itself.
@Suite struct JWTAttackTests {
    enum Attack: String, CaseIterable, Sendable {
        case algNone = "alg none, empty signature"
        case algNoneMixedCase = "alg nOnE, empty signature"
        case algNoneKeepingSignature = "alg none, the HS256 signature kept"
        case rs256 = "RS256, signed with an attacker's RSA key"
        case rs256KidPointingElsewhere = "RS256 with a kid, signed with an attacker's RSA key"
        case hs256WithPublicKey = "HS256 keyed with an RSA public key (RS/HS confusion)"
        case hs512WithTheRightSecret = "HS512 signed with the server's own secret"
        case hs384WithTheRightSecret = "HS384 signed with the server's own secret"
        case es256 = "ES256, signed with an attacker's P-256 key"
        case eddsa = "EdDSA, signed with an attacker's Ed25519 key"
        case embeddedJWK = "HS256 with an embedded jwk header, signed with the attacker's key"
        case lowercaseAlg = "alg hs256, signed with the right secret"
        case expired = "expired a second ago"
        case expiredLongAgo = "expired in 2001"
        case notYetValid = "nbf ten minutes from now"
        case expAsString = "exp as a string"
        case tamperedPayloadRole = "payload role changed after signing"
        case tamperedPayloadOrg = "payload org changed after signing"
        case tamperedSignatureBit = "one signature character changed"
        case signatureFromAnotherToken = "signature of another valid token"
        case signatureTruncated = "signature cut short"
        case signatureEmpty = "signature removed"
        case extraSegment = "four segments"
        case garbledBase64 = "header not base64url"
        case garbledJSON = "header base64url of something not JSON"
        case emptyBearer = "Bearer and nothing"
        case bearerNoSpace = "Bearer glued to the token"
        case basicScheme = "Basic credentials"
        case tokenWithoutScheme = "a valid token without the Bearer scheme"
        case hugeToken = "a 16 KB token"
        case nulInToken = "a NUL byte inside the token"
    }

    static let secret = TestServer.secret
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static var now: Date { Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down)) }

    static func claims(role: String = "admin", org: String = "acme", exp: Date = now.addingTimeInterval(3600))
        -> TokenClaims
    {
        TokenClaims(role: role, org: org, exp: ExpirationClaim(value: exp))
    }

    static func signed(_ claims: TokenClaims, with add: (JWTKeyCollection) async throws -> Void, kid: String? = nil)
        async throws -> String
    {
        let keys = JWTKeyCollection()
        try await add(keys)
        var header = JWTHeader()
        if let kid { header.kid = kid }
        return try await keys.sign(claims, header: header)
    }

    static func hmac(_ secret: String) -> (JWTKeyCollection) async throws -> Void {
        { keys in await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256) }
    }

    static func rsa() throws -> (JWTKeyCollection) async throws -> Void {
        let pem = try String(contentsOf: fixtures.appendingPathComponent("attacker-rsa.pem"), encoding: .utf8)
        let key = try Insecure.RSA.PrivateKey(pem: pem)
        return { keys in await keys.add(rsa: key, digestAlgorithm: .sha256) }
    }

    /// A token signed with the right secret whose header is replaced by `header` (and re-signed).
    static func withHeader(_ header: String, claims: [String: Any], secret: String? = secret) -> String {
        AuthTests.token(header: header, claims: claims, secret: secret)
    }

    /// Signed by hand with the server's secret: jwt-kit asserts (in debug
    /// builds) on an HS384/HS512 key shorter than the digest, which is exactly
    /// what an attacker holding a 42-byte HS256 secret would use.
    static func handSigned<H: HashFunction>(_ header: String, _ claims: [String: Any], _: HMAC<H>.Type) -> String {
        let input = AuthTests.b64url(Data(header.utf8)) + "." + AuthTests.b64url(try! JSONSerialization.data(withJSONObject: claims))
        let mac = HMAC<H>.authenticationCode(for: Data(input.utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return input + "." + AuthTests.b64url(Data(mac))
    }

    static func replacingPayload(_ token: String, with claims: [String: Any]) -> String {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let payload = AuthTests.b64url(try! JSONSerialization.data(withJSONObject: claims))
        return "\(parts[0]).\(payload).\(parts[2])"
    }

    /// The Authorization header value for an attack.
    static func header(for attack: Attack) async throws -> String {
        let good = try await signed(claims(), with: hmac(secret))
        let parts = good.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let exp = now.timeIntervalSince1970 + 3600
        let valid: [String: Any] = ["role": "admin", "org": "acme", "exp": exp]
        switch attack {
        case .algNone:
            return "Bearer " + withHeader(#"{"alg":"none","typ":"JWT"}"#, claims: valid, secret: nil)
        case .algNoneMixedCase:
            return "Bearer " + withHeader(#"{"alg":"nOnE","typ":"JWT"}"#, claims: valid, secret: nil)
        case .algNoneKeepingSignature:
            let header = AuthTests.b64url(Data(#"{"alg":"none","typ":"JWT"}"#.utf8))
            return "Bearer \(header).\(parts[1]).\(parts[2])"
        case .rs256:
            return "Bearer " + (try await signed(claims(), with: rsa()))
        case .rs256KidPointingElsewhere:
            return "Bearer " + (try await signed(claims(), with: rsa(), kid: "server-key"))
        case .hs256WithPublicKey:
            let publicPEM = try String(contentsOf: fixtures.appendingPathComponent("attacker-rsa.pub.pem"), encoding: .utf8)
            return "Bearer " + (try await signed(claims(), with: hmac(publicPEM)))
        case .hs512WithTheRightSecret:
            return "Bearer " + handSigned(#"{"alg":"HS512","typ":"JWT"}"#, valid, HMAC<SHA512>.self)
        case .hs384WithTheRightSecret:
            return "Bearer " + handSigned(#"{"alg":"HS384","typ":"JWT"}"#, valid, HMAC<SHA384>.self)
        case .es256:
            let key = ES256PrivateKey()
            return "Bearer " + (try await signed(claims(), with: { await $0.add(ecdsa: key) }))
        case .eddsa:
            let key = try EdDSA.PrivateKey(curve: .ed25519)
            return "Bearer " + (try await signed(claims(), with: { await $0.add(eddsa: key) }))
        case .embeddedJWK:
            let attacker = String(repeating: "a", count: 32)
            let jwk = #"{"kty":"oct","k":"\#(AuthTests.b64url(Data(attacker.utf8)))"}"#
            return "Bearer " + withHeader(#"{"alg":"HS256","jwk":\#(jwk)}"#, claims: valid, secret: attacker)
        case .lowercaseAlg:
            return "Bearer " + withHeader(#"{"alg":"hs256"}"#, claims: valid)
        case .expired:
            return "Bearer " + (try await signed(claims(exp: now.addingTimeInterval(-1)), with: hmac(secret)))
        case .expiredLongAgo:
            return "Bearer " + (try await signed(claims(exp: Date(timeIntervalSince1970: 1_000_000_000)), with: hmac(secret)))
        case .notYetValid:
            var c = claims()
            c.nbf = NotBeforeClaim(value: now.addingTimeInterval(600))
            return "Bearer " + (try await signed(c, with: hmac(secret)))
        case .expAsString:
            return "Bearer " + withHeader(#"{"alg":"HS256"}"#, claims: ["role": "admin", "org": "acme", "exp": "\(Int(exp))"])
        case .tamperedPayloadRole:
            return "Bearer " + replacingPayload(good, with: ["role": "admin", "org": "acme", "exp": exp, "x": 1])
        case .tamperedPayloadOrg:
            return "Bearer " + replacingPayload(good, with: ["role": "admin", "org": "globex", "exp": exp])
        case .tamperedSignatureBit:
            var sig = Array(parts[2])
            sig[sig.count / 2] = sig[sig.count / 2] == "A" ? "B" : "A"
            return "Bearer \(parts[0]).\(parts[1]).\(String(sig))"
        case .signatureFromAnotherToken:
            let other = try await signed(claims(role: "member"), with: hmac(secret))
            return "Bearer \(parts[0]).\(parts[1]).\(other.split(separator: ".")[2])"
        case .signatureTruncated:
            return "Bearer \(parts[0]).\(parts[1]).\(parts[2].dropLast(3))"
        case .signatureEmpty:
            return "Bearer \(parts[0]).\(parts[1])."
        case .extraSegment:
            return "Bearer \(good).\(parts[2])"
        case .garbledBase64:
            return "Bearer @@@.\(parts[1]).\(parts[2])"
        case .garbledJSON:
            return "Bearer \(AuthTests.b64url(Data("{alg:HS256".utf8))).\(parts[1]).\(parts[2])"
        case .emptyBearer:
            return "Bearer "
        case .bearerNoSpace:
            return "Bearer" + good
        case .basicScheme:
            return "Basic YWRtaW46YWRtaW4="
        case .tokenWithoutScheme:
            return good
        case .hugeToken:
            let padding = AuthTests.b64url(Data(String(repeating: "x", count: 12_000).utf8))
            return "Bearer \(parts[0]).\(parts[1])\(padding).\(parts[2])"
        case .nulInToken:
            return "Bearer \(parts[0]).\(parts[1])\u{0}.\(parts[2])"
        }
    }

    @Test(arguments: Attack.allCases)
    func rejected(_ attack: Attack) async throws {
        let server = try await TestServer.make()
        defer { server.remove() }
        let authorization = try await Self.header(for: attack)
        try await server.app().test(.router) { client in
            let id = try await client.createIncident(try await server.auth())
            let calls: [(HTTPRequest.Method, String, String?)] = [
                (.post, "/v1/incidents/chat", incidentBody()),
                (.post, "/v1/triage/\(id)", "{}"),
                (.get, "/v1/triage/\(id)", nil),
                (.get, "/v1/triage/\(id)/evidence", nil),
                (.post, "/v1/admin/reload", nil),
            ]
            for (method, uri, body) in calls {
                var headers = HTTPFields()
                headers[.contentType] = "application/json"
                // A header value with a NUL byte cannot be sent at all; that one goes without it.
                if HTTPField.isValidValue(authorization) { headers[.authorization] = authorization }
                let r = try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
                #expect(r.status == .unauthorized, "\(attack.rawValue): \(method) \(uri): \(r.text)")
                #expect(r.json.errorCode == "unauthorized", "\(attack.rawValue): \(r.text)")
                #expect(r.headers[.wwwAuthenticate] == "Bearer")
            }
            // Nothing was written: no second incident, no triage.
            let counts = try await server.sqlite.pool.read { db in
                (
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM incident") ?? -1,
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM triage") ?? -1
                )
            }
            #expect(counts.0 == 1 && counts.1 == 0, "\(attack.rawValue): \(counts)")
        }
    }

    /// The attacks are not refused for some accidental reason: the same
    /// construction with the server's secret and HS256 is accepted.
    @Test func theControlTokenIsAccepted() async throws {
        let server = try await TestServer.make()
        defer { server.remove() }
        let token = try await Self.signed(Self.claims(), with: Self.hmac(Self.secret))
        let handMade = Self.withHeader(
            #"{"alg":"HS256","typ":"JWT"}"#,
            claims: ["role": "admin", "org": "acme", "exp": Self.now.timeIntervalSince1970 + 3600])
        try await server.app().test(.router) { client in
            for t in [token, handMade] {
                let r = try await client.post(
                    "/v1/incidents/chat", [.authorization: "Bearer \(t)", .contentType: "application/json"], incidentBody())
                #expect(r.status == .created, "\(r.text)")
            }
        }
    }
}
