import TriageCore

/// The JSON forms of verdicts and evidence, shared by every command that
/// prints them (and by the HTTP server's evidence endpoint).
///
/// Keys are camelCase, like the triage API's own fields. A verdict line is
/// `{"id":…,"severity":…,"score":…,"agents":[…],"rules":[…]}`; with evidence
/// it gains an `evidence` object, and any runtime diagnostics appear as
/// `diagnostics` whether or not evidence was asked for.
/// A pack's rule ids and the severity names, encoded as JSON strings once,
/// so that writing a verdict copies bytes instead of escaping text.
public struct VerdictNames: Sendable {
    let rules: EncodedNames
    let agents: EncodedNames
    let severities: EncodedNames

    public init(pack: CompiledPack) {
        func encoded(_ s: String) -> [UInt8] {
            var w = JSONWriter(reservingCapacity: s.utf8.count + 2)
            w.string(s)
            return w.bytes
        }
        rules = EncodedNames(pack.rules.map { encoded($0.id) })
        agents = EncodedNames(pack.agents.map { encoded($0.id) })
        severities = EncodedNames(Severity.allCases.map { encoded($0.name) })
    }
}

/// Encoded names laid end to end in memory the table owns. An array of
/// arrays would hand out each name by copying it, a retain and a release
/// per name per verdict line; here a name is a pointer and a length.
final class EncodedNames: @unchecked Sendable {  // immutable after init
    private let bytes: UnsafeMutablePointer<UInt8>
    private let starts: UnsafeMutablePointer<Int>

    init(_ names: [[UInt8]]) {
        let total = names.reduce(0) { $0 + $1.count }
        bytes = .allocate(capacity: max(total, 1))
        starts = .allocate(capacity: names.count + 1)
        var at = 0
        for (k, name) in names.enumerated() {
            starts[k] = at
            (bytes + at).initialize(from: name, count: name.count)
            at += name.count
        }
        starts[names.count] = at
    }

    deinit {
        bytes.deallocate()
        starts.deallocate()
    }

    @inline(__always)
    subscript(_ k: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: bytes + starts[k], count: starts[k + 1] - starts[k])
    }
}

extension JSONWriter {
    /// One classified incident: id, severity, score, agents, rules.
    public mutating func verdict(
        id: UnsafeBufferPointer<UInt8>, _ v: Verdict, pack: CompiledPack, names: VerdictNames? = nil, evidence: Bool
    ) {
        beginObject()
        rawKey("id")
        string(utf8: id)
        verdictFields(v, pack: pack, names: names, evidence: evidence)
        endObject()
    }

    /// The fields after `id`, written into an already open object.
    public mutating func verdictFields(_ v: Verdict, pack: CompiledPack, names: VerdictNames? = nil, evidence: Bool) {
        rawKey("severity")
        if let names {
            rawValue(names.severities[v.severity.rawValue])
        } else {
            string(v.severity.name)
        }
        rawKey("score")
        double(v.score)
        rawKey("agents")
        beginArray()
        for a in v.agents { string(a.id) }
        endArray()
        rawKey("rules")
        beginArray()
        if let names {
            for r in v.rules { rawValue(names.rules[r.index]) }
        } else {
            for r in v.rules { string(r.id) }
        }
        endArray()
        if !v.diagnostics.isEmpty {
            key("diagnostics")
            diagnostics(v.diagnostics)
        }
        if evidence {
            key("evidence")
            self.evidence(v, pack: pack.metadata)
        }
    }

    /// The evidence object: the pack, the severity decision, agent weights,
    /// every fired rule with its matches, and the near misses.
    public mutating func evidence(_ v: Verdict, pack: PackMetadata) {
        beginObject()
        key("pack")
        packMetadata(pack)
        key("decision")
        decision(v.decision)
        key("agents")
        agentScores(v.agents)
        key("rules")
        beginArray()
        for r in v.evidence?.rules ?? [] { ruleEvidence(r, fired: true) }
        endArray()
        key("nearMisses")
        beginArray()
        for r in v.evidence?.nearMisses ?? [] { ruleEvidence(r, fired: false) }
        endArray()
        endObject()
    }

    public mutating func packMetadata(_ m: PackMetadata) {
        beginObject()
        key("name")
        string(m.name)
        key("version")
        string(m.version)
        key("hash")
        string(m.hash)
        endObject()
    }

    public mutating func decision(_ d: SeverityDecision) {
        func imposed(_ i: SeverityDecision.Imposed?) {
            guard let i else { return null() }
            beginObject()
            key("severity")
            string(i.severity.name)
            key("rule")
            string(i.ruleID)
            endObject()
        }
        beginObject()
        key("score")
        double(d.score)
        key("defaulted")
        bool(d.defaulted)
        key("byScore")
        string(d.byScore.name)
        key("threshold")
        if let t = d.threshold { double(t) } else { null() }
        key("floor")
        imposed(d.floor)
        key("ceiling")
        imposed(d.ceiling)
        key("override")
        imposed(d.ruleOverride)
        key("callerOverride")
        if let c = d.callerOverride { string(c.name) } else { null() }
        key("final")
        string(d.final.name)
        key("steps")
        beginArray()
        for s in d.steps { string(s) }
        endArray()
        endObject()
    }

    public mutating func agentScores(_ agents: [AgentScore]) {
        beginArray()
        for a in agents {
            beginObject()
            key("id")
            string(a.id)
            key("weight")
            double(a.weight)
            endObject()
        }
        endArray()
    }

    public mutating func ruleEvidence(_ r: RuleEvidence, fired: Bool) {
        beginObject()
        key("id")
        string(r.ruleID)
        key("description")
        string(r.description)
        if fired {
            key("contribution")
            double(r.contribution)
            key("titleMatched")
            bool(r.titleMatched)
            key("agents")
            agentScores(r.agents)
        }
        key("matches")
        beginArray()
        for m in r.matches {
            beginObject()
            key("pattern")
            string(m.pattern)
            key("field")
            string(m.field.name)
            key("start")
            int(m.start)
            key("end")
            int(m.end)
            key("text")
            string(m.text)
            if m.excluded {
                key("excluded")
                bool(true)
            }
            endObject()
        }
        endArray()
        endObject()
    }

    public mutating func diagnostics(_ ds: [ScanDiagnostic]) {
        beginArray()
        for d in ds {
            beginObject()
            key("pattern")
            string(d.pattern)
            key("field")
            string(d.field.name)
            key("message")
            string(d.message)
            endObject()
        }
        endArray()
    }
}

extension ByteBuffer {
    /// Appends one verdict line, `{"id":…,"severity":…,"score":…,"agents":[…],"rules":[…]}\n`,
    /// the same bytes `JSONWriter.verdict` writes without evidence.
    ///
    /// This is the per-incident path of `triage classify`: it reserves the
    /// worst case once and writes through a pointer, where `JSONWriter`'s
    /// array appends check capacity and uniqueness for every piece. Lines
    /// with evidence or diagnostics go through `JSONWriter`.
    public func appendVerdictLine(
        id: UnsafeBufferPointer<UInt8>, _ v: Verdict, pack: CompiledPack, names: VerdictNames, evidence: Bool
    ) {
        if evidence || !v.diagnostics.isEmpty {
            var w = JSONWriter(reservingCapacity: 512)
            w.verdict(id: id, v, pack: pack, names: names, evidence: evidence)
            w.newline()
            w.bytes.withUnsafeBufferPointer { append($0) }
            return
        }
        var worst = 96 + 6 * id.count
        for a in v.agents { worst += 6 * a.id.utf8.count + 3 }
        for r in v.rules { worst += names.rules[r.index].count + 1 }
        var line = LineCursor(reserveFree(worst))
        line.head(id: id, severity: v.severity, score: v.score, names: names)
        for (k, a) in v.agents.enumerated() {
            if k > 0 { line.put(",") }
            var agentID = a.id
            agentID.withUTF8 { line.p = JSONEscaping.writeQuoted($0, to: line.p) }
        }
        line.put("],\"rules\":[")
        for (k, r) in v.rules.enumerated() {
            if k > 0 { line.put(",") }
            line.put(names.rules[r.index])
        }
        line.put("]}\n")
        commit(upTo: line.p)
    }

    /// Appends one verdict line from a summary: the same bytes as
    /// `appendVerdictLine(id:_:pack:names:evidence:)` for a verdict without
    /// evidence or diagnostics (the caller writes those from a `Verdict`).
    public func appendVerdictLine(id: UnsafeBufferPointer<UInt8>, _ v: VerdictSummary, names: VerdictNames) {
        var worst = 96 + 6 * id.count
        for a in v.agents { worst += names.agents[Int(a)].count + 1 }
        for r in v.rules { worst += names.rules[Int(r)].count + 1 }
        var line = LineCursor(reserveFree(worst))
        line.head(id: id, severity: v.severity, score: v.score, names: names)
        for k in 0..<v.agents.count {
            if k > 0 { line.put(",") }
            line.put(names.agents[Int(v.agents[k])])
        }
        line.put("],\"rules\":[")
        for k in 0..<v.rules.count {
            if k > 0 { line.put(",") }
            line.put(names.rules[Int(v.rules[k])])
        }
        line.put("]}\n")
        commit(upTo: line.p)
    }
}

/// Writes a verdict line into memory reserved in a `ByteBuffer`.
struct LineCursor {
    var p: UnsafeMutablePointer<UInt8>

    init(_ p: UnsafeMutablePointer<UInt8>) { self.p = p }

    @inline(__always)
    mutating func put(_ s: StaticString) {
        s.withUTF8Buffer { b in
            p.update(from: b.baseAddress!, count: b.count)
            p += b.count
        }
    }

    @inline(__always)
    mutating func put(_ b: UnsafeBufferPointer<UInt8>) {
        p.update(from: b.baseAddress!, count: b.count)
        p += b.count
    }

    /// `{"id":…,"severity":…,"score":…,"agents":[`
    @inline(__always)
    mutating func head(id: UnsafeBufferPointer<UInt8>, severity: Severity, score: Double, names: VerdictNames) {
        put("{\"id\":")
        p = JSONEscaping.writeQuoted(id, to: p)
        put(",\"severity\":")
        put(names.severities[severity.rawValue])
        put(",\"score\":")
        p = JSONEscaping.writeNumber(score, to: p)
        put(",\"agents\":[")
    }
}

/// Writing JSON strings and numbers straight into memory the caller reserved.
enum JSONEscaping {
    /// Writes `s` as a quoted JSON string (at most `6 * s.count + 2` bytes)
    /// and returns the end.
    @inline(__always)
    static func writeQuoted(_ s: UnsafeBufferPointer<UInt8>, to start: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        var p = start
        p.pointee = ASCII.quote
        p += 1
        for c in s {
            switch c {
            case ASCII.quote, ASCII.backslash:
                p[0] = ASCII.backslash
                p[1] = c
                p += 2
            case 0x0A:
                p[0] = ASCII.backslash
                p[1] = UInt8(ascii: "n")
                p += 2
            case 0x0D:
                p[0] = ASCII.backslash
                p[1] = UInt8(ascii: "r")
                p += 2
            case 0x09:
                p[0] = ASCII.backslash
                p[1] = UInt8(ascii: "t")
                p += 2
            case 0..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                p[0] = ASCII.backslash
                p[1] = UInt8(ascii: "u")
                p[2] = UInt8(ascii: "0")
                p[3] = UInt8(ascii: "0")
                p[4] = hex[Int(c >> 4)]
                p[5] = hex[Int(c & 15)]
                p += 6
            default:
                p.pointee = c
                p += 1
            }
        }
        p.pointee = ASCII.quote
        return p + 1
    }

    /// Writes a number as `JSONWriter.double` does (integral values without
    /// ".0", non-finite as null), at most 32 bytes, and returns the end.
    @inline(__always)
    static func writeNumber(_ x: Double, to start: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        var p = start
        if x == x.rounded() && abs(x) < 1e15 {
            var v = Int64(x)
            if v < 0 {
                p.pointee = UInt8(ascii: "-")
                p += 1
                v = -v
            }
            var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            var n = 0
            withUnsafeMutableBytes(of: &digits) { d in
                repeat {
                    d[n] = UInt8(truncatingIfNeeded: v % 10) + 0x30
                    v /= 10
                    n += 1
                } while v > 0
                for k in 0..<n { p[k] = d[n - 1 - k] }
            }
            return p + n
        }
        var w = JSONWriter(reservingCapacity: 32)
        w.double(x)
        return w.bytes.withUnsafeBufferPointer { b in
            p.update(from: b.baseAddress!, count: b.count)
            return p + b.count
        }
    }
}
