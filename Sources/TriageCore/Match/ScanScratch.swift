/// Per-thread mutable state for scanning with one `CompiledPack`.
///
/// Create one per thread with `CompiledPack.makeScratch()` and reuse it for
/// every incident: it owns the folded-text buffer, the per-pattern match
/// records, the regex backend's match data and the rule bookkeeping, so a
/// scan allocates almost nothing. A scratch must not be shared between
/// threads at the same time.
///
/// Everything a scan writes lives behind `let` pointers or in `ScanState`,
/// reached through a pointer: stored `var` properties of a class pay a
/// dynamic exclusivity check on every access, which on the hot path cost
/// more than the work itself.
public final class ScanScratch {
    let pack: CompiledPack
    let regexScratch: RegexScratch
    /// `regexScratch`, for calls that need not retain it (see `RegexSlot`).
    let regexScratchRef: Unmanaged<RegexScratch>
    /// Where the time went, when the scratch was made for profiling.
    public let profile: ScanProfile?

    @usableFromInline let st: UnsafeMutablePointer<ScanState>

    // Per pattern: the fields it matched in, and its first span in each field
    // (original byte offsets within the field: spans[(p * 3 + f) * 2 + 0/1]).
    @usableFromInline let patternFields: UnsafeMutablePointer<UInt8>
    @usableFromInline let spans: UnsafeMutablePointer<Int32>
    // Per regex and field: where the first of its literals started (folded offset), or -1.
    @usableFromInline let regexHit: UnsafeMutablePointer<Int32>
    // Per regex and field: how many literal occurrences were seen (capped at
    // `startCapacity + 1`), and the starts of the first `startCapacity` of them.
    @usableFromInline let regexStartCount: UnsafeMutablePointer<UInt8>
    @usableFromInline let regexStarts: UnsafeMutablePointer<Int32>
    @usableFromInline static let startCapacity = 4
    // Per rule: the scan that last queued it for evaluation.
    @usableFromInline let ruleStamp: UnsafeMutablePointer<UInt32>
    // Per agent: summed weight, current only when its stamp is this scan's.
    @usableFromInline let agentWeight: UnsafeMutablePointer<Double>
    @usableFromInline let agentStamp: UnsafeMutablePointer<UInt32>
    // Automaton hits of one field, processed in batches; the second buffer
    // holds the hits of the second half of a field scanned as two streams.
    @usableFromInline let hits: UnsafeMutablePointer<UInt64>
    @usableFromInline let hitsB: UnsafeMutablePointer<UInt64>
    @usableFromInline static let hitCapacity = 1024
    // The outcome of the last scan (`CompiledPack.settle`): the rules that
    // fired, in pack order, with their contributions, and the assigned agents.
    @usableFromInline let firedRules: UnsafeMutablePointer<Int32>
    @usableFromInline let firedContributions: UnsafeMutablePointer<Double>
    @usableFromInline let firedInTitle: UnsafeMutablePointer<Bool>
    @usableFromInline let assignedAgents: UnsafeMutablePointer<Int32>

    init(pack: CompiledPack, profiling: Bool = false) {
        self.pack = pack
        profile = profiling ? ScanProfile(pack: pack) : nil
        regexScratch = pack.backend.makeScratch(limits: pack.limits)
        regexScratchRef = .passUnretained(regexScratch)
        st = .allocate(capacity: 1)
        st.initialize(
            to: ScanState(
                patterns: max(pack.patterns.count, 1), regexes: max(pack.regexes.count, 1),
                agents: max(pack.agents.count, 1), rules: max(pack.rules.count, 1)))
        let np = max(pack.patterns.count, 1)
        patternFields = .allocate(capacity: np)
        patternFields.initialize(repeating: 0, count: np)
        spans = .allocate(capacity: np * 6)
        spans.initialize(repeating: 0, count: np * 6)
        let nr = max(pack.regexes.count, 1)
        regexHit = .allocate(capacity: nr * 3)
        regexHit.initialize(repeating: -1, count: nr * 3)
        regexStartCount = .allocate(capacity: nr * 3)
        regexStartCount.initialize(repeating: 0, count: nr * 3)
        regexStarts = .allocate(capacity: nr * 3 * Self.startCapacity)
        let nrules = max(pack.rules.count, 1)
        ruleStamp = .allocate(capacity: nrules)
        ruleStamp.initialize(repeating: 0, count: nrules)
        let na = max(pack.agents.count, 1)
        agentWeight = .allocate(capacity: na)
        agentWeight.initialize(repeating: 0, count: na)
        agentStamp = .allocate(capacity: na)
        agentStamp.initialize(repeating: 0, count: na)
        hits = .allocate(capacity: Self.hitCapacity)
        hitsB = .allocate(capacity: Self.hitCapacity)
        firedRules = .allocate(capacity: nrules)
        firedContributions = .allocate(capacity: nrules)
        firedInTitle = .allocate(capacity: nrules)
        assignedAgents = .allocate(capacity: na)
    }

    deinit {
        st.pointee.deallocate()
        st.deinitialize(count: 1)
        st.deallocate()
        patternFields.deallocate()
        spans.deallocate()
        regexHit.deallocate()
        regexStartCount.deallocate()
        regexStarts.deallocate()
        ruleStamp.deallocate()
        agentWeight.deallocate()
        agentStamp.deallocate()
        hits.deallocate()
        hitsB.deallocate()
        firedRules.deallocate()
        firedContributions.deallocate()
        firedInTitle.deallocate()
        assignedAgents.deallocate()
    }

    /// Clears what the previous scan left, touching only what it used.
    @inline(__always)
    func reset() {
        let s = st
        for p in s.pointee.touchedPatterns.buffer { patternFields[Int(p)] = 0 }
        s.pointee.touchedPatterns.removeAll()
        for r in s.pointee.touchedRegexes.buffer {
            let i = Int(r) * 3
            regexHit[i] = -1
            regexHit[i + 1] = -1
            regexHit[i + 2] = -1
            regexStartCount[i] = 0
            regexStartCount[i + 1] = 0
            regexStartCount[i + 2] = 0
        }
        s.pointee.touchedRegexes.removeAll()
        s.pointee.touchedAgents.removeAll()
        s.pointee.candidates.removeAll()
        if !s.pointee.diagnostics.isEmpty { s.pointee.diagnostics.removeAll() }
        s.pointee.stamp &+= 1
        if s.pointee.stamp == 0 {
            ruleStamp.update(repeating: 0, count: max(pack.rules.count, 1))
            agentStamp.update(repeating: 0, count: max(pack.agents.count, 1))
            s.pointee.stamp = 1
        }
    }
}

/// A list of indices in a buffer of fixed capacity: appending is a store and
/// an increment, clearing sets the count to zero. (An `Array` in `ScanState`
/// costs a uniqueness check per append and a call per clear, a few percent of
/// a keyword scan.)
@usableFromInline
struct IndexList {
    @usableFromInline let base: UnsafeMutablePointer<Int32>
    @usableFromInline let capacity: Int
    @usableFromInline var count = 0

    init(capacity: Int) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    func deallocate() { base.deallocate() }

    @inline(__always) @usableFromInline
    mutating func append(_ x: Int32) {
        precondition(count < capacity)
        base[count] = x
        count += 1
    }

    @inline(__always) @usableFromInline
    mutating func removeAll() { count = 0 }

    @inline(__always) @usableFromInline
    var isEmpty: Bool { count == 0 }

    @inline(__always) @usableFromInline
    subscript(i: Int) -> Int32 { base[i] }

    /// The current entries, to read, sort or reorder in place.
    @inline(__always) @usableFromInline
    var buffer: UnsafeMutableBufferPointer<Int32> { UnsafeMutableBufferPointer(start: base, count: count) }
}

/// What `CompiledPack.settle` decided; the fired rules and assigned agents
/// are in the scratch's buffers.
@usableFromInline
struct Settled {
    var severity: Severity = .medium
    var score = 0.0
    var byScore: Severity = .medium
    var threshold: Double?
    var defaulted = true
    var floorRule: Int32 = -1
    var ceilingRule: Int32 = -1
    var overrideRule: Int32 = -1
    var callerOverride: Severity?
    var firedCount: Int32 = 0
    var agentCount: Int32 = 0
}

/// The mutable scalars and growable lists of one scan.
@usableFromInline
struct ScanState {
    // Folded text of all fields, one after the other.
    @usableFromInline var folded: UnsafeMutablePointer<UInt8> = .allocate(capacity: 4096)
    @usableFromInline var foldedCapacity = 4096
    /// For folded byte i (global index), the original byte offset within its
    /// field; filled only for fields whose folding changed offsets.
    @usableFromInline var offsets: UnsafeMutablePointer<Int32> = .allocate(capacity: 1)
    @usableFromInline var offsetsCapacity = 1
    @usableFromInline var fieldStart: (Int, Int, Int) = (0, 0, 0)
    @usableFromInline var fieldCount: (Int, Int, Int) = (0, 0, 0)
    @usableFromInline var fieldMapped: (Bool, Bool, Bool) = (false, false, false)
    /// Whether the folded buffer holds the field yet. A pure-ASCII field is
    /// scanned unfolded (the automaton reads A-Z as a-z) and folded only when
    /// a regex needs it.
    @usableFromInline var fieldFolded: (Bool, Bool, Bool) = (false, false, false)
    @usableFromInline var fieldPresent: (Bool, Bool, Bool) = (false, false, false)
    @usableFromInline var originalValid: (Bool, Bool, Bool) = (true, true, true)
    @usableFromInline var original: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) =
        (UnsafeBufferPointer(start: nil, count: 0), UnsafeBufferPointer(start: nil, count: 0), UnsafeBufferPointer(start: nil, count: 0))

    // What this scan touched, each index at most once (stamps and first-hit
    // checks guard every append), so each list's capacity is its index range.
    @usableFromInline var touchedPatterns: IndexList
    @usableFromInline var touchedRegexes: IndexList
    @usableFromInline var touchedAgents: IndexList
    @usableFromInline var candidates: IndexList
    @usableFromInline var diagnostics: [ScanDiagnostic] = []
    /// Candidate rules that did not fire, recorded only when evidence is asked for.
    @usableFromInline var nearMisses: [Int32] = []
    @usableFromInline var settled = Settled()
    @usableFromInline var stamp: UInt32 = 0

    init(patterns: Int, regexes: Int, agents: Int, rules: Int) {
        touchedPatterns = IndexList(capacity: patterns)
        touchedRegexes = IndexList(capacity: regexes)
        touchedAgents = IndexList(capacity: agents)
        candidates = IndexList(capacity: rules)
    }

    func deallocate() {
        folded.deallocate()
        offsets.deallocate()
        touchedPatterns.deallocate()
        touchedRegexes.deallocate()
        touchedAgents.deallocate()
        candidates.deallocate()
    }

    @inline(__always) func start(_ f: Int) -> Int { f == 0 ? fieldStart.0 : f == 1 ? fieldStart.1 : fieldStart.2 }
    @inline(__always) func count(_ f: Int) -> Int { f == 0 ? fieldCount.0 : f == 1 ? fieldCount.1 : fieldCount.2 }
    @inline(__always) func mapped(_ f: Int) -> Bool { f == 0 ? fieldMapped.0 : f == 1 ? fieldMapped.1 : fieldMapped.2 }
    @inline(__always) func present(_ f: Int) -> Bool { f == 0 ? fieldPresent.0 : f == 1 ? fieldPresent.1 : fieldPresent.2 }
    @inline(__always) func valid(_ f: Int) -> Bool { f == 0 ? originalValid.0 : f == 1 ? originalValid.1 : originalValid.2 }
    @inline(__always) func originalField(_ f: Int) -> UnsafeBufferPointer<UInt8> { f == 0 ? original.0 : f == 1 ? original.1 : original.2 }

    @inline(__always) func isFolded(_ f: Int) -> Bool { f == 0 ? fieldFolded.0 : f == 1 ? fieldFolded.1 : fieldFolded.2 }

    /// The folded text of a field; the field must be folded (`ensureFolded`).
    @inline(__always)
    func foldedField(_ f: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: folded + start(f), count: count(f))
    }

    /// What the automaton scans: the folded text, or the original when the
    /// field is ASCII and not folded yet (the same bytes up to ASCII case).
    @inline(__always)
    func scanText(_ f: Int) -> UnsafeBufferPointer<UInt8> {
        isFolded(f) ? foldedField(f) : originalField(f)
    }

    /// Folds an ASCII field into its reserved place, if not done yet.
    @inline(__always)
    mutating func ensureFolded(_ f: Int) {
        if isFolded(f) { return }
        _ = CaseFolding.fold(originalField(f), into: folded + start(f))
        switch f {
        case 0: fieldFolded.0 = true
        case 1: fieldFolded.1 = true
        default: fieldFolded.2 = true
        }
    }

    mutating func ensureCapacity(_ total: Int) {
        let need = total * 3 + 16
        if need > foldedCapacity {
            folded.deallocate()
            foldedCapacity = max(need, foldedCapacity * 2)
            folded = .allocate(capacity: foldedCapacity)
        }
    }

    mutating func ensureOffsetsCapacity() {
        if offsetsCapacity < foldedCapacity + 1 {
            offsets.deallocate()
            offsetsCapacity = foldedCapacity + 1
            offsets = .allocate(capacity: offsetsCapacity)
        }
    }

    /// Maps a folded offset within field `f` to the original offset.
    @inline(__always)
    func originalOffset(_ f: Int, _ foldedOffset: Int) -> Int {
        guard mapped(f) else { return foldedOffset }
        return Int(offsets[start(f) + foldedOffset])
    }

    /// Maps a folded end offset to the original end: the end of the original
    /// scalar that produced the last folded byte.
    @inline(__always)
    func originalEnd(_ f: Int, _ foldedStart: Int, _ foldedEnd: Int) -> Int {
        guard mapped(f) else { return foldedEnd }
        if foldedEnd <= foldedStart { return originalOffset(f, foldedEnd) }
        if foldedEnd == count(f) { return originalField(f).count }
        let startOfLast = Int(offsets[start(f) + foldedEnd - 1])
        let nextOriginal = Int(offsets[start(f) + foldedEnd])
        if nextOriginal != startOfLast { return nextOriginal }
        // The match ends inside the expansion of one original scalar: include all of it.
        return startOfLast + UTF8Decoding.decode(originalField(f), at: startOfLast).1
    }
}
