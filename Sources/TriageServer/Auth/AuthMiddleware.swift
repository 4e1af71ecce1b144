import HTTPTypes
import Hummingbird

/// Verifies the bearer token when one is sent and puts the caller in the
/// context. A request without one goes on anonymous, and each route decides
/// (with `TriageRequestContext.require`) what it needs; a request with a bad
/// one stops here with 401.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = TriageRequestContext
    let verifier: TokenVerifier

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let header = request.headers[.authorization] else { return try await next(request, context) }
        guard let token = Self.bearerToken(header) else {
            throw APIError.unauthorized("the Authorization header must be 'Bearer <token>'")
        }
        var context = context
        context.identity = try await verifier.verify(token)
        return try await next(request, context)
    }

    /// The token of a `Bearer` authorization (the scheme is case-insensitive).
    /// Plain UTF-8 work: this runs on every request, and Foundation's
    /// trimming went through NSString and cost more than the rest of auth.
    static func bearerToken(_ header: String) -> String? {
        let bytes = header.utf8
        var i = bytes.startIndex
        while i != bytes.endIndex && bytes[i] == UInt8(ascii: " ") { i = bytes.index(after: i) }
        let scheme = i
        while i != bytes.endIndex && bytes[i] != UInt8(ascii: " ") { i = bytes.index(after: i) }
        guard bytes[scheme..<i].elementsEqual("bearer".utf8, by: { $0 | 0x20 == $1 }) else { return nil }
        while i != bytes.endIndex && (bytes[i] == UInt8(ascii: " ") || bytes[i] == UInt8(ascii: "\t")) {
            i = bytes.index(after: i)
        }
        var end = bytes.endIndex
        while end != i {
            let before = bytes.index(before: end)
            guard bytes[before] == UInt8(ascii: " ") || bytes[before] == UInt8(ascii: "\t") else { break }
            end = before
        }
        return i == end ? nil : String(header[i..<end])
    }
}
