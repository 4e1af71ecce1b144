import Hummingbird

/// Per-request state: Hummingbird's own, plus the caller once the
/// authentication middleware has verified a token.
public struct TriageRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var identity: Identity?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        identity = nil
    }
}
