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
        normalise(text, s.st)
        scanLiterals(s)
        runRegexes(s)
        return decide(s, options: options)
    }

    /// Classifies an incident without building a `Verdict`: severity, score,
    /// and the indices of the fired rules and assigned agents, as views of
    /// the scratch, valid until its next scan. `triage classify` writes its
    /// lines from this; a `Verdict` allocates its arrays and strings for
    /// every incident, which on a keyword pack costs a tenth of the scan.
    /// When `hasDiagnostics` is true, `lastVerdict(scratch:)` has them.
    public func classifySummary(
        _ text: IncidentText, scratch s: ScanScratch, severityOverride: Severity? = nil
    ) -> VerdictSummary {
        if s.profile != nil {
            _ = classify(text, scratch: s, options: ClassifyOptions(severityOverride: severityOverride))
            return summary(s)
        }
        precondition(s.pack === self, "a ScanScratch belongs to the pack that made it")
        s.reset()
        normalise(text, s.st)
        scanLiterals(s)
        runRegexes(s)
        settle(s, severityOverride: severityOverride, nearMisses: false)
        return summary(s)
    }

    /// The full verdict (without evidence) of the scratch's last scan.
    public func lastVerdict(scratch s: ScanScratch) -> Verdict {
        precondition(s.pack === self, "a ScanScratch belongs to the pack that made it")
        return verdict(s, evidence: false)
    }

    /// The same steps, timed. Kept apart so the common path reads no clock.
    func classifyProfiled(_ text: IncidentText, _ s: ScanScratch, _ options: ClassifyOptions, _ p: ScanProfile) -> Verdict {
        p.countIncident()
        var t0 = monotonicNanos()
        normalise(text, s.st)
        var t1 = monotonicNanos()
        p.normaliseNanos += t1 - t0
        scanLiterals(s)
        t0 = monotonicNanos()
        p.literalPassNanos += t0 - t1
        runRegexes(s)
        t1 = monotonicNanos()
        let v = decide(s, options: options)
        t0 = monotonicNanos()
        p.decideNanos += t0 - t1
        for pat in s.st.pointee.touchedPatterns.buffer { p.patternMatches[Int(pat)] += 1 }
        for r in s.st.pointee.candidates.buffer { p.ruleEvaluations[Int(r)] += 1 }
        for fr in v.rules { p.ruleFired[fr.index] += 1 }
        return v
    }

    // MARK: Normalisation

    /// Folds every field once into the scratch buffer; all patterns share it.
    @inline(__always)
    func normalise(_ text: IncidentText, _ st: UnsafeMutablePointer<ScanState>) {
        let ctx = text.context ?? UnsafeBufferPointer(start: nil, count: 0)
        st.pointee.ensureCapacity(text.title.count + text.description.count + ctx.count)
        st.pointee.original = (text.title, text.description, ctx)
        st.pointee.fieldPresent = (true, true, text.context != nil)
        var at = 0
        func fold(_ input: UnsafeBufferPointer<UInt8>) -> (start: Int, count: Int, mapped: Bool, valid: Bool, folded: Bool) {
            let start = at
            if CaseFolding.isASCII(input) {
                // Folded later, in place, only if a regex needs it.
                at += input.count
                return (start, input.count, false, true, false)
            }
            let (n, changed) = CaseFolding.fold(input, into: st.pointee.folded + start)
            if changed {
                st.pointee.ensureOffsetsCapacity()
                // Offsets are written relative to the field, as originalOffset expects.
                _ = CaseFolding.fold(input, into: st.pointee.folded + start, offsets: st.pointee.offsets + start)
            }
            at += n
            return (start, n, changed, !changed || UTF8Decoding.isValid(input), true)
        }
        let t = fold(text.title)
        let d = fold(text.description)
        let c = fold(ctx)
        st.pointee.fieldStart = (t.start, d.start, c.start)
        st.pointee.fieldCount = (t.count, d.count, c.count)
        st.pointee.fieldMapped = (t.mapped, d.mapped, c.mapped)
        st.pointee.originalValid = (t.valid, d.valid, c.valid)
        st.pointee.fieldFolded = (t.folded, d.folded, c.folded)
    }

    // MARK: Literal pass

    /// One automaton pass per field finds every keyword and every regex
    /// trigger; hits are collected in batches and dispatched afterwards.
    @inline(__always)
    func scanLiterals(_ s: ScanScratch) {
        // A pack of literal-free regexes has nothing for the automaton to
        // find, and walking every byte of every field through its one state
        // was a sixth of such a pack's time.
        guard automaton.literalCount > 0 else { return }
        let st = s.st
        for f in 0..<3 where st.pointee.present(f) && st.pointee.count(f) > 0 {
            let text = st.pointee.scanText(f)
            let overlap = automaton.maxLiteralLength - 1
            if text.count >= Self.pairedScanMinimum && text.count >= 4 * overlap {
                scanInTwoStreams(text, field: f, overlap: overlap, s)
            } else {
                scanRest(text, ScanCursor(position: 0), end: text.count, field: f, hits: s.hits, s)
            }
        }
    }

    /// Fields shorter than this are scanned as one stream: the second stream's
    /// overlap and bookkeeping would cost more than it hides.
    static var pairedScanMinimum: Int { 128 }

    /// Scans `text[cursor ..< end]` alone, dispatching hits batch by batch.
    @inline(__always)
    func scanRest(
        _ text: UnsafeBufferPointer<UInt8>, _ cursor: ScanCursor, end: Int, field f: Int,
        hits: UnsafeMutablePointer<UInt64>, _ s: ScanScratch
    ) {
        let part = UnsafeBufferPointer(rebasing: text[..<end])
        var position = cursor.position
        var state = cursor.state
        while position < end {
            let n = automaton.scan(part, from: &position, state: &state, hits: hits, capacity: ScanScratch.hitCapacity)
            dispatch(hits, n, field: f, text: text, s)
        }
    }

    /// Scans the two halves of a field at once (see `AhoCorasick.scanPair`),
    /// dispatching every hit of the first half before any of the second, so
    /// hits are still handled in order of end offset.
    func scanInTwoStreams(_ text: UnsafeBufferPointer<UInt8>, field f: Int, overlap: Int, _ s: ScanScratch) {
        let mid = text.count / 2
        var a = ScanCursor(position: 0)
        var b = ScanCursor(position: mid - overlap)
        var countA = 0
        var countB = 0
        // scanPair stops once either buffer holds capacity - 1 hits.
        let full = ScanScratch.hitCapacity - 1
        while a.position < mid && b.position < text.count && countB < full {
            automaton.scanPair(
                text, a: &a, aEnd: mid, b: &b, bFrom: mid, hitsA: s.hits, countA: &countA, hitsB: s.hitsB,
                countB: &countB, capacity: ScanScratch.hitCapacity)
            if countA >= full || a.position >= mid {
                dispatch(s.hits, countA, field: f, text: text, s)
                countA = 0
            }
        }
        // One stream may be left: finish the first half, then the second.
        dispatch(s.hits, countA, field: f, text: text, s)
        scanRest(text, a, end: mid, field: f, hits: s.hits, s)
        dispatch(s.hitsB, countB, field: f, text: text, s)
        if b.position < text.count {
            // Hits of the rest still must end after `mid`, which they do once b is past it.
            scanRestAfter(text, b, from: mid, field: f, s)
        }
    }

    /// Like `scanRest` to the end of the field, keeping only hits that end after `from`.
    func scanRestAfter(_ text: UnsafeBufferPointer<UInt8>, _ cursor: ScanCursor, from: Int, field f: Int, _ s: ScanScratch) {
        var position = cursor.position
        var state = cursor.state
        while position < text.count {
            var n = automaton.scan(text, from: &position, state: &state, hits: s.hitsB, capacity: ScanScratch.hitCapacity)
            var kept = 0
            for h in 0..<n where Int(s.hitsB[h] & 0xFFFF_FFFF) > from {
                s.hitsB[kept] = s.hitsB[h]
                kept += 1
            }
            n = kept
            dispatch(s.hitsB, n, field: f, text: text, s)
        }
    }

    @inline(__always)
    func dispatch(_ hits: UnsafeMutablePointer<UInt64>, _ n: Int, field f: Int, text: UnsafeBufferPointer<UInt8>, _ s: ScanScratch) {
        guard n > 0 else { return }
        let regexHit = s.regexHit
        targetStart.withUnsafeBufferPointer { starts in
            targets.withUnsafeBufferPointer { tg in
                literalLength.withUnsafeBufferPointer { lens in
                    for h in 0..<n {
                        let end = Int(hits[h] & 0xFFFF_FFFF)
                        automaton.forEachLiteral(ofRow: Int(hits[h] >> 32)) { literal in
                            let start = end - Int(lens[literal])
                            for k in Int(starts[literal])..<Int(starts[literal + 1]) {
                                let target = tg[k]
                                if target & LiteralTargets.regexBit != 0 {
                                    // Keep the earliest *start*: occurrences arrive by end offset, and a
                                    // longer literal ending later can start earlier ("deadlock" vs "lock").
                                    let r = Int(target & LiteralTargets.indexMask)
                                    let i = r * 3 + f
                                    let hit = regexHit[i]
                                    if hit < 0 {
                                        if regexHit[r * 3] < 0 && regexHit[r * 3 + 1] < 0 && regexHit[r * 3 + 2] < 0 {
                                            s.st.pointee.touchedRegexes.append(Int32(r))
                                        }
                                        regexHit[i] = Int32(start)
                                    } else if start < Int(hit) {
                                        regexHit[i] = Int32(start)
                                    }
                                    // The first few starts, for anchored attempts at each.
                                    let seen = Int(s.regexStartCount[i])
                                    if seen < ScanScratch.startCapacity {
                                        s.regexStarts[i * ScanScratch.startCapacity + seen] = Int32(start)
                                        s.regexStartCount[i] = UInt8(seen + 1)
                                    } else if seen == ScanScratch.startCapacity {
                                        s.regexStartCount[i] = UInt8(seen + 1)
                                    }
                                } else {
                                    verifyKeyword(Int(target), field: f, start: start, end: end, text: text, s)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @inline(__always)
    func verifyKeyword(_ c: Int, field f: Int, start: Int, end: Int, text: UnsafeBufferPointer<UInt8>, _ s: ScanScratch) {
        let p = Int(keywordPattern[c])
        if s.patternFields[p] & (1 << UInt8(f)) != 0 { return }  // already have the first match in this field
        let mode = keywordMode[c]
        if mode & 1 != 0 && WordCharacters.wordBefore(text, start) { return }
        if mode & 2 != 0 && WordCharacters.wordAt(text, end) { return }
        let st = s.st
        let os = st.pointee.originalOffset(f, start)
        let oe = st.pointee.originalEnd(f, start, end)
        if mode & 4 != 0, let exact = keywordChecks[c].exact {
            let orig = st.pointee.originalField(f)
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
        if had == 0 { s.st.pointee.touchedPatterns.append(Int32(p)) }
        s.patternFields[p] = had | bit
        let i = (p * 3 + f) * 2
        s.spans[i] = Int32(start)
        s.spans[i + 1] = Int32(end)
    }

    // MARK: Regex pass

    /// Runs the regexes whose literals were seen, and those that have none.
    @inline(__always)
    func runRegexes(_ s: ScanScratch) {
        let st = s.st
        var k = 0
        while k < st.pointee.touchedRegexes.count {
            runRegex(Int(st.pointee.touchedRegexes[k]), s)
            k += 1
        }
        for r in unconditionalRegexes { runRegex(Int(r), s) }
    }

    func runRegex(_ r: Int, _ s: ScanScratch) {
        let profile = s.profile
        let started = profile == nil ? 0 : monotonicNanos()
        let mode = regexMode[r]
        let pattern = Int(regexPattern[r])
        unowned(unsafe) let slot = regexSlots[r]  // the pack holds it for as long as this scan runs
        let st = s.st
        for f in 0..<3 where mode & (16 << UInt8(f)) != 0 && st.pointee.present(f) {
            var start = 0
            if mode & 1 != 0 { st.pointee.ensureFolded(f) }
            if mode & 2 != 0 {
                let hit = Int(s.regexHit[r * 3 + f])
                if hit < 0 { continue }  // none of its literals occur in this field
                if mode & 4 != 0 {
                    start = hit
                } else if mode & 1 != 0, let bound = slot.startBound {
                    // The literal sits inside the match: what may precede it bounds the start.
                    start = bound.searchStart(in: st.pointee.foldedField(f), earliestOccurrence: hit)
                }
            }
            let result: RegexSearchResult
            if mode & 5 == 5, slot.hasAnchored,
                Int(s.regexStartCount[r * 3 + f]) <= ScanScratch.startCapacity
            {
                // Every match starts where a literal does, and there are few
                // of those: try each, in order, instead of scanning the rest of the field.
                profile?.regexSearches[r] += 1
                result = searchAtStarts(slot.anchoredRef, r * 3 + f, st.pointee.foldedField(f), s)
            } else if let gate = slot.gateRef {
                // Every match is a long enough run of the gate's bytes (gates are on folded text only).
                let text = st.pointee.foldedField(f)
                let found = gate._withUnsafeGuaranteedRef { gate in
                    slot.engineRef._withUnsafeGuaranteedRef { engine in
                        s.regexScratchRef._withUnsafeGuaranteedRef { scratch in
                            gate.search(engine, in: text, from: start, scratch: scratch)
                        }
                    }
                }
                guard let found else { continue }
                profile?.regexSearches[r] += 1
                result = found
            } else if mode & 1 != 0 {
                profile?.regexSearches[r] += 1
                result = Self.search(slot.engineRef, st.pointee.foldedField(f), from: start, validUTF8: true, s)
            } else {
                profile?.regexSearches[r] += 1
                result = Self.search(
                    slot.engineRef, st.pointee.originalField(f), from: st.pointee.originalOffset(f, start),
                    validUTF8: st.pointee.valid(f), s)
            }
            report(result, pattern, f, onFolded: mode & 1 != 0, s)
        }
        if let profile {
            profile.regexNanos[r] += monotonicNanos() - started
            if s.patternFields[pattern] != 0 { profile.regexMatches[r] += 1 }
        }
    }

    /// Records a search's match as a span of the original text, or its
    /// failure as a diagnostic.
    @inline(__always)
    func report(_ result: RegexSearchResult, _ pattern: Int, _ f: Int, onFolded: Bool, _ s: ScanScratch) {
        let st = s.st
        switch result {
        case .match(let range):
            if onFolded {
                record(
                    pattern, field: f, start: st.pointee.originalOffset(f, range.lowerBound),
                    end: st.pointee.originalEnd(f, range.lowerBound, range.upperBound), s)
            } else {
                record(pattern, field: f, start: range.lowerBound, end: range.upperBound, s)
            }
        case .noMatch:
            break
        case .limitExceeded(let why), .failed(let why):
            st.pointee.diagnostics.append(
                ScanDiagnostic(pattern: patterns[pattern].spec.description, field: Field(rawValue: f)!, message: why))
        }
    }

    /// One search, with neither the engine nor the scratch retained (see `RegexSlot`).
    @inline(__always)
    static func search(
        _ engine: Unmanaged<CompiledRegex>, _ text: UnsafeBufferPointer<UInt8>, from start: Int, validUTF8: Bool,
        _ s: ScanScratch
    ) -> RegexSearchResult {
        engine._withUnsafeGuaranteedRef { engine in
            s.regexScratchRef._withUnsafeGuaranteedRef { scratch in
                engine.firstMatch(in: text, from: start, validUTF8: validUTF8, scratch: scratch)
            }
        }
    }

    /// The leftmost match among anchored attempts at the recorded starts.
    @inline(__always)
    func searchAtStarts(
        _ anchored: Unmanaged<CompiledRegex>, _ i: Int, _ text: UnsafeBufferPointer<UInt8>, _ s: ScanScratch
    ) -> RegexSearchResult {
        let n = Int(s.regexStartCount[i])
        let starts = s.regexStarts + i * ScanScratch.startCapacity
        // Starts arrive in order of literal *end*; sort the few there are.
        insertionSort(starts, count: n)
        var previous: Int32 = -1
        for k in 0..<n where starts[k] != previous {
            previous = starts[k]
            let result = Self.search(anchored, text, from: Int(starts[k]), validUTF8: true, s)
            if case .noMatch = result { continue }
            return result
        }
        return .noMatch
    }

    // MARK: Rules, score, severity, agents

    @inline(__always)
    func evaluate(_ node: Int32, _ fields: UnsafeMutablePointer<UInt8>) -> Bool {
        nodes.withUnsafeBufferPointer { n in
            children.withUnsafeBufferPointer { c in evaluate(node, n, c, fields) }
        }
    }

    func evaluate(
        _ node: Int32, _ nodes: UnsafeBufferPointer<ConditionNode>, _ children: UnsafeBufferPointer<Int32>,
        _ fields: UnsafeMutablePointer<UInt8>
    ) -> Bool {
        let n = nodes[Int(node)]
        let first = Int(n.childStart)
        let count = Int(n.childCount)
        switch n.op {
        case .leaf:
            return fields[Int(n.arg)] & n.fields.rawValue != 0
        case .any:
            for k in 0..<count where evaluate(children[first + k], nodes, children, fields) { return true }
            return false
        case .all:
            for k in 0..<count where !evaluate(children[first + k], nodes, children, fields) { return false }
            return true
        case .none:
            for k in 0..<count where evaluate(children[first + k], nodes, children, fields) { return false }
            return true
        case .atLeast:
            let need = Int(n.arg)
            var have = 0
            for k in 0..<count {
                if evaluate(children[first + k], nodes, children, fields) {
                    have += 1
                    if have >= need { return true }
                } else if have + (count - k - 1) < need {
                    return false
                }
            }
            return have >= need
        }
    }

    func decide(_ s: ScanScratch, options: ClassifyOptions) -> Verdict {
        settle(s, severityOverride: options.severityOverride, nearMisses: options.evidence)
        return verdict(s, evidence: options.evidence)
    }

    /// Decides severity and agents from the matches of a scan and leaves the
    /// outcome in the scratch (`ScanState.settled`, the fired rules and the
    /// assigned agents), from which `verdict(_:evidence:)` builds a `Verdict`
    /// and `summary(_:)` a view without allocating. The one place where
    /// precedence is applied.
    func settle(_ s: ScanScratch, severityOverride: Severity?, nearMisses: Bool) {
        let st = s.st
        let stamp = st.pointee.stamp
        let fields = s.patternFields
        // Rules that use a matched pattern, plus rules that can fire on exclusions alone.
        patternRuleStart.withUnsafeBufferPointer { starts in
            patternRules.withUnsafeBufferPointer { rulesOf in
                for p in st.pointee.touchedPatterns.buffer {
                    for k in Int(starts[Int(p)])..<Int(starts[Int(p) + 1]) {
                        let r = Int(rulesOf[k])
                        if s.ruleStamp[r] != stamp {
                            s.ruleStamp[r] = stamp
                            st.pointee.candidates.append(Int32(r))
                        }
                    }
                }
            }
        }
        for r in alwaysEvaluated where s.ruleStamp[Int(r)] != stamp {
            s.ruleStamp[Int(r)] = stamp
            st.pointee.candidates.append(r)
        }
        if st.pointee.candidates.count > 1 {
            var candidates = st.pointee.candidates.buffer
            // A handful per incident; the general sort showed at 0.8% of a scan.
            if candidates.count <= 32 {
                insertionSort(candidates.baseAddress!, count: candidates.count)
            } else {
                candidates.sort()
            }
        }

        var firedCount = 0
        var score = 0.0
        var floorRule = -1
        var ceilingRule = -1
        var overrideRule = -1
        var severityRulesFired = false
        if nearMisses { st.pointee.nearMisses.removeAll(keepingCapacity: true) }
        for r32 in st.pointee.candidates.buffer {
            let r = Int(r32)
            guard evaluate(ruleRoot[r], fields) else {
                if nearMisses { st.pointee.nearMisses.append(r32) }
                continue
            }
            var inTitle = false
            for k in Int(ruleTitleLeafStart[r])..<Int(ruleTitleLeafStart[r + 1]) where fields[Int(ruleTitleLeaf[k])] & 1 != 0 {
                inTitle = true
                break
            }
            let factor = inTitle ? ruleTitleWeight[r] : 1
            let contribution = ruleScore[r] * factor
            score += contribution
            if ruleAffectsSeverity[r] { severityRulesFired = true }
            s.firedRules[firedCount] = r32
            s.firedContributions[firedCount] = contribution
            s.firedInTitle[firedCount] = inTitle
            firedCount += 1
            let effects = ruleEffects[r]
            if effects != 0 {
                let floor = effects & 0xFF
                let ceiling = (effects >> 8) & 0xFF
                let override = (effects >> 16) & 0xFF
                if floor != 0 && (floorRule < 0 || floor > ruleEffects[floorRule] & 0xFF) { floorRule = r }
                if ceiling != 0 && (ceilingRule < 0 || ceiling < (ruleEffects[ceilingRule] >> 8) & 0xFF) { ceilingRule = r }
                if override != 0 && (overrideRule < 0 || override > (ruleEffects[overrideRule] >> 16) & 0xFF) { overrideRule = r }
            }
            for k in Int(ruleAgentStart[r])..<Int(ruleAgentStart[r + 1]) {
                let a = Int(ruleAgentIndex[k])
                if s.agentStamp[a] != stamp {
                    s.agentStamp[a] = stamp
                    s.agentWeight[a] = 0
                    st.pointee.touchedAgents.append(Int32(a))
                }
                s.agentWeight[a] += ruleAgentWeight[k] * factor
            }
        }

        func imposed(_ r: Int, _ shift: UInt32) -> Severity? {
            r >= 0 ? Severity(rawValue: Int((ruleEffects[r] >> shift) & 0xFF) - 1)! : nil
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
        if let c = imposed(ceilingRule, 8), severity > c { severity = c }
        if let f = imposed(floorRule, 0), severity < f { severity = f }
        if let o = imposed(overrideRule, 16) { severity = o }
        if let p = severityOverride { severity = p }

        var assignedCount = 0
        if !st.pointee.touchedAgents.isEmpty {
            // Keep the agents over the threshold in place (the touched list is
            // this scan's own), heaviest first, ties in catalogue order.
            let weight = s.agentWeight
            var kept = 0
            let touched = st.pointee.touchedAgents.buffer
            for k in 0..<touched.count {
                let a = touched[k]
                let w = weight[Int(a)]
                if w >= agentThreshold && w > 0 {
                    touched.swapAt(kept, k)
                    kept += 1
                }
            }
            if kept > 1 {
                var heaviest = UnsafeMutableBufferPointer(rebasing: touched[0..<kept])
                heaviest.sort { a, b in
                    let wa = weight[Int(a)]
                    let wb = weight[Int(b)]
                    return wa != wb ? wa > wb : a < b
                }
            }
            var n = min(kept, maxAgents)
            if agentRelativeThreshold > 0 && n > 1 {
                let floor = weight[Int(touched[0])] * agentRelativeThreshold
                while n > 1 && weight[Int(touched[n - 1])] < floor { n -= 1 }
            }
            for k in 0..<n { s.assignedAgents[k] = touched[k] }
            assignedCount = n
        }
        st.pointee.settled = Settled(
            severity: severity, score: score, byScore: byScore, threshold: threshold, defaulted: defaulted,
            floorRule: Int32(floorRule), ceilingRule: Int32(ceilingRule), overrideRule: Int32(overrideRule),
            callerOverride: severityOverride, firedCount: Int32(firedCount), agentCount: Int32(assignedCount))
    }

    /// The `Verdict` of the scan the scratch last settled.
    func verdict(_ s: ScanScratch, evidence: Bool) -> Verdict {
        let st = s.st
        let settled = st.pointee.settled
        var fired = [FiredRule]()
        fired.reserveCapacity(Int(settled.firedCount))
        for k in 0..<Int(settled.firedCount) {
            let r = Int(s.firedRules[k])
            fired.append(
                FiredRule(index: r, id: rules[r].id, contribution: s.firedContributions[k], titleMatched: s.firedInTitle[k]))
        }
        func imposed(_ r: Int32, _ shift: UInt32) -> SeverityDecision.Imposed? {
            guard r >= 0 else { return nil }
            return .init(
                severity: Severity(rawValue: Int((ruleEffects[Int(r)] >> shift) & 0xFF) - 1)!, ruleID: rules[Int(r)].id)
        }
        let decision = SeverityDecision(
            score: settled.score, defaulted: settled.defaulted, byScore: settled.byScore, threshold: settled.threshold,
            floor: imposed(settled.floorRule, 0), ceiling: imposed(settled.ceilingRule, 8),
            ruleOverride: imposed(settled.overrideRule, 16), callerOverride: settled.callerOverride, final: settled.severity)
        var assigned = [AgentScore]()
        assigned.reserveCapacity(Int(settled.agentCount))
        for k in 0..<Int(settled.agentCount) {
            let a = Int(s.assignedAgents[k])
            assigned.append(AgentScore(id: agents[a].id, weight: s.agentWeight[a]))
        }
        return Verdict(
            severity: settled.severity, score: settled.score, agents: assigned, rules: fired, decision: decision,
            evidence: evidence ? collectEvidence(fired: fired, nearMisses: st.pointee.nearMisses.map { Int($0) }, s) : nil,
            diagnostics: st.pointee.diagnostics)
    }

    /// The outcome of the scan the scratch last settled, as views of the scratch.
    @inline(__always)
    func summary(_ s: ScanScratch) -> VerdictSummary {
        let settled = s.st.pointee.settled
        return VerdictSummary(
            severity: settled.severity, score: settled.score,
            rules: UnsafeBufferPointer(start: s.firedRules, count: Int(settled.firedCount)),
            agents: UnsafeBufferPointer(start: s.assignedAgents, count: Int(settled.agentCount)),
            hasDiagnostics: !s.st.pointee.diagnostics.isEmpty)
    }

    // MARK: Evidence

    func collectEvidence(fired: [FiredRule], nearMisses: [Int], _ s: ScanScratch) -> Evidence {
        let st = s.st
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
                        let original = st.pointee.originalField(f)
                        let text = String(decoding: UnsafeBufferPointer(rebasing: original[start..<end]), as: UTF8.self)
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
        }.filter { !$0.matches.isEmpty }
        return Evidence(rules: ruleEvidence, nearMisses: misses)
    }
}

/// Literal targets packed into one word: the high bit marks a regex trigger,
/// the rest is the keyword check or regex index.
@usableFromInline
enum LiteralTargets {
    @usableFromInline static let regexBit: UInt32 = 1 << 31
    @usableFromInline static let indexMask: UInt32 = (1 << 31) - 1
}
