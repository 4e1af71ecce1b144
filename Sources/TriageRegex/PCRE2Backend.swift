/// The PCRE2 regex backend, with JIT.
///
/// Every regex is compiled in UTF mode and JIT-compiled when the platform
/// supports it. Searches always run with a match context that carries the
/// pack's match, depth and heap limits: JIT ignores the depth limit, so the
/// match limit is what keeps a pathological pattern such as `(a+)+$` from
/// hanging a scan. A search that hits a limit reports it instead of failing.
import CPCRE2
import Synchronization
import TriageCore

public struct PCRE2Backend: RegexBackend {
    public init() {}

    public var name: String { "pcre2 \(PCRE2Backend.version)\(PCRE2Backend.jitAvailable ? " (jit)" : "")" }

    /// The library's version, such as `10.42 2022-12-11`.
    public static let version: String = {
        var buf = [UInt8](repeating: 0, count: 64)
        let n = pcre2_config_8(UInt32(PCRE2_CONFIG_VERSION), &buf)
        guard n > 0 else { return "unknown" }
        return String(decoding: buf.prefix(Int(n) - 1), as: UTF8.self)
    }()

    /// Whether this build of PCRE2 has JIT support.
    public static let jitAvailable: Bool = {
        var v: UInt32 = 0
        return pcre2_config_8(UInt32(PCRE2_CONFIG_JIT), &v) >= 0 && v == 1
    }()

    public func compile(_ pattern: String, options: RegexCompileOptions) throws(RegexCompileFailure) -> CompiledRegex {
        try PCRE2Regex(pattern: pattern, options: options)
    }

    public func makeScratch(limits: MatchLimits) -> RegexScratch {
        PCRE2Scratch(limits: limits)
    }

    /// PCRE2's message for an error code.
    static func message(for code: Int32) -> String {
        var buf = [UInt8](repeating: 0, count: 256)
        let n = pcre2_get_error_message_8(code, &buf, buf.count)
        return n > 0 ? String(decoding: buf.prefix(Int(n)), as: UTF8.self) : "pcre2 error \(code)"
    }
}

/// A compiled PCRE2 pattern, shared by every thread; each search brings its
/// own `PCRE2Scratch`.
///
/// Machine code is generated on the first search, not at compile time: the
/// JIT compiler is about 115,000 instructions and an `mmap` per pattern, most
/// of a pack's compile time once the literal analysis is cheap, and most of a
/// pack's regexes never run in a short session (`triage explain`, a server's
/// first requests) because their literals never occur. The anchored twins
/// the core asks for (`RegexCompileOptions.anchored`) are not even parsed
/// until first used: their unanchored pattern has compiled already, so they
/// cannot fail for a reason the pack's author needs to hear at load time.
///
/// `state` only moves forward (`pending`, `compiled`, then `jitted` or
/// `interpreted`), under `lock`. A search reads it with one acquiring load;
/// one that finds work left to do takes the lock, so no thread matches
/// against the code while `pcre2_jit_compile` rewrites it.
final class PCRE2Regex: CompiledRegex, @unchecked Sendable {  // see `state`
    private enum State: UInt8 {
        /// Not parsed yet (an anchored twin).
        case pending
        /// Parsed; the JIT not tried yet.
        case compiled
        /// Parsed and JIT-compiled.
        case jitted
        /// Parsed; the JIT is unavailable or refused the pattern.
        case interpreted
        /// A deferred parse failed.
        case failed
    }

    private let pattern: [UInt8]
    private let flags: UInt32
    /// Written once, under `lock`, before `state` moves past `pending`; read
    /// only after an acquiring load of `state` saw that.
    private var code: OpaquePointer?
    private var failure: String?
    private let state: Atomic<UInt8>
    private let lock = Mutex<Void>(())

    init(pattern: String, options: RegexCompileOptions) throws(RegexCompileFailure) {
        var flags = UInt32(PCRE2_UTF)
        if options.caseInsensitive { flags |= UInt32(PCRE2_CASELESS) }
        if options.options.contains(.multiline) { flags |= UInt32(PCRE2_MULTILINE) }
        if options.options.contains(.dotAll) { flags |= UInt32(PCRE2_DOTALL) }
        if options.options.contains(.extended) { flags |= UInt32(PCRE2_EXTENDED) }
        if options.options.contains(.unicodeClasses) { flags |= UInt32(PCRE2_UCP) }
        // Compile-time, not match-time: pcre2_jit_match ignores a match-time PCRE2_ANCHORED.
        if options.anchored { flags |= UInt32(PCRE2_ANCHORED) }
        self.pattern = Array(pattern.utf8)
        self.flags = flags
        if options.anchored {
            state = Atomic(State.pending.rawValue)
        } else {
            // Errors are reported where the pattern is written, at load time.
            code = try Self.compile(self.pattern, flags)
            state = Atomic(State.compiled.rawValue)
        }
        super.init()
    }

    deinit {
        if let code { pcre2_code_free_8(code) }
    }

    private static func compile(_ pattern: [UInt8], _ flags: UInt32) throws(RegexCompileFailure) -> OpaquePointer {
        var errorCode: Int32 = 0
        var errorOffset: Int = 0
        let compiled = pattern.withUnsafeBufferPointer { p in
            pcre2_compile_8(p.baseAddress ?? UnsafePointer(bitPattern: 1)!, p.count, flags, &errorCode, &errorOffset, nil)
        }
        guard let compiled else {
            throw RegexCompileFailure(message: PCRE2Backend.message(for: errorCode), offset: errorOffset)
        }
        return compiled
    }

    /// Compiles what is missing (the code of an anchored twin; the machine
    /// code when `jit`) and publishes the new state. Call under `lock`.
    private func prepareLocked(jit: Bool) -> State {
        var current = State(rawValue: state.load(ordering: .acquiring))!
        if current == .pending {
            do throws(RegexCompileFailure) {
                code = try Self.compile(pattern, flags)
                current = .compiled
            } catch {
                failure = error.message
                current = .failed
            }
        }
        if current == .compiled && jit {
            current = PCRE2Backend.jitAvailable && pcre2_jit_compile_8(code, UInt32(PCRE2_JIT_COMPLETE)) == 0
                ? .jitted : .interpreted
        }
        state.store(current.rawValue, ordering: .releasing)
        return current
    }

    override func firstMatch(
        in subject: UnsafeBufferPointer<UInt8>, from start: Int, validUTF8: Bool, scratch: RegexScratch
    ) -> RegexSearchResult {
        let current = State(rawValue: state.load(ordering: .acquiring))!
        switch current {
        case .jitted, .interpreted, .failed:
            return search(current, subject, start, validUTF8, scratch)
        case .pending, .compiled:
            // A search on text the caller has validated is the scan's, worth
            // the machine code. One on unchecked text (a compile-time probe)
            // runs on the interpreter without paying for it, under the lock so
            // that no JIT compile rewrites the code meanwhile.
            return lock.withLock { _ in
                search(prepareLocked(jit: validUTF8), subject, start, validUTF8, scratch)
            }
        }
    }

    private func search(
        _ current: State, _ subject: UnsafeBufferPointer<UInt8>, _ start: Int, _ validUTF8: Bool,
        _ scratch: RegexScratch
    ) -> RegexSearchResult {
        let s = unsafeDowncast(scratch, to: PCRE2Scratch.self)
        let base = subject.baseAddress ?? UnsafePointer(bitPattern: 1)!
        let opts: UInt32 = validUTF8 ? UInt32(PCRE2_NO_UTF_CHECK) : 0
        let rc: Int32
        switch current {
        case .jitted where validUTF8:
            rc = pcre2_jit_match_8(code, base, subject.count, start, opts, s.matchData, s.context)
        case .failed, .pending:
            return .failed(failure ?? "pattern did not compile")
        default:
            rc = pcre2_match_8(code, base, subject.count, start, opts, s.matchData, s.context)
        }
        if rc >= 0 {
            let ov = pcre2_get_ovector_pointer_8(s.matchData)!
            return .match(ov[0]..<max(ov[0], ov[1]))
        }
        switch rc {
        case PCRE2_ERROR_NOMATCH, PCRE2_ERROR_PARTIAL:
            return .noMatch
        case PCRE2_ERROR_MATCHLIMIT, PCRE2_ERROR_DEPTHLIMIT, PCRE2_ERROR_HEAPLIMIT, PCRE2_ERROR_JIT_STACKLIMIT:
            return .limitExceeded(PCRE2Backend.message(for: rc))
        default:
            return .failed(PCRE2Backend.message(for: rc))
        }
    }
}

/// Per-thread PCRE2 state: match data for one pair of offsets (only the
/// overall match is used), a match context carrying the limits, and a JIT
/// stack larger than the 32 KiB default so that deep but legitimate patterns
/// do not fail.
final class PCRE2Scratch: RegexScratch {
    let matchData: OpaquePointer
    let context: OpaquePointer
    private let jitStack: OpaquePointer?

    init(limits: MatchLimits) {
        matchData = pcre2_match_data_create_8(1, nil)!
        context = pcre2_match_context_create_8(nil)!
        pcre2_set_match_limit_8(context, limits.matchLimit)
        pcre2_set_depth_limit_8(context, limits.depthLimit)
        pcre2_set_heap_limit_8(context, limits.heapLimitKiB)
        jitStack = pcre2_jit_stack_create_8(32 * 1024, 1024 * 1024, nil)
        if let jitStack { pcre2_jit_stack_assign_8(context, nil, UnsafeMutableRawPointer(jitStack)) }
        super.init()
    }

    deinit {
        if let jitStack { pcre2_jit_stack_free_8(jitStack) }
        pcre2_match_context_free_8(context)
        pcre2_match_data_free_8(matchData)
    }
}
