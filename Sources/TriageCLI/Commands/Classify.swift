import ArgumentParser
import Foundation
import TriageCore
import TriageEval
import TriageIO

enum InputFormat: String, ExpressibleByArgument, CaseIterable {
    case jsonl, csv
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case jsonl, csv, table
}

/// Where each incident's fields come from: JSON keys or CSV columns.
struct FieldNameOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Key or column holding the incident id.", valueName: "name"))
    var idColumn = "id"
    @Option(help: ArgumentHelp("Key or column holding the title.", valueName: "name"))
    var titleColumn = "title"
    @Option(help: ArgumentHelp("Key or column holding the description.", valueName: "name"))
    var descriptionColumn = "description"
    @Option(help: ArgumentHelp("Key or column holding optional context.", valueName: "name"))
    var contextColumn = "context"

    func keyMap(requireID: Bool) -> IncidentKeyMap {
        IncidentKeyMap(
            id: idColumn, title: titleColumn, description: descriptionColumn, context: contextColumn,
            required: requireID ? [.id, .title, .description] : [.title, .description])
    }
}

struct Classify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Classify incidents: severity, agents and the rules that fired.",
        discussion: """
            Reads JSON Lines (one object per line with id, title, description and \
            optional context) or CSV with a header row, and writes one result per \
            incident, in input order, using every core. A line that cannot be read \
            is reported on standard error with its line number; every other line \
            is still classified, and the exit status is 1.

            Output (jsonl): {"id":…,"severity":…,"score":…,"agents":[…],"rules":[…]}; \
            --evidence adds where each rule matched and how the severity was decided.

            --profile reports on standard error where the time went: the steps all \
            rules share (normalising the text, the one-pass literal scan, deciding), \
            then each rule's total and per-incident cost, regex searches and \
            matches, evaluations and firings, slowest first. Output is unchanged.

            Exit status: 0 all classified; 1 some records could not be read; \
            2 the rule pack has errors; 3 input or output failed; 64 usage error.
            """)

    @OptionGroup var rules: RulesOptions

    @Argument(help: ArgumentHelp("Input file, or - for standard input.", valueName: "file"))
    var input = "-"

    @Option(help: "Input format.")
    var inputFormat = InputFormat.jsonl

    @Option(help: "Output format.")
    var outputFormat = OutputFormat.jsonl

    @OptionGroup var fields: FieldNameOptions

    @Flag(help: "Add the evidence: matches with their offsets, contributions and the severity decision (jsonl only).")
    var evidence = false

    @Option(name: .shortAndLong, help: ArgumentHelp("Worker threads (default: every core).", valueName: "n"))
    var jobs: Int?

    @Flag(inversion: .prefixedNo, help: "Show progress on standard error (default: when it is a terminal).")
    var progress: Bool?

    @Flag(help: "Report each rule's cost on standard error, slowest first.")
    var profile = false

    func validate() throws {
        if evidence && outputFormat != .jsonl { throw ValidationError("--evidence needs --output-format jsonl") }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
    }

    func run() throws {
        let pack = try rules.load()
        FileDescriptorWriter.ignoreBrokenPipeSignal()
        let reader: LineChunkReader
        do {
            reader = try LineChunkReader(path: input, mode: inputFormat == .csv ? .csv : .lines)
        } catch {
            Console.error("error: \(error)")
            throw ExitCode(ExitStatus.ioError)
        }
        let source = input == "-" ? "<stdin>" : input
        let out = FileDescriptorWriter()
        var stats = ClassifyStats()
        let showProgress = progress ?? Terminal.standardErrorIsTerminal
        let meter = showProgress ? ProgressReporter(totalBytes: reader.totalBytes) : nil

        // CSV: read the header on this thread so every worker knows the columns.
        var firstChunk: LineChunk?
        var columns: CSVIncidentColumns?
        var csvFieldCount: Int?
        if inputFormat == .csv {
            do {
                firstChunk = try reader.next()
                let header = try firstChunk.flatMap { try CSVRecordParser().firstRecord(in: $0) }
                guard let header else {
                    Console.error("\(source): error: no header row")
                    throw ExitCode(ExitStatus.failures)
                }
                columns = try CSVIncidentColumns(header: CSVHeader(names: header), keys: fields.keyMap(requireID: false))
                csvFieldCount = header.count
            } catch let e as CSVError {
                Console.error("\(source):\(e.line): error: \(e.message)")
                throw ExitCode(ExitStatus.failures)
            } catch let e as InputError {
                Console.error("\(source): error: \(e)")
                throw ExitCode(ExitStatus.ioError)
            }
        }

        let format = outputFormat
        let withEvidence = evidence
        let profiles = profile ? ProfileRegistry() : nil
        let workers = jobs ?? OrderedParallelPipeline.defaultJobs
        let keyMap = fields.keyMap(requireID: true)
        let csvColumns = columns
        let fieldCount = csvFieldCount
        do {
            try out.write(OutputRenderer.header(format))
            try OrderedParallelPipeline.run(
                jobs: workers,
                source: {
                    if let c = firstChunk {
                        firstChunk = nil
                        return c
                    }
                    return try reader.next()
                },
                makeState: {
                    let worker = ClassifyWorker(
                        pack: pack, keys: keyMap, columns: csvColumns, csvFieldCount: fieldCount, format: format,
                        evidence: withEvidence, profiling: profiles != nil)
                    if let p = worker.scratch.profile { profiles?.add(p) }
                    return worker
                },
                transform: { worker, chunk in worker.process(chunk) },
                sink: { result in
                    try result.output.withUnsafeBufferPointer { try out.write($0) }
                    for e in result.errors { Console.error("\(source):\(e)") }
                    stats.add(result)
                    meter?.update(bytes: reader.bytesRead, items: stats.records)
                })
            try out.flush()
        } catch let e as OutputError {
            if case .brokenPipe = e { return }  // the reader went away (`| head`): stop quietly
            Console.error("error: \(e)")
            throw ExitCode(ExitStatus.ioError)
        } catch let e as InputError {
            Console.error("\(source): error: \(e)")
            throw ExitCode(ExitStatus.ioError)
        }
        meter?.finish(bytes: reader.bytesRead, items: stats.records)
        if let profiles {
            let merged = ScanProfile(pack: pack)
            for p in profiles.all { merged.merge(p) }
            Console.error(ProfileRenderer.text(ProfileReport(profile: merged, pack: pack, workers: profiles.all.count)))
        }
        if stats.failed > 0 {
            Console.error(
                "\(source): \(stats.failed) of \(stats.failed + stats.records) record\(stats.failed + stats.records == 1 ? "" : "s") could not be read; the rest were classified")
            throw ExitCode(ExitStatus.failures)
        }
    }
}

/// The profiles of every worker, collected as the workers start (each makes
/// its scratch on its own thread) and merged once all have finished.
final class ProfileRegistry: @unchecked Sendable {
    private let lock = NSLock()
    private var profiles: [ScanProfile] = []

    func add(_ p: ScanProfile) {
        lock.lock()
        profiles.append(p)
        lock.unlock()
    }

    var all: [ScanProfile] {
        lock.lock()
        defer { lock.unlock() }
        return profiles
    }
}

struct ClassifyStats {
    var records = 0
    var failed = 0

    mutating func add(_ r: ChunkResult) {
        records += r.records
        failed += r.errors.count
    }
}

/// What one worker made of one chunk: the rendered output, in order, and
/// the errors (already prefixed with `line:col`).
struct ChunkResult: Sendable {
    var output: [UInt8]
    var errors: [String]
    var records: Int
}

/// Per-thread state: the pack's scratch, a parser and an output buffer, all
/// reused for every chunk the worker handles.
final class ClassifyWorker {
    let pack: CompiledPack
    let scratch: ScanScratch
    let parser: IncidentLineParser
    let csvParser: CSVRecordParser
    let columns: CSVIncidentColumns?
    let renderer: OutputRenderer
    var buffer = OutputRenderer.Buffer()
    let options: ClassifyOptions

    init(
        pack: CompiledPack, keys: IncidentKeyMap, columns: CSVIncidentColumns?, csvFieldCount: Int?,
        format: OutputFormat, evidence: Bool, profiling: Bool = false
    ) {
        self.pack = pack
        scratch = pack.makeScratch(profiling: profiling)
        parser = IncidentLineParser(keys: keys)
        csvParser = CSVRecordParser(expectedFieldCount: csvFieldCount)
        self.columns = columns
        renderer = OutputRenderer(format: format, evidence: evidence, pack: pack)
        options = ClassifyOptions(evidence: evidence)
    }

    func process(_ chunk: LineChunk) -> ChunkResult {
        // Take the buffer out of the object for the length of the chunk: mutating
        // a stored property of a class costs an exclusivity check per write.
        var out = OutputRenderer.Buffer()
        swap(&out, &buffer)
        defer { swap(&out, &buffer) }
        var errors = [String]()
        var records = 0
        if let columns {
            do {
                try csvParser.forEachRecord(
                    in: chunk, skipping: chunk.index == 0 ? 1 : 0,
                    onError: { errors.append("\($0.line): error: \($0.message)") }
                ) { record, line in
                    guard let t = columns.field(.title, of: record), let d = columns.field(.description, of: record) else {
                        errors.append("\(line): error: the record has no title or description column")
                        return
                    }
                    let text = IncidentText(title: t, description: d, context: columns.field(.context, of: record))
                    let v = pack.classify(text, scratch: scratch, options: options)
                    if let id = columns.field(.id, of: record) {
                        renderer.add(id: id, v, to: &out)
                    } else {
                        var lineID = String(line)
                        lineID.withUTF8 { renderer.add(id: $0, v, to: &out) }
                    }
                    records += 1
                }
            } catch let e as CSVError {
                errors.append("\(e.line): error: \(e.message)")
            } catch {
                errors.append("\(chunk.firstLine): error: \(error)")
            }
        } else {
            chunk.forEachLine { line, number in
                let outcome: IncidentLineParser.Outcome
                do throws(JSONParseError) {
                    outcome = try parser.parse(line)
                } catch {
                    errors.append("\(number):\(error.column): error: \(error.message)")
                    return
                }
                guard outcome == .incident else { return }
                let ctx = parser.has(.context) ? parser.context.bytes : nil
                let text = IncidentText(title: parser.title.bytes, description: parser.description.bytes, context: ctx)
                if renderer.writesSummaries {
                    let summary = pack.classifySummary(text, scratch: scratch)
                    if summary.hasDiagnostics {
                        renderer.add(id: parser.id.bytes, pack.lastVerdict(scratch: scratch), to: &out)
                    } else {
                        out.lines.appendVerdictLine(id: parser.id.bytes, summary, names: renderer.names)
                    }
                } else {
                    let v = pack.classify(text, scratch: scratch, options: options)
                    renderer.add(id: parser.id.bytes, v, to: &out)
                }
                records += 1
            }
        }
        return ChunkResult(output: out.take(renderer.format), errors: errors, records: records)
    }
}
