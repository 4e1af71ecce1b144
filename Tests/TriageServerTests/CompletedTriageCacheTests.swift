import Testing
@testable import TriageServer

@Suite struct CompletedTriageCacheTests {
    /// At most two generations are kept, and what is used survives a turnover.
    @Test func keepsWhatIsUsedWithinTwoGenerations() {
        let cache = CompletedTriageCache(capacity: 3)
        func keep(_ id: String) { cache.keep(Array(id.utf8), organization: "o", incidentID: id) }
        func has(_ id: String) -> Bool { cache.body(organization: "o", incidentID: id) == Array(id.utf8) }
        for id in ["a", "b", "c"] { keep(id) }
        #expect(cache.count == 3)
        keep("d")  // a, b, c become old
        #expect(has("a"))  // and a comes back young, beside d
        keep("e")  // young: d, a, e
        keep("f")  // turnover: old = d, a, e; b and c are gone
        #expect(!has("b") && !has("c"))
        #expect(has("d") && has("a") && has("e") && has("f"))
        #expect(cache.count <= 6)
        #expect(cache.body(organization: "other", incidentID: "a") == nil)
    }
}
