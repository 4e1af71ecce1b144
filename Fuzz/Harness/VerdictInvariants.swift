import TriageCore
import TriageIO

/// What must hold of every verdict, whatever the pack and the incident.
///
/// Each check returns the invariants that failed, as sentences; an empty
/// array means the verdict is sound. The fuzz targets trap on a non-empty
/// result, and the corpus replay test expects it to be empty.
public enum VerdictInvariants {
    /// The raw bytes of the three fields the verdict was computed from.
    public struct Fields {
        public var title: [UInt8]
        public var description: [UInt8]
        public var context: [UInt8]?

        public init(title: [UInt8], description: [UInt8], context: [UInt8]?) {
            self.title = title
            self.description = description
            self.context = context
        }

        public subscript(field: Field) -> [UInt8] {
            switch field {
            case .title: title
            case .description: description
            case .context: context ?? []
            }
        }
    }

    public static func check(_ v: Verdict, pack: CompiledPack, fields: Fields, evidence: Bool) -> [String] {
        var problems = [String]()
        func fail(_ s: String) { problems.append(s) }

        // Severity: the decision is the verdict.
        if v.decision.final != v.severity { fail("decision.final \(v.decision.final) != severity \(v.severity)") }
        if !v.score.isFinite { fail("score \(v.score) is not finite") }
        if v.decision.score != v.score && !(v.score.isNaN && v.decision.score.isNaN) {
            fail("decision.score \(v.decision.score) != score \(v.score)")
        }

        // Rules: valid, in pack order, each once.
        var previous = -1
        var sum = 0.0
        for r in v.rules {
            guard pack.rules.indices.contains(r.index) else {
                fail("fired rule index \(r.index) out of range")
                continue
            }
            if pack.rules[r.index].id != r.id { fail("fired rule \(r.index) has id \(r.id), pack says \(pack.rules[r.index].id)") }
            if r.index <= previous { fail("fired rules not in pack order at \(r.id)") }
            previous = r.index
            sum += r.contribution
        }
        if sum.isFinite && v.score.isFinite && abs(sum - v.score) > 1e-9 * max(1, abs(sum)) {
            fail("score \(v.score) is not the sum of contributions \(sum)")
        }

        // Agents: over the threshold, heaviest first, at most max, each once.
        if v.agents.count > pack.maxAgents { fail("\(v.agents.count) agents, more than max \(pack.maxAgents)") }
        if Set(v.agents.map(\.id)).count != v.agents.count { fail("an agent is assigned twice") }
        for (k, a) in v.agents.enumerated() {
            if !pack.agents.contains(where: { $0.id == a.id }) { fail("unknown agent \(a.id)") }
            if !(a.weight >= pack.agentThreshold && a.weight > 0) { fail("agent \(a.id) weight \(a.weight) under the threshold") }
            if k > 0 && a.weight > v.agents[k - 1].weight { fail("agents not heaviest first") }
        }

        // Evidence: spans inside their field, equal to the matched text.
        if evidence {
            guard let e = v.evidence else {
                fail("evidence asked for and missing")
                return problems
            }
            if e.rules.map(\.ruleID) != v.rules.map(\.id) { fail("evidence rules differ from fired rules") }
            for r in e.rules + e.nearMisses {
                for m in r.matches {
                    let bytes = fields[m.field]
                    guard 0 <= m.start, m.start <= m.end, m.end <= bytes.count else {
                        fail("span \(m.field)[\(m.start)..<\(m.end)] outside a field of \(bytes.count) bytes (\(m.pattern))")
                        continue
                    }
                    if m.field == .context && fields.context == nil { fail("a match in an absent context") }
                    let text = String(decoding: bytes[m.start..<m.end], as: UTF8.self)
                    if text != m.text { fail("evidence text \(m.text.debugDescription) != field bytes \(text.debugDescription)") }
                    if isValidUTF8(bytes) {
                        if m.start < bytes.count && bytes[m.start] & 0xC0 == 0x80 {
                            fail("span \(m.field)[\(m.start)..<\(m.end)] starts inside a character (\(m.pattern))")
                        }
                        if m.end < bytes.count && bytes[m.end] & 0xC0 == 0x80 {
                            fail("span \(m.field)[\(m.start)..<\(m.end)] ends inside a character (\(m.pattern))")
                        }
                    }
                }
            }
        }

        // Output: both JSON writers agree and write JSON.
        problems += checkJSON(v, pack: pack, evidence: evidence)
        return problems
    }

    static func checkJSON(_ v: Verdict, pack: CompiledPack, evidence: Bool) -> [String] {
        var problems = [String]()
        let id = Array("fuzz".utf8)
        let names = VerdictNames(pack: pack)
        let fast = ByteBuffer()
        id.withUnsafeBufferPointer { fast.appendVerdictLine(id: $0, v, pack: pack, names: names, evidence: false) }
        var w = JSONWriter()
        id.withUnsafeBufferPointer { w.verdict(id: $0, v, pack: pack, evidence: false) }
        w.newline()
        if Array(fast.bytes) != w.bytes {
            problems.append("the fast verdict line differs from JSONWriter's: \(String(decoding: fast.bytes, as: UTF8.self))")
        }
        do throws(JSONParseError) {
            _ = try JSONValue.parse(UnsafeBufferPointer(rebasing: fast.bytes.dropLast()))
        } catch {
            problems.append("the verdict line is not JSON: \(error)")
        }
        if evidence {
            var full = JSONWriter()
            id.withUnsafeBufferPointer { full.verdict(id: $0, v, pack: pack, evidence: true) }
            do throws(JSONParseError) {
                _ = try full.bytes.withUnsafeBufferPointer { b throws(JSONParseError) in try JSONValue.parse(b, maxDepth: 16) }
            } catch {
                problems.append("the evidence line is not JSON: \(error)")
            }
        }
        return problems
    }

    public static func isValidUTF8(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { UTF8Decoding.isValid($0) }
    }
}
