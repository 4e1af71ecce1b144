import ArgumentParser

@main
struct TriageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "triage",
        abstract: "Rule-based incident triage: severity, specialist agents and the evidence for both.",
        discussion: """
            Rule packs are YAML (see docs/rule-packs.md). Without --rules, the packs \
            shipped in rules/ are used ($TRIAGE_RULES overrides).

            Exit status: 0 success; 1 some records could not be read (or checks \
            failed); 2 the rule pack has errors; 3 input or output failed; \
            64 usage error.
            """,
        version: "0.1.0",
        subcommands: [Classify.self, Explain.self, Pack.self, Serve.self, Token.self])
}
