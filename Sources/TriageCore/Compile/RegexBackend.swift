/// The seam between the core and a regex engine.
///
/// The core decides *when* a regex runs (only after the literal pass saw one
/// of its required literals) and *on what* (the case-folded text of one
/// field, or the original text for case-sensitive regexes); a backend decides
/// how. `TriageRegex` provides the PCRE2 backend.
public protocol RegexBackend: Sendable {
    /// A short name for messages and `--version` output, such as `pcre2-jit 10.42`.
    var name: String { get }

    /// Compiles `pattern`; throws a `RegexCompileFailure` saying why and where.
    func compile(_ pattern: String, options: RegexCompileOptions) throws(RegexCompileFailure) -> CompiledRegex

    /// Per-thread mutable state for searches (match data, JIT stack).
    func makeScratch(limits: MatchLimits) -> RegexScratch
}

/// What the core asks of a regex compile.
public struct RegexCompileOptions: Sendable, Hashable {
    public var caseInsensitive: Bool
    public var options: RegexOptions
    /// Match only at the start offset of a search. The core uses an anchored
    /// twin of a regex to try each place its literals occur.
    public var anchored: Bool

    public init(caseInsensitive: Bool, options: RegexOptions, anchored: Bool = false) {
        self.caseInsensitive = caseInsensitive
        self.options = options
        self.anchored = anchored
    }
}

/// Why a regex did not compile: the backend's message and the byte offset in
/// the pattern where it gave up.
public struct RegexCompileFailure: Error, Sendable, Hashable {
    public var message: String
    public var offset: Int

    public init(message: String, offset: Int) {
        self.message = message
        self.offset = offset
    }
}

/// A compiled regex, shared by every thread; a backend subclasses it.
///
/// A class rather than a protocol: the scan calls an engine through
/// `Unmanaged._withUnsafeGuaranteedRef`, without retaining it, which an
/// existential does not allow. Every thread scans with the same engines, and
/// with two threads the retains and releases of their reference counts
/// contended for the cache line: an eighth of the scan's time.
open class CompiledRegex: @unchecked Sendable {  // subclasses are immutable or synchronise themselves
    public init() {}

    /// Finds the leftmost match in `subject` at or after `start`. The subject
    /// is valid UTF-8 when `validUTF8` is true (the backend may then skip its
    /// own check). The scan's searches are all validated; a backend may keep
    /// work that only pays off over many searches (PCRE2's JIT) for those.
    open func firstMatch(
        in subject: UnsafeBufferPointer<UInt8>, from start: Int, validUTF8: Bool, scratch: RegexScratch
    ) -> RegexSearchResult {
        fatalError("\(Self.self) must override firstMatch")
    }
}

/// Mutable per-thread search state; a backend subclasses it (a class for the
/// same reason as `CompiledRegex`).
open class RegexScratch {
    public init() {}
}

/// The outcome of one regex search.
public enum RegexSearchResult: Sendable, Hashable {
    case match(Range<Int>)
    case noMatch
    /// A limit stopped the search (backtracking, depth, heap): treated as no
    /// match and reported in the verdict's diagnostics.
    case limitExceeded(String)
    /// Any other runtime failure, reported the same way.
    case failed(String)
}
