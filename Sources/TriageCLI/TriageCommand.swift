import ArgumentParser

@main
struct TriageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "triage", abstract: "Rule-based incident triage.")
}
