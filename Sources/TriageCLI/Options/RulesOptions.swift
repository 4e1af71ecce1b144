import ArgumentParser
import Foundation
import TriageCore
import TriageRegex
import TriageYAML

/// `--rules PATH`, shared by every command that uses a pack.
struct RulesOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "A rule pack: a YAML file or a directory of them. Default: $TRIAGE_RULES, else the shipped packs in rules/.",
            valueName: "path"))
    var rules: String?

    /// The pack path to use: the option, $TRIAGE_RULES, `./rules`, or the
    /// `rules/` shipped next to the executable (`.build/<config>/triage` →
    /// `../../rules`; an install prefix's `share/triagekit/rules`).
    func resolvedPath() throws -> String {
        if let rules { return rules }
        if let env = ProcessInfo.processInfo.environment["TRIAGE_RULES"], !env.isEmpty { return env }
        let fm = FileManager.default
        if fm.fileExists(atPath: "rules/pack.yaml") { return "rules" }
        let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for candidate in ["../../rules", "../../../rules", "../share/triagekit/rules"] {
            let p = exe.appendingPathComponent(candidate).standardized.path
            if fm.fileExists(atPath: p + "/pack.yaml") { return p }
        }
        throw ValidationError("no rule pack found: pass --rules PATH or set TRIAGE_RULES")
    }

    /// Loads and compiles the pack, printing every error (file:line:col) and
    /// exiting with status 2 when it has any.
    func load() throws -> CompiledPack {
        try loadWritten().compiled
    }

    /// The pack as written (for lint and test coverage) and compiled; exits
    /// with status 2 like `load()` when it has errors.
    func loadWritten() throws -> (written: RulePack, compiled: CompiledPack) {
        try Self.load(path: try resolvedPath(), what: "the rule pack")
    }

    /// Loads the pack at `path`, printing its errors and exiting with status 2 when it has any.
    static func load(path: String, what: String) throws -> (written: RulePack, compiled: CompiledPack) {
        do {
            return try PackLoader.loadAndCompile(path: path, backend: PCRE2Backend())
        } catch {
            for e in error.errors { Console.error(e.description) }
            Console.error("\(path): \(error.errors.count) error\(error.errors.count == 1 ? "" : "s") in \(what)")
            throw ExitCode(ExitStatus.badPack)
        }
    }
}

/// Exit statuses shared by every command (also listed in `triage --help`).
enum ExitStatus {
    static let success: Int32 = 0
    /// Some input records could not be read, or tests failed, or a lint gate tripped.
    static let failures: Int32 = 1
    /// The rule pack has errors.
    static let badPack: Int32 = 2
    /// A file could not be read or written.
    static let ioError: Int32 = 3
}

enum Console {
    /// Writes a line to standard error.
    static func error(_ s: String) {
        FileHandle.standardError.write(Data((s + "\n").utf8))
    }
}
