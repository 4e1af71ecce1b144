import Hummingbird

/// Unauthenticated endpoints for operators: health, metrics, the API description.
struct SystemController {
    let deps: ServerDependencies

    var endpoints: RouteCollection<TriageRequestContext> {
        let routes = RouteCollection(context: TriageRequestContext.self)
        routes.get("healthz", use: health)
        routes.get("metrics", use: metrics)
        routes.get("openapi.yaml", use: openAPI)
        return routes
    }

    /// 200 while the server runs, naming the pack in use.
    @Sendable func health(_ request: Request, context: TriageRequestContext) async throws -> Response {
        let pack = deps.packs.current.metadata
        return Response.json(.ok) { w in
            w.beginObject()
            w.key("status")
            w.string("ok")
            w.key("pack")
            w.packMetadata(pack)
            w.endObject()
        }
    }

    @Sendable func metrics(_ request: Request, context: TriageRequestContext) async throws -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: deps.metrics.render())))
    }

    @Sendable func openAPI(_ request: Request, context: TriageRequestContext) async throws -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.yaml)))
    }
}
