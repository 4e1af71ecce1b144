import ArgumentParser
import Foundation
import TriageServer

struct Token: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a bearer token for the API, signed with the server's secret.",
        discussion: """
            The secret is found as `triage serve` finds it: --jwt-secret-file, else \
            $TRIAGE_JWT_SECRET, else the jwt-secret file in the data directory \
            (generated on first use). For local use and scripts:

              TOKEN=$(triage token --role admin --org acme)
              curl -H "Authorization: Bearer $TOKEN" ...
            """)

    @Option(help: "The role claim: admin, owner, operator or member.")
    var role: RoleArgument

    @Option(help: "The organisation claim: whose incidents the token sees.")
    var org: String

    @Option(help: "The subject claim (who the caller is), if any.")
    var sub: String?

    @Option(help: "Seconds until the token expires.")
    var ttl = 86_400

    @Option(help: ArgumentHelp("A file holding the JWT secret (at least 32 bytes).", valueName: "path"))
    var jwtSecretFile: String?

    func validate() throws {
        guard ttl > 0 else { throw ValidationError("--ttl must be positive") }
        guard !org.isEmpty else { throw ValidationError("--org must not be empty") }
    }

    func run() async throws {
        let secret: String
        do {
            secret = try JWTSecret.resolve(file: jwtSecretFile).secret
        } catch {
            Console.error("triage token: \(error)")
            throw ExitCode(ExitStatus.ioError)
        }
        let issuer = try await TokenIssuer(secret: secret)
        print(try await issuer.issue(role: role.rawValue, organization: org, subject: sub, lifetime: TimeInterval(ttl)))
    }
}

enum RoleArgument: String, ExpressibleByArgument, CaseIterable {
    case admin, owner, `operator`, member
}
