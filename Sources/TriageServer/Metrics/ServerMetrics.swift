import CoreMetrics
import Foundation
import Prometheus
import TriageCore

/// The server's metrics, recorded through swift-metrics into a Prometheus
/// registry of the server's own (not the process-wide `MetricsSystem`, which
/// can be bootstrapped once per process while tests build many servers).
///
/// - `http_requests_total{method,route,status}` and
///   `http_request_duration_seconds{method,route}`, `route` being the
///   matched route pattern (`/v1/triage/{incidentId}`), never the raw path;
/// - `triage_classifications_total{severity}` and `triage_classify_duration_seconds`;
/// - `triage_pack_reloads_total{result}` and `triage_pack_info{name,version,hash}` (1 for the pack in use).
public final class ServerMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    let factory: PrometheusMetricsFactory
    private let requestMetrics = Locked<[RequestKey: CoreMetrics.Counter]>([:])
    private let timers = Locked<[RouteKey: CoreMetrics.Timer]>([:])
    private let severityCounters: [CoreMetrics.Counter]
    private let classifyTimer: CoreMetrics.Timer
    private let packInfo = Locked<(PackMetadata, CoreMetrics.Gauge)?>(nil)

    struct RequestKey: Hashable {
        var method: String
        var route: String
        var status: Int
    }

    struct RouteKey: Hashable {
        var method: String
        var route: String
    }

    public init() {
        let registry = PrometheusCollectorRegistry()
        let factory = PrometheusMetricsFactory(registry: registry)
        self.registry = registry
        self.factory = factory
        severityCounters = Severity.allCases.map {
            CoreMetrics.Counter(label: "triage_classifications_total", dimensions: [("severity", $0.name)], factory: factory)
        }
        classifyTimer = CoreMetrics.Timer(label: "triage_classify_duration_seconds", dimensions: [], factory: factory)
    }

    func requestFinished(method: String, route: String, status: Int, duration: Duration) {
        let key = RequestKey(method: method, route: route, status: status)
        let counter = requestMetrics.withLock { cache in
            if let c = cache[key] { return c }
            let c = CoreMetrics.Counter(
                label: "http_requests_total",
                dimensions: [("method", method), ("route", route), ("status", String(status))], factory: factory)
            cache[key] = c
            return c
        }
        counter.increment()
        let routeKey = RouteKey(method: method, route: route)
        let timer = timers.withLock { cache in
            if let t = cache[routeKey] { return t }
            let t = CoreMetrics.Timer(
                label: "http_request_duration_seconds", dimensions: [("method", method), ("route", route)],
                factory: factory)
            cache[routeKey] = t
            return t
        }
        timer.recordNanoseconds(duration.nanoseconds)
    }

    func classified(_ severity: Severity, duration: Duration) {
        severityCounters[severity.rawValue].increment()
        classifyTimer.recordNanoseconds(duration.nanoseconds)
    }

    func packReloaded(ok: Bool) {
        CoreMetrics.Counter(label: "triage_pack_reloads_total", dimensions: [("result", ok ? "ok" : "error")], factory: factory)
            .increment()
    }

    /// Marks `pack` as the one in use (and forgets the previous one).
    func packInUse(_ pack: PackMetadata) {
        packInfo.withLock { current in
            if let (inUse, _) = current, inUse == pack { return }
            current?.1.destroy()
            let gauge = CoreMetrics.Gauge(
                label: "triage_pack_info",
                dimensions: [("name", pack.name), ("version", pack.version), ("hash", pack.hash)], factory: factory)
            gauge.record(1)
            current = (pack, gauge)
        }
    }

    /// The Prometheus text exposition of every metric.
    public func render() -> [UInt8] { registry.emitToBuffer() }
}

extension Duration {
    var nanoseconds: Int64 {
        let (s, atto) = components
        return s * 1_000_000_000 + atto / 1_000_000_000
    }
}
