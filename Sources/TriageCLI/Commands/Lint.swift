import ArgumentParser
import Foundation
import TriageCore
import TriageIO

enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

struct Lint: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a rule pack for mistakes the compiler accepts.",
        discussion: """
            Reports findings as `file:line:col: level: message [check-id]`, in source \
            order, then a count. Levels: error (the pack does not do what it says: a \
            rule that can never fire, a regex PCRE2 gives up on), warning (probably \
            wrong or slow), info (worth knowing). `--list-checks` lists every check; \
            docs/authoring.md explains each. A rule can switch a check off for itself \
            with `lint: {ignore: [check-id]}`; --disable switches one off for the run.

            Exit status: 0 no errors (and, with --strict, no warnings); 1 errors \
            found, or warnings with --strict; 2 the rule pack has errors; 64 usage error.
            """)

    @OptionGroup var rules: RulesOptions

    @Flag(help: "Fail (exit 1) on warnings too.")
    var strict = false

    @Option(name: .customLong("disable"), help: ArgumentHelp("Do not run this check (repeatable).", valueName: "check-id"))
    var disabled: [String] = []

    @Option(help: "Output format.")
    var format = ReportFormat.text

    @Flag(help: "List the checks with their level and what they find, then exit.")
    var listChecks = false

    func validate() throws {
        let known = Set(Linter.checkIDs)
        for id in disabled where !known.contains(id) {
            throw ValidationError("no lint check \"\(id)\"" + Suggestions.hint(for: id, in: known))
        }
    }

    func run() throws {
        if listChecks {
            for c in Linter.checks {
                print("\(c.id.padding(toLength: 32, withPad: " ", startingAt: 0)) \(c.level.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(c.summary)")
            }
            print("\(Linter.unknownCheckID.padding(toLength: 32, withPad: " ", startingAt: 0)) warning  A rule's `lint: {ignore: [...]}` names no check.")
            return
        }
        let (written, compiled) = try rules.loadWritten()
        let findings = Linter(disabled: Set(disabled)).run(pack: written, compiled: compiled)
        let count = { (l: LintFinding.Level) in findings.filter { $0.level == l }.count }
        let (errors, warnings, infos) = (count(.error), count(.warning), count(.info))
        switch format {
        case .text:
            for f in findings { print(f.description) }
            print("\(plural(errors, "error")), \(plural(warnings, "warning")), \(plural(infos, "info"))")
        case .json:
            var w = JSONWriter()
            w.beginObject()
            w.key("pack")
            w.packMetadata(compiled.metadata)
            w.key("findings")
            w.beginArray()
            for f in findings { w.lintFinding(f) }
            w.endArray()
            w.key("summary")
            w.beginObject()
            w.key("errors"); w.int(errors)
            w.key("warnings"); w.int(warnings)
            w.key("infos"); w.int(infos)
            w.endObject()
            w.endObject()
            w.newline()
            FileHandle.standardOutput.write(Data(w.bytes))
        }
        if errors > 0 || (strict && warnings > 0) { throw ExitCode(ExitStatus.failures) }
    }
}

func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }

extension JSONWriter {
    mutating func location(_ l: SourceLocation?) {
        if let l {
            key("file"); string(l.file)
            key("line"); int(l.line)
            key("column"); int(l.column)
        } else {
            key("file"); null()
        }
    }

    mutating func lintFinding(_ f: LintFinding) {
        beginObject()
        key("level"); string(f.level.rawValue)
        key("check"); string(f.check)
        key("message"); string(f.message)
        location(f.location)
        key("rules")
        beginArray()
        for r in f.rules { string(r) }
        endArray()
        endObject()
    }
}
