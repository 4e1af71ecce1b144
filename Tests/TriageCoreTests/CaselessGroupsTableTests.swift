import Testing

@testable import TriageCore

/// `CaselessMatching.groupTable` is the written-out result of
/// `computeGroups()`. When a Swift release brings new Unicode data, this
/// fails and prints the table to paste into `CaselessGroups.swift`.
@Suite struct CaselessGroupsTableTests {
    @Test func tableMatchesTheStandardLibrarysUnicodeData() {
        let computed = CaselessMatching.computeGroups()
        var written: [[UInt32]] = []
        var group: [UInt32] = []
        for v in CaselessMatching.groupTable {
            if v == 0 {
                written.append(group)
                group = []
            } else {
                group.append(v)
            }
        }
        #expect(group.isEmpty, "the table must end with a 0")
        let regenerated = computed.map { g in
            "        " + g.map { "0x" + String($0, radix: 16, uppercase: true).leftPadded(to: 4) }.joined(separator: ", ")
                + ", 0,"
        }.joined(separator: "\n")
        #expect(written == computed, "regenerate CaselessGroups.swift's table:\n\(regenerated)")
    }

    /// Rows PCRE2's caseless sets are known to hold, beyond plain upper and
    /// lower case pairs.
    @Test(arguments: [
        ("k", [0x4B, 0x6B, 0x212A]),  // the Kelvin sign
        ("s", [0x53, 0x73, 0x17F]),  // long s
        ("µ", [0xB5, 0x39C, 0x3BC]),  // micro sign, Greek mu
        ("é", [0xC9, 0xE9]),
        ("ß", [0xDF, 0x1E9E]),
        ("ΐ", [0x390, 0x1FD3]),  // equivalent since Unicode 15
    ])
    func knownGroups(_ char: String, _ members: [UInt32]) {
        let c = char.unicodeScalars.first!
        let group = c.isASCII ? CaselessMatching.groups[members.last!] : CaselessMatching.groups[c.value]
        #expect(group == members)
    }

    @Test func groupsMapEveryNonASCIIMemberAndNoASCIIOne() {
        for (v, group) in CaselessMatching.groups {
            #expect(v >= 0x80)
            #expect(group.contains(v))
            #expect(group == group.sorted())
        }
        #expect(CaselessMatching.groups[0x6B] == nil)
    }
}

extension String {
    fileprivate func leftPadded(to n: Int) -> String {
        count >= n ? self : String(repeating: "0", count: n - count) + self
    }
}

extension CaselessMatching {
    /// The groups, derived from the standard library's Unicode data: the
    /// connected components, with at least one non-ASCII member, of the graph
    /// linking each cased character to its single-scalar lower, upper and
    /// title case mappings, members ascending, ordered by first member.
    /// `groupTable` is this, written out. (Here, not in the library: only
    /// this test needs it.)
    static func computeGroups() -> [[UInt32]] {
        var parent: [UInt32: UInt32] = [:]
        func find(_ x: UInt32) -> UInt32 {
            var x = x
            while let p = parent[x], p != x {
                parent[x] = parent[p]
                x = p
            }
            return x
        }
        func link(_ a: UInt32, _ b: UInt32) {
            if parent[a] == nil { parent[a] = a }
            if parent[b] == nil { parent[b] = b }
            let ra = find(a)
            let rb = find(b)
            if ra != rb { parent[ra] = rb }
        }
        func single(_ s: String) -> UInt32? {
            var it = s.unicodeScalars.makeIterator()
            guard let first = it.next(), it.next() == nil else { return nil }
            return first.value
        }
        for v in UInt32(0x41)...0x1FFFF {
            guard let s = Unicode.Scalar(v) else { continue }
            let p = s.properties
            guard p.changesWhenCaseMapped else { continue }
            for m in [p.lowercaseMapping, p.uppercaseMapping, p.titlecaseMapping] {
                if let t = single(m), t != v { link(v, t) }
            }
        }
        for (a, b): (UInt32, UInt32) in [(0x0390, 0x1FD3), (0x03B0, 0x1FE3), (0xFB05, 0xFB06)] { link(a, b) }
        var members: [UInt32: [UInt32]] = [:]
        for v in parent.keys { members[find(v), default: []].append(v) }
        return members.values.filter { $0.count > 1 && $0.contains { $0 >= 0x80 } }.map { $0.sorted() }
            .sorted { $0[0] < $1[0] }
    }
}
