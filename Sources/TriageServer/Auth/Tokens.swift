import Foundation
import JWTKit

/// The claims of an API token: `role`, `org` and `exp` are required, `nbf`
/// is honoured when present, `sub` and `iat` are informative.
///
/// All are optional here so that a token missing one is told which;
/// `TokenVerifier` checks them, and the times against its own clock (so
/// tests can move it), after the signature.
struct TokenClaims: JWTPayload {
    var sub: SubjectClaim?
    var role: String?
    var org: String?
    var exp: ExpirationClaim?
    var nbf: NotBeforeClaim?
    var iat: IssuedAtClaim?

    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

/// Verifies bearer tokens: HS256 only, signed with the configured secret,
/// not expired, not before their `nbf`, with a role and an organisation.
///
/// A verified token is remembered (by its exact text, so by its signature
/// too) until it expires, so a client that sends the same token on every
/// request pays for the HMAC and the JSON decoding once. Expiry and `nbf`
/// are checked again on every use.
public final class TokenVerifier: Sendable {
    private let keys: JWTKeyCollection
    private let clock: @Sendable () -> Date
    private let cache = Locked<[String: Verified]>([:])
    static let cacheCapacity = 4096

    struct Verified: Sendable {
        var identity: Identity
        var expires: Date
        var notBefore: Date?
    }

    /// - Throws: `ConfigurationError` when the secret is shorter than 32 bytes.
    public init(secret: String, clock: @escaping @Sendable () -> Date = Date.init) async throws(ConfigurationError) {
        try JWTSecret.validate(secret)
        keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        self.clock = clock
    }

    /// The identity a token carries, or `unauthorized` saying what is wrong with it.
    public func verify(_ token: String) async throws(APIError) -> Identity {
        let now = clock()
        if let hit = cache.withLock({ $0[token] }) {
            try Self.checkTimes(expires: hit.expires, notBefore: hit.notBefore, now: now)
            return hit.identity
        }
        try Self.checkHeader(token)
        let claims: TokenClaims
        do {
            claims = try await keys.verify(token, as: TokenClaims.self)
        } catch let error as JWTError where error.errorType == .signatureVerificationFailed {
            throw APIError.unauthorized("the token's signature does not verify")
        } catch let error as JWTError where error.errorType == .malformedToken && "\(error)".contains("payload") {
            throw APIError.unauthorized("the token's claims could not be decoded")
        } catch {
            throw APIError.unauthorized("the token is malformed")
        }
        guard let exp = claims.exp else { throw APIError.unauthorized("the token has no exp claim") }
        try Self.checkTimes(expires: exp.value, notBefore: claims.nbf?.value, now: now)
        guard let role = claims.role else { throw APIError.unauthorized("the token has no role claim") }
        guard let org = claims.org else { throw APIError.unauthorized("the token has no org claim") }
        guard !role.isEmpty else { throw APIError.unauthorized("the token has an empty role claim") }
        guard !org.isEmpty else { throw APIError.unauthorized("the token has an empty org claim") }
        // The organisation is compared in SQL, where a string ends at its
        // first NUL: "acme\u{0}x" would be "acme". No control character has
        // a place in either claim.
        guard !org.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw APIError.unauthorized("the token's org claim contains a control character")
        }
        guard !role.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw APIError.unauthorized("the token's role claim contains a control character")
        }
        let identity = Identity(role: role, organization: org, subject: claims.sub?.value)
        cache.withLock { entries in
            if entries.count >= Self.cacheCapacity { entries.removeAll(keepingCapacity: true) }
            entries[token] = Verified(identity: identity, expires: exp.value, notBefore: claims.nbf?.value)
        }
        return identity
    }

    static func checkTimes(expires: Date, notBefore: Date?, now: Date) throws(APIError) {
        guard now < expires else { throw APIError.unauthorized("the token has expired") }
        if let notBefore, now < notBefore { throw APIError.unauthorized("the token is not valid yet") }
    }

    /// Only HS256 is accepted. jwt-kit picks the key without comparing the
    /// header's `alg` to it, so `alg: none` (or any other) is refused here,
    /// before the signature is looked at.
    static func checkHeader(_ token: String) throws(APIError) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let data = base64URLDecode(parts[0]) else {
            throw APIError.unauthorized("the token is malformed")
        }
        struct Header: Decodable { var alg: String? }
        guard let header = try? JSONDecoder().decode(Header.self, from: data) else {
            throw APIError.unauthorized("the token's header is not JSON")
        }
        guard header.alg == "HS256" else {
            throw APIError.unauthorized("the token's algorithm \(header.alg.map { "'\($0)'" } ?? "(none given)") is not HS256")
        }
    }

    static func base64URLDecode(_ s: Substring) -> Data? {
        var b64 = s.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while b64.count % 4 != 0 { b64 += "=" }
        return Data(base64Encoded: b64)
    }
}

/// Signs tokens with the same secret the server verifies with (for
/// `triage token`, scripts and tests).
public struct TokenIssuer: Sendable {
    private let keys: JWTKeyCollection

    public init(secret: String) async throws(ConfigurationError) {
        try JWTSecret.validate(secret)
        keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
    }

    /// A token for `role` in `organization`, valid from `notBefore` (if
    /// given) until `now + lifetime`.
    public func issue(
        role: String, organization: String, subject: String? = nil, lifetime: TimeInterval = 86_400,
        now: Date = Date(), notBefore: Date? = nil
    ) async throws -> String {
        // JWT times are seconds; whole ones read better and compare exactly.
        let now = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        let claims = TokenClaims(
            sub: subject.map { SubjectClaim(value: $0) }, role: role, org: organization,
            exp: ExpirationClaim(value: now.addingTimeInterval(lifetime)), nbf: notBefore.map { NotBeforeClaim(value: $0) },
            iat: IssuedAtClaim(value: now))
        return try await keys.sign(claims)
    }
}
