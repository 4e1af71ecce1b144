/// Small UTF-8 helpers for scanning byte buffers without creating Strings.
public enum UTF8Decoding {
    /// Decodes the scalar starting at `i`; an invalid or truncated sequence
    /// decodes as U+FFFD with length 1, so scanning always advances.
    @inlinable
    public static func decode(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> (Unicode.Scalar, Int) {
        let n = b.count
        let c0 = UInt32(b[i])
        if c0 < 0x80 { return (Unicode.Scalar(UInt8(c0)), 1) }
        @inline(__always) func cont(_ k: Int) -> UInt32? {
            guard i + k < n else { return nil }
            let c = b[i + k]
            return c & 0xC0 == 0x80 ? UInt32(c & 0x3F) : nil
        }
        if c0 >= 0xC2 && c0 <= 0xDF, let c1 = cont(1) {
            return (Unicode.Scalar(((c0 & 0x1F) << 6) | c1)!, 2)
        }
        if c0 >= 0xE0 && c0 <= 0xEF, let c1 = cont(1), let c2 = cont(2) {
            let v = ((c0 & 0x0F) << 12) | (c1 << 6) | c2
            if v >= 0x800, let s = Unicode.Scalar(v) { return (s, 3) }
        }
        if c0 >= 0xF0 && c0 <= 0xF4, let c1 = cont(1), let c2 = cont(2), let c3 = cont(3) {
            let v = ((c0 & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3
            if v >= 0x10000, v <= 0x10FFFF, let s = Unicode.Scalar(v) { return (s, 4) }
        }
        return ("\u{FFFD}", 1)
    }

    /// Whether the bytes at `i` are a genuine encoding of U+FFFD (EF BF BD),
    /// as opposed to an invalid sequence that decodes to it.
    @inlinable
    public static func isEncodedReplacement(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> Bool {
        i + 2 < b.count && b[i] == 0xEF && b[i + 1] == 0xBF && b[i + 2] == 0xBD
    }

    /// The start of the scalar that ends just before `i` (`i` > 0).
    @inlinable
    public static func previousScalarStart(_ b: UnsafeBufferPointer<UInt8>, before i: Int) -> Int {
        var j = i - 1
        var steps = 0
        while j > 0 && b[j] & 0xC0 == 0x80 && steps < 3 {
            j -= 1
            steps += 1
        }
        return j
    }

    /// Whether `b` is valid UTF-8.
    public static func isValid(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        while i < b.count {
            if b[i] < 0x80 {
                i += 1
                continue
            }
            let (s, len) = decode(b, at: i)
            if s == "\u{FFFD}" && !isEncodedReplacement(b, at: i) { return false }
            i += len
        }
        return true
    }
}
