import HTTPTypes
import Hummingbird

/// The methods each route path answers, for telling "no such path" (404)
/// from "not with this method" (405, with `Allow`).
///
/// Hummingbird's router answers both with 404: its trie finds the path,
/// but a method it has no handler for falls through to the same not-found
/// responder as an unknown path. RFC 9110 §15.5.6 says 405 with an `Allow`
/// header, and clients and tools (schemathesis checks it) rely on that, so
/// the error middleware asks this table before it reports a 404.
final class AllowedMethods: Sendable {
    private let routes: Locked<[(segments: [Substring], methods: [String])]> = Locked([])

    /// Records the router's routes; called once they are all added.
    func load(_ routes: [(method: String, path: String)]) {
        var table = [String: [String]]()
        var order = [String]()
        for r in routes {
            if table[r.path] == nil { order.append(r.path) }
            table[r.path, default: []].append(r.method)
        }
        self.routes.withLock { rows in
            rows = order.map { (Self.segments($0), table[$0]!.sorted()) }
        }
    }

    /// The methods `path` answers to, or nil when no route has that path.
    func methods(for path: String) -> [String]? {
        let wanted = Self.segments(path)
        let rows = routes.current
        var found: [String]?
        for row in rows where row.segments.count == wanted.count {
            let matches = zip(row.segments, wanted).allSatisfy { pattern, segment in
                pattern.first == "{" && pattern.last == "}" ? !segment.isEmpty : pattern == segment
            }
            if matches { found = (found ?? []) + row.methods }
        }
        return found.map { Array(Set($0)).sorted() }
    }

    static func segments(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true)
    }
}
