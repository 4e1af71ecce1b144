/// The roles a token's `role` claim can name.
public enum Role: String, Sendable, CaseIterable {
    case admin, owner, `operator`, member

    /// Who may create incidents (`POST /v1/incidents/chat`).
    public static let createIncident: [Role] = [.admin, .owner, .operator]
    /// Who may start and read triage (`/v1/triage/...`).
    public static let triage: [Role] = [.admin, .member]
    /// Who may reload the rule pack.
    public static let reload: [Role] = [.admin]
}

/// Who is calling, from a verified token.
public struct Identity: Sendable, Hashable {
    /// The `role` claim as sent; a role this server does not know is kept
    /// (and is refused by every route) so the 403 message can name it.
    public var role: String
    /// The `org` claim: every incident belongs to one organisation, and a
    /// caller only ever sees its own organisation's.
    public var organization: String
    /// The `sub` claim, if any; recorded as the incident's creator.
    public var subject: String?

    public init(role: String, organization: String, subject: String? = nil) {
        self.role = role
        self.organization = organization
        self.subject = subject
    }

    public func has(anyOf roles: [Role]) -> Bool { roles.contains { $0.rawValue == role } }
}

extension TriageRequestContext {
    /// The caller's identity if its role is one of `roles`: 401 without a
    /// valid token, 403 with one whose role is not allowed.
    func require(_ roles: [Role]) throws(APIError) -> Identity {
        guard let identity else { throw APIError.unauthorized("a bearer token is required") }
        guard identity.has(anyOf: roles) else { throw APIError.forbidden(role: identity.role, allowed: roles) }
        return identity
    }
}
