import ArgumentParser

@main
struct TriageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "triage",
        abstract: "Rule-based incident triage: severity, specialist agents and the evidence for both.",
        discussion: """
            Rule packs are YAML (see docs/rule-packs.md). Without --rules, the packs \
            shipped in rules/ are used ($TRIAGE_RULES overrides).

            Exit status: 0 success; 1 some records could not be read, a test \
            failed, lint found errors or an eval gate tripped; 2 the rule pack \
            (or a test file) has errors; 3 input or output failed; 64 usage \
            error. Each command's --help says what applies to it.

            Authoring a pack: `triage test`, `triage lint`, `triage eval` and \
            `triage classify --profile` (docs/authoring.md).
            """,
        version: "0.1.0",
        subcommands: [Classify.self, Explain.self, Test.self, Lint.self, Eval.self, Bench.self, Pack.self, Serve.self, Token.self])
}
