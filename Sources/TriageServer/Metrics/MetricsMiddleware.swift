import Hummingbird

/// Counts and times every request by method, matched route and status.
/// It sits outside `ErrorMiddleware`, so errors arrive here as responses.
struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let started = ContinuousClock.now
        do {
            let response = try await next(request, context)
            record(request, context, status: response.status.code, since: started)
            return response
        } catch {
            record(request, context, status: (error as? any HTTPResponseError)?.status.code ?? 500, since: started)
            throw error
        }
    }

    func record(_ request: Request, _ context: Context, status: Int, since started: ContinuousClock.Instant) {
        metrics.requestFinished(
            method: request.method.rawValue, route: context.endpointPath ?? "unmatched", status: status,
            duration: ContinuousClock.now - started)
    }
}
