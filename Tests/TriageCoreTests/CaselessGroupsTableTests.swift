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
