import Foundation
import TriageCore
import TriageRegex
import TriageYAML

/// One compiled pack and the scratch spaces for scanning with it.
///
/// A request takes the current generation once and uses it to the end, so
/// a reload in the middle of a request changes nothing for that request:
/// it finishes on the pack it started with, and its scratch goes back to
/// that pack's pool (which is freed with the generation).
public final class PackGeneration: Sendable {
    public let pack: CompiledPack
    let scratches: ScratchPool

    init(pack: CompiledPack) {
        self.pack = pack
        scratches = ScratchPool(pack: pack)
    }

    public var metadata: PackMetadata { pack.metadata }

    /// Classifies with a scratch space borrowed from the pool.
    public func classify(_ incident: Incident, options: ClassifyOptions) -> Verdict {
        let scratch = scratches.take()
        defer { scratches.give(scratch) }
        return pack.classify(incident, scratch: scratch, options: options)
    }
}

/// Scratch spaces for one pack. A `ScanScratch` must not be used by two
/// threads at once, so each classification takes one and gives it back; a
/// few are kept (about one per thread that classifies at the same time).
final class ScratchPool: @unchecked Sendable {
    // Safe: `free` is only touched under `lock`, and a scratch handed out is
    // used by one caller until it is given back.
    private let lock = NSLock()
    private var free: [ScanScratch] = []
    private let pack: CompiledPack
    static let keep = 16

    init(pack: CompiledPack) { self.pack = pack }

    func take() -> ScanScratch {
        lock.lock()
        let s = free.popLast()
        lock.unlock()
        return s ?? pack.makeScratch()
    }

    func give(_ s: ScanScratch) {
        lock.lock()
        if free.count < Self.keep { free.append(s) }
        lock.unlock()
    }

    var idle: Int {
        lock.lock()
        defer { lock.unlock() }
        return free.count
    }
}

/// The rule pack in use, swapped whole on reload.
///
/// Reading the current generation is one lock-protected load. A reload
/// compiles the new pack outside that lock (requests go on with the old
/// one meanwhile) and then swaps it in; if the new pack has errors, the old
/// one stays. Reloads themselves are serialised.
public final class PackHolder: Sendable {
    /// Where reloads read the pack from; nil for a pack given in memory.
    public let path: String?
    private let state: Locked<PackGeneration>
    private let reloading = Locked<Void>(())

    public init(pack: CompiledPack, path: String? = nil) {
        self.path = path
        state = Locked(PackGeneration(pack: pack))
    }

    /// Loads and compiles the pack at `path`.
    public static func load(path: String) throws(PackErrors) -> PackHolder {
        let pack = try PackLoader.compile(path: path, backend: PCRE2Backend())
        prepareInBackground(pack)
        return PackHolder(pack: pack, path: path)
    }

    /// Generates the pack's regex machine code off the request path: each
    /// regex is otherwise compiled by the first request that searches it.
    static func prepareInBackground(_ pack: CompiledPack) {
        DispatchQueue.global(qos: .utility).async { pack.prepareEngines() }
    }

    public var current: PackGeneration { state.current }

    /// What a reload changed.
    public struct Reload: Sendable, Hashable {
        public var previous: PackMetadata
        public var current: PackMetadata
        public var changed: Bool { previous.hash != current.hash }
    }

    /// Reads the pack from `path` again and swaps it in. On errors the pack
    /// in use stays, and the errors are thrown.
    public func reload() throws(PackErrors) -> Reload {
        guard let path else { throw PackErrors([PackError(.io, "this pack was not loaded from a file")]) }
        return try reloading.withLock { (_) throws(PackErrors) -> Reload in
            let pack = try PackLoader.compile(path: path, backend: PCRE2Backend())
            Self.prepareInBackground(pack)
            return replace(with: pack)
        }
    }

    /// Swaps in a compiled pack.
    @discardableResult
    public func replace(with pack: CompiledPack) -> Reload {
        let next = PackGeneration(pack: pack)
        let previous = state.withLock { current in
            let old = current
            current = next
            return old
        }
        return Reload(previous: previous.metadata, current: pack.metadata)
    }
}
