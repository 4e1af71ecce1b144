#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TriageCore

/// A growable byte buffer that is reused from one record to the next.
///
/// The parsers write decoded text straight into this storage, and the
/// classifier reads it back as an `UnsafeBufferPointer` without creating a
/// `String`. It is a class, not an `Array`, because the hot loops write
/// through a raw pointer after reserving room once per value: `Array.append`
/// would check uniqueness and capacity for every byte.
///
/// Not thread-safe; each worker owns its own buffers.
public final class ByteBuffer {
    /// Where the storage is and how much of it is used. Kept behind a pointer
    /// because stored `var`s of a class pay a dynamic exclusivity check on
    /// every access, which in the parsers' loops cost more than the work.
    @usableFromInline struct Storage {
        @usableFromInline var base: UnsafeMutablePointer<UInt8>
        @usableFromInline var count: Int
        @usableFromInline var capacity: Int
    }

    @usableFromInline let storage: UnsafeMutablePointer<Storage>

    /// The start of the storage; valid until the next call that grows it.
    @inlinable public var base: UnsafeMutablePointer<UInt8> { storage.pointee.base }
    /// The number of bytes in use.
    @inlinable public internal(set) var count: Int {
        get { storage.pointee.count }
        set { storage.pointee.count = newValue }
    }
    /// The number of bytes the storage can hold without growing.
    @inlinable public var capacity: Int { storage.pointee.capacity }

    public init(capacity: Int = 256) {
        let cap = max(capacity, 16)
        storage = .allocate(capacity: 1)
        storage.initialize(to: Storage(base: .allocate(capacity: cap), count: 0, capacity: cap))
    }

    deinit {
        storage.pointee.base.deallocate()
        storage.deallocate()
    }

    /// The bytes in use, valid until the buffer is next changed.
    @inlinable
    public var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    /// The contents as a `String`. The parsers only store valid UTF-8, so no
    /// repair happens here for their output.
    public var string: String { String(decoding: bytes, as: UTF8.self) }

    /// A copy of the contents.
    public var array: [UInt8] { Array(bytes) }

    public var isEmpty: Bool { count == 0 }

    /// Empties the buffer, keeping its storage.
    public func removeAll() { count = 0 }

    /// Makes room for at least `extra` more bytes and returns where they go.
    /// Callers that write through the pointer then set the new count with
    /// `commit(upTo:)`.
    public func reserveFree(_ extra: Int) -> UnsafeMutablePointer<UInt8> {
        if capacity - count < extra { grow(toAtLeast: count + extra) }
        return base + count
    }

    /// Sets the count so that the bytes end at `end`, a pointer into the storage.
    public func commit(upTo end: UnsafeMutablePointer<UInt8>) {
        count = end - base
    }

    func grow(toAtLeast needed: Int) {
        var cap = capacity
        while cap < needed { cap = cap &* 2 }
        let new = UnsafeMutablePointer<UInt8>.allocate(capacity: cap)
        new.update(from: base, count: count)
        base.deallocate()
        storage.pointee.base = new
        storage.pointee.capacity = cap
    }

    public func append(_ byte: UInt8) {
        if count == capacity { grow(toAtLeast: count + 1) }
        base[count] = byte
        count += 1
    }

    public func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let src = bytes.baseAddress, bytes.count > 0 else { return }
        let dst = reserveFree(bytes.count)
        dst.update(from: src, count: bytes.count)
        count += bytes.count
    }

    public func append(_ string: String) {
        var s = string
        s.withUTF8 { append($0) }
    }

    /// Replaces the contents with a copy of `other`'s.
    public func assign(_ other: ByteBuffer) {
        count = 0
        append(other.bytes)
    }

    /// Whether the contents equal `bytes`.
    public func equals(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count == count else { return false }
        guard count > 0, let b = bytes.baseAddress else { return true }
        return memcmp(base, b, count) == 0
    }
}

/// Copying bytes while replacing invalid UTF-8.
///
/// Input corpora are mostly valid UTF-8, but one stray Latin-1 byte should not
/// cost a whole incident: every byte that does not start a valid sequence is
/// replaced by U+FFFD (EF BF BD), one replacement per bad byte, the same rule
/// as `UTF8Decoding.decode` and the case folder, so offsets in messages line up
/// across the code base. The output is therefore always valid UTF-8 and later
/// stages may skip their own validation.
enum UTF8Repair {
    /// Appends `src` to `out`, replacing invalid sequences.
    static func append(_ src: UnsafeBufferPointer<UInt8>, to out: ByteBuffer) {
        guard let s = src.baseAddress, src.count > 0 else { return }
        let n = src.count
        let start = out.reserveFree(3 * n)
        var d = start
        var i = 0
        while i < n {
            // Copy the ASCII run with one memcpy.
            let runStart = i
            while i < n && s[i] < 0x80 { i += 1 }
            if i > runStart {
                d.update(from: s + runStart, count: i - runStart)
                d += i - runStart
            }
            if i < n {
                i += copyScalar(src, at: i, to: &d)
            }
        }
        out.count += d - start
    }

    /// Copies the non-ASCII sequence starting at `i` (or U+FFFD for an invalid
    /// byte) to `d`, advancing it; returns the number of input bytes used.
    @inline(__always)
    static func copyScalar(_ src: UnsafeBufferPointer<UInt8>, at i: Int, to d: inout UnsafeMutablePointer<UInt8>) -> Int {
        let (_, len) = UTF8Decoding.decode(src, at: i)
        if len > 1 {
            // A valid multi-byte sequence: copy it as it is.
            d.update(from: src.baseAddress! + i, count: len)
            d += len
        } else {
            // A byte >= 0x80 that decodes alone is never valid.
            d[0] = 0xEF
            d[1] = 0xBF
            d[2] = 0xBD
            d += 3
        }
        return len
    }
}
