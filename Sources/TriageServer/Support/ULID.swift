import Foundation

/// A ULID: a 48-bit millisecond timestamp followed by 80 random bits, written
/// as 26 characters of Crockford base32 (https://github.com/ulid/spec).
///
/// Hand-written because no ULID package is available to this build, and the
/// format is small: two 64-bit halves, a fixed alphabet, and a generator that
/// stays monotonic within a millisecond.
public struct ULID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The first 64 bits: the timestamp (48) and the top 16 random bits.
    public let high: UInt64
    /// The last 64 random bits.
    public let low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// A ULID from a millisecond timestamp (only the low 48 bits are kept)
    /// and 80 random bits (`randomHigh`: the top 16, `randomLow`: the rest).
    public init(timestamp: UInt64, randomHigh: UInt16, randomLow: UInt64) {
        high = (timestamp & Self.maxTimestamp) << 16 | UInt64(randomHigh)
        low = randomLow
    }

    /// The largest timestamp a ULID holds: 2^48 - 1 ms, in the year 10889.
    public static let maxTimestamp: UInt64 = (1 << 48) - 1

    /// Milliseconds since 1970-01-01 UTC.
    public var timestamp: UInt64 { high >> 16 }

    public var date: Date { Date(timeIntervalSince1970: Double(timestamp) / 1000) }

    /// Crockford's base32: digits and capitals without I, L, O and U.
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    /// The 26-character canonical (upper-case) form.
    public var description: String {
        // 26 × 5 = 130 bits: the first character carries only the top 3.
        var out = [UInt8](repeating: 0, count: 26)
        for i in 0..<26 {
            out[i] = Self.alphabet[Int(fiveBits(at: 125 - 5 * i))]
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The 5 bits whose lowest bit is bit `shift` of the 128-bit value.
    private func fiveBits(at shift: Int) -> UInt64 {
        if shift >= 64 { return (high >> UInt64(shift - 64)) & 31 }
        if shift + 5 <= 64 { return (low >> UInt64(shift)) & 31 }
        return ((low >> UInt64(shift)) | (high << UInt64(64 - shift))) & 31
    }

    /// Parses a ULID. Lower case is accepted, and so are Crockford's aliases
    /// (I and L read as 1, O as 0); anything else, a wrong length, or a first
    /// character above 7 (more than 128 bits) is rejected.
    public init?(_ string: some StringProtocol) {
        let bytes = Array(string.utf8)
        guard bytes.count == 26 else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for (i, byte) in bytes.enumerated() {
            guard let v = Self.decode(byte) else { return nil }
            if i == 0 && v > 7 { return nil }
            // Shift the 128-bit value left by 5 and add v.
            high = high << 5 | low >> 59
            low = low << 5 | UInt64(v)
        }
        self.init(high: high, low: low)
    }

    static func decode(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0"), UInt8(ascii: "o"), UInt8(ascii: "O"): return 0
        case UInt8(ascii: "1"), UInt8(ascii: "i"), UInt8(ascii: "I"), UInt8(ascii: "l"), UInt8(ascii: "L"): return 1
        case UInt8(ascii: "2")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        default:
            let upper = byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") ? byte - 32 : byte
            guard let index = alphabet.firstIndex(of: upper) else { return nil }
            return UInt8(index)
        }
    }

    public static func < (a: ULID, b: ULID) -> Bool { (a.high, a.low) < (b.high, b.low) }
}

/// Makes ULIDs that sort in the order they were made, even within one
/// millisecond: a second ULID in the same millisecond (or after the clock
/// stepped back) is the previous one plus one in its random part; if that
/// part is exhausted, the timestamp moves on by a millisecond.
public final class ULIDGenerator: Sendable {
    private let state = Locked<ULID?>(nil)
    private let now: @Sendable () -> UInt64
    private let random: @Sendable () -> (UInt16, UInt64)

    /// - Parameters:
    ///   - now: milliseconds since 1970 (the system clock by default).
    ///   - random: 80 random bits (the system's generator by default).
    public init(
        now: @escaping @Sendable () -> UInt64 = { UInt64(max(0, Date().timeIntervalSince1970 * 1000)) },
        random: @escaping @Sendable () -> (UInt16, UInt64) = {
            var g = SystemRandomNumberGenerator()
            return (UInt16.random(in: .min ... .max, using: &g), UInt64.random(in: .min ... .max, using: &g))
        }
    ) {
        self.now = now
        self.random = random
    }

    public func next() -> ULID {
        let ms = now() & ULID.maxTimestamp
        return state.withLock { last in
            let id: ULID
            if let previous = last, ms <= previous.timestamp {
                id = Self.increment(previous)
            } else {
                let (h, l) = random()
                id = ULID(timestamp: ms, randomHigh: h, randomLow: l)
            }
            last = id
            return id
        }
    }

    /// The previous ULID plus one in its 80 random bits; when those overflow,
    /// the carry moves the timestamp on by one millisecond.
    static func increment(_ u: ULID) -> ULID {
        let (low, carry) = u.low.addingReportingOverflow(1)
        return ULID(high: carry ? u.high &+ 1 : u.high, low: low)
    }
}
