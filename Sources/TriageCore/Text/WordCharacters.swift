/// What counts as a word character for whole-word keywords and phrases:
/// letters, digits and other numbers, combining marks, and connector
/// punctuation such as `_` (the Unicode `\w` of UTS #18).
public enum WordCharacters {
    @inlinable
    public static func isWord(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 { return asciiWord[Int(v)] }
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
            .decimalNumber, .letterNumber, .otherNumber, .nonspacingMark, .spacingMark, .enclosingMark,
            .connectorPunctuation:
            return true
        default:
            return false
        }
    }

    @usableFromInline
    static let asciiWord: [Bool] = (0..<128).map { c in
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F
    }

    /// Whether the scalar ending just before byte `i` of `b` is a word character (false at 0).
    @inlinable
    public static func wordBefore(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> Bool {
        guard i > 0 else { return false }
        let c = b[i - 1]
        if c < 0x80 { return asciiWord[Int(c)] }
        let start = UTF8Decoding.previousScalarStart(b, before: i)
        return isWord(UTF8Decoding.decode(b, at: start).0)
    }

    /// Whether the scalar starting at byte `i` of `b` is a word character (false at the end).
    @inlinable
    public static func wordAt(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> Bool {
        guard i < b.count else { return false }
        let c = b[i]
        if c < 0x80 { return asciiWord[Int(c)] }
        return isWord(UTF8Decoding.decode(b, at: i).0)
    }
}
