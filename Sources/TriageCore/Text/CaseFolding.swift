/// Unicode case folding, the one text normalisation every pattern sees.
///
/// Folding is per scalar and context free, so folding a substring gives the
/// same bytes as the corresponding part of the folded whole: that is what lets
/// one automaton scan the folded text for folded keywords, and lets literals
/// extracted from a regex prefilter the folded text.
///
/// The mapping is the Unicode lowercase mapping with the exceptions where full
/// case folding (CaseFolding.txt, statuses C and F) differs for scripts in
/// common use: `ß`/`ẞ` → `ss`, final sigma → sigma, long s → s, the Greek
/// symbol variants and the Latin ligatures. Cherokee, which folds to
/// upper case, is left as lowercased.
public enum CaseFolding {
    /// Folds a string.
    public static func fold(_ s: String) -> String {
        String(decoding: foldedUTF8(s), as: UTF8.self)
    }

    /// The UTF-8 bytes of `fold(s)`.
    public static func foldedUTF8(_ s: String) -> [UInt8] {
        var s = s
        return s.withUTF8 { input in
            var out = [UInt8]()
            out.reserveCapacity(input.count)
            var i = 0
            while i < input.count {
                let b = input[i]
                if b < 0x80 {
                    out.append(b &+ (b &- 0x41 < 26 ? 0x20 : 0))
                    i += 1
                } else {
                    let (scalar, len) = UTF8Decoding.decode(input, at: i)
                    appendFolded(scalar, to: &out)
                    i += len
                }
            }
            return out
        }
    }

    /// Whether folding changes `s`.
    public static func changes(_ s: String) -> Bool { Array(s.utf8) != foldedUTF8(s) }

    /// Appends the folded UTF-8 of one non-ASCII-or-ASCII scalar.
    public static func appendFolded(_ scalar: Unicode.Scalar, to out: inout [UInt8]) {
        let v = scalar.value
        if v < 0x80 {
            let b = UInt8(v)
            out.append(b &+ (b &- 0x41 < 26 ? 0x20 : 0))
            return
        }
        switch foldTable.lookup(v) {
        case .same:
            appendUTF8(scalar, to: &out)
        case .single(let f):
            appendUTF8(f, to: &out)
        case .multiple(let scalars):
            for f in scalars { appendUTF8(f, to: &out) }
        }
    }

    /// Folds `input` into `output`, which must have room for `3 * input.count`
    /// bytes (an invalid byte becomes U+FFFD, three bytes). Returns the number
    /// of bytes written and whether offsets in the output differ from offsets
    /// in the input: some scalar changed its UTF-8 length, or became several
    /// scalars (`ß` → `ss`: same length, but a match of the second `s` alone
    /// must map back to the whole `ß`).
    @inlinable
    public static func fold(
        _ input: UnsafeBufferPointer<UInt8>, into output: UnsafeMutablePointer<UInt8>
    ) -> (count: Int, lengthChanged: Bool) {
        let n = input.count
        guard let base = input.baseAddress else { return (0, false) }
        var i = 0
        var o = 0
        var changed = false
        while i < n {
            // Sixteen ASCII bytes at a time: lower-case A-Z with SWAR arithmetic
            // on two words. (Swift's portable SIMD types did not lower to vector
            // code here and ran about 25 times slower than this.)
            if i + 16 <= n {
                let w0 = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                let w1 = UnsafeRawPointer(base + i + 8).loadUnaligned(as: UInt64.self)
                if (w0 | w1) & 0x8080_8080_8080_8080 == 0 {
                    UnsafeMutableRawPointer(output + o).storeBytes(of: lowerASCII(w0), as: UInt64.self)
                    UnsafeMutableRawPointer(output + o + 8).storeBytes(of: lowerASCII(w1), as: UInt64.self)
                    i += 16
                    o += 16
                    continue
                }
            }
            // Eight ASCII bytes at a time: lower-case A-Z with SWAR arithmetic.
            if i + 8 <= n {
                let w = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                if w & 0x8080_8080_8080_8080 == 0 {
                    UnsafeMutableRawPointer(output + o).storeBytes(of: lowerASCII(w), as: UInt64.self)
                    i += 8
                    o += 8
                    continue
                }
            }
            let b = base[i]
            if b < 0x80 {
                output[o] = b &+ (b &- 0x41 < 26 ? 0x20 : 0)
                i += 1
                o += 1
                continue
            }
            let (written, consumed, aligned) = foldNonASCII(input, at: i, into: output + o)
            if !aligned { changed = true }
            i += consumed
            o += written
        }
        return (o, changed)
    }

    /// Whether every byte is ASCII, eight at a time.
    @inlinable
    public static func isASCII(_ input: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = input.baseAddress else { return true }
        let n = input.count
        var i = 0
        var acc: UInt64 = 0
        while i + 8 <= n {
            acc |= UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            i += 8
        }
        while i < n {
            acc |= UInt64(base[i])
            i += 1
        }
        return acc & 0x8080_8080_8080_8080 == 0
    }

    /// Lower-cases the A-Z bytes of eight ASCII bytes (every high bit clear).
    @inlinable @inline(__always)
    static func lowerASCII(_ w: UInt64) -> UInt64 {
        let geA = w &+ 0x3F3F_3F3F_3F3F_3F3F  // high bit set where byte >= 0x41
        let geZ1 = w &+ 0x2525_2525_2525_2525  // high bit set where byte >= 0x5B
        let upper = geA & ~geZ1 & 0x8080_8080_8080_8080
        return w | (upper >> 2)
    }

    /// Like `fold(_:into:)`, and records for every output byte the input offset
    /// of the scalar it came from, plus one final entry for the end.
    public static func fold(
        _ input: UnsafeBufferPointer<UInt8>, into output: UnsafeMutablePointer<UInt8>,
        offsets: UnsafeMutablePointer<Int32>
    ) -> Int {
        let n = input.count
        var i = 0
        var o = 0
        while i < n {
            let b = input[i]
            if b < 0x80 {
                output[o] = b &+ (b &- 0x41 < 26 ? 0x20 : 0)
                offsets[o] = Int32(i)
                i += 1
                o += 1
                continue
            }
            let (written, consumed, _) = foldNonASCII(input, at: i, into: output + o)
            for k in 0..<written { offsets[o + k] = Int32(i) }
            i += consumed
            o += written
        }
        offsets[o] = Int32(n)
        return o
    }

    @usableFromInline
    static func foldNonASCII(
        _ input: UnsafeBufferPointer<UInt8>, at i: Int, into out: UnsafeMutablePointer<UInt8>
    ) -> (written: Int, consumed: Int, aligned: Bool) {
        let (scalar, len) = UTF8Decoding.decode(input, at: i)
        let valid = !(scalar == "\u{FFFD}" && !UTF8Decoding.isEncodedReplacement(input, at: i))
        switch foldTable.lookup(scalar.value) {
        case .same:
            if valid {
                for k in 0..<len { out[k] = input[i + k] }
                return (len, len, true)
            }
            return (writeUTF8(scalar, to: out), len, false)
        case .single(let f):
            let w = writeUTF8(f, to: out)
            return (w, len, w == len)
        case .multiple(let fs):
            var w = 0
            for f in fs { w += writeUTF8(f, to: out + w) }
            return (w, len, false)
        }
    }

    static func appendUTF8(_ s: Unicode.Scalar, to out: inout [UInt8]) {
        out.append(contentsOf: UTF8.encode(s)!)
    }

    @usableFromInline
    static func writeUTF8(_ s: Unicode.Scalar, to out: UnsafeMutablePointer<UInt8>) -> Int {
        let v = s.value
        switch v {
        case 0..<0x80:
            out[0] = UInt8(v)
            return 1
        case 0x80..<0x800:
            out[0] = UInt8(0xC0 | (v >> 6))
            out[1] = UInt8(0x80 | (v & 0x3F))
            return 2
        case 0x800..<0x10000:
            out[0] = UInt8(0xE0 | (v >> 12))
            out[1] = UInt8(0x80 | ((v >> 6) & 0x3F))
            out[2] = UInt8(0x80 | (v & 0x3F))
            return 3
        default:
            out[0] = UInt8(0xF0 | (v >> 18))
            out[1] = UInt8(0x80 | ((v >> 12) & 0x3F))
            out[2] = UInt8(0x80 | ((v >> 6) & 0x3F))
            out[3] = UInt8(0x80 | (v & 0x3F))
            return 4
        }
    }

    @usableFromInline
    static let foldTable = FoldTable()
}

/// Fold results for non-ASCII scalars: a dense table for U+0080..U+07FF
/// (Latin, Greek, Cyrillic, Armenian, Hebrew, Arabic), computed once, and the
/// stdlib's case properties above that.
@usableFromInline
struct FoldTable: Sendable {
    @usableFromInline
    enum Result {
        case same
        case single(Unicode.Scalar)
        case multiple([Unicode.Scalar])
    }

    /// 0: unchanged; 0xFFFF_FFFF: see `exceptions`; otherwise the folded scalar.
    private let dense: [UInt32]

    private static let exceptions: [UInt32: [Unicode.Scalar]] = [
        0x00B5: ["\u{03BC}"], 0x00DF: ["s", "s"], 0x1E9E: ["s", "s"], 0x03C2: ["\u{03C3}"], 0x017F: ["s"], 0x0345: ["\u{03B9}"],
        0x1FBE: ["\u{03B9}"], 0x1E9B: ["\u{1E61}"], 0x03D0: ["\u{03B2}"], 0x03D1: ["\u{03B8}"],
        0x03D5: ["\u{03C6}"], 0x03D6: ["\u{03C0}"], 0x03F0: ["\u{03BA}"], 0x03F1: ["\u{03C1}"],
        0x03F5: ["\u{03B5}"], 0x1C80: ["\u{0432}"], 0x1C81: ["\u{0434}"], 0x1C82: ["\u{043E}"],
        0x1C83: ["\u{0441}"], 0x1C84: ["\u{0442}"], 0x1C85: ["\u{0442}"], 0x1C86: ["\u{044A}"],
        0x1C87: ["\u{0463}"], 0x1C88: ["\u{A64B}"], 0xFB00: ["f", "f"], 0xFB01: ["f", "i"], 0xFB02: ["f", "l"],
        0xFB03: ["f", "f", "i"], 0xFB04: ["f", "f", "l"], 0xFB05: ["s", "t"], 0xFB06: ["s", "t"],
    ]

    init() {
        var dense = [UInt32](repeating: 0, count: 0x800)
        for v in UInt32(0x80)..<0x800 {
            guard let s = Unicode.Scalar(v) else { continue }
            switch FoldTable.compute(s) {
            case .same: dense[Int(v)] = 0
            case .single(let f): dense[Int(v)] = f.value
            case .multiple: dense[Int(v)] = 0xFFFF_FFFF
            }
        }
        self.dense = dense
    }

    @usableFromInline
    func lookup(_ v: UInt32) -> Result {
        if v < 0x800 {
            let d = dense[Int(v)]
            if d == 0 { return .same }
            if d != 0xFFFF_FFFF { return .single(Unicode.Scalar(d)!) }
            return FoldTable.compute(Unicode.Scalar(v)!)
        }
        guard let s = Unicode.Scalar(v) else { return .same }
        return FoldTable.compute(s)
    }

    static func compute(_ s: Unicode.Scalar) -> Result {
        if let e = exceptions[s.value] { return e.count == 1 ? .single(e[0]) : .multiple(e) }
        guard s.properties.changesWhenLowercased else { return .same }
        var mapped = Array(s.properties.lowercaseMapping.unicodeScalars)
        // ẞ lowercases to ß, which folds further.
        mapped = mapped.flatMap { exceptions[$0.value] ?? [$0] }
        if mapped.count == 1 { return mapped[0] == s ? .same : .single(mapped[0]) }
        return .multiple(mapped)
    }
}
