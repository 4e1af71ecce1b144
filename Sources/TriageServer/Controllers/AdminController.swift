import Hummingbird
import TriageCore

/// `POST /v1/admin/reload`: read the rule pack again (admin only).
struct AdminController {
    let deps: ServerDependencies
    let reloader: PackReloader

    var endpoints: RouteCollection<TriageRequestContext> {
        let routes = RouteCollection(context: TriageRequestContext.self)
        routes.post("reload", use: reload)
        return routes
    }

    @Sendable func reload(_ request: Request, context: TriageRequestContext) async throws -> Response {
        _ = try context.require(Role.reload)
        do {
            let r = try reloader.reload(trigger: "POST /v1/admin/reload")
            return Response.json(.ok) { w in
                w.beginObject()
                w.key("pack")
                w.packMetadata(r.current)
                w.key("previous")
                w.packMetadata(r.previous)
                w.key("changed")
                w.bool(r.changed)
                w.endObject()
            }
        } catch {
            let first = error.errors.prefix(3).map(\.description).joined(separator: "; ")
            throw APIError.packInvalid(
                "the pack has \(error.errors.count) error\(error.errors.count == 1 ? "" : "s") and was not loaded "
                    + "(\(deps.packs.current.metadata.hash) stays in use): \(first)")
        }
    }
}
