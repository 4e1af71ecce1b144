import Foundation
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
    static func bearerToken(_ header: String) -> String? {
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }
}
