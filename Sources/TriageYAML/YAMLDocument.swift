import CYAML
import TriageCore

/// Parses one YAML document into a `YAMLNode` tree with source positions.
///
/// The tree is built from libyaml's event API (`yaml_parser_parse`) rather
/// than its document API (`yaml_parser_load`), for control:
///
/// - **Positions.** Every event carries a mark, including alias uses. The
///   document API turns an alias into the index of the anchored node, so
///   nothing would say where the alias was written when it is the problem.
/// - **Aliases.** The document API shares anchored nodes without limit, and
///   whoever walks the result pays for every copy: a few hundred bytes of
///   "billion laughs" become billions of nodes. Here each alias is counted as
///   the full copy it stands for *as it is read*, so an alias bomb stops at
///   the first alias that crosses `YAMLLimits.maxNodes`, before any tree is
///   walked. The tree itself shares storage between an anchor and its
///   aliases (Swift arrays and strings are copy-on-write), so the copies
///   cost no memory.
/// - **Failing early.** Depth, duplicate keys, merge keys and a second
///   document are reported at the event that shows them, with its position,
///   instead of after the whole file has been composed.
///
/// What a file may hold:
/// - UTF-8 text; a UTF-8 byte order mark is skipped. Invalid UTF-8 and
///   control characters are errors at the offending byte. (libyaml would also
///   take UTF-16, but the rest of the toolchain reads packs as UTF-8, so a
///   UTF-16 byte order mark is an error too.)
/// - At most one document. A file with no document at all (empty, or only
///   comments) parses as a null: a plain empty scalar at 1:1, which is also
///   what a lone `---` gives. The caller decides whether that is acceptable.
/// - Mapping keys that are scalars (the pack format has no use for
///   collections as keys), each once per mapping. Keys compare by text:
///   `id`, `'id'` and `"id"` are the same key, since the decoder reads every
///   key as a string.
/// - Anchors and aliases, resolved by copying the anchored node (the copy
///   keeps the original's positions). Merge keys (`<<: *base`) are an error
///   rather than a key called `<<`.
///
/// Lines and columns are 1-based; columns count Unicode scalars, as libyaml
/// does, not bytes.
public enum YAMLDocument {
    /// Parses `bytes` as the YAML file `file` (used only in locations).
    public static func parse(_ bytes: [UInt8], file: String, limits: YAMLLimits = .init()) throws(YAMLError) -> YAMLNode {
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            throw YAMLError(
                location: SourceLocation(file: file, line: 1, column: 1),
                message: "the file starts with a UTF-16 byte order mark; save it as UTF-8")
        }
        let result = bytes.withUnsafeBufferPointer { input in
            Result { () throws(YAMLError) -> YAMLNode in
                var builder = TreeBuilder(file: file, limits: limits)
                return try builder.run(input)
            }
        }
        return try result.get()
    }

    /// Parses the UTF-8 encoding of `text`.
    public static func parse(_ text: String, file: String, limits: YAMLLimits = .init()) throws(YAMLError) -> YAMLNode {
        try parse(Array(text.utf8), file: file, limits: limits)
    }
}

/// The state of one parse: collections still open, anchors seen so far, and
/// running totals checked against the limits.
private struct TreeBuilder {
    let file: String
    let limits: YAMLLimits

    /// A collection whose end event has not come yet.
    struct Frame {
        var isMapping: Bool
        var location: SourceLocation
        var tag: String?
        var anchor: String?
        var items: [YAMLNode] = []
        var pairs: [YAMLNode.Pair] = []
        /// A mapping's key, while its value is being read.
        var pendingKey: YAMLNode?
        /// A mapping's keys so far, for duplicate detection.
        var keys: [String: SourceLocation] = [:]
        /// The totals before this collection was counted: what they grow by
        /// until its end is its expanded size, which an alias to it adds.
        var nodesBefore: Int
        var bytesBefore: Int
        /// Levels of collections in this one, itself included.
        var height = 1
    }

    /// An anchored node and what one alias to it costs.
    struct Anchored {
        var node: YAMLNode
        var nodes: Int
        var bytes: Int
        var height: Int
    }

    var stack: [Frame] = []
    var anchors: [String: Anchored] = [:]
    var root: YAMLNode?
    var documents = 0
    /// Nodes and scalar bytes so far, aliases expanded.
    var nodes = 0
    var bytes = 0

    init(file: String, limits: YAMLLimits) {
        self.file = file
        self.limits = limits
    }

    mutating func run(_ input: UnsafeBufferPointer<UInt8>) throws(YAMLError) -> YAMLNode {
        // Heap-allocated so their addresses never change: the parser keeps a
        // pointer to itself as its read handler's data.
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        defer { parser.deallocate() }
        guard yaml_parser_initialize(parser) != 0 else {
            throw YAMLError(location: location(line: 1, column: 1), message: "out of memory starting the YAML parser")
        }
        defer { yaml_parser_delete(parser) }
        // libyaml asserts a non-null input even when it is empty.
        var empty: UInt8 = 0
        withUnsafePointer(to: &empty) { emptyPointer in
            yaml_parser_set_input_string(parser, input.baseAddress ?? emptyPointer, input.count)
        }

        let event = UnsafeMutablePointer<yaml_event_t>.allocate(capacity: 1)
        defer { event.deallocate() }
        while true {
            // On failure libyaml leaves the event empty: nothing to delete.
            guard yaml_parser_parse(parser, event) != 0 else {
                throw parserError(parser.pointee, input: input)
            }
            defer { yaml_event_delete(event) }
            if try handle(event.pointee) {
                return root ?? YAMLNode(.scalar("", style: .plain), location: location(line: 1, column: 1))
            }
        }
    }

    /// Takes one event; true at the end of the stream.
    mutating func handle(_ event: yaml_event_t) throws(YAMLError) -> Bool {
        let start = location(event.start_mark)
        switch event.type {
        case YAML_STREAM_START_EVENT, YAML_DOCUMENT_END_EVENT:
            return false
        case YAML_STREAM_END_EVENT:
            return true
        case YAML_DOCUMENT_START_EVENT:
            documents += 1
            if documents > 1 {
                throw YAMLError(
                    location: start, message: "a second document starts here; a file holds exactly one document")
            }
            return false

        case YAML_SCALAR_EVENT:
            let s = event.data.scalar
            let text = String(decoding: UnsafeBufferPointer(start: s.value, count: s.length), as: UTF8.self)
            let style: ScalarStyle =
                switch s.style {
                case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
                case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
                case YAML_LITERAL_SCALAR_STYLE: .literal
                case YAML_FOLDED_SCALAR_STYLE: .folded
                default: .plain
                }
            try count(nodes: 1, bytes: s.length, at: start, alias: nil)
            let node = YAMLNode(.scalar(text, style: style), location: start, tag: tag(s.tag))
            if let anchor = string(s.anchor) {
                anchors[anchor] = Anchored(node: node, nodes: 1, bytes: s.length, height: 0)
            }
            try attach(node, height: 0)

        case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
            let isMapping = event.type == YAML_MAPPING_START_EVENT
            try checkNotAKey(isMapping ? "a mapping" : "a sequence", at: start)
            if stack.count >= limits.maxDepth {
                throw YAMLError(
                    location: start, message: "collections are nested more than \(limits.maxDepth) levels deep",
                    isLimit: true)
            }
            let (rawTag, rawAnchor) =
                isMapping
                ? (event.data.mapping_start.tag, event.data.mapping_start.anchor)
                : (event.data.sequence_start.tag, event.data.sequence_start.anchor)
            let frame = Frame(
                isMapping: isMapping, location: start, tag: tag(rawTag), anchor: string(rawAnchor),
                nodesBefore: nodes, bytesBefore: bytes)
            try count(nodes: 1, bytes: 0, at: start, alias: nil)
            stack.append(frame)

        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            let frame = stack.removeLast()
            let node = YAMLNode(
                frame.isMapping ? .mapping(frame.pairs) : .sequence(frame.items), location: frame.location,
                tag: frame.tag)
            if let anchor = frame.anchor {
                anchors[anchor] = Anchored(
                    node: node, nodes: nodes - frame.nodesBefore, bytes: bytes - frame.bytesBefore,
                    height: frame.height)
            }
            try attach(node, height: frame.height)

        case YAML_ALIAS_EVENT:
            let name = string(event.data.alias.anchor) ?? ""
            if stack.contains(where: { $0.anchor == name }) {
                throw YAMLError(location: start, message: "alias *\(name) refers to a collection that contains it")
            }
            guard let anchored = anchors[name] else {
                throw YAMLError(location: start, message: "unknown alias *\(name): no anchor &\(name) comes before it")
            }
            if anchored.height > 0 {
                try checkNotAKey(anchored.node.kindDescription, at: start)
            }
            if stack.count + anchored.height > limits.maxDepth {
                throw YAMLError(
                    location: start,
                    message: "alias *\(name) nests collections more than \(limits.maxDepth) levels deep", isLimit: true)
            }
            try count(nodes: anchored.nodes, bytes: anchored.bytes, at: start, alias: name)
            try attach(anchored.node, height: anchored.height)

        default:
            return false
        }
        return false
    }

    /// Adds a finished node to the open collection, or makes it the root.
    mutating func attach(_ node: YAMLNode, height: Int) throws(YAMLError) {
        guard !stack.isEmpty else {
            root = node
            return
        }
        let top = stack.count - 1
        if height >= stack[top].height { stack[top].height = height + 1 }
        guard stack[top].isMapping else {
            stack[top].items.append(node)
            return
        }
        if let key = stack[top].pendingKey {
            stack[top].pairs.append(YAMLNode.Pair(key: key, value: node))
            stack[top].pendingKey = nil
            return
        }
        // A new key; `checkNotAKey` already turned collections away.
        let text = node.scalar ?? ""
        if (node.tag == nil && node.isPlainScalar && text == "<<") || node.tag == "!!merge" {
            throw YAMLError(
                location: node.location, message: "merge keys are not supported (quote \"<<\" to use it as a plain key)")
        }
        if let first = stack[top].keys[text] {
            throw YAMLError(
                location: node.location,
                message: "duplicate key \(Self.quoted(text)) (first defined at \(first.line):\(first.column))")
        }
        stack[top].keys[text] = node.location
        stack[top].pendingKey = node
    }

    /// Rejects a collection where a mapping expects a key.
    func checkNotAKey(_ what: String, at location: SourceLocation) throws(YAMLError) {
        if let top = stack.last, top.isMapping, top.pendingKey == nil {
            throw YAMLError(
                location: location, message: "a mapping key must be a scalar, not \(what) (complex keys are not supported)")
        }
    }

    /// Adds a node's expanded size to the totals, failing past a limit.
    mutating func count(nodes n: Int, bytes b: Int, at location: SourceLocation, alias: String?) throws(YAMLError) {
        if n > limits.maxNodes - nodes {
            throw YAMLError(
                location: location,
                message: alias.map {
                    "alias *\($0) expands the document beyond the limit of \(limits.maxNodes) nodes "
                        + "(every alias counts as a copy of its anchored node)"
                } ?? "the document has more than the limit of \(limits.maxNodes) nodes",
                isLimit: true)
        }
        if b > limits.maxTotalScalarBytes - bytes {
            throw YAMLError(
                location: location,
                message: alias.map {
                    "alias *\($0) expands the document beyond the limit of \(limits.maxTotalScalarBytes) bytes "
                        + "of scalar text (every alias counts as a copy of its anchored node)"
                } ?? "the document has more than the limit of \(limits.maxTotalScalarBytes) bytes of scalar text",
                isLimit: true)
        }
        nodes += n
        bytes += b
    }

    // MARK: Conversions

    func location(line: Int, column: Int) -> SourceLocation {
        SourceLocation(file: file, line: line, column: column)
    }

    /// libyaml's marks are 0-based.
    func location(_ mark: yaml_mark_t) -> SourceLocation {
        location(line: Int(mark.line) + 1, column: Int(mark.column) + 1)
    }

    func string(_ p: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        p.map { String(cString: UnsafePointer($0)) }
    }

    /// A tag in its short form when it is one of YAML's own.
    func tag(_ p: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let full = string(p) else { return nil }
        let core = "tag:yaml.org,2002:"
        return full.hasPrefix(core) ? "!!" + full.dropFirst(core.utf8.count) : full
    }

    /// A key for a message: quoted and escaped, and cut short if long.
    static func quoted(_ text: String) -> String {
        let cut = text.unicodeScalars.count > 60 ? String(text.unicodeScalars.prefix(60)) + "..." : text
        return cut.debugDescription
    }

    // MARK: Errors from libyaml

    func parserError(_ parser: yaml_parser_t, input: UnsafeBufferPointer<UInt8>) -> YAMLError {
        let problem = parser.problem.map { String(cString: $0) } ?? "unknown error"
        switch parser.error {
        case YAML_MEMORY_ERROR:
            return YAMLError(location: location(line: 1, column: 1), message: "out of memory while parsing")
        case YAML_READER_ERROR:
            // Reader errors come with a byte offset, not a mark.
            var message = problem
            let value = Int(parser.problem_value)
            if value >= 0 {
                message += problem.contains("octet") ? " 0x" + hex(value, digits: 2) : " (U+\(hex(value, digits: 4)))"
            }
            if problem.contains("UTF-8") || problem.contains("Unicode") {
                message += "; the file must be valid UTF-8"
            }
            return YAMLError(location: location(ofByte: Int(parser.problem_offset), in: input), message: message)
        default:
            var message = problem
            if let context = parser.context {
                let at = location(parser.context_mark)
                message += " (\(String(cString: context)) at \(at.line):\(at.column))"
            }
            return YAMLError(location: location(parser.problem_mark), message: message)
        }
    }

    func hex(_ value: Int, digits: Int) -> String {
        let s = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - s.count)) + s
    }

    /// The line and column of a byte offset, counted the way libyaml counts
    /// its marks: one column per character, the byte order mark not counted,
    /// and CR LF, CR, LF, NEL, LS and PS each ending a line.
    func location(ofByte offset: Int, in input: UnsafeBufferPointer<UInt8>) -> SourceLocation {
        var line = 1
        var column = 1
        var i = input.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        let end = min(offset, input.count)
        func at(_ k: Int) -> UInt8 { k < input.count ? input[k] : 0 }
        while i < end {
            let b = input[i]
            var breakWidth = 0
            if b == 0x0A {
                breakWidth = 1
            } else if b == 0x0D {
                breakWidth = at(i + 1) == 0x0A ? 2 : 1
            } else if b == 0xC2 && at(i + 1) == 0x85 {
                breakWidth = 2
            } else if b == 0xE2 && at(i + 1) == 0x80 && (at(i + 2) == 0xA8 || at(i + 2) == 0xA9) {
                breakWidth = 3
            }
            if breakWidth > 0 {
                line += 1
                column = 1
                i += breakWidth
            } else {
                if b & 0xC0 != 0x80 { column += 1 }
                i += 1
            }
        }
        return location(line: line, column: column)
    }
}
