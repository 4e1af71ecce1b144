import Foundation
import TriageCore
import TriageIO
import TriageRegex
import TriageYAML

/// The work each fuzz target does with one input, kept apart from the
/// libFuzzer entry points so that the corpus and every input that ever
/// crashed can be replayed by `swift test` (see `FuzzCorpusTests`).
///
/// Each function returns the invariants that failed, as sentences. A crash,
/// a trap or a hang is a finding too; those the fuzzer sees for itself.
public enum FuzzHarness {
    /// The repository root, found from this file's place in it.
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The seed and regression inputs of a target: `Fuzz/Corpus/<target>/`.
    public static func corpus(_ target: String) -> URL {
        root.appendingPathComponent("Fuzz/Corpus").appendingPathComponent(target)
    }

    // MARK: Pack loader

    /// YAML bytes through the loader, the decoder, the compiler and the
    /// linter, then the pack's own test incidents through the classifier.
    /// Whatever the bytes, loading either succeeds or reports errors that
    /// each say where; it never crashes.
    public static func packLoader(_ bytes: [UInt8]) -> [String] {
        var problems = [String]()
        let file = "fuzz.yaml"
        let loaded: (RulePack, CompiledPack)
        do {
            loaded = try PackLoader.loadAndCompile(bytes: bytes, file: file, backend: PCRE2Backend())
        } catch {
            if error.errors.isEmpty { problems.append("loading failed without an error") }
            for e in error.errors {
                if e.message.isEmpty { problems.append("an error without a message: \(e)") }
                guard let l = e.location else {
                    problems.append("an error without a place: \(e)")
                    continue
                }
                if l.file != file || l.line < 1 || l.column < 1 { problems.append("an error at a bad place: \(e)") }
            }
            return problems
        }
        let (pack, compiled) = loaded
        _ = Linter().run(pack: pack, compiled: compiled)
        let scratch = compiled.makeScratch()
        var incidents = pack.rules.flatMap { $0.tests.map(\.incident) }.prefix(32)
        incidents.append(Incident(title: "Database outage", description: "All requests fail with HTTP 503.", context: "a"))
        for incident in incidents {
            problems += classify(incident, with: compiled, scratch: scratch)
        }
        return problems
    }

    // MARK: Classifier

    /// The packs the classifier target uses: the shipped rules and a pack of
    /// hostile patterns (`Fuzz/Packs/hostile.yaml`).
    public static let packs: [CompiledPack] = {
        let backend = PCRE2Backend()
        return ["rules", "Fuzz/Packs/hostile.yaml"].map { path in
            do {
                return try PackLoader.compile(path: root.appendingPathComponent(path).path, backend: backend)
            } catch {
                fatalError("cannot load \(path): \(error)")
            }
        }
    }()

    /// A scratch per pack, reused across inputs as a worker thread would.
    nonisolated(unsafe) static var scratches: [ScanScratch] = packs.map { $0.makeScratch() }

    /// Splits an input into an incident: title, description and context
    /// separated by the byte 0x1E (record separator); no second separator
    /// means no context.
    public static func incidentFields(_ bytes: [UInt8]) -> VerdictInvariants.Fields {
        let parts = bytes.split(separator: 0x1E, maxSplits: 2, omittingEmptySubsequences: false).map(Array.init)
        return VerdictInvariants.Fields(
            title: parts[0], description: parts.count > 1 ? parts[1] : [], context: parts.count > 2 ? parts[2] : nil)
    }

    /// Incident bytes (see `incidentFields`) through both packs, with and
    /// without evidence, on a reused and on a fresh scratch.
    public static func classifier(_ bytes: [UInt8]) -> [String] {
        let fields = incidentFields(bytes)
        var problems = [String]()
        for (k, pack) in packs.enumerated() {
            problems += classify(fields, with: pack, scratch: scratches[k])
        }
        return problems
    }

    static func classify(_ incident: Incident, with pack: CompiledPack, scratch: ScanScratch) -> [String] {
        classify(
            VerdictInvariants.Fields(
                title: Array(incident.title.utf8), description: Array(incident.description.utf8),
                context: incident.context.map { Array($0.utf8) }),
            with: pack, scratch: scratch)
    }

    static func classify(_ fields: VerdictInvariants.Fields, with pack: CompiledPack, scratch: ScanScratch) -> [String] {
        func run(_ scratch: ScanScratch, evidence: Bool) -> Verdict {
            fields.title.withUnsafeBufferPointer { t in
                fields.description.withUnsafeBufferPointer { d in
                    if let context = fields.context {
                        return context.withUnsafeBufferPointer { c in
                            pack.classify(
                                IncidentText(title: t, description: d, context: c), scratch: scratch,
                                options: ClassifyOptions(evidence: evidence))
                        }
                    }
                    return pack.classify(
                        IncidentText(title: t, description: d, context: nil), scratch: scratch,
                        options: ClassifyOptions(evidence: evidence))
                }
            }
        }
        let v = run(scratch, evidence: true)
        var problems = VerdictInvariants.check(v, pack: pack, fields: fields, evidence: true).map {
            "\(pack.metadata.name): \($0)"
        }
        let fresh = run(pack.makeScratch(), evidence: true)
        if fresh != v { problems.append("\(pack.metadata.name): a fresh scratch gives another verdict") }
        var plain = run(scratch, evidence: false)
        plain.evidence = v.evidence
        if plain != v { problems.append("\(pack.metadata.name): asking for evidence changes the verdict") }
        return problems
    }

    // MARK: Incident lines

    /// One JSONL line through the incident parser, checked against the
    /// general JSON parser; then the same bytes as CSV.
    public static func incidentLine(_ bytes: [UInt8]) -> [String] {
        compareWithJSONValue(bytes) + csvRecords(bytes)
    }

    static func compareWithJSONValue(_ bytes: [UInt8]) -> [String] {
        let parser = IncidentLineParser()
        let outcome: Result<IncidentLineParser.Outcome, JSONParseError> = bytes.withUnsafeBufferPointer { b in
            do throws(JSONParseError) { return .success(try parser.parse(b)) } catch { return .failure(error) }
        }
        let value: Result<JSONValue, JSONParseError> = bytes.withUnsafeBufferPointer { b in
            do throws(JSONParseError) { return .success(try JSONValue.parse(b)) } catch { return .failure(error) }
        }
        var problems = [String]()
        switch (outcome, value) {
        case (.success(.blank), _):
            if bytes.contains(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) { problems.append("a line with text read as blank") }
        case (.success(.incident), .success(let json)):
            for key in IncidentKey.allCases where parser.has(key) {
                if !VerdictInvariants.isValidUTF8(Array(parser.buffer(for: key).bytes)) {
                    problems.append("\(key) holds invalid UTF-8 after parsing")
                }
            }
            for key in [IncidentKey.title, .description] where json[key.name]?.stringValue != parser.buffer(for: key).string {
                problems.append("\(key) differs from JSONValue's")
            }
            if parser.has(.context) != (json["context"].map { !$0.isNull } ?? false) {
                problems.append("context presence differs from JSONValue's")
            }
        case (.success(.incident), .failure(let e)):
            // The incident parser checks a number's grammar, not its range: an
            // id is kept as written, and other keys are skipped.
            if e.message != "number out of range" {
                problems.append("the incident parser accepts a line JSONValue rejects: \(e)")
            }
        case (.failure(let e), _):
            if e.byteOffset < 0 || e.byteOffset > bytes.count || e.column < 1 {
                problems.append("error at a bad place: \(e)")
            }
            // A line JSONValue reads as a complete incident must not be refused.
            if case .success(let json) = value, isIncident(json) {
                problems.append("the incident parser refuses a valid incident: \(e)")
            }
        }
        return problems
    }

    /// The bytes as a CSV chunk: every record read, every field valid UTF-8.
    static func csvRecords(_ bytes: [UInt8]) -> [String] {
        var problems = [String]()
        let csv = CSVRecordParser()
        try? csv.forEachRecord(in: LineChunk(bytes: bytes), onError: { _ in }) { record, line in
            if line < 1 { problems.append("a CSV record on line \(line)") }
            for i in 0..<record.count where !VerdictInvariants.isValidUTF8(Array(record[i])) {
                problems.append("CSV field \(i) holds invalid UTF-8")
            }
        }
        return problems
    }

    /// Whether a JSON value is an incident object with the standard keys.
    static func isIncident(_ json: JSONValue) -> Bool {
        guard json.objectValue != nil else { return false }
        guard let id = json["id"], id.stringValue != nil || id.doubleValue != nil else { return false }
        guard json["title"]?.stringValue != nil, json["description"]?.stringValue != nil else { return false }
        if let c = json["context"], c.stringValue == nil && !c.isNull { return false }
        return true
    }
}
