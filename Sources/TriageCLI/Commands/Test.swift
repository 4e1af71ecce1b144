import ArgumentParser
import Foundation
import TriageCore
import TriageEval
import TriageIO
import TriageRegex
import TriageYAML

enum TestFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, junit
}

struct Test: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the pack's inline tests and test files.",
        discussion: """
            Runs every inline test of the pack's rules, then the cases of each \
            TESTFILE (a YAML file with a `tests:` list, or a directory of them; \
            see docs/authoring.md). Prints one line per case, PASS or FAIL; under a \
            failure, what was expected beside what happened and the evidence (rules \
            fired, their contributions and matches, near misses). Then the rules \
            no test names and the tests that name rules the pack does not have.

            --coverage adds, for every rule, each keyword, phrase and regex branch \
            and whether a positive test matched it, and the total percentage.

            Exit status: 0 every case passed; 1 some case failed (a case naming an \
            unknown rule fails); 2 the rule pack or a test file has errors; 3 a test \
            file could not be read; 64 usage error.
            """)

    @OptionGroup var rules: RulesOptions

    @Argument(help: ArgumentHelp("Test files or directories of them.", valueName: "testfile"))
    var testFiles: [String] = []

    @Option(help: "Output format.")
    var format = TestFormat.text

    @Flag(help: "Report which rules and pattern alternatives the tests exercise.")
    var coverage = false

    func validate() throws {
        if coverage && format == .junit { throw ValidationError("--coverage works with --format text or json") }
    }

    func run() throws {
        let (written, compiled) = try rules.loadWritten()
        let (files, errors) = TestFileLoader.load(paths: testFiles)
        if !errors.isEmpty {
            for e in errors { Console.error(e.description) }
            Console.error("\(plural(errors.count, "error")) in the test files")
            throw ExitCode(errors.allSatisfy { $0.code == .io } ? ExitStatus.ioError : ExitStatus.badPack)
        }
        let run = TestRunner.run(pack: written, compiled: compiled, files: files)
        let report = coverage ? Coverage.measure(pack: written, run: run, backend: PCRE2Backend()) : nil
        switch format {
        case .text:
            print(TestRenderer.text(run, coverage: report))
        case .json:
            FileHandle.standardOutput.write(Data(TestRenderer.json(run, pack: compiled, coverage: report)))
        case .junit:
            print(TestRenderer.junit(run, pack: compiled))
            // Keep standard output valid XML; the pack-level notes go to standard error.
            if !run.untestedRules.isEmpty {
                Console.error("rules with no test (\(run.untestedRules.count)): " + run.untestedRules.joined(separator: ", "))
            }
            for u in run.unknownRules {
                Console.error((u.reference.location.map { "\($0): " } ?? "") + "unknown rule \"\(u.reference.id)\" in \(u.test)")
            }
        }
        if run.failed > 0 { throw ExitCode(ExitStatus.failures) }
    }
}
