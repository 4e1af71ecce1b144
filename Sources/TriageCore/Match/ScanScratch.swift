/// Per-thread mutable state for scanning with one `CompiledPack`.
///
/// Create one per thread with `CompiledPack.makeScratch()` and reuse it for
/// every incident: it owns the folded-text buffer, the per-pattern match
/// records, the regex backend's match data and the rule bookkeeping, so a
/// scan allocates almost nothing. A scratch must not be shared between
/// threads at the same time.
public final class ScanScratch {
    let pack: CompiledPack
    let regexScratch: any RegexScratch

    // Folded text of all fields, one after the other.
    var folded: UnsafeMutablePointer<UInt8>
    var foldedCapacity: Int
    /// For folded byte i (global index), the original byte offset within its field,
    /// filled only for fields whose folding changed lengths.
    var offsets: UnsafeMutablePointer<Int32>
    var offsetsCapacity: Int
    var fieldStart = [Int](repeating: 0, count: 3)
    var fieldCount = [Int](repeating: 0, count: 3)
    var fieldMapped = [Bool](repeating: false, count: 3)
    var fieldPresent = [Bool](repeating: false, count: 3)
    var originalValid = [Bool](repeating: true, count: 3)
    var original = [UnsafeBufferPointer<UInt8>](repeating: UnsafeBufferPointer(start: nil, count: 0), count: 3)

    // Per pattern: the fields it matched in, and its first span in each field
    // (original byte offsets within the field).
    let patternFields: UnsafeMutablePointer<UInt8>
    let spans: UnsafeMutablePointer<Int32>
    var touchedPatterns: [Int32] = []

    // Per regex and field: where the first of its literals started (folded offset), or -1.
    let regexHit: UnsafeMutablePointer<Int32>
    var touchedRegexes: [Int32] = []

    // Rules already queued for evaluation in this scan.
    let ruleStamp: UnsafeMutablePointer<UInt32>
    var stamp: UInt32 = 0
    var candidates: [Int32] = []

    // Summed agent weights; an agent's weight is current only when its stamp is this scan's.
    let agentWeight: UnsafeMutablePointer<Double>
    let agentStamp: UnsafeMutablePointer<UInt32>
    var touchedAgents: [Int32] = []

    var diagnostics: [ScanDiagnostic] = []

    /// Where the time went, when the scratch was made for profiling.
    public let profile: ScanProfile?

    init(pack: CompiledPack, profiling: Bool = false) {
        self.pack = pack
        profile = profiling ? ScanProfile(pack: pack) : nil
        regexScratch = pack.backend.makeScratch(limits: pack.limits)
        foldedCapacity = 4096
        folded = .allocate(capacity: foldedCapacity)
        offsetsCapacity = 0
        offsets = .allocate(capacity: 1)
        let np = max(pack.patterns.count, 1)
        patternFields = .allocate(capacity: np)
        patternFields.initialize(repeating: 0, count: np)
        spans = .allocate(capacity: np * 6)
        spans.initialize(repeating: 0, count: np * 6)
        let nr = max(pack.regexes.count, 1)
        regexHit = .allocate(capacity: nr * 3)
        regexHit.initialize(repeating: -1, count: nr * 3)
        let nrules = max(pack.rules.count, 1)
        ruleStamp = .allocate(capacity: nrules)
        ruleStamp.initialize(repeating: 0, count: nrules)
        let na = max(pack.agents.count, 1)
        agentWeight = .allocate(capacity: na)
        agentWeight.initialize(repeating: 0, count: na)
        agentStamp = .allocate(capacity: na)
        agentStamp.initialize(repeating: 0, count: na)
        touchedPatterns.reserveCapacity(64)
        touchedRegexes.reserveCapacity(64)
        candidates.reserveCapacity(64)
    }

    deinit {
        folded.deallocate()
        offsets.deallocate()
        patternFields.deallocate()
        spans.deallocate()
        regexHit.deallocate()
        ruleStamp.deallocate()
        agentWeight.deallocate()
        agentStamp.deallocate()
    }

    /// Clears what the previous scan left, touching only what it used.
    @inline(__always)
    func reset() {
        for p in touchedPatterns { patternFields[Int(p)] = 0 }
        touchedPatterns.removeAll(keepingCapacity: true)
        for r in touchedRegexes {
            let i = Int(r) * 3
            regexHit[i] = -1
            regexHit[i + 1] = -1
            regexHit[i + 2] = -1
        }
        touchedRegexes.removeAll(keepingCapacity: true)
        touchedAgents.removeAll(keepingCapacity: true)
        candidates.removeAll(keepingCapacity: true)
        if !diagnostics.isEmpty { diagnostics.removeAll() }
        stamp &+= 1
        if stamp == 0 {
            ruleStamp.update(repeating: 0, count: max(pack.rules.count, 1))
            agentStamp.update(repeating: 0, count: max(pack.agents.count, 1))
            stamp = 1
        }
    }

    func ensureCapacity(_ total: Int) {
        let need = total * 3 + 16
        if need > foldedCapacity {
            folded.deallocate()
            foldedCapacity = max(need, foldedCapacity * 2)
            folded = .allocate(capacity: foldedCapacity)
        }
    }

    func ensureOffsetsCapacity() {
        if offsetsCapacity < foldedCapacity + 1 {
            offsets.deallocate()
            offsetsCapacity = foldedCapacity + 1
            offsets = .allocate(capacity: offsetsCapacity)
        }
    }

    /// The folded text of a field.
    @inline(__always)
    func foldedField(_ f: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: folded + fieldStart[f], count: fieldCount[f])
    }

    /// Maps a folded offset within field `f` to the original offset.
    @inline(__always)
    func originalOffset(_ f: Int, _ foldedOffset: Int) -> Int {
        guard fieldMapped[f] else { return foldedOffset }
        return Int(offsets[fieldStart[f] + foldedOffset])
    }

    /// Maps a folded end offset to the original end: the end of the original
    /// scalar that produced the last folded byte.
    @inline(__always)
    func originalEnd(_ f: Int, _ foldedStart: Int, _ foldedEnd: Int) -> Int {
        guard fieldMapped[f] else { return foldedEnd }
        if foldedEnd <= foldedStart { return originalOffset(f, foldedEnd) }
        if foldedEnd == fieldCount[f] { return original[f].count }
        let startOfLast = Int(offsets[fieldStart[f] + foldedEnd - 1])
        let nextOriginal = Int(offsets[fieldStart[f] + foldedEnd])
        if nextOriginal != startOfLast { return nextOriginal }
        // The match ends inside the expansion of one original scalar: include all of it.
        return startOfLast + UTF8Decoding.decode(original[f], at: startOfLast).1
    }
}
