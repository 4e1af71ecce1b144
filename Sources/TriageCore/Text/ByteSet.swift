/// A set of bytes (256 bits), for the byte classes of the regex analysis
/// (`RegexPrefilter.prefixBytes`, `RegexRunGate`): membership is one shift
/// and mask, cheap enough for a per-byte scan loop.
public struct ByteSet: Sendable, Hashable {
    /// Bits 0-63, 64-127, 128-191, 192-255.
    @usableFromInline var w0: UInt64
    @usableFromInline var w1: UInt64
    @usableFromInline var w2: UInt64
    @usableFromInline var w3: UInt64

    /// The empty set.
    @inlinable
    public init() {
        w0 = 0
        w1 = 0
        w2 = 0
        w3 = 0
    }

    public init<S: Sequence>(_ bytes: S) where S.Element == UInt8 {
        self.init()
        for b in bytes { insert(b) }
    }

    /// Every byte.
    public static let all: ByteSet = {
        var s = ByteSet()
        s.w0 = ~0
        s.w1 = ~0
        s.w2 = ~0
        s.w3 = ~0
        return s
    }()

    /// 0x80-0xFF: every byte of a UTF-8 encoded non-ASCII character.
    public static let nonASCII: ByteSet = {
        var s = ByteSet()
        s.w2 = ~0
        s.w3 = ~0
        return s
    }()

    @inlinable
    public func contains(_ b: UInt8) -> Bool {
        let word = b < 128 ? (b < 64 ? w0 : w1) : (b < 192 ? w2 : w3)
        return (word >> UInt64(b & 63)) & 1 != 0
    }

    @inlinable
    public mutating func insert(_ b: UInt8) {
        let bit = UInt64(1) << UInt64(b & 63)
        switch b >> 6 {
        case 0: w0 |= bit
        case 1: w1 |= bit
        case 2: w2 |= bit
        default: w3 |= bit
        }
    }

    public mutating func insert(_ range: ClosedRange<UInt8>) {
        for b in range { insert(b) }
    }

    public func union(_ other: ByteSet) -> ByteSet {
        var s = self
        s.formUnion(other)
        return s
    }

    public mutating func formUnion(_ other: ByteSet) {
        w0 |= other.w0
        w1 |= other.w1
        w2 |= other.w2
        w3 |= other.w3
    }

    public func intersection(_ other: ByteSet) -> ByteSet {
        var s = self
        s.w0 &= other.w0
        s.w1 &= other.w1
        s.w2 &= other.w2
        s.w3 &= other.w3
        return s
    }

    public var isFull: Bool { w0 & w1 & w2 & w3 == ~0 }
    public var isEmpty: Bool { w0 | w1 | w2 | w3 == 0 }
    public var count: Int { w0.nonzeroBitCount + w1.nonzeroBitCount + w2.nonzeroBitCount + w3.nonzeroBitCount }

    /// Whether some byte 0x80-0xFF is a member.
    public var containsNonASCII: Bool { w2 | w3 != 0 }

    /// The members in increasing order.
    public var members: [UInt8] { (0...255).filter { contains(UInt8($0)) }.map { UInt8($0) } }
}

extension ByteSet: CustomStringConvertible {
    /// A bracket expression: printable ASCII as itself (`\` `]` `-` `^`
    /// escaped), other bytes as `\xHH`, runs of four or more as ranges.
    public var description: String {
        func show(_ b: UInt8) -> String {
            switch b {
            case 0x5C, 0x5D, 0x2D, 0x5E: return "\\" + String(UnicodeScalar(b))
            case 0x20...0x7E: return String(UnicodeScalar(b))
            default:
                let hex = String(b, radix: 16, uppercase: true)
                return "\\x" + (hex.count == 1 ? "0" : "") + hex
            }
        }
        var out = "["
        var b = 0
        while b < 256 {
            guard contains(UInt8(b)) else {
                b += 1
                continue
            }
            var e = b
            while e < 255 && contains(UInt8(e + 1)) { e += 1 }
            if e - b >= 3 {
                out += show(UInt8(b)) + "-" + show(UInt8(e))
            } else {
                for k in b...e { out += show(UInt8(k)) }
            }
            b = e + 1
        }
        return out + "]"
    }
}
