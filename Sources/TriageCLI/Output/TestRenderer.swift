import TriageCore
import TriageEval
import TriageIO

/// `triage test` output: text for people, JSON and JUnit XML for CI.
enum TestRenderer {
    // MARK: Text

    static func text(_ run: TestRun, coverage: CoverageReport?) -> String {
        var out = [String]()
        for r in run.results {
            if r.passed {
                out.append("PASS  \(r.test.name)")
                continue
            }
            out.append("FAIL  \(r.test.name)" + (r.test.location.map { "  \($0)" } ?? ""))
            out += failureDetails(r).map { "      " + $0 }
        }
        for c in run.skipped {
            out.append("SKIP  \(c.name)  (the rule is disabled)")
        }
        out.append("")
        var summary = "\(plural(run.results.count, "case")): \(run.passed) passed, \(run.failed) failed"
        if !run.skipped.isEmpty { summary += ", \(run.skipped.count) skipped" }
        out.append(summary)
        if !run.untestedRules.isEmpty {
            out.append("rules with no test (\(run.untestedRules.count)): " + run.untestedRules.joined(separator: ", "))
        }
        if !run.unknownRules.isEmpty {
            out.append("tests naming unknown rules (\(run.unknownRules.count)):")
            for u in run.unknownRules {
                out.append("  " + (u.reference.location.map { "\($0): " } ?? "") + "\"\(u.reference.id)\" in \(u.test)")
            }
        }
        if let coverage { out += [""] + coverageText(coverage) }
        return out.joined(separator: "\n")
    }

    /// The lines under a FAIL: the incident, each expectation beside what
    /// happened, then the evidence.
    static func failureDetails(_ r: TestResult) -> [String] {
        var out = [String]()
        func row(_ label: String, _ text: String) {
            out.append(label.padding(toLength: 13, withPad: " ", startingAt: 0) + text)
        }
        func more(_ text: String) { out.append(String(repeating: " ", count: 13) + text) }
        let i = r.test.incident
        row("title", String(reflecting: i.title))
        if !i.description.isEmpty { row("description", String(reflecting: oneLine(i.description))) }
        if let c = i.context { row("context", String(reflecting: oneLine(c))) }
        for f in r.failures {
            switch f.kind {
            case .severity:
                row("severity", "expected \(f.expected), got \(f.actual)")
                for s in r.verdict.decision.steps { more(s) }
            case .agents:
                row("agents", "expected \(f.expected), got \(f.actual)")
                if !r.verdict.agents.isEmpty {
                    more("weights: " + r.verdict.agents.map { "\($0.id) \(SeverityDecision.format($0.weight))" }.joined(separator: ", "))
                }
            case .ruleFired:
                row("rule", f.summary)
                if let miss = f.nearMiss {
                    let matched = miss.matches.map { ($0.excluded ? "excluded by " : "") + match($0) }
                    more("near miss: " + matched.joined(separator: "; ") + ", but the condition as a whole did not hold")
                } else if f.actual == "did not fire" {
                    more("none of its patterns matched")
                }
            case .ruleNotFired, .unknownRule:
                row("rule", f.summary)
            }
        }
        let evidence = r.verdict.evidence?.rules ?? []
        row("evidence", "score \(SeverityDecision.format(r.verdict.score)), severity \(r.verdict.severity)" + (evidence.isEmpty ? "; no rule fired" : ""))
        let width = evidence.map(\.ruleID.count).max() ?? 0
        for e in evidence {
            var line = e.ruleID.padding(toLength: width, withPad: " ", startingAt: 0)
            line += "  " + (e.contribution >= 0 ? "+" : "") + SeverityDecision.format(e.contribution)
            if !e.agents.isEmpty { line += "  " + e.agents.map { "\($0.id) \($0.weight >= 0 ? "+" : "")\(SeverityDecision.format($0.weight))" }.joined(separator: ", ") }
            line += "  " + e.matches.map { ($0.excluded ? "excluded by " : "") + match($0) }.joined(separator: "; ")
            more(line)
        }
        return out
    }

    static func match(_ m: MatchEvidence) -> String {
        "\(m.field.name) \(String(reflecting: oneLine(m.text))) \(m.pattern)"
    }

    static func oneLine(_ s: String) -> String {
        s.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: " ")
    }

    static func coverageText(_ c: CoverageReport) -> [String] {
        var out = ["coverage (hit: a positive test matched the alternative; for an exclusion, a negative test did)"]
        for r in c.rules {
            let tests = "\(plural(r.positiveTests.count, "positive test")), \(r.negativeTests.count) negative"
            out.append("\(r.id)  \(tests); \(r.coveredAlternatives)/\(r.alternatives.count) alternatives hit")
            let labels = r.alternatives.map { ($0.exclusion ? "exclusion " : "") + $0.description }
            let width = labels.map(\.count).max() ?? 0
            for (a, label) in zip(r.alternatives, labels) {
                var line = "  " + (a.covered ? "hit " : "miss") + "  " + label.padding(toLength: width, withPad: " ", startingAt: 0)
                if let l = a.location { line += "  \(l)" }
                if !a.via.isEmpty { line += " (" + a.via.joined(separator: ", ") + ")" }
                out.append(line)
            }
        }
        out.append(
            "rules \(c.coveredRules)/\(c.rules.count) with a positive test (\(percent(c.rulePercentage))), alternatives \(c.coveredAlternatives)/\(c.alternatives) hit (\(percent(c.percentage)))")
        out.append("total coverage \(percent(c.percentage))")
        return out
    }

    static func percent(_ x: Double) -> String { String(format: "%.1f%%", x) }

    // MARK: JSON

    static func json(_ run: TestRun, pack: CompiledPack, coverage: CoverageReport?) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.key("pack")
        w.packMetadata(pack.metadata)
        w.key("summary")
        w.beginObject()
        w.key("cases"); w.int(run.results.count)
        w.key("passed"); w.int(run.passed)
        w.key("failed"); w.int(run.failed)
        w.key("skipped"); w.int(run.skipped.count)
        w.endObject()
        w.key("cases")
        w.beginArray()
        for r in run.results {
            w.beginObject()
            w.key("name"); w.string(r.test.name)
            caseOrigin(&w, r.test)
            w.location(r.test.location)
            w.key("status"); w.string(r.passed ? "pass" : "fail")
            w.key("actual")
            w.beginObject()
            w.verdictFields(r.verdict, pack: pack, evidence: false)
            w.endObject()
            w.key("failures")
            w.beginArray()
            for f in r.failures {
                w.beginObject()
                w.key("kind"); w.string(f.kind.rawValue)
                if let rule = f.rule { w.key("rule"); w.string(rule) }
                w.key("expected"); w.string(f.expected)
                w.key("actual"); w.string(f.actual)
                w.endObject()
            }
            w.endArray()
            if !r.passed {
                w.key("evidence")
                w.evidence(r.verdict, pack: pack.metadata)
            }
            w.endObject()
        }
        for c in run.skipped {
            w.beginObject()
            w.key("name"); w.string(c.name)
            caseOrigin(&w, c)
            w.location(c.location)
            w.key("status"); w.string("skipped")
            w.endObject()
        }
        w.endArray()
        w.key("untestedRules")
        w.beginArray()
        for r in run.untestedRules { w.string(r) }
        w.endArray()
        w.key("unknownRules")
        w.beginArray()
        for u in run.unknownRules {
            w.beginObject()
            w.key("rule"); w.string(u.reference.id)
            w.key("test"); w.string(u.test)
            w.location(u.reference.location)
            w.endObject()
        }
        w.endArray()
        if let coverage {
            w.key("coverage")
            coverageJSON(&w, coverage)
        }
        w.endObject()
        w.newline()
        return w.bytes
    }

    static func caseOrigin(_ w: inout JSONWriter, _ c: TestCase) {
        switch c.origin {
        case .inline(let rule, let index):
            w.key("origin"); w.string("inline")
            w.key("rule"); w.string(rule)
            w.key("index"); w.int(index)
        case .file:
            w.key("origin"); w.string("file")
        }
    }

    static func coverageJSON(_ w: inout JSONWriter, _ c: CoverageReport) {
        w.beginObject()
        w.key("rules")
        w.beginArray()
        for r in c.rules {
            w.beginObject()
            w.key("id"); w.string(r.id)
            w.key("positiveTests"); w.beginArray(); for t in r.positiveTests { w.string(t) }; w.endArray()
            w.key("negativeTests"); w.beginArray(); for t in r.negativeTests { w.string(t) }; w.endArray()
            w.key("alternatives")
            w.beginArray()
            for a in r.alternatives {
                w.beginObject()
                w.key("pattern"); w.string(a.description)
                w.key("exclusion"); w.bool(a.exclusion)
                w.key("hit"); w.bool(a.covered)
                w.key("hitBy"); w.beginArray(); for t in a.coveredBy { w.string(t) }; w.endArray()
                w.key("via"); w.beginArray(); for v in a.via { w.string(v) }; w.endArray()
                w.location(a.location)
                w.endObject()
            }
            w.endArray()
            w.endObject()
        }
        w.endArray()
        w.key("rulesCovered"); w.int(c.coveredRules)
        w.key("rulesTotal"); w.int(c.rules.count)
        w.key("alternativesHit"); w.int(c.coveredAlternatives)
        w.key("alternativesTotal"); w.int(c.alternatives)
        w.key("percentage"); w.double((c.percentage * 10).rounded() / 10)
        w.endObject()
    }

    // MARK: JUnit

    /// JUnit XML: one `testsuite` per file the cases were written in.
    static func junit(_ run: TestRun, pack: CompiledPack) -> String {
        var files = [String]()
        var byFile = [String: [(TestCase, TestResult?)]]()
        for (c, r) in run.results.map({ ($0.test, Optional($0)) }) + run.skipped.map({ ($0, nil) }) {
            let f = c.location?.file ?? "<unknown>"
            if byFile[f] == nil { files.append(f) }
            byFile[f, default: []].append((c, r))
        }
        var out = [#"<?xml version="1.0" encoding="UTF-8"?>"#]
        out.append(
            #"<testsuites name="triage test" tests="\#(run.results.count + run.skipped.count)" failures="\#(run.failed)" skipped="\#(run.skipped.count)">"#)
        for f in files {
            let items = byFile[f]!
            let failures = items.filter { $0.1.map { !$0.passed } ?? false }.count
            let skipped = items.filter { $0.1 == nil }.count
            out.append(
                #"  <testsuite name="\#(xml(f))" tests="\#(items.count)" failures="\#(failures)" skipped="\#(skipped)">"#)
            for (c, r) in items {
                let classname: String
                switch c.origin {
                case .inline(let rule, _): classname = "\(pack.metadata.name).\(rule)"
                case .file: classname = "\(pack.metadata.name).\(lastPathComponent(f))"
                }
                let line = c.location.map { #" line="\#($0.line)""# } ?? ""
                let open = #"    <testcase name="\#(xml(c.name))" classname="\#(xml(classname))" file="\#(xml(f))"\#(line)"#
                guard let r else {
                    out.append(open + ">")
                    out.append(#"      <skipped message="the rule is disabled"/>"#)
                    out.append("    </testcase>")
                    continue
                }
                if r.passed {
                    out.append(open + "/>")
                    continue
                }
                out.append(open + ">")
                let message = r.failures.map(\.summary).joined(separator: "; ")
                out.append(#"      <failure message="\#(xml(message))" type="\#(r.failures[0].kind.rawValue)">"# + xml(failureDetails(r).joined(separator: "\n"), attribute: false) + "</failure>")
                out.append("    </testcase>")
            }
            out.append("  </testsuite>")
        }
        out.append("</testsuites>")
        return out.joined(separator: "\n")
    }

    /// Escapes for XML 1.0: an attribute value, or element text (which keeps its line breaks).
    static func xml(_ s: String, attribute: Bool = true) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += attribute ? "&quot;" : "\""
            case "\n": out += attribute ? "&#10;" : "\n"
            case "\t": out += attribute ? "&#9;" : "\t"
            default:
                // XML 1.0 has no other control characters at all.
                if u.value < 0x20 || (0xFFFE...0xFFFF).contains(u.value) { out += "\u{FFFD}" } else { out.unicodeScalars.append(u) }
            }
        }
        return out
    }
}

func lastPathComponent(_ path: String) -> String {
    path.split(separator: "/").last.map(String.init) ?? path
}
