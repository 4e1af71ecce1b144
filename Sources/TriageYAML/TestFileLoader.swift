import Foundation
import TriageCore

/// Loads test files: YAML with a `tests:` list of incidents and what the
/// pack should make of them.
///
/// ```yaml
/// tests:
///   - name: checkout-503
///     title: Checkout returning 503 for EU customers
///     description: All payment attempts fail with HTTP 503.
///     context: optional notes
///     expect:
///       severity: high
///       agents: [payments, network]
///       rules_fired: [impact.errors]
///       rules_not_fired: [state.resolved]
/// ```
///
/// Errors carry `file:line:col` and the same codes as pack errors.
public enum TestFileLoader {
    /// Reads every file (a directory: its `*.yaml`/`*.yml` files, recursively,
    /// in name order). Returns the cases with their file, and every problem.
    public static func load(paths: [String]) -> (cases: [PackTestCase], errors: [PackError]) {
        var cases = [PackTestCase]()
        var errors = [PackError]()
        for path in paths {
            for file in files(at: path, errors: &errors) {
                guard let data = FileManager.default.contents(atPath: file) else {
                    errors.append(PackError(.io, "cannot read \(file)"))
                    continue
                }
                let (c, e) = decode(bytes: [UInt8](data), file: file)
                cases += c
                errors += e
            }
        }
        return (cases, errors.sorted(by: PackError.sourceOrder))
    }

    /// Decodes one test file's text.
    public static func decode(yaml: String, file: String = "<memory>") -> (cases: [PackTestCase], errors: [PackError]) {
        decode(bytes: Array(yaml.utf8), file: file)
    }

    static func decode(bytes: [UInt8], file: String) -> ([PackTestCase], [PackError]) {
        let root: YAMLNode
        do {
            root = try YAMLDocument.parse(bytes, file: file)
        } catch {
            return ([], [PackError(error.isLimit ? .limitExceeded : .yamlSyntax, error.message, at: error.location)])
        }
        var d = TestFileDecoder()
        let cases = d.decodeFile(root)
        return (cases, d.base.errors)
    }

    static func files(at path: String, errors: inout [PackError]) -> [String] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            errors.append(PackError(.io, "no test file at \(path): no such file or directory"))
            return []
        }
        guard isDir.boolValue else { return [path] }
        guard let walker = FileManager.default.enumerator(atPath: path) else {
            errors.append(PackError(.io, "cannot list \(path)"))
            return []
        }
        var out = [String]()
        while let name = walker.nextObject() as? String {
            let last = (name as NSString).lastPathComponent
            if (last.hasSuffix(".yaml") || last.hasSuffix(".yml")) && !last.hasPrefix(".") && !last.hasPrefix("_") {
                out.append((path as NSString).appendingPathComponent(name))
            }
        }
        if out.isEmpty { errors.append(PackError(.io, "\(path) holds no .yaml or .yml files")) }
        return out.sorted()
    }
}

/// Decodes the `tests:` list of a test file with the pack decoder's typed readers.
struct TestFileDecoder {
    var base = PackDecoder()

    static let caseKeys = ["name", "title", "description", "context", "expect"]
    static let expectKeys = ["severity", "agents", "rules_fired", "rules_not_fired"]

    mutating func decodeFile(_ root: YAMLNode) -> [PackTestCase] {
        if root.isNull { return [] }
        guard let top = base.mapping(root, "the top level of a test file", allowed: ["tests"]) else { return [] }
        guard let list = top["tests"] else {
            base.fail(.missingField, "a test file needs a `tests:` list", root)
            return []
        }
        guard let items = base.sequence(list, "tests") else { return [] }
        return items.compactMap { decodeCase($0) }
    }

    mutating func decodeCase(_ node: YAMLNode) -> PackTestCase? {
        // A missing or empty `expect` is reported only when nothing else was
        // (a misspelt `expected:` already says what is wrong).
        let before = base.errors.count
        guard let m = base.mapping(node, "test", allowed: Self.caseKeys) else { return nil }
        guard m["title"] != nil || m["description"] != nil else {
            base.fail(.missingField, "test needs a title or a description", node)
            return nil
        }
        guard let expectNode = m["expect"] else {
            if base.errors.count == before {
                base.fail(.missingField, "test has no `expect` (severity, agents, rules_fired or rules_not_fired)", node)
            }
            return nil
        }
        guard let e = base.mapping(expectNode, "expect", allowed: Self.expectKeys) else { return nil }
        var expect = TestExpectation()
        expect.severity = e["severity"].flatMap { base.severity($0) }
        expect.agents = e["agents"].flatMap { base.stringList($0, "agents") }
        expect.rulesFired = e["rules_fired"].map { references($0, "rules_fired") } ?? []
        expect.rulesNotFired = e["rules_not_fired"].map { references($0, "rules_not_fired") } ?? []
        if expect.isEmpty {
            if base.errors.count == before {
                base.fail(.missingField, "`expect` needs severity, agents, rules_fired or rules_not_fired", expectNode)
            }
            return nil
        }
        let incident = Incident(
            title: m["title"].flatMap { base.string($0, "title") } ?? "",
            description: m["description"].flatMap { base.string($0, "description") } ?? "",
            context: m["context"].flatMap { base.string($0, "context") })
        return PackTestCase(
            name: m["name"].flatMap { base.string($0, "name") }, incident: incident, expect: expect,
            location: node.location)
    }

    mutating func references(_ node: YAMLNode, _ what: String) -> [RuleReference] {
        let items = node.sequence ?? [node]
        return items.compactMap { item in base.string(item, "rule id in \(what)").map { RuleReference($0, location: item.location) } }
    }
}
