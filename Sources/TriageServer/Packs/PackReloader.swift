import Logging
import ServiceLifecycle
import TriageCore
import UnixSignals

/// Reloads the rule pack, logs what happened and counts it. Shared by
/// `POST /v1/admin/reload` and SIGHUP.
struct PackReloader: Sendable {
    let packs: PackHolder
    let metrics: ServerMetrics
    let logger: Logger

    func reload(trigger: String) throws(PackErrors) -> PackHolder.Reload {
        do {
            let r = try packs.reload()
            metrics.packReloaded(ok: true)
            metrics.packInUse(r.current)
            let change = r.changed ? "was \(r.previous.hash)" : "unchanged"
            logger.info("pack reloaded (\(trigger)): \(r.current.name) \(r.current.version) \(r.current.hash), \(change)")
            return r
        } catch {
            metrics.packReloaded(ok: false)
            logger.error(
                "pack reload (\(trigger)) failed, keeping \(packs.current.metadata.hash): \(error.errors.count) error(s)\n\(error)")
            throw error
        }
    }
}

/// Reloads the pack on every SIGHUP until the server shuts down.
struct HangupReloadService: Service {
    let reloader: PackReloader

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        for await _ in signals.cancelOnGracefulShutdown() {
            _ = try? reloader.reload(trigger: "SIGHUP")
        }
    }
}
