import TriageCore
import TriageIO

/// Renders verdicts in the chosen output format into a byte buffer, one
/// buffer per chunk, so workers render in parallel and the writer only copies.
///
/// The renderer itself is immutable (names are encoded once per pack); the
/// buffer it writes into belongs to the caller, which keeps mutation off
/// class properties on the per-incident path.
struct OutputRenderer: Sendable {
    let format: OutputFormat
    let evidence: Bool
    let pack: CompiledPack
    let names: VerdictNames

    /// JSON lines without evidence are written from a `VerdictSummary`,
    /// which allocates nothing per incident.
    var writesSummaries: Bool { format == .jsonl && !evidence }

    init(format: OutputFormat, evidence: Bool, pack: CompiledPack) {
        self.format = format
        self.evidence = evidence
        self.pack = pack
        names = VerdictNames(pack: pack)
    }

    /// What precedes the first record.
    static func header(_ format: OutputFormat) -> [UInt8] {
        switch format {
        case .jsonl: []
        case .csv: Array("id,severity,score,agents,rules\n".utf8)
        case .table: Array((Table.row(["ID", "SEVERITY", "SCORE", "AGENTS", "RULES"]) + "\n").utf8)
        }
    }

    /// The buffer one chunk's output is written into.
    struct Buffer {
        let lines = ByteBuffer(capacity: 1 << 20)
        var json = JSONWriter(reservingCapacity: 4096)
        var csv = CSVWriter()

        /// The rendered bytes; the buffer is then empty.
        mutating func take(_ format: OutputFormat) -> [UInt8] {
            switch format {
            case .csv:
                let b = csv.bytes
                csv.removeAll()
                return b
            case .jsonl:
                let b = lines.array
                lines.removeAll()
                return b
            case .table:
                let b = json.bytes
                json.removeAll()
                return b
            }
        }
    }

    func add(id: UnsafeBufferPointer<UInt8>, _ v: Verdict, to out: inout Buffer) {
        switch format {
        case .jsonl:
            out.lines.appendVerdictLine(id: id, v, pack: pack, names: names, evidence: evidence)
        case .csv:
            out.csv.field(utf8: id)
            out.csv.field(v.severity.name)
            out.csv.field(SeverityDecision.format(v.score))
            out.csv.field(v.agents.map(\.id).joined(separator: ";"))
            out.csv.field(v.rules.map(\.id).joined(separator: ";"))
            out.csv.endRecord()
        case .table:
            let line = Table.row([
                String(decoding: id, as: UTF8.self), v.severity.name, SeverityDecision.format(v.score),
                v.agents.map(\.id).joined(separator: ","), v.rules.map(\.id).joined(separator: ","),
            ])
            out.json.bytes.append(contentsOf: (line + "\n").utf8)
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
