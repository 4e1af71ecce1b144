import TriageCore
import TriageIO

/// Renders verdicts in the chosen output format into a byte buffer, one
/// buffer per chunk, so workers render in parallel and the writer only copies.
final class OutputRenderer {
    let format: OutputFormat
    let evidence: Bool
    let pack: CompiledPack
    private var json = JSONWriter(reservingCapacity: 1 << 20)
    private var csv = CSVWriter()

    init(format: OutputFormat, evidence: Bool, pack: CompiledPack) {
        self.format = format
        self.evidence = evidence
        self.pack = pack
    }

    /// What precedes the first record.
    static func header(_ format: OutputFormat) -> [UInt8] {
        switch format {
        case .jsonl: []
        case .csv: Array("id,severity,score,agents,rules\n".utf8)
        case .table: Array((Table.row(["ID", "SEVERITY", "SCORE", "AGENTS", "RULES"]) + "\n").utf8)
        }
    }

    func reset() {
        json.removeAll()
        csv.removeAll()
    }

    func add(id: UnsafeBufferPointer<UInt8>, _ v: Verdict) {
        switch format {
        case .jsonl:
            json.verdict(id: id, v, pack: pack, evidence: evidence)
            json.newline()
        case .csv:
            csv.field(utf8: id)
            csv.field(v.severity.name)
            csv.field(SeverityDecision.format(v.score))
            csv.field(v.agents.map(\.id).joined(separator: ";"))
            csv.field(v.rules.map(\.id).joined(separator: ";"))
            csv.endRecord()
        case .table:
            let line = Table.row([
                String(decoding: id, as: UTF8.self), v.severity.name, SeverityDecision.format(v.score),
                v.agents.map(\.id).joined(separator: ","), v.rules.map(\.id).joined(separator: ","),
            ])
            json.bytes.append(contentsOf: (line + "\n").utf8)
        }
    }

    /// The rendered bytes; the renderer is then empty.
    func take() -> [UInt8] {
        switch format {
        case .jsonl, .table:
            let b = json.bytes
            json.removeAll()
            return b
        case .csv:
            let b = csv.bytes
            csv.removeAll()
            return b
        }
    }
}

/// Fixed-width columns, so a streamed table lines up without seeing all rows.
enum Table {
    static let widths = [24, 9, 7, 36]

    static func row(_ cells: [String]) -> String {
        var out = ""
        for (i, cell) in cells.enumerated() {
            if i < widths.count {
                out += fit(cell, widths[i]) + "  "
            } else {
                out += cell
            }
        }
        return out
    }

    static func fit(_ s: String, _ width: Int) -> String {
        let one = s.replacingOccurrences(of: "\n", with: " ")
        if one.count > width { return String(one.prefix(width - 1)) + "…" }
        return one + String(repeating: " ", count: width - one.count)
    }
}

extension String {
    fileprivate func replacingOccurrences(of a: String, with b: String) -> String {
        split(separator: a, omittingEmptySubsequences: false).joined(separator: b)
    }
}
