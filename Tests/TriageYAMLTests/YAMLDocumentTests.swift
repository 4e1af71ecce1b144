import Foundation
import Testing
import TriageCore
import TriageYAML

/// TriageCore's, not the testing library's.
typealias Location = TriageCore.SourceLocation

// MARK: - A compact, exact rendering of a tree

/// Renders every fact of a node: kind, scalar style (P plain, S single-,
/// D double-quoted, L literal, F folded), text, tag and 1-based position.
/// `{@1:1 P"a"@1:1: P"b"@1:4}` is the mapping `a: b`.
func dump(_ node: YAMLNode) -> String {
    let tag = node.tag.map { $0 + " " } ?? ""
    let at = "@\(node.location.line):\(node.location.column)"
    switch node.kind {
    case .scalar(let text, let style):
        let letter =
            switch style {
            case .plain: "P"
            case .singleQuoted: "S"
            case .doubleQuoted: "D"
            case .literal: "L"
            case .folded: "F"
            }
        return tag + letter + escaped(text) + at
    case .sequence(let items):
        return tag + "[" + at + items.map { " " + dump($0) }.joined(separator: ",") + "]"
    case .mapping(let pairs):
        return tag + "{" + at + pairs.map { " " + dump($0.key) + ": " + dump($0.value) }.joined(separator: ",") + "}"
    }
}

private func escaped(_ text: String) -> String {
    var out = "\""
    for c in text.unicodeScalars {
        switch c {
        case "\\": out += "\\\\"
        case "\"": out += "\\\""
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        default: out.unicodeScalars.append(c)
        }
    }
    return out + "\""
}

// MARK: - Valid documents

struct TreeCase: Sendable, CustomTestStringConvertible {
    var name: String
    var yaml: String
    var tree: String
    var testDescription: String { name }
}

let treeCases: [TreeCase] = [
    TreeCase(
        name: "block mapping and sequence with empty values",
        yaml: """
            a: b
            c:
            d: ~
            e: ''
            list:
              - x
              -
              - z
            """,
        tree: #"{@1:1 P"a"@1:1: P"b"@1:4, P"c"@2:1: P""@2:3, P"d"@3:1: P"~"@3:4, P"e"@4:1: S""@4:4, "#
            + #"P"list"@5:1: [@6:3 P"x"@6:5, P""@7:4, P"z"@8:5]}"#),
    TreeCase(
        name: "sequence of mappings, the shape of a rules list",
        yaml: """
            - id: a
              score: 1
            - id: b
              tags: [x, y]
            - - nested
              - seq
            """,
        tree: #"[@1:1 {@1:3 P"id"@1:3: P"a"@1:7, P"score"@2:3: P"1"@2:10}, "#
            + #"{@3:3 P"id"@3:3: P"b"@3:7, P"tags"@4:3: [@4:9 P"x"@4:10, P"y"@4:13]}, "#
            + #"[@5:3 P"nested"@5:5, P"seq"@6:5]]"#),
    TreeCase(
        name: "flow collections",
        yaml: """
            flow: {a: 1, b: [x, 'y', "z"], c}
            empty: {}
            none: []
            nested: [a, {b: c}, [d]]
            """,
        tree: #"{@1:1 P"flow"@1:1: {@1:7 P"a"@1:8: P"1"@1:11, P"b"@1:14: [@1:17 P"x"@1:18, S"y"@1:21, D"z"@1:26], "#
            + #"P"c"@1:32: P""@1:33}, P"empty"@2:1: {@2:8}, P"none"@3:1: [@3:7], "#
            + #"P"nested"@4:1: [@4:9 P"a"@4:10, {@4:13 P"b"@4:14: P"c"@4:17}, [@4:21 P"d"@4:22]]}"#),
    TreeCase(
        name: "flow sequence over several lines",
        yaml: """
            tags: [
              one,
              two
            ]
            """,
        tree: #"{@1:1 P"tags"@1:1: [@1:7 P"one"@2:3, P"two"@3:3]}"#),
    TreeCase(
        name: "literal and folded block scalars with chomping",
        yaml: """
            lit: |
              one
              two
            fold: >
              one
              two

              three
            keep: |+
              a

            strip: >-
              b
            last: x
            """,
        tree: #"{@1:1 P"lit"@1:1: L"one\ntwo\n"@1:6, P"fold"@4:1: F"one two\nthree\n"@4:7, "#
            + #"P"keep"@9:1: L"a\n\n"@9:7, P"strip"@12:1: F"b"@12:8, P"last"@14:1: P"x"@14:7}"#),
    TreeCase(
        name: "literal block scalar with an indentation indicator",
        yaml: """
            a: |2
                 lead
                b
            """,
        tree: #"{@1:1 P"a"@1:1: L"   lead\n  b"@1:4}"#),
    TreeCase(
        name: "multi-line plain, double- and single-quoted scalars",
        yaml: #"""
            plain: one
              two

              three
            dq: "a\tb\n\
              c \"q\" \u00e9"
            sq: 'it''s
              here'
            """#,
        tree: #"{@1:1 P"plain"@1:1: P"one two\nthree"@1:8, P"dq"@5:1: D"a\tb\nc \"q\" é"@5:5, "#
            + #"P"sq"@7:1: S"it's here"@7:5}"#),
    TreeCase(
        name: "quoting keeps values that look like other types",
        yaml: """
            a: yes
            b: 'yes'
            c: 123
            d: "123"
            """,
        tree: #"{@1:1 P"a"@1:1: P"yes"@1:4, P"b"@2:1: S"yes"@2:4, P"c"@3:1: P"123"@3:4, P"d"@4:1: D"123"@4:4}"#),
    TreeCase(
        name: "comments",
        yaml: """
            # leading comment
            a: b # trailing
            # between
            list: # after a key
              - x # after an item
              # inside
              - "y" # after a quoted item
            c: "# not a comment"
            d: a#b
            """,
        tree: #"{@2:1 P"a"@2:1: P"b"@2:4, P"list"@4:1: [@5:3 P"x"@5:5, D"y"@7:5], "#
            + ##"P"c"@8:1: D"# not a comment"@8:4, P"d"@9:1: P"a#b"@9:4}"##),
    TreeCase(
        name: "anchors and aliases are copies that keep the anchor's positions",
        yaml: """
            base: &b {x: 1}
            use: *b
            s: &s hello
            t: *s
            list: &l [a, *s]
            again: *l
            """,
        tree: #"{@1:1 P"base"@1:1: {@1:7 P"x"@1:11: P"1"@1:14}, P"use"@2:1: {@1:7 P"x"@1:11: P"1"@1:14}, "#
            + #"P"s"@3:1: P"hello"@3:4, P"t"@4:1: P"hello"@3:4, "#
            + #"P"list"@5:1: [@5:7 P"a"@5:11, P"hello"@3:4], P"again"@6:1: [@5:7 P"a"@5:11, P"hello"@3:4]}"#),
    TreeCase(
        name: "an alias names the latest anchor of that name",
        yaml: """
            a: &x 1
            b: *x
            c: &x 2
            d: *x
            """,
        tree: #"{@1:1 P"a"@1:1: P"1"@1:4, P"b"@2:1: P"1"@1:4, P"c"@3:1: P"2"@3:4, P"d"@4:1: P"2"@3:4}"#),
    TreeCase(
        name: "explicit tags",
        yaml: """
            tagged: !!str 12
            local: !thing x
            seq: !!seq [a]
            map: !!map {k: v}
            nonspecific: ! x
            quoted: !!int "7"
            """,
        tree: #"{@1:1 P"tagged"@1:1: !!str P"12"@1:9, P"local"@2:1: !thing P"x"@2:8, "#
            + #"P"seq"@3:1: !!seq [@3:6 P"a"@3:13], P"map"@4:1: !!map {@4:6 P"k"@4:13: P"v"@4:16}, "#
            + #"P"nonspecific"@5:1: ! P"x"@5:14, P"quoted"@6:1: !!int D"7"@6:9}"#),
    TreeCase(
        name: "a %TAG directive expands its handle",
        yaml: """
            %TAG !e! tag:example.com,2024:
            ---
            a: !e!widget x
            """,
        tree: #"{@3:1 P"a"@3:1: tag:example.com,2024:widget P"x"@3:4}"#),
    TreeCase(
        name: "document start and end markers",
        yaml: """
            %YAML 1.1
            ---
            a: 1
            ...
            """,
        tree: #"{@3:1 P"a"@3:1: P"1"@3:4}"#),
    TreeCase(name: "a scalar on the document start line", yaml: "--- hello\n", tree: #"P"hello"@1:5"#),
    TreeCase(name: "an empty file is null", yaml: "", tree: #"P""@1:1"#),
    TreeCase(name: "a file of comments is null", yaml: "# nothing\n\n# here\n", tree: #"P""@1:1"#),
    TreeCase(name: "a lone document marker is null", yaml: "---\n", tree: #"P""@2:1"#),
    TreeCase(name: "a root sequence", yaml: "[a, b]", tree: #"[@1:1 P"a"@1:2, P"b"@1:5]"#),
    TreeCase(name: "a root scalar", yaml: "just text\n", tree: #"P"just text"@1:1"#),
    TreeCase(
        name: "explicit keys",
        yaml: """
            ? a
            : b
            ? c
            """,
        tree: #"{@1:1 P"a"@1:3: P"b"@2:3, P"c"@3:3: P""@4:1}"#),
    TreeCase(name: "a quoted \"<<\" is an ordinary key", yaml: "'<<': x\n", tree: #"{@1:1 S"<<"@1:1: P"x"@1:7}"#),
    TreeCase(name: "\"<<\" as a value is just text", yaml: "a: <<\n", tree: #"{@1:1 P"a"@1:1: P"<<"@1:4}"#),
    TreeCase(
        name: "a UTF-8 byte order mark is skipped and not counted",
        yaml: "\u{FEFF}a: b\nc: d\n",
        tree: #"{@1:1 P"a"@1:1: P"b"@1:4, P"c"@2:1: P"d"@2:4}"#),
    TreeCase(
        name: "CR LF line ends",
        yaml: "a: b\r\nc:\r\n  - d\r\n",
        tree: #"{@1:1 P"a"@1:1: P"b"@1:4, P"c"@2:1: [@3:3 P"d"@3:5]}"#),
    TreeCase(
        name: "columns count characters, not bytes",
        yaml: "ключ: значение\nb: 😀 x\nc: d\n",
        tree: #"{@1:1 P"ключ"@1:1: P"значение"@1:7, P"b"@2:1: P"😀 x"@2:4, P"c"@3:1: P"d"@3:4}"#),
]

@Test(arguments: treeCases)
func parsesValidDocument(_ c: TreeCase) throws {
    let node = try YAMLDocument.parse(c.yaml, file: "t.yaml")
    #expect(dump(node) == c.tree)
    #expect(node.location.file == "t.yaml")
}

@Test func treeEqualsOneBuiltByHand() throws {
    func at(_ line: Int, _ column: Int) -> Location { Location(file: "p.yaml", line: line, column: column) }
    let expected = YAMLNode(
        .mapping([
            YAMLNode.Pair(
                key: YAMLNode(.scalar("tags", style: .plain), location: at(1, 1)),
                value: YAMLNode(
                    .sequence([
                        YAMLNode(.scalar("a", style: .plain), location: at(2, 5)),
                        YAMLNode(.scalar("b", style: .doubleQuoted), location: at(3, 5), tag: "!!str"),
                    ]), location: at(2, 3)))
        ]), location: at(1, 1))
    #expect(try YAMLDocument.parse("tags:\n  - a\n  - !!str \"b\"\n", file: "p.yaml") == expected)
}

// MARK: - Invalid documents

struct ErrorCase: Sendable, CustomTestStringConvertible {
    var name: String
    var yaml: [UInt8]
    /// The whole `description`: `file:line:col: message`.
    var error: String
    var limits = YAMLLimits()
    var testDescription: String { name }

    init(_ name: String, _ yaml: String, _ error: String, limits: YAMLLimits = YAMLLimits()) {
        self.init(name, bytes: Array(yaml.utf8), error, limits: limits)
    }

    init(_ name: String, bytes: [UInt8], _ error: String, limits: YAMLLimits = YAMLLimits()) {
        self.name = name
        self.yaml = bytes
        self.error = error
        self.limits = limits
    }
}

let syntaxErrorCases: [ErrorCase] = [
    ErrorCase(
        "a sequence item loses its dash", "list:\n  - a\n  b: c\n",
        "t.yaml:3:3: did not find expected '-' indicator (while parsing a block collection at 2:3)"),
    ErrorCase(
        "a tab indents a key", "\ta: b\n",
        "t.yaml:1:1: found character that cannot start any token (while scanning for the next token at 1:1)"),
    ErrorCase(
        "an unterminated double-quoted scalar", "a: b\nc: \"open",
        "t.yaml:2:9: found unexpected end of stream (while scanning a quoted scalar at 2:4)"),
    ErrorCase(
        "an unterminated single-quoted scalar", "- a\n- 'b",
        "t.yaml:2:5: found unexpected end of stream (while scanning a quoted scalar at 2:3)"),
    ErrorCase(
        "an unclosed flow sequence", "a: [b, c\n",
        "t.yaml:2:1: did not find expected ',' or ']' (while parsing a flow sequence at 1:4)"),
    ErrorCase(
        "an extra closing bracket", "a: [b, c]]\n",
        "t.yaml:1:10: did not find expected key (while parsing a block mapping at 1:1)"),
    ErrorCase(
        "a key indented under a scalar value", "key: value\n  bad: indent\n",
        "t.yaml:2:6: mapping values are not allowed in this context"),
    ErrorCase(
        "a sequence item inside a mapping", "a: b\n- c\n",
        "t.yaml:2:1: did not find expected key (while parsing a block mapping at 1:1)"),
    ErrorCase(
        "a reserved indicator starts a plain scalar", "x: @foo\n",
        "t.yaml:1:4: found character that cannot start any token (while scanning for the next token at 1:4)"),
    ErrorCase(
        "an undefined tag handle", "a: !e!x b\n",
        "t.yaml:1:4: found undefined tag handle (while parsing a node at 1:4)"),
    ErrorCase(
        "an unknown escape", #"a: "\q""#,
        "t.yaml:1:5: found unknown escape character (while parsing a quoted scalar at 1:4)"),
]

let structureErrorCases: [ErrorCase] = [
    ErrorCase("a duplicate key", "a: b\na: c\n", #"t.yaml:2:1: duplicate key "a" (first defined at 1:1)"#),
    ErrorCase(
        "keys compare by text whatever their style", "id: 1\nname: x\n'id': 2\n",
        #"t.yaml:3:1: duplicate key "id" (first defined at 1:1)"#),
    ErrorCase(
        "a duplicate key in a nested flow mapping", "m:\n  k: 1\n  n: {k: 2, k: 3}\n",
        #"t.yaml:3:13: duplicate key "k" (first defined at 3:7)"#),
    ErrorCase(
        "a duplicate key in a rule", "rules:\n  - id: a\n    score: 1\n    id: b\n",
        #"t.yaml:4:5: duplicate key "id" (first defined at 2:5)"#),
    ErrorCase(
        "a second document", "a: 1\n---\nb: 2\n",
        "t.yaml:2:1: a second document starts here; a file holds exactly one document"),
    ErrorCase(
        "a second document after an end marker", "a: 1\n...\n---\nb: 2\n",
        "t.yaml:3:1: a second document starts here; a file holds exactly one document"),
    ErrorCase(
        "content after an end marker", "a: 1\n...\nb: 2\n",
        "t.yaml:3:1: did not find expected <document start>"),
    ErrorCase("an unknown alias", "x: *nope\n", "t.yaml:1:4: unknown alias *nope: no anchor &nope comes before it"),
    ErrorCase(
        "an alias before its anchor", "a: *x\nb: &x 1\n", "t.yaml:1:4: unknown alias *x: no anchor &x comes before it"),
    ErrorCase(
        "an alias inside its own anchor", "a: &a [b, *a]\n",
        "t.yaml:1:11: alias *a refers to a collection that contains it"),
    ErrorCase(
        "a merge key", "base: &b {x: 1}\nuse:\n  <<: *b\n  y: 2\n",
        #"t.yaml:3:3: merge keys are not supported (quote "<<" to use it as a plain key)"#),
    ErrorCase(
        "a merge key tagged explicitly", "!!merge x: {a: 1}\n",
        #"t.yaml:1:1: merge keys are not supported (quote "<<" to use it as a plain key)"#),
    ErrorCase(
        "a sequence as a key", "? [a]\n: b\n",
        "t.yaml:1:3: a mapping key must be a scalar, not a sequence (complex keys are not supported)"),
    ErrorCase(
        "a mapping as a key", "? {a: 1}\n: b\n",
        "t.yaml:1:3: a mapping key must be a scalar, not a mapping (complex keys are not supported)"),
    ErrorCase(
        "an alias to a mapping as a key", "a: &a {b: 1}\n*a : c\n",
        "t.yaml:2:1: a mapping key must be a scalar, not a mapping (complex keys are not supported)"),
]

let encodingErrorCases: [ErrorCase] = [
    ErrorCase(
        "an invalid leading byte", bytes: Array("a: b\nc: ".utf8) + [0xFF, 0x0A],
        "t.yaml:2:4: invalid leading UTF-8 octet 0xFF; the file must be valid UTF-8"),
    ErrorCase(
        "an invalid trailing byte after non-ASCII text", bytes: Array("ké: ".utf8) + [0xC3, 0x28, 0x0A],
        "t.yaml:1:6: invalid trailing UTF-8 octet 0x28; the file must be valid UTF-8"),
    ErrorCase(
        "an overlong encoding", bytes: Array("a: ".utf8) + [0xC0, 0x80, 0x0A],
        "t.yaml:1:4: invalid length of a UTF-8 sequence; the file must be valid UTF-8"),
    ErrorCase(
        "an encoded surrogate", bytes: Array("a: ".utf8) + [0xED, 0xA0, 0x80, 0x0A],
        "t.yaml:1:4: invalid Unicode character (U+D800); the file must be valid UTF-8"),
    ErrorCase(
        "a sequence cut short by the end of the file", bytes: Array("a: ".utf8) + [0xE2, 0x82],
        "t.yaml:1:4: incomplete UTF-8 octet sequence; the file must be valid UTF-8"),
    ErrorCase(
        "a NUL byte", bytes: Array("a: b".utf8) + [0x00],
        "t.yaml:1:5: control characters are not allowed (U+0000)"),
    ErrorCase(
        "after a byte order mark and CR LF line ends",
        bytes: [0xEF, 0xBB, 0xBF] + Array("a: 1\r\nb: 2\r\nc: ".utf8) + [0xFF],
        "t.yaml:3:4: invalid leading UTF-8 octet 0xFF; the file must be valid UTF-8"),
    ErrorCase(
        "a UTF-16 byte order mark", bytes: [0xFF, 0xFE, 0x61, 0x00, 0x3A, 0x00],
        "t.yaml:1:1: the file starts with a UTF-16 byte order mark; save it as UTF-8"),
]

let limitErrorCases: [ErrorCase] = [
    ErrorCase(
        "flow sequences nested one level too deep",
        String(repeating: "[", count: 65) + String(repeating: "]", count: 65),
        "t.yaml:1:65: collections are nested more than 64 levels deep"),
    ErrorCase(
        "block mappings nested too deep", "a:\n  b:\n    c:\n      d: x\n",
        "t.yaml:4:7: collections are nested more than 3 levels deep", limits: YAMLLimits(maxDepth: 3)),
    ErrorCase(
        "an alias that nests too deep where it is used", "a: &a [[x]]\nb:\n  c: *a\n",
        "t.yaml:3:6: alias *a nests collections more than 3 levels deep", limits: YAMLLimits(maxDepth: 3)),
    ErrorCase(
        "one node too many", "[a, b, c, d]",
        "t.yaml:1:11: the document has more than the limit of 4 nodes", limits: YAMLLimits(maxNodes: 4)),
    ErrorCase(
        "too much scalar text", "abcdefghijk",
        "t.yaml:1:1: the document has more than the limit of 10 bytes of scalar text",
        limits: YAMLLimits(maxTotalScalarBytes: 10)),
    ErrorCase(
        "too much scalar text through an alias", "a: &x 12345\nb: *x\n",
        "t.yaml:2:4: alias *x expands the document beyond the limit of 10 bytes of scalar text "
            + "(every alias counts as a copy of its anchored node)",
        limits: YAMLLimits(maxTotalScalarBytes: 10)),
]

@Test(arguments: syntaxErrorCases + structureErrorCases + encodingErrorCases + limitErrorCases)
func rejectsInvalidDocument(_ c: ErrorCase) {
    let error = #expect(throws: YAMLError.self) {
        try YAMLDocument.parse(c.yaml, file: "t.yaml", limits: c.limits)
    }
    #expect(error?.description == c.error)
    #expect(error?.message.first?.isLowercase == true, "messages start in lower case")
}

@Test func limitsAreInclusive() throws {
    let deepest = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
    #expect(throws: Never.self) { try YAMLDocument.parse(deepest, file: "t.yaml") }
    #expect(throws: Never.self) { try YAMLDocument.parse("[a, b, c]", file: "t.yaml", limits: YAMLLimits(maxNodes: 4)) }
    #expect(throws: Never.self) {
        try YAMLDocument.parse("a: &x 1234\nb: *x\n", file: "t.yaml", limits: YAMLLimits(maxTotalScalarBytes: 10))
    }
}

@Test func billionLaughsFailsFastAtTheAliasThatCrossesTheLimit() {
    // Each level is ten times the one before; level g would be 5.4 million nodes.
    var yaml = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    let names = Array("abcdefghi")
    for i in 1..<names.count {
        let alias = "*\(names[i - 1])"
        yaml += "\(names[i]): &\(names[i]) [" + Array(repeating: alias, count: 9).joined(separator: ", ") + "]\n"
    }
    // The limit is counted while aliases are resolved, so the parser stops at
    // the first alias past it (line 7) instead of building the 9^9-node tree.
    let error = #expect(throws: YAMLError.self) { try YAMLDocument.parse(yaml, file: "bomb.yaml") }
    #expect(
        error?.description
            == "bomb.yaml:7:16: alias *f expands the document beyond the limit of 2000000 nodes "
            + "(every alias counts as a copy of its anchored node)")
}

// MARK: - Conveniences

@Test(arguments: [
    ("a:", true), ("a: ~", true), ("a: null", true), ("a: Null", true), ("a: NULL", true),
    ("a: !!null ''", true), ("a: ''", false), ("a: 'null'", false), ("a: \"~\"", false),
    ("a: !!str", false), ("a: nil", false), ("a: [ ]", false),
])
func isNull(_ yaml: String, _ expected: Bool) throws {
    #expect(try YAMLDocument.parse(yaml, file: "t.yaml")["a"]?.isNull == expected)
}

@Test func lookupsAndAccessors() throws {
    let doc = try YAMLDocument.parse("id: x\ntags: [a]\nbase: &b {k: 'v'}\ncopy: *b\n", file: "t.yaml")
    #expect(doc.kindDescription == "a mapping")
    #expect(doc.mapping?.map { $0.key.scalar } == ["id", "tags", "base", "copy"])
    #expect(doc["id"]?.scalar == "x")
    #expect(doc["id"]?.isPlainScalar == true)
    #expect(doc.pair(forKey: "tags")?.key.location == Location(file: "t.yaml", line: 2, column: 1))
    #expect(doc["tags"]?.sequence?.map(\.scalar) == ["a"])
    #expect(doc["tags"]?.kindDescription == "a sequence")
    #expect(doc["base"]?["k"]?.scalarStyle == .singleQuoted)
    #expect(doc["base"]?["k"]?.isPlainScalar == false)
    #expect(doc["copy"] == doc["base"])
    #expect(doc["missing"] == nil)
    #expect(doc["id"]?["anything"] == nil)
    #expect(doc.scalar == nil && doc.sequence == nil)
}

@Test func errorDescriptionIsFileLineColumnMessage() {
    let error = YAMLError(location: Location(file: "pack.yaml", line: 3, column: 4), message: "bad thing")
    #expect(error.description == "pack.yaml:3:4: bad thing")
}

@Test func longKeysAreCutShortInMessages() throws {
    let key = String(repeating: "k", count: 100)
    let error = #expect(throws: YAMLError.self) { try YAMLDocument.parse("\(key): 1\n\(key): 2\n", file: "t.yaml") }
    #expect(error?.message == "duplicate key \"\(String(repeating: "k", count: 60))...\" (first defined at 1:1)")
}

// MARK: - Size and speed

/// A pack shaped like a real one, `rules` rules long (about 150 bytes each).
func generatedPack(rules: Int) -> String {
    var yaml = """
        name: generated
        version: "1.0"
        agents:
          - id: storage
            description: Storage team
        rules:

        """
    yaml.reserveCapacity(rules * 160)
    for i in 0..<rules {
        yaml += """
              - id: rule-\(i)
                score: \(i % 7).5
                when:
                  any:
                    - regex: 'disk \(i) (is )?full\\b'
                    - contains: "no space left"
                agents: {storage: 1}

            """
    }
    return yaml
}

/// Its speed is measured by the benchmarks (compile/10,000 generated rules), not here.
@Test func parsesATenThousandRulePack() throws {
    let bytes = Array(generatedPack(rules: 10_000).utf8)
    #expect((1_400_000...1_700_000).contains(bytes.count))
    let doc = try YAMLDocument.parse(bytes, file: "big.yaml")
    let rules = try #require(doc["rules"]?.sequence)
    #expect(rules.count == 10_000)
    #expect(rules.last?["id"]?.scalar == "rule-9999")
    #expect(rules.last?["id"]?.location.line == 7 + 9_999 * 7)
    #expect(rules.last?["when"]?["any"]?.sequence?.first?["regex"]?.scalar == #"disk 9999 (is )?full\b"#)
}
