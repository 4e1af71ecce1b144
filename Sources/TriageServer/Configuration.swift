import Foundation
import Logging

/// Everything the server can be told, as plain values. `triage serve` maps
/// its flags here; tests build one directly.
public struct Configuration: Sendable {
    /// Address to bind; port 0 picks a free port.
    public var host: String
    public var port: Int
    /// A rule pack: one YAML file or a directory of them. Reloads read it again.
    public var rulesPath: String
    /// The SQLite database file (created with its directory if missing).
    public var databasePath: String
    /// The HS256 secret tokens are signed with; at least 32 bytes.
    public var jwtSecret: String
    /// Monthly event and investigation quotas per organisation.
    public var quotas: QuotaPolicy
    /// Request bodies larger than this get 413.
    public var maxBodyBytes: Int
    /// Incident titles longer than this (in characters) get 400.
    public var maxTitleLength: Int
    /// How hard SQLite works to keep a commit across a crash.
    public var durability: Durability
    /// Reload the rule pack on SIGHUP (on for `triage serve`; off in tests,
    /// which share one process).
    public var reloadOnHangup: Bool
    public var logLevel: Logger.Level

    public init(
        rulesPath: String, databasePath: String, jwtSecret: String, host: String = "127.0.0.1", port: Int = 8080,
        quotas: QuotaPolicy = QuotaPolicy(), maxBodyBytes: Int = 64 * 1024, maxTitleLength: Int = 200,
        durability: Durability = .normal, reloadOnHangup: Bool = false, logLevel: Logger.Level = .info
    ) {
        self.host = host
        self.port = port
        self.rulesPath = rulesPath
        self.databasePath = databasePath
        self.jwtSecret = jwtSecret
        self.quotas = quotas
        self.maxBodyBytes = maxBodyBytes
        self.maxTitleLength = maxTitleLength
        self.durability = durability
        self.reloadOnHangup = reloadOnHangup
        self.logLevel = logLevel
    }

    /// Checks the values no request could fix later.
    public func validate() throws(ConfigurationError) {
        try JWTSecret.validate(jwtSecret)
        guard (0...65535).contains(port) else { throw ConfigurationError("port \(port) is outside 0...65535") }
        guard maxBodyBytes > 0 else { throw ConfigurationError("the body limit must be positive") }
        guard maxTitleLength > 0 else { throw ConfigurationError("the title limit must be positive") }
        for (org, q) in [("default", quotas.default)] + quotas.organizations.sorted(by: { $0.key < $1.key }) {
            guard q.events >= 0, q.investigations >= 0 else {
                throw ConfigurationError("quota for \(org): counts cannot be negative")
            }
        }
    }
}

/// How many events (incidents created) and investigations (triages run) an
/// organisation may use per calendar month (UTC).
public struct Quota: Sendable, Hashable {
    public var events: Int
    public var investigations: Int

    public init(events: Int, investigations: Int) {
        self.events = events
        self.investigations = investigations
    }
}

/// The quota every organisation gets, and the ones that get something else.
public struct QuotaPolicy: Sendable, Hashable {
    public var `default`: Quota
    public var organizations: [String: Quota]

    public init(default: Quota = Quota(events: 1000, investigations: 100), organizations: [String: Quota] = [:]) {
        self.default = `default`
        self.organizations = organizations
    }

    public func quota(for organization: String) -> Quota { organizations[organization] ?? self.default }
}

/// SQLite's `synchronous` setting under WAL.
public enum Durability: String, Sendable, CaseIterable {
    /// A commit survives the process crashing or being killed; an operating
    /// system crash or power cut may lose the last few commits.
    case normal
    /// A commit is on disk before it is acknowledged (one fsync per commit).
    case full
}

/// A configuration the server cannot start with.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Where the server keeps its files when not told otherwise.
public enum DataDirectory {
    /// `$XDG_DATA_HOME/triagekit`, else `~/.local/share/triagekit`.
    public static func path(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") {
            return (xdg as NSString).appendingPathComponent("triagekit")
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return (home as NSString).appendingPathComponent(".local/share/triagekit")
    }

    public static func databasePath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        (path(environment: environment) as NSString).appendingPathComponent("triage.sqlite")
    }

    public static func secretPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        (path(environment: environment) as NSString).appendingPathComponent("jwt-secret")
    }
}

/// The HS256 secret shared by `triage serve` and `triage token`.
///
/// Both commands find it the same way: `--jwt-secret-file`, else
/// `$TRIAGE_JWT_SECRET`, else the `jwt-secret` file in the data directory,
/// which is generated (32 random bytes, hex, mode 0600) the first time either
/// command needs it. So `serve` works out of the box and a token printed by
/// `token` on the same machine is accepted, while a deployment sets its own.
public enum JWTSecret {
    /// HS256 needs a key at least as long as its 32-byte output; jwt-kit
    /// asserts this in debug builds, so shorter secrets are refused up front.
    public static let minimumBytes = 32
    public static let environmentVariable = "TRIAGE_JWT_SECRET"

    public enum Origin: Sendable, Equatable {
        case file(String)
        case environment
        case dataDirectory(String, generated: Bool)
    }

    public static func validate(_ secret: String) throws(ConfigurationError) {
        let n = secret.utf8.count
        guard n >= minimumBytes else {
            throw ConfigurationError(
                "the JWT secret is \(n) byte\(n == 1 ? "" : "s"); HS256 needs at least \(minimumBytes) "
                    + "(for example: export \(environmentVariable)=$(openssl rand -hex 32))")
        }
    }

    public static func resolve(
        file: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigurationError) -> (secret: String, origin: Origin) {
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ConfigurationError("cannot read the JWT secret file \(file)")
            }
            let secret = trimmed(data)
            try validate(secret)
            return (secret, .file(file))
        }
        if let env = environment[environmentVariable], !env.isEmpty {
            try validate(env)
            return (env, .environment)
        }
        let path = DataDirectory.secretPath(environment: environment)
        if let data = FileManager.default.contents(atPath: path) {
            let secret = trimmed(data)
            try validate(secret)
            return (secret, .dataDirectory(path, generated: false))
        }
        let secret = generate()
        do {
            let dir = (path as NSString).deletingLastPathComponent
            try FileManager.default.createDirectory(
                atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            guard
                FileManager.default.createFile(
                    atPath: path, contents: Data((secret + "\n").utf8), attributes: [.posixPermissions: 0o600])
            else { throw ConfigurationError("cannot create \(path)") }
        } catch let error as ConfigurationError {
            throw error
        } catch {
            throw ConfigurationError("cannot create \(path): \(error.localizedDescription)")
        }
        return (secret, .dataDirectory(path, generated: true))
    }

    /// 32 random bytes as 64 hex digits.
    public static func generate() -> String {
        var g = SystemRandomNumberGenerator()
        return (0..<32).map { _ in
            let b = UInt8.random(in: 0 ... 255, using: &g)
            return String(b >> 4, radix: 16) + String(b & 15, radix: 16)
        }.joined()
    }

    static func trimmed(_ data: Data) -> String {
        String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
