import Foundation
import Hummingbird

/// `POST /v1/incidents/chat`: create an incident by hand.
struct IncidentController {
    let deps: ServerDependencies

    var endpoints: RouteCollection<TriageRequestContext> {
        let routes = RouteCollection(context: TriageRequestContext.self)
        routes.post("chat", use: create)
        return routes
    }

    /// The request body. Both fields are optional here so that a missing
    /// one gets a message naming it (see `validate`).
    struct CreateRequest: JSONRequestBody {
        var title: String?
        var description: String?

        init(title: String? = nil, description: String? = nil) {
            self.title = title
            self.description = description
        }

        init(json: JSONObject) throws(APIError) {
            title = try json.string("title")
            description = try json.string("description")
        }
    }

    static let descriptionLength = 10...4000

    static func isTrimmed(_ s: Unicode.Scalar) -> Bool { s == " " || s == "\t" || s == "\n" || s == "\r" }

    /// `s` without spaces, tabs, CRs and LFs at either end.
    static func trimmed(_ s: String) -> String {
        let scalars = s.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isTrimmed($0) }),
            let last = scalars.lastIndex(where: { !isTrimmed($0) })
        else { return "" }
        return String(scalars[first...last])
    }

    @Sendable func create(_ request: Request, context: TriageRequestContext) async throws -> Response {
        let identity = try context.require(Role.createIncident)
        let body = try await JSONBody.decode(CreateRequest.self, from: request, limit: deps.configuration.maxBodyBytes)
        let (title, description) = try Self.validate(body, maxTitleLength: deps.configuration.maxTitleLength)
        let now = deps.clock()
        let quota = deps.configuration.quotas.quota(for: identity.organization)
        let incident = NewIncident(
            id: "inc_" + deps.ids.next().description, organization: identity.organization, title: title,
            description: description, createdBy: identity.subject, createdAt: now)
        let created: IncidentCreated
        do {
            created = try await deps.store.createIncident(incident, quota: quota, period: Timestamps.quotaPeriod(now))
        } catch StoreError.eventQuotaExceeded(let limit) {
            throw APIError.eventQuotaExceeded(limit: limit)
        }
        return Response.json(.created) { $0.incidentCreated(created) }
    }

    /// The title and description, trimmed, or a 400 naming every field that
    /// fails and why.
    ///
    /// Lengths are in Unicode code points, as JSON Schema counts them, so
    /// that `/openapi.yaml` can state the rule exactly (its patterns do);
    /// trimming removes JSON's own whitespace (space, tab, CR, LF) from both
    /// ends, a set a schema pattern can name without depending on any
    /// regex engine's idea of `\s`.
    static func validate(_ body: CreateRequest, maxTitleLength: Int) throws(APIError) -> (String, String) {
        var problems = [String]()
        let title = body.title.map(Self.trimmed)
        switch title {
        case nil: problems.append("title: required")
        case ""?: problems.append("title: must not be empty")
        case let t? where t.unicodeScalars.count > maxTitleLength:
            problems.append("title: must be at most \(maxTitleLength) characters (got \(t.unicodeScalars.count))")
        default: break
        }
        let description = body.description.map(Self.trimmed)
        switch description {
        case nil: problems.append("description: required")
        case let d? where !descriptionLength.contains(d.unicodeScalars.count):
            problems.append(
                "description: must be between \(descriptionLength.lowerBound) and \(descriptionLength.upperBound) "
                    + "characters (got \(d.unicodeScalars.count))")
        default: break
        }
        if title?.utf8.contains(0) == true { problems.append("title: \(JSONObject.nulProblem)") }
        if description?.utf8.contains(0) == true { problems.append("description: \(JSONObject.nulProblem)") }
        guard problems.isEmpty, let title, let description else {
            throw APIError.validation(problems.joined(separator: "; "))
        }
        return (title, description)
    }
}
