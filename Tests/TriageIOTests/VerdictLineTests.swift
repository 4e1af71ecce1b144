import Testing
import TriageCore
@testable import TriageIO

/// The fast verdict-line writer must produce exactly the bytes of the general
/// JSON writer, for every id, score and set of rules and agents.
@Suite struct VerdictLineTests {
    /// A backend for packs without regexes.
    struct NoRegexes: RegexBackend {
        var name: String { "none" }
        func compile(_ pattern: String, options: RegexCompileOptions) throws(RegexCompileFailure) -> CompiledRegex {
            throw RegexCompileFailure(message: "no regexes here", offset: 0)
        }
        func makeScratch(limits: MatchLimits) -> RegexScratch { Scratch() }
        final class Scratch: RegexScratch {}
    }

    static let pack: CompiledPack = {
        let scores: [Double] = [1, 2.5, -0.25, 0, 1e-7, 3e20, 7]
        let rules = scores.enumerated().map { i, s in
            Rule(id: "r\(i).x-y:z", condition: .pattern(.keyword("w\(i)"), fields: nil), score: s,
                 agents: [AgentWeight(agent: i % 2 == 0 ? "data\"base" : "net\\work", weight: 1)])
        }
        return try! PackCompiler(backend: NoRegexes()).compile(
            RulePack(metadata: PackMetadata(name: "p", version: "1"), agents: [AgentDefinition(id: "data\"base"), AgentDefinition(id: "net\\work")],
                     rules: rules))
    }()

    static let ids = ["INC-1", "", "quote\"back\\slash", "tab\tnew\nline\r", "ctl\u{1}\u{1F}", "zoë 田中 →", "\u{7F}del"]
    static let texts = ["w0", "w1 w2", "w3 w4 w5 w6", "nothing", "w0 w1 w2 w3 w4 w5 w6", "w5 w6"]

    @Test(arguments: ids)
    func sameBytesAsTheGeneralWriter(id: String) {
        let names = VerdictNames(pack: Self.pack)
        let scratch = Self.pack.makeScratch()
        for text in Self.texts {
            let v = Self.pack.classify(Incident(title: "", description: text), scratch: scratch)
            var w = JSONWriter()
            var idCopy = id
            idCopy.withUTF8 { w.verdict(id: $0, v, pack: Self.pack, evidence: false) }
            w.newline()
            let fast = ByteBuffer()
            idCopy.withUTF8 { fast.appendVerdictLine(id: $0, v, pack: Self.pack, names: names, evidence: false) }
            #expect(fast.string == String(decoding: w.bytes, as: UTF8.self), "\(text)")
        }
    }

    /// Lines written from a summary are the same bytes as lines written from
    /// the verdict of the same scan.
    @Test(arguments: ids)
    func summaryLinesMatchVerdictLines(id: String) {
        let names = VerdictNames(pack: Self.pack)
        let scratch = Self.pack.makeScratch()
        for text in Self.texts {
            let v = Self.pack.classify(Incident(title: "", description: text), scratch: scratch)
            var idCopy = id
            let fromVerdict = ByteBuffer()
            idCopy.withUTF8 { fromVerdict.appendVerdictLine(id: $0, v, pack: Self.pack, names: names, evidence: false) }
            let fromSummary = ByteBuffer()
            var title = ""
            var description = text
            title.withUTF8 { t in
                description.withUTF8 { d in
                    let summary = Self.pack.classifySummary(IncidentText(title: t, description: d, context: nil), scratch: scratch)
                    idCopy.withUTF8 { fromSummary.appendVerdictLine(id: $0, summary, names: names) }
                }
            }
            #expect(fromSummary.string == fromVerdict.string, "\(text)")
        }
    }
}
