import Foundation
import Hummingbird
import Logging
import TriageCore

/// What the routes work with. `live(configuration:)` builds the real ones;
/// tests swap single pieces (a store that fails, a classifier that waits, a
/// clock that moves).
public struct ServerDependencies: Sendable {
    public var configuration: Configuration
    public var packs: PackHolder
    public var store: any TriageStore
    public var classifier: any IncidentClassifier
    public var tokens: TokenVerifier
    public var metrics: ServerMetrics
    public var ids: ULIDGenerator
    public var clock: @Sendable () -> Date
    public var logger: Logger

    public init(
        configuration: Configuration, packs: PackHolder, store: any TriageStore, classifier: any IncidentClassifier,
        tokens: TokenVerifier, metrics: ServerMetrics, ids: ULIDGenerator = ULIDGenerator(),
        clock: @escaping @Sendable () -> Date = Date.init, logger: Logger
    ) {
        self.configuration = configuration
        self.packs = packs
        self.store = store
        self.classifier = classifier
        self.tokens = tokens
        self.metrics = metrics
        self.ids = ids
        self.clock = clock
        self.logger = logger
    }

    /// The real thing: the pack at `rulesPath`, the SQLite database at
    /// `databasePath`, the rule engine as classifier.
    public static func live(configuration: Configuration, logger: Logger? = nil) async throws -> ServerDependencies {
        try configuration.validate()
        let logger = logger ?? Self.logger(configuration)
        let packs: PackHolder
        do {
            packs = try PackHolder.load(path: configuration.rulesPath)
        } catch {
            throw ConfigurationError(
                "the rule pack at \(configuration.rulesPath) has \(error.errors.count) error(s):\n\(error)")
        }
        let store = try SQLiteTriageStore(path: configuration.databasePath, durability: configuration.durability)
        let metrics = ServerMetrics()
        return ServerDependencies(
            configuration: configuration, packs: packs, store: store,
            classifier: RuleClassifier(packs: packs, metrics: metrics),
            tokens: try await TokenVerifier(secret: configuration.jwtSecret), metrics: metrics, logger: logger)
    }

    static func logger(_ configuration: Configuration) -> Logger {
        var logger = Logger(label: "triagekit")
        logger.logLevel = configuration.logLevel
        return logger
    }
}

/// The server for `configuration`, ready to `runService()` (which stops
/// gracefully on SIGTERM and SIGINT).
public func buildApplication(configuration: Configuration) async throws -> some ApplicationProtocol {
    try await buildApplication(dependencies: try await .live(configuration: configuration))
}

/// The server around the given dependencies. Before it accepts requests,
/// triages left `running` by a previous process are marked failed.
public func buildApplication(
    dependencies deps: ServerDependencies, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) async throws -> some ApplicationProtocol {
    let interrupted = try await deps.store.failInterruptedTriages(at: deps.clock())
    if interrupted > 0 {
        deps.logger.warning("marked \(interrupted) triage(s) failed that were running when the server last stopped")
    }
    deps.metrics.packInUse(deps.packs.current.metadata)
    let reloader = PackReloader(packs: deps.packs, metrics: deps.metrics, logger: deps.logger)
    var app = Application(
        router: buildRouter(dependencies: deps, reloader: reloader),
        configuration: .init(
            address: .hostname(deps.configuration.host, port: deps.configuration.port), serverName: "triagekit"),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
        logger: deps.logger)
    if deps.configuration.reloadOnHangup {
        app.addServices(HangupReloadService(reloader: reloader))
    }
    return app
}

/// Every route of the API.
///
/// Middleware, outermost first: metrics (sees every response, errors
/// included), errors (turns anything thrown into the one error shape), then,
/// under `/v1` only, authentication.
public func buildRouter(dependencies deps: ServerDependencies) -> Router<TriageRequestContext> {
    buildRouter(dependencies: deps, reloader: PackReloader(packs: deps.packs, metrics: deps.metrics, logger: deps.logger))
}

func buildRouter(dependencies deps: ServerDependencies, reloader: PackReloader) -> Router<TriageRequestContext> {
    let router = Router(context: TriageRequestContext.self)
    let allowed = AllowedMethods()
    router.add(middleware: MetricsMiddleware(metrics: deps.metrics))
    router.add(middleware: ErrorMiddleware(allowed: allowed))
    router.addRoutes(SystemController(deps: deps).endpoints)
    let v1 = router.group("v1").add(middleware: AuthMiddleware(verifier: deps.tokens))
    v1.addRoutes(IncidentController(deps: deps).endpoints, atPath: "incidents")
    v1.addRoutes(TriageController(deps: deps).endpoints, atPath: "triage")
    v1.addRoutes(AdminController(deps: deps, reloader: reloader).endpoints, atPath: "admin")
    allowed.load(router.routes.map { ($0.method.rawValue, $0.path.description) })
    return router
}
