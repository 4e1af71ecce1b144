/// The UTF-8 text of an incident's fields, borrowed for the length of one scan.
public struct IncidentText {
    public var title: UnsafeBufferPointer<UInt8>
    public var description: UnsafeBufferPointer<UInt8>
    /// nil when the incident has no context.
    public var context: UnsafeBufferPointer<UInt8>?

    public init(
        title: UnsafeBufferPointer<UInt8>, description: UnsafeBufferPointer<UInt8>,
        context: UnsafeBufferPointer<UInt8>? = nil
    ) {
        self.title = title
        self.description = description
        self.context = context
    }
}

/// Options for one scan.
public struct ClassifyOptions: Sendable, Hashable {
    /// Collect where each rule matched (costs a String per match).
    public var evidence: Bool
    /// A severity imposed by the caller, such as an API `priority`; it wins
    /// over everything the rules decide, and the decision records both.
    public var severityOverride: Severity?

    public init(evidence: Bool = false, severityOverride: Severity? = nil) {
        self.evidence = evidence
        self.severityOverride = severityOverride
    }
}

extension CompiledPack {
    /// Classifies an incident. Never fails: runtime limits become diagnostics.
    public func classify(
        _ incident: Incident, scratch: ScanScratch, options: ClassifyOptions = ClassifyOptions()
    ) -> Verdict {
        var title = incident.title
        var description = incident.description
        var context = incident.context
        return title.withUTF8 { t in
            description.withUTF8 { d in
                if context != nil {
                    return context!.withUTF8 { c in
                        classify(IncidentText(title: t, description: d, context: c), scratch: scratch, options: options)
                    }
                }
                return classify(IncidentText(title: t, description: d, context: nil), scratch: scratch, options: options)
            }
        }
    }

    /// Classifies an incident given as UTF-8 bytes. Invalid UTF-8 is tolerated:
    /// patterns see it as U+FFFD.
    public func classify(
        _ text: IncidentText, scratch s: ScanScratch, options: ClassifyOptions = ClassifyOptions()
    ) -> Verdict {
        precondition(s.pack === self, "a ScanScratch belongs to the pack that made it")
        s.reset()
        if let profile = s.profile { return classifyProfiled(text, s, options, profile) }
        normalise(text, into: s)
        scanLiterals(s)
        runRegexes(s)
        return decide(s, options: options)
    }

    /// The same steps, timed. Kept apart so the common path has no clock reads.
    func classifyProfiled(_ text: IncidentText, _ s: ScanScratch, _ options: ClassifyOptions, _ p: ScanProfile) -> Verdict {
        p.countIncident()
        var t0 = monotonicNanos()
        normalise(text, into: s)
        var t1 = monotonicNanos()
        p.normaliseNanos += t1 - t0
        scanLiterals(s)
        t0 = monotonicNanos()
        p.literalPassNanos += t0 - t1
        for r in s.touchedRegexes { runRegex(Int(r), s) }
        for r in unconditionalRegexes { runRegex(Int(r), s) }
        t1 = monotonicNanos()
        let v = decide(s, options: options)
        t0 = monotonicNanos()
        p.decideNanos += t0 - t1
        for pat in s.touchedPatterns { p.patternMatches[Int(pat)] += 1 }
        for r in s.candidates { p.ruleEvaluations[Int(r)] += 1 }
        for fr in v.rules { p.ruleFired[fr.index] += 1 }
        return v
    }

    // MARK: Normalisation

    /// Folds every field once into the scratch buffer; all patterns share it.
    @inline(__always)
    func normalise(_ text: IncidentText, into s: ScanScratch) {
        let ctx = text.context ?? UnsafeBufferPointer(start: nil, count: 0)
        s.ensureCapacity(text.title.count + text.description.count + ctx.count)
        s.original[0] = text.title
        s.original[1] = text.description
        s.original[2] = ctx
        s.fieldPresent[0] = true
        s.fieldPresent[1] = true
        s.fieldPresent[2] = text.context != nil
        var at = 0
        for f in 0..<3 {
            let input = s.original[f]
            s.fieldStart[f] = at
            let (n, changed) = CaseFolding.fold(input, into: s.folded + at)
            s.fieldMapped[f] = changed
            s.originalValid[f] = !changed || UTF8Decoding.isValid(input)
            if changed {
                s.ensureOffsetsCapacity()
                _ = CaseFolding.fold(input, into: s.folded + at, offsets: s.offsets + at)
                // Offsets were written relative to the field: exactly what originalOffset expects.
            }
            s.fieldCount[f] = n
            at += n
        }
    }

    // MARK: Literal pass

    /// One automaton pass per field finds every keyword and every regex trigger.
    @inline(__always)
    func scanLiterals(_ s: ScanScratch) {
        for f in 0..<3 where s.fieldPresent[f] && s.fieldCount[f] > 0 {
            let text = s.foldedField(f)
            targetStart.withUnsafeBufferPointer { starts in
                targets.withUnsafeBufferPointer { tg in
                    automaton.scan(text) { literal, end in
                        let lo = Int(starts[literal])
                        let hi = Int(starts[literal + 1])
                        let start = end - Int(automaton.literalLengths[literal])
                        for k in lo..<hi {
                            switch tg[k] {
                            case .regexTrigger(let r):
                                // Keep the earliest *start*: occurrences arrive by end offset, and a
                                // longer literal ending later can start earlier ("deadlock" vs "lock").
                                let i = Int(r) * 3 + f
                                let hit = s.regexHit[i]
                                if hit < 0 {
                                    if s.regexHit[Int(r) * 3] < 0 && s.regexHit[Int(r) * 3 + 1] < 0
                                        && s.regexHit[Int(r) * 3 + 2] < 0
                                    {
                                        s.touchedRegexes.append(r)
                                    }
                                    s.regexHit[i] = Int32(start)
                                } else if start < Int(hit) {
                                    s.regexHit[i] = Int32(start)
                                }
                            case .keyword(let c):
                                verifyKeyword(Int(c), field: f, start: start, end: end, text: text, s)
                            }
                        }
                    }
                }
            }
        }
    }

    @inline(__always)
    func verifyKeyword(_ c: Int, field f: Int, start: Int, end: Int, text: UnsafeBufferPointer<UInt8>, _ s: ScanScratch) {
        let check = keywordChecks[c]
        let p = Int(check.pattern)
        if s.patternFields[p] & (1 << UInt8(f)) != 0 { return }  // already have the first match in this field
        if check.boundaryBefore && WordCharacters.wordBefore(text, start) { return }
        if check.boundaryAfter && WordCharacters.wordAt(text, end) { return }
        let os = s.originalOffset(f, start)
        let oe = s.originalEnd(f, start, end)
        if let exact = check.exact {
            let orig = s.original[f]
            guard oe - os == exact.count else { return }
            for k in 0..<exact.count where orig[os + k] != exact[k] { return }
        }
        record(p, field: f, start: os, end: oe, s)
    }

    @inline(__always)
    func record(_ p: Int, field f: Int, start: Int, end: Int, _ s: ScanScratch) {
        let bit: UInt8 = 1 << UInt8(f)
        let had = s.patternFields[p]
        if had & bit != 0 { return }
        if had == 0 { s.touchedPatterns.append(Int32(p)) }
        s.patternFields[p] = had | bit
        let i = (p * 3 + f) * 2
        s.spans[i] = Int32(start)
        s.spans[i + 1] = Int32(end)
    }

    // MARK: Regex pass

    /// Runs the regexes whose literals were seen, and those that have none.
    @inline(__always)
    func runRegexes(_ s: ScanScratch) {
        for r in s.touchedRegexes { runRegex(Int(r), s) }
        for r in unconditionalRegexes { runRegex(Int(r), s) }
    }

    func runRegex(_ r: Int, _ s: ScanScratch) {
        let prog = regexes[r]
        let profile = s.profile
        let started = profile == nil ? 0 : monotonicNanos()
        defer {
            if let profile {
                profile.regexNanos[r] += monotonicNanos() - started
                if s.patternFields[Int(prog.pattern)] != 0 { profile.regexMatches[r] += 1 }
            }
        }
        for f in 0..<3 where s.fieldPresent[f] && prog.fields.contains(Field(rawValue: f)!) {
            var start = 0
            if prog.prefiltered {
                let hit = Int(s.regexHit[r * 3 + f])
                if hit < 0 { continue }  // none of its literals occur in this field
                if prog.atMatchStart { start = hit }
            }
            let result: RegexSearchResult
            s.profile?.regexSearches[r] += 1
            if prog.onFolded {
                result = prog.regex.firstMatch(in: s.foldedField(f), from: start, validUTF8: true, scratch: s.regexScratch)
            } else {
                let o = s.originalOffset(f, start)
                result = prog.regex.firstMatch(
                    in: s.original[f], from: o, validUTF8: s.originalValid[f], scratch: s.regexScratch)
            }
            switch result {
            case .match(let range):
                if prog.onFolded {
                    record(
                        Int(prog.pattern), field: f, start: s.originalOffset(f, range.lowerBound),
                        end: s.originalEnd(f, range.lowerBound, range.upperBound), s)
                } else {
                    record(Int(prog.pattern), field: f, start: range.lowerBound, end: range.upperBound, s)
                }
            case .noMatch:
                break
            case .limitExceeded(let why), .failed(let why):
                s.diagnostics.append(
                    ScanDiagnostic(pattern: patterns[Int(prog.pattern)].spec.description, field: Field(rawValue: f)!, message: why))
            }
        }
    }

    // MARK: Rules, score, severity, agents

    func evaluate(_ node: Int32, _ s: ScanScratch) -> Bool {
        let n = nodes[Int(node)]
        switch n.op {
        case .leaf:
            return s.patternFields[Int(n.arg)] & n.fields.rawValue != 0
        case .any:
            for k in 0..<Int(n.childCount) where evaluate(children[Int(n.childStart) + k], s) { return true }
            return false
        case .all:
            for k in 0..<Int(n.childCount) where !evaluate(children[Int(n.childStart) + k], s) { return false }
            return true
        case .none:
            for k in 0..<Int(n.childCount) where evaluate(children[Int(n.childStart) + k], s) { return false }
            return true
        case .atLeast:
            let need = Int(n.arg)
            var have = 0
            let count = Int(n.childCount)
            for k in 0..<count {
                if evaluate(children[Int(n.childStart) + k], s) {
                    have += 1
                    if have >= need { return true }
                } else if have + (count - k - 1) < need {
                    return false
                }
            }
            return have >= need
        }
    }

    func titleMatched(_ rule: CompiledRule, _ s: ScanScratch) -> Bool {
        for leaf in rule.positiveLeaves where leaf.fields.contains(.title) {
            if s.patternFields[Int(leaf.pattern)] & 1 != 0 { return true }
        }
        return false
    }

    func decide(_ s: ScanScratch, options: ClassifyOptions) -> Verdict {
        // Rules that use a matched pattern, plus rules that can fire on exclusions alone.
        let stamp = s.stamp
        for p in s.touchedPatterns {
            let lo = Int(patternRuleStart[Int(p)])
            let hi = Int(patternRuleStart[Int(p) + 1])
            for k in lo..<hi {
                let r = Int(patternRules[k])
                if s.ruleStamp[r] != stamp {
                    s.ruleStamp[r] = stamp
                    s.candidates.append(Int32(r))
                }
            }
        }
        for r in alwaysEvaluated where s.ruleStamp[Int(r)] != stamp {
            s.ruleStamp[Int(r)] = stamp
            s.candidates.append(r)
        }
        if s.candidates.count > 1 { s.candidates.sort() }

        var fired = [FiredRule]()
        var score = 0.0
        var floor: SeverityDecision.Imposed?
        var ceiling: SeverityDecision.Imposed?
        var ruleOverride: SeverityDecision.Imposed?
        var nearMisses = [Int]()
        var severityRulesFired = false
        for r32 in s.candidates {
            let r = Int(r32)
            let rule = rules[r]
            guard evaluate(rule.root, s) else {
                if options.evidence { nearMisses.append(r) }
                continue
            }
            let inTitle = titleMatched(rule, s)
            let factor = inTitle ? rule.titleWeight : 1
            let contribution = rule.score * factor
            score += contribution
            if rule.affectsSeverity { severityRulesFired = true }
            fired.append(FiredRule(index: r, id: rule.id, contribution: contribution, titleMatched: inTitle))
            if let f = rule.floor, floor == nil || f > floor!.severity {
                floor = .init(severity: f, ruleID: rule.id)
            }
            if let c = rule.ceiling, ceiling == nil || c < ceiling!.severity {
                ceiling = .init(severity: c, ruleID: rule.id)
            }
            if let o = rule.override, ruleOverride == nil || o > ruleOverride!.severity {
                ruleOverride = .init(severity: o, ruleID: rule.id)
            }
            for (a, w) in rule.agents {
                if s.agentStamp[a] != stamp {
                    s.agentStamp[a] = stamp
                    s.agentWeight[a] = 0
                    s.touchedAgents.append(Int32(a))
                }
                s.agentWeight[a] += w * factor
            }
        }

        // Precedence, lowest first: default, thresholds, ceiling then floor
        // (a floor wins a conflict: "data loss is at least critical" must hold),
        // rule override, caller override. The default stands when no rule that
        // speaks to severity fired: rules that only assign agents do not count.
        let defaulted = !severityRulesFired
        var byScore = defaultSeverity
        var threshold: Double?
        if !defaulted { (byScore, threshold) = thresholds.severity(forScore: score) }
        var severity = byScore
        if let c = ceiling, severity > c.severity { severity = c.severity }
        if let f = floor, severity < f.severity { severity = f.severity }
        if let o = ruleOverride { severity = o.severity }
        if let p = options.severityOverride { severity = p }
        let decision = SeverityDecision(
            score: score, defaulted: defaulted, byScore: byScore, threshold: threshold, floor: floor,
            ceiling: ceiling, ruleOverride: ruleOverride, callerOverride: options.severityOverride, final: severity)

        var assigned = [AgentScore]()
        if !s.touchedAgents.isEmpty {
            var chosen = s.touchedAgents.filter { s.agentWeight[Int($0)] >= agentThreshold && s.agentWeight[Int($0)] > 0 }
            chosen.sort { a, b in
                let wa = s.agentWeight[Int(a)]
                let wb = s.agentWeight[Int(b)]
                return wa != wb ? wa > wb : a < b
            }
            for a in chosen.prefix(maxAgents) {
                assigned.append(AgentScore(id: agents[Int(a)].id, weight: s.agentWeight[Int(a)]))
            }
        }

        return Verdict(
            severity: severity, score: score, agents: assigned, rules: fired, decision: decision,
            evidence: options.evidence ? collectEvidence(fired: fired, nearMisses: nearMisses, s) : nil,
            diagnostics: s.diagnostics)
    }

    // MARK: Evidence

    func collectEvidence(fired: [FiredRule], nearMisses: [Int], _ s: ScanScratch) -> Evidence {
        func matches(of rule: CompiledRule) -> [MatchEvidence] {
            var out = [MatchEvidence]()
            for (leaves, excluded) in [(rule.positiveLeaves, false), (rule.negativeLeaves, true)] {
                for leaf in leaves {
                    let p = Int(leaf.pattern)
                    let have = s.patternFields[p] & leaf.fields.rawValue
                    guard have != 0 else { continue }
                    for f in 0..<3 where have & (1 << UInt8(f)) != 0 {
                        let i = (p * 3 + f) * 2
                        let start = Int(s.spans[i])
                        let end = Int(s.spans[i + 1])
                        let text = String(decoding: UnsafeBufferPointer(rebasing: s.original[f][start..<end]), as: UTF8.self)
                        let m = MatchEvidence(
                            pattern: patterns[p].spec.description, field: Field(rawValue: f)!, start: start, end: end,
                            text: text, excluded: excluded)
                        if !out.contains(m) { out.append(m) }
                    }
                }
            }
            out.sort { ($0.field.rawValue, $0.start, $0.end) < ($1.field.rawValue, $1.start, $1.end) }
            return out
        }
        let ruleEvidence = fired.map { fr -> RuleEvidence in
            let rule = rules[fr.index]
            let factor = fr.titleMatched ? rule.titleWeight : 1
            return RuleEvidence(
                ruleID: rule.id, description: rule.description, contribution: fr.contribution,
                titleMatched: fr.titleMatched,
                agents: rule.agents.map { AgentScore(id: agents[$0.agent].id, weight: $0.weight * factor) },
                matches: matches(of: rule))
        }
        let misses = nearMisses.map { r -> RuleEvidence in
            let rule = rules[r]
            return RuleEvidence(
                ruleID: rule.id, description: rule.description, contribution: 0, titleMatched: false, agents: [],
                matches: matches(of: rule))
        }
        return Evidence(rules: ruleEvidence, nearMisses: misses)
    }
}
