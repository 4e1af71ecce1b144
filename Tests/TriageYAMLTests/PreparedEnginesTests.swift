import Testing
import TriageCore
import TriageRegex
import TriageYAML

/// Regex machine code is generated on a regex's first search, or all at once
/// by `prepareEngines` (which a server runs in the background). Neither may
/// change a result: the shipped pack classifies every corpus incident the
/// same before and after, and the same as a pack prepared up front, also
/// while another thread prepares it mid-scan.
@Suite struct PreparedEnginesTests {
    static func verdicts(_ pack: CompiledPack, _ rows: [ShippedPackCorpusTests.Row]) -> [Verdict] {
        let scratch = pack.makeScratch()
        return rows.map { pack.classify($0.incident, scratch: scratch, options: ClassifyOptions(evidence: true)) }
    }

    @Test func preparingEnginesChangesNoVerdict() throws {
        let path = ShippedPackCorpusTests.root.appendingPathComponent("rules").path
        let rows = try ShippedPackCorpusTests.loadRows()
        #expect(rows.count > 500)

        let lazy = try PackLoader.compile(path: path, backend: PCRE2Backend())
        let first = Self.verdicts(lazy, rows)
        lazy.prepareEngines()
        let again = Self.verdicts(lazy, rows)

        let eager = try PackLoader.compile(path: path, backend: PCRE2Backend())
        eager.prepareEngines()
        let prepared = Self.verdicts(eager, rows)

        // Prepared on another thread while two threads scan.
        let racing = try PackLoader.compile(path: path, backend: PCRE2Backend())
        let concurrent = concurrentMap(3) { k -> [Verdict] in
            if k == 2 {
                racing.prepareEngines()
                return []
            }
            return Self.verdicts(racing, rows)
        }

        for (k, row) in rows.enumerated() {
            #expect(again[k] == first[k], "\(row.incident.id)")
            #expect(prepared[k] == first[k], "\(row.incident.id)")
            #expect(concurrent[0][k] == first[k] && concurrent[1][k] == first[k], "\(row.incident.id)")
        }
        #expect(first.filter { !$0.rules.isEmpty }.count > rows.count / 2)
    }
}
