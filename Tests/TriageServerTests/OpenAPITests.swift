import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TriageYAML
@testable import TriageServer

/// Keeps `/openapi.yaml` true to the server: the same paths and methods as
/// the router, the same status codes per operation as the status-code
/// table exercises, and every `$ref` pointing at something.
@Suite struct OpenAPITests {
    static let methods = ["get", "put", "post", "delete", "patch", "head", "options", "trace"]

    static func document() throws -> YAMLNode {
        try YAMLDocument.parse(OpenAPIDocument.yaml, file: "openapi.yaml")
    }

    /// "METHOD /path" → status codes, from the document.
    static func operations() throws -> [String: Set<Int>] {
        var out = [String: Set<Int>]()
        for path in try document()["paths"]?.mapping ?? [] {
            for op in path.value.mapping ?? [] where methods.contains(op.key.scalar ?? "") {
                let statuses = (op.value["responses"]?.mapping ?? []).compactMap { Int($0.key.scalar ?? "") }
                out["\(op.key.scalar!.uppercased()) \(path.key.scalar!)"] = Set(statuses)
            }
        }
        return out
    }

    @Test func documentAndRouterHaveTheSameOperations() async throws {
        let server = try await TestServer.make()
        defer { server.remove() }
        let routes = Set(buildRouter(dependencies: server.deps).routes.map { "\($0.method.rawValue) \($0.path)" })
        let documented = Set(try Self.operations().keys)
        #expect(routes.count == 8)
        #expect(documented.subtracting(routes).isEmpty, "documented but not routed: \(documented.subtracting(routes))")
        #expect(routes.subtracting(documented).isEmpty, "routed but not documented: \(routes.subtracting(documented))")
    }

    @Test func documentedStatusesAreTheOnesTheTestsProduce() throws {
        let documented = try Self.operations()
        var tested = [String: Set<Int>]()
        for c in statusCases { tested[c.operation, default: []].insert(c.status) }
        for (operation, statuses) in documented {
            #expect(tested[operation] == statuses, "\(operation): documented \(statuses.sorted()), tested \((tested[operation] ?? []).sorted())")
        }
        #expect(Set(tested.keys) == Set(documented.keys))
    }

    @Test func everyReferenceResolves() throws {
        let doc = try Self.document()
        var refs = [String]()
        func walk(_ node: YAMLNode) {
            if let pairs = node.mapping {
                for p in pairs {
                    if p.key.scalar == "$ref", let r = p.value.scalar { refs.append(r) }
                    walk(p.value)
                }
            } else if let items = node.sequence {
                items.forEach(walk)
            }
        }
        walk(doc)
        #expect(refs.count > 20)
        for ref in Set(refs) {
            let parts = ref.split(separator: "/").map(String.init)
            #expect(parts.first == "#", "\(ref)")
            var node: YAMLNode? = doc
            for key in parts.dropFirst() { node = node?[key] }
            #expect(node != nil, "\(ref) does not resolve")
        }
        #expect(doc["openapi"]?.scalar == "3.1.0")
        // Every operation has an id, a summary and a 2xx.
        for path in doc["paths"]?.mapping ?? [] {
            for op in path.value.mapping ?? [] where Self.methods.contains(op.key.scalar ?? "") {
                #expect(op.value["operationId"]?.scalar != nil)
                #expect(op.value["summary"]?.scalar != nil)
                #expect((op.value["responses"]?.mapping ?? []).contains { $0.key.scalar?.hasPrefix("2") == true })
            }
        }
    }

    /// The contract's field names are in the schemas, spelled exactly.
    @Test(arguments: [
        ("IncidentCreated", ["incidentId", "title", "severity", "status", "source", "investigationsRemaining", "eventsRemaining"]),
        ("Triage", ["triageId", "incidentId", "status", "classifiedSeverity", "assignedAgents", "startedAt"]),
        ("CreateIncidentRequest", ["title", "description"]),
        ("StartTriageRequest", ["priority", "context"]),
    ])
    func contractFieldsAreDocumented(schema: String, fields: [String]) throws {
        let properties = try Self.document()["components"]?["schemas"]?[schema]?["properties"]?.mapping ?? []
        let names = properties.compactMap(\.key.scalar)
        for f in fields { #expect(names.contains(f), "\(schema).\(f)") }
    }

    @Test func servedAsYAML() async throws {
        let server = try await TestServer.make()
        defer { server.remove() }
        try await server.app().test(.router) { client in
            let r = try await client.get("/openapi.yaml")
            #expect(r.status == .ok)
            #expect(r.headers[.contentType]?.hasPrefix("application/yaml") == true)
            #expect(r.text == OpenAPIDocument.yaml)
        }
    }
}
