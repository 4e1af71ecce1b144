import TriageCore

/// The JSON forms of verdicts and evidence, shared by every command that
/// prints them (and by the HTTP server's evidence endpoint).
///
/// Keys are camelCase, like the triage API's own fields. A verdict line is
/// `{"id":…,"severity":…,"score":…,"agents":[…],"rules":[…]}`; with evidence
/// it gains an `evidence` object, and any runtime diagnostics appear as
/// `diagnostics` whether or not evidence was asked for.
extension JSONWriter {
    /// One classified incident: id, severity, score, agents, rules.
    public mutating func verdict(
        id: UnsafeBufferPointer<UInt8>, _ v: Verdict, pack: CompiledPack, evidence: Bool
    ) {
        beginObject()
        key("id")
        string(utf8: id)
        verdictFields(v, pack: pack, evidence: evidence)
        endObject()
    }

    /// The fields after `id`, written into an already open object.
    public mutating func verdictFields(_ v: Verdict, pack: CompiledPack, evidence: Bool) {
        key("severity")
        string(v.severity.name)
        key("score")
        double(v.score)
        key("agents")
        beginArray()
        for a in v.agents { string(a.id) }
        endArray()
        key("rules")
        beginArray()
        for r in v.rules { string(r.id) }
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
