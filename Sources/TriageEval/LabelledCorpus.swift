import TriageCore
import TriageIO

/// One row of a labelled corpus: an incident and what a responder decided.
public struct LabelledIncident: Sendable, Hashable {
    public var incident: Incident
    public var severity: Severity
    /// The labelled agents; nil when the row has none to score.
    public var agents: [String]?
    /// `agents_complete` as written; `false` excludes the row from agent scores.
    public var agentsComplete: Bool?
    /// The 1-based line of the row in its file.
    public var line: Int

    public init(incident: Incident, severity: Severity, agents: [String]?, agentsComplete: Bool? = nil, line: Int = 0) {
        self.incident = incident
        self.severity = severity
        self.agents = agents
        self.agentsComplete = agentsComplete
        self.line = line
    }

    /// Whether the row's agents are scored: it has agents, and
    /// `agents_complete` is true or absent.
    public var scoresAgents: Bool { agents != nil && agentsComplete != false }
}

/// A row that could not be read: its line, column (0 when not known) and why.
public struct CorpusError: Error, Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var message: String

    public var description: String { column > 0 ? "\(line):\(column): error: \(message)" : "\(line): error: \(message)" }
}

/// Reads labelled JSONL: `id`, `title`, `description`, optional `context`,
/// `severity` (required), `agents` (optional list) and `agents_complete`
/// (optional boolean). Blank lines are skipped; a row that cannot be read is
/// reported and left out.
public enum LabelledCorpus {
    public static func parse(_ bytes: [UInt8]) -> (rows: [LabelledIncident], errors: [CorpusError]) {
        var rows = [LabelledIncident]()
        var errors = [CorpusError]()
        LineChunk(bytes: bytes).forEachLine { line, number in
            guard line.contains(where: { $0 != 0x20 && $0 != 0x09 }) else { return }
            do throws(CorpusError) {
                rows.append(try parseRow(line, number))
            } catch {
                errors.append(error)
            }
        }
        return (rows, errors)
    }

    static func parseRow(_ line: UnsafeBufferPointer<UInt8>, _ number: Int) throws(CorpusError) -> LabelledIncident {
        func fail(_ message: String, _ column: Int = 0) -> CorpusError { CorpusError(line: number, column: column, message: message) }
        let value: JSONValue
        do {
            value = try JSONValue.parse(line)
        } catch {
            throw fail(error.message, error.column)
        }
        guard case .object = value else { throw fail("expected a JSON object") }
        func string(_ key: String, required: Bool) throws(CorpusError) -> String? {
            guard let v = value[key], !v.isNull else {
                if required { throw fail("missing required field \"\(key)\"") }
                return nil
            }
            if let s = v.stringValue { return s }
            if key == "id", let n = v.intValue { return String(n) }
            throw fail("\"\(key)\" must be a string")
        }
        let id = try string("id", required: true)!
        let title = try string("title", required: true)!
        let description = try string("description", required: true)!
        let context = try string("context", required: false)
        let severityName = try string("severity", required: true)!
        guard let severity = Severity(name: severityName) else {
            throw fail("unknown severity \"\(severityName)\"; severities are critical, high, medium, low and info")
        }
        var agents: [String]?
        if let a = value["agents"], !a.isNull {
            guard let items = a.arrayValue else { throw fail("\"agents\" must be a list of strings") }
            var names = [String]()
            for item in items {
                guard let s = item.stringValue else { throw fail("\"agents\" must be a list of strings") }
                names.append(s)
            }
            agents = names
        }
        var complete: Bool?
        if let c = value["agents_complete"], !c.isNull {
            guard let b = c.boolValue else { throw fail("\"agents_complete\" must be true or false") }
            complete = b
        }
        return LabelledIncident(
            incident: Incident(id: id, title: title, description: description, context: context), severity: severity,
            agents: agents, agentsComplete: complete, line: number)
    }
}
