/// What counts as a word character for whole-word keywords and phrases:
/// letters, digits and other numbers, combining marks, and connector
/// punctuation such as `_` (the Unicode `\w` of UTS #18) — except in scripts
/// written without spaces between words (Han, Hiragana, Katakana, Thai, Lao,
/// Khmer, Myanmar), where a word boundary cannot be seen from the characters
/// alone. Their characters never count as word characters, so `障害` matches
/// inside `システム障害が発生`.
public enum WordCharacters {
    @inlinable
    public static func isWord(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 { return asciiWord[Int(v)] }
        if isUnspacedScript(v) { return false }
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
            .decimalNumber, .letterNumber, .otherNumber, .nonspacingMark, .spacingMark, .enclosingMark,
            .connectorPunctuation:
            return true
        default:
            return false
        }
    }

    /// Scripts that do not separate words with spaces.
    @inlinable
    static func isUnspacedScript(_ v: UInt32) -> Bool {
        switch v {
        case 0x0E00...0x0EFF,  // Thai, Lao
            0x1000...0x109F,  // Myanmar
            0x1780...0x17FF,  // Khmer
            0x3040...0x30FF, 0x31F0...0x31FF,  // Hiragana, Katakana
            0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF,  // Han
            0xFF66...0xFF9F,  // half-width Katakana
            0x20000...0x3FFFF:  // Han extensions
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
