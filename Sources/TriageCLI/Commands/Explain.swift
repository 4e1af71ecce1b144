import ArgumentParser
import Foundation
import TriageCore
import TriageIO

enum ColorMode: String, ExpressibleByArgument, CaseIterable {
    case auto, always, never
}

enum ExplainFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Explain how one incident is classified: rules fired, where, and why.",
        discussion: """
            Prints the severity and how it was reached (score, thresholds, floors, \
            ceilings, overrides), the agents and their weights, every rule that \
            fired with what it added and where it matched, and the near misses: \
            rules where a pattern matched but the condition as a whole did not hold.
            """)

    @OptionGroup var rules: RulesOptions

    @Option(help: "The incident's title.")
    var title: String

    @Option(help: "The incident's description.")
    var description: String = ""

    @Option(help: "Optional free-text context.")
    var context: String?

    @Option(help: "Output format.")
    var format = ExplainFormat.text

    @Option(help: "Highlight matches with colour.")
    var color = ColorMode.auto

    func run() throws {
        let pack = try rules.load()
        let incident = Incident(id: "", title: title, description: description, context: context)
        let v = pack.classify(incident, scratch: pack.makeScratch(), options: ClassifyOptions(evidence: true))
        switch format {
        case .json:
            var w = JSONWriter()
            w.beginObject()
            w.verdictFields(v, pack: pack, evidence: true)
            w.endObject()
            // One incident: pretty-print for people; `classify --evidence` is the compact form.
            let object = try JSONSerialization.jsonObject(with: Data(w.bytes))
            let pretty = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            print(String(decoding: pretty, as: UTF8.self))
        case .text:
            let useColor = color == .always || (color == .auto && Terminal.standardOutputIsTerminal
                && ProcessInfo.processInfo.environment["NO_COLOR"] == nil)
            print(ExplainRenderer(color: useColor).render(v, incident: incident, pack: pack))
        }
    }
}
