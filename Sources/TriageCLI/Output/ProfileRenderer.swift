import Foundation
import TriageCore
import TriageEval

/// The `classify --profile` report, for standard error.
enum ProfileRenderer {
    static func ms(_ ns: Double) -> String { String(format: "%.3f", ns / 1e6) }
    static func us(_ ns: Double) -> String { String(format: "%.2f", ns / 1e3) }

    static func text(_ r: ProfileReport) -> String {
        let n = Double(max(r.incidents, 1))
        let total = Double(r.totalNanoseconds)
        var out = [
            "profile: \(plural(r.incidents, "incident")) on \(plural(r.workers, "worker")), \(ms(total)) ms measured, \(us(total / n)) µs per incident"
        ]
        out.append("")
        var shared = [["step", "total ms", "µs/incident"]]
        for s in r.shared { shared.append([s.name, ms(Double(s.nanoseconds)), us(Double(s.nanoseconds) / n)]) }
        shared.append(["regex searches", ms(Double(r.regexNanoseconds)), us(Double(r.regexNanoseconds) / n)])
        out += EvalRenderer.table(shared, rightAligned: [1, 2]).map { "  " + $0 }
        out.append("")
        out.append("rules, slowest first (a rule's cost: its regex searches, a shared regex split evenly, plus its share of deciding)")
        var rows = [["rule", "total ms", "µs/incident", "regex searches", "matches", "evaluations", "fired"]]
        for c in r.rules {
            rows.append([
                c.id, ms(c.nanoseconds), us(c.perIncidentNanoseconds), "\(c.regexSearches)", "\(c.regexMatches)",
                "\(c.evaluations)", "\(c.fired)",
            ])
        }
        out += EvalRenderer.table(rows, rightAligned: [1, 2, 3, 4, 5, 6]).map { "  " + $0 }
        return out.joined(separator: "\n")
    }
}
