/// A rule pack compiled for scanning: immutable, shared by every thread.
///
/// Compiling (`PackCompiler`) may fail; scanning cannot. Everything a scan
/// needs is flattened into arrays indexed by small integers: pattern ids,
/// regex ids, rule ids and condition nodes. Per-scan mutable state lives in a
/// `ScanScratch`, one per thread.
public final class CompiledPack: Sendable {
    public let metadata: PackMetadata
    public let agents: [AgentDefinition]
    public let agentThreshold: Double
    public let maxAgents: Int
    public let agentRelativeThreshold: Double
    public let thresholds: SeverityThresholds
    public let defaultSeverity: Severity
    public let limits: MatchLimits
    /// Enabled rules, in pack order.
    public let rules: [CompiledRule]
    /// Distinct patterns of all enabled rules.
    public let patterns: [CompiledPattern]
    /// The regex backend's name, for reports.
    public let regexBackendName: String

    @usableFromInline let automaton: AhoCorasick
    /// For AC literal `l`, `targets[targetStart[l] ..< targetStart[l + 1]]`.
    @usableFromInline let targetStart: [Int32]
    /// Packed as `LiteralTargets` describes: keyword check index, or regex index with the high bit.
    @usableFromInline let targets: [UInt32]
    @usableFromInline let keywordChecks: [KeywordCheck]
    @usableFromInline let regexes: [RegexProgram]
    /// Regexes with no usable literal: they run on every incident.
    @usableFromInline let unconditionalRegexes: [Int32]
    @usableFromInline let nodes: [ConditionNode]
    @usableFromInline let children: [Int32]
    /// For pattern `p`, the rules that use it: `patternRules[patternRuleStart[p] ..< ...]`.
    @usableFromInline let patternRuleStart: [Int32]
    @usableFromInline let patternRules: [Int32]
    /// Rules whose condition can hold with no pattern matching (only exclusions):
    /// they are evaluated for every incident.
    @usableFromInline let alwaysEvaluated: [Int32]
    let backend: any RegexBackend

    // Hot rule and regex data, flattened into arrays of scalars so that a scan
    // reads what it needs without copying structs full of references.
    @usableFromInline let ruleRoot: [Int32]
    @usableFromInline let ruleScore: [Double]
    @usableFromInline let ruleTitleWeight: [Double]
    /// floor, ceiling, override as severity rank + 1 (0: none), one byte each.
    @usableFromInline let ruleEffects: [UInt32]
    @usableFromInline let ruleAffectsSeverity: [Bool]
    /// For rule `r`: agents `ruleAgentIndex[ruleAgentStart[r] ..< ruleAgentStart[r + 1]]` with weights.
    @usableFromInline let ruleAgentStart: [Int32]
    @usableFromInline let ruleAgentIndex: [Int32]
    @usableFromInline let ruleAgentWeight: [Double]
    /// For rule `r`: patterns arguing for it that count in the title.
    @usableFromInline let ruleTitleLeafStart: [Int32]
    @usableFromInline let ruleTitleLeaf: [Int32]
    @usableFromInline let regexPattern: [Int32]
    /// bit 0 on folded text, bit 1 prefiltered, bit 2 at match start, bits 4-6 fields.
    @usableFromInline let regexMode: [UInt8]
    /// What searching regex `r` needs, one object per regex: reading one
    /// retains nothing more, where copying an engine, a prefilter or a gate
    /// out of an array of structs retains each of their buffers.
    @usableFromInline let regexSlots: [RegexSlot]
    @usableFromInline let keywordPattern: [Int32]
    /// bit 0 boundary before, bit 1 boundary after, bit 2 exact case.
    @usableFromInline let keywordMode: [UInt8]
    @usableFromInline let literalLength: [Int32]

    init(
        metadata: PackMetadata, agents: [AgentDefinition], agentThreshold: Double, maxAgents: Int,
        agentRelativeThreshold: Double,
        thresholds: SeverityThresholds, defaultSeverity: Severity, limits: MatchLimits, rules: [CompiledRule],
        patterns: [CompiledPattern], automaton: AhoCorasick, targetStart: [Int32], targets: [UInt32],
        keywordChecks: [KeywordCheck], regexes: [RegexProgram], unconditionalRegexes: [Int32],
        nodes: [ConditionNode], children: [Int32], patternRuleStart: [Int32], patternRules: [Int32],
        alwaysEvaluated: [Int32], backend: any RegexBackend
    ) {
        self.metadata = metadata
        self.agents = agents
        self.agentThreshold = agentThreshold
        self.maxAgents = maxAgents
        self.agentRelativeThreshold = agentRelativeThreshold
        self.thresholds = thresholds
        self.defaultSeverity = defaultSeverity
        self.limits = limits
        self.rules = rules
        self.patterns = patterns
        self.automaton = automaton
        self.targetStart = targetStart
        self.targets = targets
        self.keywordChecks = keywordChecks
        self.regexes = regexes
        self.unconditionalRegexes = unconditionalRegexes
        self.nodes = nodes
        self.children = children
        self.patternRuleStart = patternRuleStart
        self.patternRules = patternRules
        self.alwaysEvaluated = alwaysEvaluated
        self.backend = backend
        self.regexBackendName = backend.name

        func rank(_ s: Severity?) -> UInt32 { s.map { UInt32($0.rawValue) + 1 } ?? 0 }
        ruleRoot = rules.map(\.root)
        ruleScore = rules.map(\.score)
        ruleTitleWeight = rules.map(\.titleWeight)
        ruleEffects = rules.map { rank($0.floor) | rank($0.ceiling) << 8 | rank($0.override) << 16 }
        ruleAffectsSeverity = rules.map(\.affectsSeverity)
        var agentStart = [Int32]()
        var agentIndex = [Int32]()
        var agentWeight = [Double]()
        var titleStart = [Int32]()
        var titleLeaf = [Int32]()
        for r in rules {
            agentStart.append(Int32(agentIndex.count))
            for (a, w) in r.agents {
                agentIndex.append(Int32(a))
                agentWeight.append(w)
            }
            titleStart.append(Int32(titleLeaf.count))
            for leaf in r.positiveLeaves where leaf.fields.contains(.title) && !titleLeaf[Int(titleStart.last!)...].contains(leaf.pattern) {
                titleLeaf.append(leaf.pattern)
            }
        }
        agentStart.append(Int32(agentIndex.count))
        titleStart.append(Int32(titleLeaf.count))
        ruleAgentStart = agentStart
        ruleAgentIndex = agentIndex
        ruleAgentWeight = agentWeight
        ruleTitleLeafStart = titleStart
        ruleTitleLeaf = titleLeaf
        regexPattern = regexes.map(\.pattern)
        regexMode = regexes.map {
            ($0.onFolded ? 1 : 0) | ($0.prefiltered ? 2 : 0) | ($0.atMatchStart ? 4 : 0) | ($0.fields.rawValue << 4)
        }
        regexSlots = regexes.map { RegexSlot(engine: $0.regex, anchored: $0.anchored, prefilter: $0.prefilter, gate: $0.gate) }
        keywordPattern = keywordChecks.map(\.pattern)
        keywordMode = keywordChecks.map {
            ($0.boundaryBefore ? 1 : 0) | ($0.boundaryAfter ? 2 : 0) | ($0.exact != nil ? 4 : 0)
        }
        literalLength = automaton.literalLengths
    }

    /// Fresh per-thread state for `classify`. With `profiling`, the scratch
    /// also records where the time goes (`ScanScratch.profile`).
    public func makeScratch(profiling: Bool = false) -> ScanScratch { ScanScratch(pack: self, profiling: profiling) }

    /// Readies every regex engine for searching now rather than on its first
    /// search (the PCRE2 backend generates machine code then). Results do
    /// not change. A server calls it on a background thread after loading a
    /// pack, so that its first requests do not pay for it; a batch run does
    /// not need it.
    public func prepareEngines() {
        let scratch = backend.makeScratch(limits: limits)
        let empty: [UInt8] = []
        empty.withUnsafeBufferPointer { text in
            for slot in regexSlots {
                _ = slot.engine.firstMatch(in: text, from: 0, validUTF8: true, scratch: scratch)
                if slot.hasAnchored { _ = slot.anchored.firstMatch(in: text, from: 0, validUTF8: true, scratch: scratch) }
            }
        }
    }

    /// Statistics for reports and `--profile`.
    public var statistics: Statistics {
        Statistics(
            rules: rules.count, patterns: patterns.count, literals: automaton.literalCount,
            automatonStates: automaton.stateCount, automatonBytes: automaton.memoryBytes, regexes: regexes.count,
            prefilteredRegexes: regexes.count - unconditionalRegexes.count)
    }

    public struct Statistics: Sendable, Hashable {
        public var rules: Int
        public var patterns: Int
        public var literals: Int
        public var automatonStates: Int
        public var automatonBytes: Int
        public var regexes: Int
        public var prefilteredRegexes: Int
    }
}

/// A rule ready to evaluate.
public struct CompiledRule: Sendable {
    public let id: String
    public let description: String
    public let tags: [String]
    public let score: Double
    public let floor: Severity?
    public let ceiling: Severity?
    public let override: Severity?
    /// Agent index into `CompiledPack.agents`, and weight.
    public let agents: [(agent: Int, weight: Double)]
    public let titleWeight: Double
    public let tests: [RuleTest]
    /// Whether the rule has any say in severity (a score, floor, ceiling or
    /// override); rules that only assign agents do not displace the default.
    public var affectsSeverity: Bool { score != 0 || floor != nil || ceiling != nil || override != nil }
    public let location: SourceLocation?
    @usableFromInline let root: Int32
    /// Patterns that argue for the rule (not under `none`), with the fields they count in.
    @usableFromInline let positiveLeaves: [Leaf]
    /// Patterns under `none`.
    @usableFromInline let negativeLeaves: [Leaf]

    @usableFromInline
    struct Leaf: Sendable {
        @usableFromInline let pattern: Int32
        @usableFromInline let fields: FieldSet
    }
}

/// A distinct pattern and how it is matched.
public struct CompiledPattern: Sendable {
    public let spec: PatternSpec
    /// Every field some rule looks for this pattern in.
    public let fields: FieldSet
    public let engine: Engine

    public enum Engine: Sendable, Hashable {
        /// Found by the automaton as this literal, then checked.
        case keyword(literal: Int)
        /// Run by the regex backend (phrases compile to regexes too).
        case regex(index: Int, prefiltered: Bool, atMatchStart: Bool)
    }
}

@usableFromInline
struct KeywordCheck: Sendable {
    @usableFromInline let pattern: Int32
    @usableFromInline let boundaryBefore: Bool
    @usableFromInline let boundaryAfter: Bool
    /// For case-sensitive keywords, the exact bytes the original text must hold.
    @usableFromInline let exact: [UInt8]?
}

@usableFromInline
struct RegexProgram: Sendable {
    @usableFromInline let pattern: Int32
    @usableFromInline let regex: CompiledRegex
    /// For regexes whose literals start every match: the same regex anchored,
    /// tried at each place a literal occurs.
    @usableFromInline let anchored: CompiledRegex?
    /// Searches the case-folded text (else the original: case-sensitive regexes).
    @usableFromInline let onFolded: Bool
    @usableFromInline let prefiltered: Bool
    @usableFromInline let atMatchStart: Bool
    @usableFromInline let fields: FieldSet
    /// The literal prefilter, whose prefix bound moves a search's start up to
    /// the earliest occurrence of a literal.
    @usableFromInline let prefilter: RegexPrefilter?
    /// For regexes without literals: every match is a run of bytes from a
    /// small class; a field without such a run is skipped.
    @usableFromInline let gate: RunGateTable?
}

/// The engines and filters of one regex (see `RegexProgram`), in a form the
/// scan reads without copying: no optionals of values that hold references
/// (unwrapping one copies it and retains its buffers).
///
/// The scan reaches the engines and the gate through the `Unmanaged` copies,
/// without retaining them (`_withUnsafeGuaranteedRef`): every thread shares
/// them, and contended reference counts cost more than the searches. The
/// strong references keep them alive as long as the pack.
@usableFromInline
final class RegexSlot: Sendable {
    @usableFromInline let engine: CompiledRegex
    /// The anchored twin, or `engine` again when there is none (`hasAnchored`).
    @usableFromInline let anchored: CompiledRegex
    @usableFromInline let hasAnchored: Bool
    @usableFromInline let startBound: RegexStartBound?
    @usableFromInline let gate: RunGateTable?
    @usableFromInline let engineRef: Unmanaged<CompiledRegex>
    @usableFromInline let anchoredRef: Unmanaged<CompiledRegex>
    @usableFromInline let gateRef: Unmanaged<RunGateTable>?

    init(engine: CompiledRegex, anchored: CompiledRegex?, prefilter: RegexPrefilter?, gate: RunGateTable?) {
        self.engine = engine
        self.anchored = anchored ?? engine
        hasAnchored = anchored != nil
        startBound = prefilter?.startBound
        self.gate = gate
        engineRef = .passUnretained(engine)
        anchoredRef = .passUnretained(anchored ?? engine)
        gateRef = gate.map { .passUnretained($0) }
    }
}

/// A run gate as a byte table, searched with probes `minLength` apart: a
/// probe outside the class rules out every run through it, so in text where
/// the class is rare the search reads one byte in `minLength`. Where the
/// class is common (most letters), the search classifies 64 bytes at a time
/// instead (`nextRunByBlocks`).
///
/// A class that owns its table, so the scan holds one reference rather than
/// copying an array out of an optional for every search.
@usableFromInline
final class RunGateTable: @unchecked Sendable {  // immutable after init
    @usableFromInline let member: UnsafeMutablePointer<Bool>
    @usableFromInline let minLength: Int
    /// `RegexRunGate.runLocal`: search run by run, each search ending one
    /// character after its run, instead of from the first run to the end.
    @usableFromInline let runLocal: Bool
    /// Up to two of `RegexRunGate.required`, the most repeated first, as
    /// (byte, count); a count of 0 checks nothing.
    @usableFromInline let required: (byte: UInt8, count: Int, byte2: UInt8, count2: Int)

    /// Whether `nextRun` classifies 64-byte blocks instead of probing (see
    /// `init`), with the class as at most four byte ranges, `lo` to
    /// `lo + span` inclusive.
    @usableFromInline let byBlocks: Bool
    @usableFromInline let lo: (SIMD16<UInt8>, SIMD16<UInt8>, SIMD16<UInt8>, SIMD16<UInt8>)
    @usableFromInline let span: (SIMD16<UInt8>, SIMD16<UInt8>, SIMD16<UInt8>, SIMD16<UInt8>)

    /// `byBlocks` overrides the choice of search, for tests; it is honoured
    /// only when the class is at most four ranges, on a little-endian machine.
    init(_ gate: RegexRunGate, byBlocks: Bool? = nil) {
        member = .allocate(capacity: 256)
        for b in 0..<256 { member[b] = gate.bytes.contains(UInt8(b)) }
        minLength = max(gate.minLength, 1)
        runLocal = gate.runLocal
        let most = gate.required.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
        required = (
            most.first?.key ?? 0, most.first?.value ?? 0, most.dropFirst().first?.key ?? 0,
            most.dropFirst().first?.value ?? 0
        )
        var ranges: [(lo: UInt8, span: UInt8)] = []
        var b = 0
        while b < 256 {
            guard member[b] else {
                b += 1
                continue
            }
            var e = b
            while e < 255 && member[e + 1] { e += 1 }
            ranges.append((UInt8(b), UInt8(e - b)))
            b = e + 1
        }
        // Blocks pay where the class holds most letters: runs are words, and
        // probes land in one nearly every time. A sparse class keeps to
        // probes, which then read one byte in `minLength`.
        let letters = (UInt8(ascii: "a")...UInt8(ascii: "z")).filter { gate.bytes.contains($0) }.count
        // `bits` reads lanes as the bytes of little-endian words (s390x is not).
        let littleEndian = 1.littleEndian == 1
        self.byBlocks = byBlocks ?? (letters >= 13) && !ranges.isEmpty && ranges.count <= 4 && littleEndian
        // Unused slots repeat the first range: or-ing it in again changes nothing.
        func range(_ k: Int) -> (SIMD16<UInt8>, SIMD16<UInt8>) {
            let r = k < ranges.count ? ranges[k] : (ranges.first ?? (0, 0))
            return (SIMD16(repeating: r.lo), SIMD16(repeating: r.span))
        }
        let (l0, s0) = range(0), (l1, s1) = range(1), (l2, s2) = range(2), (l3, s3) = range(3)
        lo = (l0, l1, l2, l3)
        span = (s0, s1, s2, s3)
    }

    deinit { member.deallocate() }

    /// Bit i set when `v[i]` is in the class.
    @inline(__always) @usableFromInline
    func bits(_ v: SIMD16<UInt8>) -> UInt64 {
        let m = ((v &- lo.0) .<= span.0) .| ((v &- lo.1) .<= span.1) .| ((v &- lo.2) .<= span.2)
            .| ((v &- lo.3) .<= span.3)
        // Lanes of 0 or 1, gathered into one byte per eight lanes by a
        // multiply: lane i lands on bit 56 + i.
        let w = unsafeBitCast(SIMD16<UInt8>(repeating: 0).replacing(with: 1, where: m), to: SIMD2<UInt64>.self)
        let gather: UInt64 = 0x0102_0408_1020_4080
        return ((w[0] &* gather) >> 56) | (((w[1] &* gather) >> 56) << 8)
    }

    /// Bit i set when `p[i]` is in the class, for 64 bytes.
    @inline(__always) @usableFromInline
    func bits64(_ p: UnsafeRawPointer) -> UInt64 {
        bits(p.loadUnaligned(as: SIMD16<UInt8>.self))
            | bits(p.loadUnaligned(fromByteOffset: 16, as: SIMD16<UInt8>.self)) << 16
            | bits(p.loadUnaligned(fromByteOffset: 32, as: SIMD16<UInt8>.self)) << 32
            | bits(p.loadUnaligned(fromByteOffset: 48, as: SIMD16<UInt8>.self)) << 48
    }

    /// `nextRun` for a dense class, 64 bytes at a time: where the class is
    /// most bytes of ordinary text (letters), probes would land in a word
    /// nearly every time and each would walk it, a branch per byte; here a
    /// block is classified without branches, and the runs of at least
    /// `minLength` members are found in its mask by shifts.
    @usableFromInline
    func nextRunByBlocks(in text: UnsafeBufferPointer<UInt8>, from: Int) -> (start: Int, end: Int)? {
        let n = text.count
        guard let base = text.baseAddress else { return nil }
        let need = minLength
        var at = from
        var carried = 0  // members ending at `at` (from `from` on)
        var tail = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        while at < n {
            let count = min(64, n - at)
            let valid: UInt64 = count == 64 ? ~0 : (1 << UInt64(count)) &- 1
            let m: UInt64
            if count == 64 {
                m = bits64(UnsafeRawPointer(base + at))
            } else {
                m = withUnsafeMutableBytes(of: &tail) { raw in
                    raw.initializeMemory(as: UInt8.self, repeating: 0)
                    raw.baseAddress!.copyMemory(from: base + at, byteCount: count)
                    return bits64(UnsafeRawPointer(raw.baseAddress!))
                } & valid
            }
            var start = -1
            if carried > 0 && carried + min((~m).trailingZeroBitCount, count) >= need {
                start = at - carried
            } else {
                // Bit i of y: members at i..<i + need, all inside this block.
                var y = m
                var covered = 1
                while covered < need && y != 0 {
                    let k = min(covered, need - covered)
                    y &= y >> UInt64(k)
                    covered += k
                }
                if y != 0 { start = at + y.trailingZeroBitCount }
            }
            if start >= 0 {
                var k = start + need
                while k < n && member[Int(base[k])] { k += 1 }
                var j = start
                while j > 0 && base[j] & 0xC0 == 0x80 { j -= 1 }
                return (j, k)
            }
            let gaps = ~m & valid
            carried = gaps == 0 ? carried + count : count - 1 - (63 - gaps.leadingZeroBitCount)
            at += count
        }
        return nil
    }

    /// The start of the first run of at least `minLength` member bytes (moved
    /// back to a character boundary), or nil when there is none.
    @inlinable
    func firstRunStart(in text: UnsafeBufferPointer<UInt8>) -> Int? {
        nextRun(in: text, from: 0)?.start
    }

    /// The leftmost match of `regex` in the folded `text` at or after
    /// `start`; nil when no run is long enough (no search was needed).
    ///
    /// A run-local regex is searched run by run, each search's subject cut
    /// one character after its run, so the engine never walks the text
    /// between runs: for `\b[a-z0-9-]+-[a-z0-9]{8,10}-[a-z0-9]{5}\b`, every
    /// word there would be a start to try. Otherwise one search starts at the
    /// first run.
    @inlinable
    func search(
        _ regex: CompiledRegex, in text: UnsafeBufferPointer<UInt8>, from start: Int, scratch: RegexScratch
    ) -> RegexSearchResult? {
        guard var run = nextRun(in: text, from: start) else { return nil }
        guard runLocal else { return regex.firstMatch(in: text, from: run.start, validUTF8: true, scratch: scratch) }
        while true {
            if !holdsRequired(text, run) {
                // Too few of a byte every match holds: no match in this run.
                guard let next = nextRun(in: text, from: run.end) else { return .noMatch }
                run = next
                continue
            }
            // One whole character past the run, for \b and \B to look at.
            var end = run.end
            if end < text.count {
                end += 1
                while end < text.count && text[end] & 0xC0 == 0x80 { end += 1 }
            }
            let result = regex.firstMatch(
                in: UnsafeBufferPointer(rebasing: text[0..<end]), from: run.start, validUTF8: true, scratch: scratch)
            if case .noMatch = result, let next = nextRun(in: text, from: run.end) {
                run = next
                continue
            }
            return result
        }
    }

    /// Whether `text[run]` holds the required bytes as often as every match does.
    @inlinable
    func holdsRequired(_ text: UnsafeBufferPointer<UInt8>, _ run: (start: Int, end: Int)) -> Bool {
        guard required.count > 0 else { return true }
        var n = 0
        var n2 = 0
        for k in run.start..<run.end {
            let b = text[k]
            n &+= b == required.byte ? 1 : 0
            n2 &+= b == required.byte2 ? 1 : 0
        }
        return n >= required.count && (required.count2 == 0 || n2 >= required.count2)
    }

    /// The first run of at least `minLength` member bytes that starts at or
    /// after `from`: its start (moved back to a character boundary) and the
    /// end of the whole run; nil when there is none.
    @inlinable
    func nextRun(in text: UnsafeBufferPointer<UInt8>, from: Int) -> (start: Int, end: Int)? {
        if byBlocks { return nextRunByBlocks(in: text, from: from) }
        let n = text.count
        let need = minLength
        let m = member
        do {
            var i = from + need - 1
            while i < n {
                if !m[Int(text[i])] {
                    i += need
                    continue
                }
                // The run through the probe: back to its start, then forward as far as needed.
                var j = i
                while j > from && m[Int(text[j - 1])] { j -= 1 }
                var k = i + 1
                while k < n && k - j < need && m[Int(text[k])] { k += 1 }
                if k - j >= need {
                    while k < n && m[Int(text[k])] { k += 1 }
                    while j > 0 && text[j] & 0xC0 == 0x80 { j -= 1 }
                    return (j, k)
                }
                // text[k] is not a member (or the text ended): the next run starts after it.
                i = k + need
            }
            return nil
        }
    }
}

@usableFromInline
struct ConditionNode: Sendable {
    @usableFromInline enum Op: UInt8, Sendable { case leaf, any, all, none, atLeast }
    @usableFromInline let op: Op
    /// Pattern id for a leaf; N for at-least-N.
    @usableFromInline let arg: Int32
    @usableFromInline let fields: FieldSet
    @usableFromInline let childStart: Int32
    @usableFromInline let childCount: Int32
}
