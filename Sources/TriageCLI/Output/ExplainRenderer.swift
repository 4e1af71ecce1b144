import TriageCore

/// Renders one verdict for a human: what the pack concluded, how, and where
/// each rule matched, with the matched text highlighted when colour is on.
struct ExplainRenderer {
    var color: Bool

    private func bold(_ s: String) -> String { color ? "\u{1B}[1m\(s)\u{1B}[0m" : s }
    private func dim(_ s: String) -> String { color ? "\u{1B}[2m\(s)\u{1B}[0m" : s }
    private func highlight(_ s: String) -> String { color ? "\u{1B}[1;30;43m\(s)\u{1B}[0m" : "[\(s)]" }
    private func red(_ s: String) -> String { color ? "\u{1B}[31m\(s)\u{1B}[0m" : s }

    func render(_ v: Verdict, incident: Incident, pack: CompiledPack) -> String {
        var out = [String]()
        let m = pack.metadata
        out.append("\(bold("pack"))      \(m.name) \(m.version) (\(m.hash))")
        out.append("\(bold("severity"))  \(bold(v.severity.name.uppercased()))  score \(SeverityDecision.format(v.score))")
        for step in v.decision.steps { out.append("          \(step)") }
        let agentList = v.agents.map { "\($0.id) (\(SeverityDecision.format($0.weight)))" }.joined(separator: ", ")
        out.append("\(bold("agents"))    \(agentList.isEmpty ? "none" : agentList)")
        if v.agents.isEmpty || v.agents.count < pack.maxAgents {
            out.append(dim("          an agent needs a summed weight of \(SeverityDecision.format(pack.agentThreshold)); at most \(pack.maxAgents) are assigned"))
        }

        let evidence = v.evidence ?? Evidence(rules: [], nearMisses: [])
        out.append("")
        out.append(bold("rules fired (\(evidence.rules.count))"))
        if evidence.rules.isEmpty { out.append("  none") }
        for r in evidence.rules { out += renderRule(r, fired: true) }

        if !evidence.nearMisses.isEmpty {
            out.append("")
            out.append(bold("near misses (\(evidence.nearMisses.count))") + dim(": a pattern matched but the condition did not hold"))
            for r in evidence.nearMisses { out += renderRule(r, fired: false) }
        }

        for d in v.diagnostics {
            out.append(red("warning: \(d)"))
        }

        // The text itself, matches highlighted.
        let all = evidence.rules.flatMap(\.matches).filter { !$0.excluded }
        out.append("")
        out.append(bold("text"))
        for field in Field.allCases {
            let text = incident.text(of: field)
            if field == .context && incident.context == nil { continue }
            let spans = all.filter { $0.field == field }.map { $0.start..<$0.end }
            out.append("  \(field.name.padding(toLength: 12, withPad: " ", startingAt: 0))\(mark(text, spans))")
        }
        return out.joined(separator: "\n")
    }

    private func renderRule(_ r: RuleEvidence, fired: Bool) -> [String] {
        var out = [String]()
        var head = "  \(bold(r.ruleID))"
        if fired {
            let sign = r.contribution >= 0 ? "+" : ""
            head += "  \(sign)\(SeverityDecision.format(r.contribution))"
            if r.titleMatched { head += dim(" (title weight)") }
            if !r.agents.isEmpty {
                head += "  " + r.agents.map { "\($0.id) \($0.weight >= 0 ? "+" : "")\(SeverityDecision.format($0.weight))" }.joined(separator: ", ")
            }
        }
        out.append(head)
        if !r.description.isEmpty { out.append(dim("      \(r.description)")) }
        for m in r.matches {
            let place = "\(m.field.name)[\(m.start)..<\(m.end)]".padding(toLength: 22, withPad: " ", startingAt: 0)
            let what = m.excluded ? red("excluded by ") : ""
            out.append("      \(place) \(what)\(String(reflecting: m.text))  \(dim(m.pattern))")
        }
        return out
    }

    /// The text with the byte ranges highlighted (overlaps merged), on one line.
    func mark(_ text: String, _ ranges: [Range<Int>]) -> String {
        let bytes = Array(text.utf8)
        var merged = [Range<Int>]()
        for r in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, r.lowerBound <= last.upperBound {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, r.upperBound)
            } else {
                merged.append(r)
            }
        }
        var out = ""
        var at = 0
        func plain(_ r: Range<Int>) -> String { String(decoding: bytes[r], as: UTF8.self) }
        for r in merged where r.lowerBound >= at && r.upperBound <= bytes.count {
            out += plain(at..<r.lowerBound)
            out += highlight(plain(r))
            at = r.upperBound
        }
        out += plain(at..<bytes.count)
        return out.replacingOccurrences(of: "\n", with: dim("⏎ "))
    }
}

extension String {
    fileprivate func replacingOccurrences(of a: String, with b: String) -> String {
        split(separator: a, omittingEmptySubsequences: false).joined(separator: b)
    }
}
