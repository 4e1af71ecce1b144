import ArgumentParser
import Foundation
import Logging
import TriageServer

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the triage API over HTTP.",
        discussion: """
            Incidents, triages, evidence and quota counters are kept in a SQLite \
            database (default: $XDG_DATA_HOME/triagekit/triage.sqlite, else \
            ~/.local/share/triagekit/triage.sqlite). Requests carry HS256 bearer \
            tokens (see `triage token`); the secret is --jwt-secret-file, else \
            $TRIAGE_JWT_SECRET, else a jwt-secret file in the same data directory, \
            generated on first use.

            SIGHUP (or POST /v1/admin/reload) reloads the rule pack; SIGTERM and \
            SIGINT stop the server after the requests in flight.
            """)

    @OptionGroup var rules: RulesOptions

    @Option(help: ArgumentHelp("The SQLite database file.", valueName: "path"))
    var db: String?

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0: any free port).")
    var port = 8080

    @Option(help: ArgumentHelp("A file holding the JWT secret (at least 32 bytes).", valueName: "path"))
    var jwtSecretFile: String?

    @Option(help: "Incidents each organisation may create per month.")
    var eventQuota = 1000

    @Option(help: "Triages each organisation may run per month.")
    var investigationQuota = 100

    @Option(
        help: ArgumentHelp(
            "Another quota for one organisation, as ORG=EVENTS,INVESTIGATIONS (repeatable).", valueName: "org=e,i"))
    var orgQuota: [String] = []

    @Option(help: "Largest request body accepted, in bytes.")
    var maxBodyBytes = 64 * 1024

    @Option(help: "Longest incident title accepted, in characters.")
    var maxTitleLength = 200

    @Option(help: "normal: a commit survives the process dying; full: also a power cut (slower).")
    var durability = Durability.normal

    @Option(help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown log level '\(logLevel)'") }
        _ = try parsedOrgQuotas()
    }

    func parsedOrgQuotas() throws -> [String: Quota] {
        var out = [String: Quota]()
        for spec in orgQuota {
            let parts = spec.split(separator: "=", maxSplits: 1)
            let counts = parts.count == 2 ? parts[1].split(separator: ",") : []
            guard parts.count == 2, !parts[0].isEmpty, counts.count == 2, let e = Int(counts[0]), let i = Int(counts[1])
            else { throw ValidationError("--org-quota '\(spec)': expected ORG=EVENTS,INVESTIGATIONS") }
            out[String(parts[0])] = Quota(events: e, investigations: i)
        }
        return out
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let secret: (secret: String, origin: JWTSecret.Origin)
        do {
            secret = try JWTSecret.resolve(file: jwtSecretFile)
        } catch {
            Console.error("triage serve: \(error)")
            throw ExitCode(ExitStatus.ioError)
        }
        let configuration = TriageServer.Configuration(
            rulesPath: try rules.resolvedPath(), databasePath: db ?? DataDirectory.databasePath(),
            jwtSecret: secret.secret, host: host, port: port,
            quotas: QuotaPolicy(
                default: Quota(events: eventQuota, investigations: investigationQuota),
                organizations: try parsedOrgQuotas()),
            maxBodyBytes: maxBodyBytes, maxTitleLength: maxTitleLength, durability: durability, reloadOnHangup: true,
            logLevel: level)
        do {
            try configuration.validate()
        } catch {
            Console.error("triage serve: \(error)")
            throw ExitCode.validationFailure
        }
        let dependencies: ServerDependencies
        do {
            dependencies = try await .live(configuration: configuration)
        } catch let error as ConfigurationError {
            // The configuration itself was checked above: what is left is the pack.
            Console.error("triage serve: \(error)")
            throw ExitCode(ExitStatus.badPack)
        }
        switch secret.origin {
        case .file(let path): Console.error("JWT secret: \(path)")
        case .environment: Console.error("JWT secret: $\(JWTSecret.environmentVariable)")
        case .dataDirectory(let path, let generated):
            Console.error(
                "JWT secret: \(path)\(generated ? " (generated now)" : "");"
                    + " set $\(JWTSecret.environmentVariable) or --jwt-secret-file to use your own")
        }
        let pack = dependencies.packs.current.metadata
        Console.error("pack: \(pack.name) \(pack.version) \(pack.hash) from \(configuration.rulesPath)")
        Console.error("database: \(configuration.databasePath)")
        let host = configuration.host
        let app = try await buildApplication(dependencies: dependencies) { port in
            Console.error("listening on http://\(host):\(port)")
        }
        try await app.runService()
    }
}

extension Durability: ExpressibleByArgument {}
