import Hummingbird
import Logging
import NIOCore

/// Turns whatever a handler throws into the API's one error shape. Errors of
/// our own pass through; Hummingbird's (an unknown path, a method a path does
/// not have, a body over the limit) get a code from their status; anything
/// else is a 500 `internal_error`, logged, with nothing about it in the body.
/// A 404 from the router for a path that exists under other methods becomes
/// 405 `method_not_allowed` with an `Allow` header.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    var allowed: AllowedMethods?

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            if error.status.code >= 500 {
                context.logger.error("\(request.method) \(request.uri.path): \(error)")
            }
            return error.response()
        } catch let error as HTTPError {
            if error.status == .notFound, let methods = allowed?.methods(for: request.uri.path) {
                return APIError.methodNotAllowed(request.method.rawValue, allowed: methods).response()
            }
            return APIError.generic(error.status, message: error.body).response()
        } catch is NIOTooManyBytesError {
            return APIError.generic(.contentTooLarge, message: "the request body is too large").response()
        } catch let error as any HTTPResponseError {
            return APIError.generic(error.status, message: nil).response()
        } catch {
            context.logger.error("\(request.method) \(request.uri.path): unhandled error: \(error)")
            return APIError.internalError.response()
        }
    }
}
