import ArgumentParser
import Foundation
import TriageCore
import TriageEval
import TriageIO

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure a pack against a labelled corpus, alone or against a baseline pack.",
        discussion: """
            The corpus is JSON Lines: id, title, description, optional context, \
            severity (required), agents (optional list) and agents_complete \
            (optional; when present, agents are scored only on rows where it is \
            true). Reports, for severity, per-class precision, recall and F1, \
            macro-F1 over the classes that occur, accuracy and the confusion \
            matrix; for agents, per-agent precision, recall and F1 with micro and \
            macro averages; for each rule, how often it fired and agreed with the \
            label. Definitions: docs/authoring.md.

            With --baseline PACK, the metrics of both packs side by side and every \
            incident whose severity or agents changed. --fail-on METRIC:TOLERANCE \
            (repeatable, needs --baseline) fails when a metric drops by more than \
            the tolerance; --fail-under METRIC:MINIMUM fails when a metric is below \
            a minimum. Metrics: \(Metric.summary.joined(separator: ", ")); per \
            severity precision:SEVERITY, recall:SEVERITY, f1:SEVERITY (such as \
            recall:critical); per agent agent-precision:AGENT, agent-recall:AGENT, \
            agent-f1:AGENT (such as agent-f1:database).

            Exit status: 0 done and no gate tripped; 1 a gate tripped or some \
            corpus rows could not be read; 2 a rule pack has errors; 3 the corpus \
            could not be read; 64 usage error.
            """)

    @OptionGroup var rules: RulesOptions

    @Option(help: ArgumentHelp("The labelled corpus (JSONL).", valueName: "file"))
    var corpus: String

    @Option(help: ArgumentHelp("A pack to compare with: the metrics side by side and the incidents that changed.", valueName: "pack"))
    var baseline: String?

    @Option(help: "Output format.")
    var format = ReportFormat.text

    @Option(
        name: .customLong("fail-on"),
        help: ArgumentHelp("Fail when METRIC drops from the baseline by more than TOLERANCE (repeatable).", valueName: "metric:tolerance"))
    var failOn: [String] = []

    @Option(
        name: .customLong("fail-under"),
        help: ArgumentHelp("Fail when METRIC is below MINIMUM (repeatable).", valueName: "metric:minimum"))
    var failUnder: [String] = []

    func validate() throws {
        for g in failOn + failUnder where MetricGate(g) == nil {
            throw ValidationError(
                "\"\(g)\" is not METRIC:NUMBER with a known metric and a number of 0 or more; metrics include \(Metric.examples.joined(separator: ", "))")
        }
        if !failOn.isEmpty && baseline == nil { throw ValidationError("--fail-on compares with a baseline: add --baseline PACK") }
    }

    func run() throws {
        let candidatePath = try rules.resolvedPath()
        let (_, candidatePack) = try RulesOptions.load(path: candidatePath, what: "the rule pack")
        let basePack = try baseline.map { try RulesOptions.load(path: $0, what: "the baseline pack").compiled }

        guard let data = FileManager.default.contents(atPath: corpus) else {
            Console.error("error: cannot read \(corpus)")
            throw ExitCode(ExitStatus.ioError)
        }
        let (rows, errors) = LabelledCorpus.parse([UInt8](data))
        for e in errors { Console.error("\(corpus):\(e)") }

        let candidate = Evaluator.evaluate(candidatePack, corpus: rows)
        let dropGates = failOn.compactMap(MetricGate.init)
        let minimums = failUnder.compactMap(MetricGate.init)
        // A misspelt agent would compare zeros and never trip.
        let agents = candidate.agents.perAgent.map(\.agent)
        for g in dropGates + minimums where g.metric.hasPrefix("agent-") && g.metric.contains(":") {
            let name = String(g.metric.split(separator: ":", maxSplits: 1)[1])
            if !agents.contains(name) {
                throw ValidationError("no agent \"\(name)\" in the pack or the labels" + Suggestions.hint(for: name, in: agents))
            }
        }
        var failures = candidate.failures(minimums: minimums)
        var comparison: Comparison?
        if let basePack {
            let c = Comparison(baseline: Evaluator.evaluate(basePack, corpus: rows), candidate: candidate)
            failures = c.failures(dropGates: dropGates) + failures
            comparison = c
        }

        switch format {
        case .text:
            var text: String
            if let comparison {
                text = EvalRenderer.comparisonText(comparison, baselinePath: baseline!, candidatePath: candidatePath, corpus: corpus)
            } else {
                text = EvalRenderer.text(candidate, packPath: candidatePath, corpus: corpus)
            }
            text += EvalRenderer.gateText(failures, checked: dropGates.count + minimums.count).map { "\n" + $0 }.joined()
            print(text)
        case .json:
            var w = JSONWriter()
            w.beginObject()
            w.key("corpus")
            w.beginObject()
            w.key("path"); w.string(corpus)
            w.key("rows"); w.int(rows.count)
            w.key("unreadableRows"); w.int(errors.count)
            w.endObject()
            if let comparison {
                EvalRenderer.comparisonJSON(&w, comparison)
            } else {
                w.key("report")
                EvalRenderer.reportJSON(&w, candidate)
            }
            w.key("gates")
            EvalRenderer.gatesJSON(&w, drop: dropGates, minimum: minimums, failures: failures)
            w.endObject()
            w.newline()
            FileHandle.standardOutput.write(Data(w.bytes))
        }
        if !errors.isEmpty {
            Console.error("\(corpus): \(errors.count) of \(errors.count + rows.count) rows could not be read; the rest were evaluated")
        }
        if !failures.isEmpty || !errors.isEmpty { throw ExitCode(ExitStatus.failures) }
    }
}
